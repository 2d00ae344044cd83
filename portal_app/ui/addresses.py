"""/mon-espace/adresses: the member's homes and schools (« Ajouter une adresse », « Modifier », « Supprimer »).

The rules (postcode and commune, the deletion guard for trips to come) live in domain.addresses; this
state reads the form, calls one domain function through the road and shows the answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import reflex as rx

from portal_app.domain import addresses, postcodes
from portal_app.domain.addresses import AddressInput, AddressView
from portal_app.domain.errors import NotFound
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.forms import text
from portal_app.ui.member import member_nav
from portal_app.ui.session_state import SessionState

FIELDS = ["label", "kind", "street_number", "street", "postcode", "city", "complement"]
LABEL_HINT = (
    "L'intitulé vous permet d'identifier l'adresse lors de la planification des trajets (par exemple « Maison » "
    "ou « École Jules Ferry ») : il ne sert pas à renseigner l'adresse."
)
ADDRESS_HINT = (
    "Indiquez l'adresse complète : elle sera transmise au transporteur afin de pouvoir emmener votre enfant de "
    "votre domicile à son établissement scolaire."
)
INTRO = (
    "Vous pouvez ajouter plusieurs domiciles auxquels nous récupérons ou emmenons votre enfant, et plusieurs "
    "écoles primaires, collèges ou lycées."
)
ROW_BUTTON_CLASS = ui.SECONDARY_BUTTON_CLASS.replace("w-full ", "")
ADDED = "L'adresse est ajoutée."
DELETED = "L'adresse est supprimée."
GONE = "Cette adresse n'existe plus : la liste a été mise à jour."
EMPTY = "Vous n'avez pas encore d'adresse : ajoutez votre domicile et l'établissement scolaire de votre enfant."
EMPTY_FORM = AddressInput(label="", kind="", street_number="", street="", postcode="", city="")


def _address_id(value) -> int:
    return value if isinstance(value, int) else 0


def _focus(element_id: str) -> rx.event.EventSpec:
    return rx.call_script(f"document.getElementById({json.dumps(element_id)})?.focus()")


@dataclass(frozen=True)
class DeleteRefusal:
    """Why an address was not deleted, shown under its row: the FAQ's sentence and the trips to come."""

    address_id: int = 0
    message: str = ""
    trips: list[str] = field(default_factory=list)
    more: int = 0


class AddressesState(rx.State):
    loaded: bool = False
    addresses: list[AddressView] = []
    form_open: bool = False
    editing_id: int = 0  # 0: a new address
    form: AddressInput = EMPTY_FORM  # the form's default values (the address being edited)
    form_key: int = 0  # a new key remounts the form, so that its default values apply again
    errors: dict[str, str] = {}
    message: str = ""
    problem: str = ""
    busy: bool = False
    communes: list[str] = []
    postcode_looked_up: str = ""
    confirm_delete_id: int = 0
    refusal: DeleteRefusal = DeleteRefusal()

    async def _reload(self) -> None:
        self.addresses = await road.act(self, addresses.list_addresses)
        (await self.get_state(SessionState))._signed_in("member")
        if self.editing_id and all(a.address_id != self.editing_id for a in self.addresses):
            self._close_form()
        self.loaded = True

    def _close_form(self) -> None:
        self.form_open, self.editing_id, self.form, self.errors = False, 0, EMPTY_FORM, {}
        self.communes, self.postcode_looked_up = [], ""

    def _on_not_found(self, _error: NotFound):
        """The address was deleted meanwhile (another tab) or is not the member's: say so, show the list."""
        self.problem = GONE
        return AddressesState.refresh

    @road.handler()
    async def load(self):
        self.loaded, self.message, self.problem = False, "", ""
        self.confirm_delete_id, self.refusal = 0, DeleteRefusal()
        self._close_form()
        await self._reload()

    @road.handler()
    async def refresh(self):
        await self._reload()

    @rx.event
    def start_adding(self):
        self._close_form()
        self.form_open, self.message, self.problem, self.refusal = True, "", "", DeleteRefusal()
        self.form_key += 1
        return _focus("label")

    @rx.event
    async def start_editing(self, address_id: int):
        """Opens the form filled with one of the listed addresses (the domain checks ownership at saving)."""
        wanted = _address_id(address_id)
        current = next((a for a in self.addresses if a.address_id == wanted), None)
        if current is None:
            return None
        self._close_form()
        self.form_open, self.editing_id, self.message, self.problem = True, wanted, "", ""
        self.refusal = DeleteRefusal()
        self.form = AddressInput(**{name: getattr(current, name) for name in FIELDS})
        self.form_key += 1
        self.communes = list(await road.call(postcodes.communes, current.postcode))
        self.postcode_looked_up = current.postcode
        return _focus("label")

    @rx.event
    def cancel_form(self):
        self._close_form()

    @rx.event
    async def suggest_communes(self, postcode: str):
        """The communes of a typed postcode, proposed for « Ville » (the public table, no personal data)."""
        code = postcodes.normalize_postcode(postcode if isinstance(postcode, str) else "")[:10]
        if len(code) != 5 or not code.isdigit():
            self.communes, self.postcode_looked_up = [], ""
            return None
        names = await road.call(postcodes.communes, code)
        self.communes, self.postcode_looked_up = list(names), code
        if names and "postcode" in self.errors:  # corrected: the old message must not stay beside a good code
            self.errors = {name: text for name, text in self.errors.items() if name != "postcode"}
        if len(names) == 1:
            value = json.dumps(names[0])
            return rx.call_script(
                f"(() => {{ const c = document.getElementById('city'); if (c && !c.value) c.value = {value}; }})()"
            )
        return None

    @road.handler(FIELDS, busy=True)
    async def save(self, form_data: dict):
        self.errors, self.message, self.problem = {}, "", ""
        data = AddressInput(
            label=text(form_data, "label", 100),
            kind=text(form_data, "kind", 30),
            street_number=text(form_data, "street_number", 30),
            street=text(form_data, "street", 200),
            postcode=text(form_data, "postcode", 20),
            city=text(form_data, "city", 120),
            complement=text(form_data, "complement", 200),
        )
        if self.editing_id:
            message = await road.act(self, addresses.update_address, self.editing_id, data)
        else:
            await road.act(self, addresses.add_address, data)
            message = ADDED
        self._close_form()
        self.message = message
        await self._reload()

    @rx.event
    def ask_delete(self, address_id: int):
        self.confirm_delete_id = _address_id(address_id)
        self.refusal, self.message, self.problem = DeleteRefusal(), "", ""

    @rx.event
    def keep_address(self):
        self.confirm_delete_id = 0

    @road.handler()
    async def delete(self, address_id: int):
        wanted = _address_id(address_id)
        self.confirm_delete_id, self.refusal, self.message, self.problem = 0, DeleteRefusal(), "", ""
        try:
            await road.act(self, addresses.delete_address, wanted)
        except addresses.AddressInUse as refusal:
            self.refusal = DeleteRefusal(wanted, addresses.DELETE_REFUSED, refusal.trips, refusal.more)
            return _focus(f"refus-suppression-{wanted}")
        if self.editing_id == wanted:
            self._close_form()
        self.message = DELETED
        await self._reload()
        return None


def refusal_notice(address_id: rx.Var) -> rx.Component:
    """Under the row whose deletion was refused: the FAQ's sentence, the trips to come, where to see them."""
    refusal = AddressesState.refusal
    return rx.el.div(
        rx.el.p(refusal.message),
        rx.cond(
            refusal.trips.length() > 0,
            rx.fragment(
                rx.el.p("Trajets concernés :", class_name="mt-2 font-semibold"),
                rx.el.ul(rx.foreach(refusal.trips, lambda t: rx.el.li(t)), class_name="list-disc pl-6"),
                rx.cond(
                    refusal.more > 0,
                    rx.el.p("et ", refusal.more, rx.cond(refusal.more > 1, " autres trajets.", " autre trajet.")),
                ),
            ),
        ),
        rx.el.p(ui.link("Voir mes trajets", "/mon-espace/trajets"), class_name="mt-2"),
        id="refus-suppression-" + address_id.to(str),
        tab_index=-1,
        role="alert",
        class_name="mt-3 rounded-md border-l-4 border-red-700 bg-red-50 p-4 text-red-900",
    )


def address_item(a: AddressView) -> rx.Component:
    address_id = a.address_id
    return rx.el.li(
        rx.el.h3(a.label, class_name="text-lg font-semibold"),
        rx.el.p(a.kind_label, class_name="text-slate-700"),
        rx.el.p(a.one_line, class_name="mb-3 break-words"),
        rx.cond(
            AddressesState.confirm_delete_id == address_id,
            ui.confirm_box(
                "Supprimer l'adresse « " + a.label.to(str) + " » ?",
                "Confirmer la suppression",
                AddressesState.delete(address_id),
                "Ne pas supprimer",
                AddressesState.keep_address,
            ),
            rx.el.div(
                rx.el.button(
                    "Modifier",
                    type="button",
                    on_click=AddressesState.start_editing(address_id),
                    aria_label="Modifier l'adresse " + a.label.to(str),
                    class_name=ROW_BUTTON_CLASS,
                ),
                rx.el.button(
                    "Supprimer",
                    type="button",
                    on_click=AddressesState.ask_delete(address_id),
                    aria_label="Supprimer l'adresse " + a.label.to(str),
                    class_name=ROW_BUTTON_CLASS,
                ),
                class_name="flex flex-wrap gap-3",
            ),
        ),
        rx.cond(AddressesState.refusal.address_id == address_id, refusal_notice(address_id)),
        class_name="border-b border-slate-200 py-4",
    )


def commune_proposal() -> rx.Component:
    """Says which communes the typed postcode has (they are also offered by the « Ville » field)."""
    return rx.el.p(
        rx.cond(
            AddressesState.communes.length() > 0,
            "Communes de ce code postal : " + AddressesState.communes.join(", ") + ".",
            rx.cond(AddressesState.postcode_looked_up != "", "Aucune commune ne correspond à ce code postal.", ""),
        ),
        id="communes-proposees",
        aria_live="polite",
        class_name="-mt-3 mb-5 text-sm text-slate-700",
    )


def address_form() -> rx.Component:
    errors = AddressesState.errors
    values = AddressesState.form
    return rx.el.form(
        rx.el.h2(
            rx.cond(AddressesState.editing_id != 0, "Modifier l'adresse", "Ajouter une adresse"),
            class_name="mb-3 text-xl font-semibold",
        ),
        ui.field("Intitulé", "label", errors, hint=LABEL_HINT, default_value=values.label, max_length=60),
        ui.select_field(
            "Type d'adresse",
            "kind",
            errors,
            list(addresses.KINDS.items()),
            placeholder="Choisissez le type",
            default_value=values.kind,
        ),
        rx.el.p(ADDRESS_HINT, class_name="mb-4 text-sm text-slate-700"),
        ui.field(
            "Numéro",
            "street_number",
            errors,
            autocomplete="off",
            default_value=values.street_number,
            max_length=10,
        ),
        ui.field("Rue", "street", errors, autocomplete="address-line1", default_value=values.street),
        ui.field(
            "Code postal",
            "postcode",
            errors,
            autocomplete="postal-code",
            default_value=values.postcode,
            input_mode="numeric",
            max_length=5,
            on_change=AddressesState.suggest_communes.debounce(250),
        ),
        commune_proposal(),
        ui.field(
            "Ville",
            "city",
            errors,
            autocomplete="address-level2",
            default_value=values.city,
            list="communes-ville",
        ),
        rx.el.datalist(
            rx.foreach(AddressesState.communes, lambda name: rx.el.option(value=name)),
            id="communes-ville",
        ),
        ui.field(
            "Complément d'adresse (facultatif)",
            "complement",
            errors,
            autocomplete="address-line2",
            hint="Bâtiment, escalier, digicode…",
            default_value=values.complement,
            required=False,
        ),
        rx.el.div(
            ui.submit_button("Enregistrer l'adresse", AddressesState.busy),
            rx.el.button(
                "Annuler", type="button", on_click=AddressesState.cancel_form, class_name=ui.SECONDARY_BUTTON_CLASS
            ),
            class_name="flex flex-col gap-3 sm:flex-row",
        ),
        key=AddressesState.form_key,
        id="form-adresse",
        on_submit=AddressesState.save,
        no_validate=True,
        class_name="mb-8 max-w-md rounded-md border border-slate-300 p-4",
    )


def addresses_page() -> rx.Component:
    return ui.page(
        "Mes adresses",
        rx.cond(
            AddressesState.loaded,
            rx.fragment(
                member_nav(),
                rx.cond(AddressesState.message != "", ui.notice(AddressesState.message, "success")),
                rx.cond(AddressesState.problem != "", ui.notice(AddressesState.problem, "error")),
                rx.el.p(INTRO, class_name="mb-4"),
                rx.cond(
                    AddressesState.form_open,
                    address_form(),
                    rx.el.button(
                        "Ajouter une adresse",
                        type="button",
                        on_click=AddressesState.start_adding,
                        class_name=ui.PRIMARY_BUTTON_CLASS + " mb-6",
                    ),
                ),
                rx.el.section(
                    rx.el.h2("Mes adresses enregistrées", class_name="mb-3 text-xl font-semibold"),
                    rx.cond(
                        AddressesState.addresses.length() > 0,
                        rx.el.ul(rx.foreach(AddressesState.addresses, address_item), aria_label="Mes adresses"),
                        rx.el.p(EMPTY),
                    ),
                ),
            ),
            ui.loading(),
        ),
    )
