"""The state of /conseiller/contrat?id=…: a member's whole file (contract, beneficiaries, account, what they did:
domain.member_overview) and its assistance files, with the adviser's actions on them. Every read is audited by
the domain; every action goes by the road. `&tout=1` lists every trip and claim instead of the last few."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import advisers, assistance_files, clock, member_overview
from portal_app.domain.errors import NotFound
from portal_app.ui import road
from portal_app.ui.adviser.nav import signed_in_adviser
from portal_app.ui.forms import checked, focus_first_shown_error, text

FILE_OPENED_TEXT = "Le dossier d'assistance est ouvert."
ENTITLEMENT_SAVED_TEXT = "Le droit est modifié."
FILE_CLOSED_TEXT = "Le dossier est clos."
RESET_OPEN_FILE_FORM = "document.getElementById('form-dossier')?.reset()"


def _contract_id(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 12 else 0


class AdviserContractState(rx.State):
    loaded: bool = False
    problem: str = ""
    member: advisers.MemberFile | None = None
    activity: member_overview.MemberActivity = member_overview.MemberActivity()
    contract_id: int = 0
    beneficiary_choices: list[assistance_files.BeneficiaryChoice] = []
    services: list[assistance_files.OfferedService] = []
    files: list[assistance_files.AssistanceFileView] = []
    errors: dict[str, str] = {}
    message: str = ""
    editing_entitlement: int = 0
    today: str = ""
    _contract_id: int = 0
    _show_all: bool = False

    async def _reload(self) -> None:
        contract_id = self._contract_id
        whole = await road.act(self, member_overview.whole_file, contract_id, self._show_all)
        self.member, self.activity, self.contract_id = whole.member, whole.activity, whole.member.contract_id
        self.files = await road.act(self, assistance_files.files_for_adviser, contract_id)
        self.services = await road.act(self, assistance_files.services_for_contract, contract_id)
        self.beneficiary_choices = await road.act(self, assistance_files.beneficiary_choices, contract_id)
        await signed_in_adviser(self)
        self.loaded = True

    def _on_not_found(self, error: NotFound) -> rx.event.EventSpec | None:
        """No such contract: the page says so. A file or entitlement gone under an action: with the form's errors."""
        if self.loaded and not self.problem:
            self.errors = {"general": error.message}
            return focus_first_shown_error()
        self.problem, self.loaded = error.message, True
        return None

    def _start_action(self) -> None:
        self.errors, self.message = {}, ""

    @road.handler(road.SHOWN_ORDER)
    async def load(self):
        self.loaded, self.problem, self.errors, self.message, self.editing_entitlement = False, "", {}, "", 0
        self.member, self.files, self.services, self.beneficiary_choices = None, [], [], []
        self.activity, self.contract_id = member_overview.MemberActivity(), 0
        self.today = clock.today_in_paris().isoformat()
        self._contract_id = _contract_id(self.router.url.query_parameters.get("id", ""))
        self._show_all = self.router.url.query_parameters.get("tout", "") == "1"
        await self._reload()

    @road.handler(road.SHOWN_ORDER, sends_mail=True)
    async def resend_confirmation(self):
        self._start_action()
        self.message = await road.act(self, advisers.resend_confirmation, self._contract_id)
        await self._reload()

    @road.handler(road.SHOWN_ORDER)
    async def unlock(self):
        self._start_action()
        self.message = await road.act(self, advisers.unlock_account, self._contract_id)
        await self._reload()

    @road.handler(road.SHOWN_ORDER)
    async def open_file(self, form_data: dict):
        self._start_action()
        entitlements = [
            assistance_files.EntitlementInput(
                service=s.code,
                quantity=text(form_data, f"{s.code}_quantity", 30),
                unit=text(form_data, f"{s.code}_unit", 10),
                valid_from=text(form_data, f"{s.code}_valid_from", 10),
                valid_to=text(form_data, f"{s.code}_valid_to", 10),
            )
            for s in self.services
            if checked(form_data, f"{s.code}_grant")  # ticked « Accorder » (its quantity is said by its field)
        ]
        beneficiary = text(form_data, "beneficiary", 12)
        await road.act(
            self,
            assistance_files.open_file,
            self._contract_id,
            int(beneficiary) if beneficiary.isdigit() else 0,
            text(form_data, "event_type", 30),
            text(form_data, "event_date", 10),
            entitlements,
        )
        await self._reload()
        self.message = FILE_OPENED_TEXT
        return rx.call_script(RESET_OPEN_FILE_FORM)

    @rx.event
    def edit_entitlement(self, entitlement_id: int):
        self.editing_entitlement = entitlement_id if isinstance(entitlement_id, int) else 0
        self.errors = {}

    @road.handler(road.SHOWN_ORDER)
    async def save_entitlement(self, form_data: dict):
        self._start_action()
        await road.act(
            self,
            assistance_files.update_entitlement,
            self.editing_entitlement,
            text(form_data, "quantity", 30),
            text(form_data, "valid_from", 10),
            text(form_data, "valid_to", 10),
        )
        await self._reload()
        self.editing_entitlement = 0
        self.message = ENTITLEMENT_SAVED_TEXT

    @road.handler(road.SHOWN_ORDER)
    async def close_file(self, file_id: int):
        self._start_action()
        await road.act(self, assistance_files.close_file, file_id if isinstance(file_id, int) else 0)
        await self._reload()
        self.message = FILE_CLOSED_TEXT
