"""/ : what the portal is for, and the way in."""

from __future__ import annotations

import reflex as rx

from portal_app.ui import components as ui


def home_page() -> rx.Component:
    return ui.page(
        "Bienvenue sur Espace Assistance",
        rx.el.p(
            "Après une hospitalisation ou une immobilisation, vos garanties d'assistance santé vous aident au "
            "quotidien : conduite de vos enfants à l'école, aide ménagère, garde d'enfants.",
            class_name="mb-4 text-lg",
        ),
        rx.el.p(
            "Depuis votre espace personnel, retrouvez votre contrat et ses bénéficiaires, planifiez les trajets "
            "de votre enfant et demandez le remboursement des prestations d'assistance que vous avez avancées.",
            class_name="mb-8",
        ),
        rx.el.div(
            rx.el.a("Connexion", href="/connexion", class_name=ui.PRIMARY_BUTTON_CLASS),
            rx.el.a("Créer mon compte", href="/inscription", class_name=ui.SECONDARY_BUTTON_CLASS),
            class_name="flex flex-col gap-3 sm:flex-row",
        ),
        rx.el.p(
            "Pour vous inscrire, munissez-vous de votre carte de tiers payant : le numéro adhérent qui y figure "
            "vous sera demandé.",
            class_name="mt-8 text-slate-700",
        ),
    )
