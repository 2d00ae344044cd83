"""The offer catalogue: a data file kept in the repository (data/offers.json), loaded into the database."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from portal_app import settings
from portal_app.db.engine import session_scope
from portal_app.db.models import Contract, Offer
from portal_app.db.vocabulary import Unit

CATALOGUE_PATH = settings.REPO_ROOT / "data" / "offers.json"


@dataclass(frozen=True)
class OfferSpec:
    code: str
    label: str
    gives_portal_access: bool
    services: tuple[str, ...]


@functools.cache
def _catalogue(path: Path = CATALOGUE_PATH) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def service_label(code: str) -> str:
    return _catalogue()["services"].get(code, code.replace("_", " ").capitalize())


@dataclass(frozen=True)
class ServiceUnits:
    """The units a service is granted in (the first one offered first) and its usual quantity in that unit."""

    units: tuple[str, ...]
    usual_quantity: int


def service_units(code: str) -> ServiceUnits:
    """From `service_units` in data/offers.json; a service missing there may be granted in any unit."""
    entry = _catalogue().get("service_units", {}).get(code)
    if not entry:
        return ServiceUnits(tuple(str(unit) for unit in Unit), 0)
    units = tuple(entry["units"])
    unknown = set(units) - set(Unit)
    if not units or unknown:
        raise ValueError(f"service {code}: unknown units {sorted(unknown)}")
    return ServiceUnits(units, int(entry.get("usual_quantity", 0)))


def catalogue_offers(path: Path = CATALOGUE_PATH) -> list[OfferSpec]:
    data = _catalogue(path)
    known_services = set(data["services"])
    for code in data.get("service_units", {}):
        if code not in known_services:
            raise ValueError(f"service_units: unknown service {code}")
    offers = []
    for item in data["offers"]:
        unknown = set(item["services"]) - known_services
        if unknown:
            raise ValueError(f"offer {item['code']}: unknown services {sorted(unknown)}")
        offers.append(
            OfferSpec(item["code"], item["label"], bool(item["gives_portal_access"]), tuple(sorted(item["services"])))
        )
    return offers


def sync_offers(session: Session) -> int:
    """Create or update the offers of the catalogue; returns how many rows changed."""
    changed = 0
    existing = {offer.code: offer for offer in session.exec(select(Offer)).all()}
    for spec in catalogue_offers():
        services = ",".join(spec.services)
        offer = existing.get(spec.code)
        if offer is None:
            session.add(
                Offer(code=spec.code, label=spec.label, gives_portal_access=spec.gives_portal_access, services=services)
            )
            changed += 1
        elif (offer.label, offer.gives_portal_access, offer.services) != (
            spec.label,
            spec.gives_portal_access,
            services,
        ):
            offer.label, offer.gives_portal_access, offer.services = spec.label, spec.gives_portal_access, services
            session.add(offer)
            changed += 1
    session.flush()
    return changed


def load_offers() -> int:
    with session_scope() as session:
        return sync_offers(session)


def offer_services(offer: Offer) -> list[str]:
    return [code for code in offer.services.split(",") if code]


def contract_gives_access(contract: Contract, offer: Offer, today: date) -> bool:
    """Rule 4: the offer opens the portal and the contract is valid today."""
    return (
        offer.gives_portal_access
        and contract.status == "active"
        and contract.valid_from <= today
        and (contract.valid_to is None or today <= contract.valid_to)
    )


def reimbursable_services() -> tuple[str, ...]:
    """Services whose invoices, paid in advance, can be sent for reimbursement."""
    return tuple(_catalogue().get("reimbursable_services", ()))
