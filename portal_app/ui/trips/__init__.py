"""/mon-espace/trajets: plan school trips (« Voir les dates » then « Confirmer la planification »), the
trips to come (« Modifier l'heure », « Annuler »), past trips, and the calendar export (.ics).

Every rule (entitlement, child, addresses, holidays, 18:00 cut-off) lives in domain.trips. Modules:
`texts` (what the member reads), `state` (TripsState), `form` (planning and preview), `lists` (the trips),
`page` (the page, top-down).
"""

from portal_app.ui.trips.page import trips_page
from portal_app.ui.trips.state import TripsState

__all__ = ["TripsState", "trips_page"]
