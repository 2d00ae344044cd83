"""A member's addresses (PRODUCT.md rule 9): homes and schools used to plan trips.

An address used by a trip still to come cannot be deleted (the FAQ: delete the trip first); editing
it is allowed, and the transport provider gets the new address with the trips.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from portal_app.db.engine import get_by_id, session_scope
from portal_app.db.models import Account, Address, Beneficiary, Trip
from portal_app.db.vocabulary import AddressKind, TripStatus
from portal_app.domain import actors, audit, clock
from portal_app.domain.actors import Actor
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.domain.formatting import counted, long_date
from portal_app.domain.postcodes import communes, normalize_postcode, official_city

KINDS = {
    AddressKind.DOMICILE: "Domicile",
    AddressKind.ECOLE_PRIMAIRE: "École primaire",
    AddressKind.COLLEGE: "Collège",
    AddressKind.LYCEE: "Lycée",
    AddressKind.AUTRE: "Autre",
}
SCHOOL_KINDS = (AddressKind.ECOLE_PRIMAIRE, AddressKind.COLLEGE, AddressKind.LYCEE)
LIVE_TRIP_STATUSES = (TripStatus.PLANNED, TripStatus.CONFIRMED)

DELETE_REFUSED = (
    "Si vous avez déjà planifié des trajets avec l'adresse que vous souhaitez supprimer, vous devez supprimer "
    "le trajet vers cette destination avant de pouvoir supprimer l'adresse."
)
EDIT_NOTICE = "Des trajets à venir utilisent cette adresse : le transporteur recevra la nouvelle adresse."


class AddressInUse(ValidationError):
    """Deletion refused because trips to come use the address: the FAQ's sentence, then the trips.

    `trips` holds each trip as the member reads it (« lundi 9 novembre 2026 à 08:15 (Léa) »), at most
    ten, and `more` how many others there are, so that a page can show them as a list.
    """

    def __init__(self, trips: list[str], more: int = 0) -> None:
        listed = "; ".join(trips)
        others = f" et {counted(more, 'autre')}" if more else ""
        super().__init__("delete", f"{DELETE_REFUSED} Trajets concernés : {listed}{others}.")
        self.trips = list(trips)
        self.more = more


@dataclass(frozen=True)
class AddressInput:
    label: str
    kind: str
    street_number: str
    street: str
    postcode: str
    city: str
    complement: str = ""


@dataclass(frozen=True)
class AddressView:
    address_id: int
    label: str
    kind: str
    kind_label: str
    street_number: str
    street: str
    postcode: str
    city: str
    complement: str
    one_line: str


def one_line(address: Address) -> str:
    complement = f", {address.complement}" if address.complement else ""
    return f"{address.street_number} {address.street}{complement}, {address.postcode} {address.city}"


def _view(address: Address) -> AddressView:
    return AddressView(
        address.id,
        address.label,
        address.kind,
        KINDS.get(address.kind, address.kind),
        address.street_number,
        address.street,
        address.postcode,
        address.city,
        address.complement,
        one_line(address),
    )


def member_account(session: Session, actor: Actor | None) -> Account:
    """The acting member's account; any other actor (adviser, pending adviser, nobody) is NotAllowed."""
    return session.get(Account, actors.member(actor).account_id)


def owned_address(session: Session, account: Account, address_id: int) -> Address:
    """The member's own, not deleted address; anything else is « not found » (never « not yours »)."""
    address = get_by_id(session, Address, address_id)
    if address is None or address.account_id != account.id or address.deleted_at is not None:
        raise NotFound("Adresse introuvable.")
    return address


def _clean(data: AddressInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    label = (data.label or "").strip()
    if not label:
        errors["label"] = "Donnez un intitulé à cette adresse (par exemple « Maison » ou « École Jules Ferry »)."
    elif len(label) > 60:
        errors["label"] = "L'intitulé ne doit pas dépasser 60 caractères."
    if data.kind not in KINDS:
        errors["kind"] = "Choisissez le type d'adresse."
    number = (data.street_number or "").strip()
    if not number:
        errors["street_number"] = "Indiquez le numéro dans la rue (par exemple 12 ou 12 bis)."
    elif len(number) > 10:
        errors["street_number"] = "Le numéro ne doit pas dépasser 10 caractères."
    street = " ".join((data.street or "").split())
    if not street:
        errors["street"] = "Indiquez la rue."
    elif len(street) > 150:
        errors["street"] = "La rue ne doit pas dépasser 150 caractères."
    postcode = normalize_postcode(data.postcode)
    city = None
    if not postcode:
        errors["postcode"] = "Indiquez le code postal (5 chiffres)."
    elif not communes(postcode):
        errors["postcode"] = "Ce code postal n'existe pas. Indiquez les 5 chiffres du code postal."
    else:
        city = official_city(postcode, data.city)
        if city is None:
            errors["city"] = "Cette ville ne correspond pas au code postal : choisissez-la dans la liste proposée."
    complement = " ".join((data.complement or "").split())
    if len(complement) > 150:
        errors["complement"] = "Le complément ne doit pas dépasser 150 caractères."
    if errors:
        raise ValidationError.many(errors)
    return {
        "label": label,
        "kind": data.kind,
        "street_number": number,
        "street": street,
        "postcode": postcode,
        "city": city,
        "complement": complement,
    }


def list_addresses(actor: Actor) -> list[AddressView]:
    with session_scope() as session:
        account = member_account(session, actor)
        rows = session.exec(
            select(Address)
            .where(Address.account_id == account.id, Address.deleted_at.is_(None))
            .order_by(Address.kind, Address.label)
        ).all()
        return [_view(a) for a in rows]


def _audit(session: Session, account: Account, action: str, address: Address) -> None:
    audit.record(
        session,
        action,
        account,
        target_type="address",
        target_id=address.id,
        member_account_id=account.id,
        contract_id=account.contract_id,
    )


def add_address(actor: Actor, data: AddressInput) -> AddressView:
    with session_scope() as session:
        account = member_account(session, actor)
        address = Address(account_id=account.id, **_clean(data))
        session.add(address)
        session.flush()
        _audit(session, account, "address_added", address)
        return _view(address)


def _upcoming_trips(session: Session, address: Address) -> list[Trip]:
    return list(
        session.exec(
            select(Trip)
            .where(
                (Trip.from_address_id == address.id) | (Trip.to_address_id == address.id),
                Trip.status.in_(LIVE_TRIP_STATUSES),
                Trip.trip_date >= clock.today_in_paris(),
            )
            .order_by(Trip.trip_date, Trip.pickup_time)
        ).all()
    )


def update_address(actor: Actor, address_id: int, data: AddressInput) -> str:
    """Returns a French confirmation; says so when trips to come will use the new address."""
    with session_scope() as session:
        account = member_account(session, actor)
        address = owned_address(session, account, address_id)
        for name, value in _clean(data).items():
            setattr(address, name, value)
        session.add(address)
        _audit(session, account, "address_changed", address)
        message = "L'adresse est enregistrée."
        if _upcoming_trips(session, address):
            message += " " + EDIT_NOTICE
        return message


def delete_address(actor: Actor, address_id: int) -> None:
    with session_scope() as session:
        account = member_account(session, actor)
        address = owned_address(session, account, address_id)
        trips = _upcoming_trips(session, address)
        if trips:
            names = {
                b.id: b.first_name
                for b in session.exec(select(Beneficiary).where(Beneficiary.id.in_({t.beneficiary_id for t in trips})))
            }
            raise AddressInUse(
                [f"{long_date(t.trip_date)} à {t.pickup_time} ({names.get(t.beneficiary_id, '')})" for t in trips[:10]],
                max(len(trips) - 10, 0),
            )
        address.deleted_at = clock.now()
        session.add(address)
        _audit(session, account, "address_deleted", address)
