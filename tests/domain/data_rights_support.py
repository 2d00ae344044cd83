"""A member with something in every table the export covers: addresses (one deleted), a past and a future
trip, an assistance file with rights, a claim with an invoice and an adviser's step, a callback request done,
a message thread answered by an adviser, mail, audit entries."""

from __future__ import annotations

from dataclasses import dataclass

from portal_app.domain import addresses, callbacks, claims_backoffice, messages, messages_desk, passkeys, trips

from .advisers_support import Adviser
from .claims_support import entitlement_of, open_file, relogin, relogin_adviser, submit
from .support import CLAIRE, Member
from .trips_support import add_home, add_school, beneficiary_id, open_transport, paris, request


@dataclass
class Everything:
    member: Member
    home: int
    school: int
    old_home: int
    past_trip_day: str
    future_trip_day: str
    claim: str
    adviser: Adviser


def build_everything(frozen_clock, adviser: Adviser, claire: Member) -> Everything:
    """Tuesday 10 March 2026: trips on Thursday 12 (past once the clock moves) and Monday 16 March (to come)."""
    assert frozen_clock.now == paris(2026, 3, 10, 10, 0)
    home, school = add_home(claire), add_school(claire)
    old_home = add_home(claire, label="Ancienne maison", street="rue de la Roquette", street_number="40")
    addresses.delete_address(claire.token, old_home)
    open_transport(adviser, CLAIRE, quantity=10, start="2026-03-01", end="2026-06-30", event_date="2026-02-20")
    lea = beneficiary_id(CLAIRE, "Léa")
    trips.book(claire.token, request(lea, home, school, "2026-03-12"))
    trips.book(claire.token, request(lea, home, school, "2026-03-16"))
    reference = submit(claire, entitlement_of(open_file(adviser, claire.contract)).id, amount="150")
    claims_backoffice.decide(
        adviser.token, reference, "in_progress", "submitted", message="Nous étudions votre facture."
    )
    callback = callbacks.request_callback(
        claire.token, "trajets", ["2026-03-11T09:00"], "06 12 34 56 78", "Une question."
    )
    callbacks.mark_done(adviser.token, callback.request_id, "called", "Rappelée.")
    passkeys.registration_options(claire.token, "Téléphone")  # a challenge never answered
    thread = messages.start_thread(claire.token, "Question sur l'aide ménagère", "Combien d'heures par semaine ?")
    messages_desk.reply(adviser.token, thread, "Jusqu'à dix heures par semaine.")
    frozen_clock.set(paris(2026, 3, 13, 10, 0))
    return Everything(
        relogin(claire), home, school, old_home, "2026-03-12", "2026-03-16", reference, relogin_adviser(adviser)
    )
