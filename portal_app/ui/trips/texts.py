"""Every sentence of /mon-espace/trajets, in one place to review against the FAQ."""

from __future__ import annotations

from portal_app.domain.formatting import counted

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
SHORT_DIRECTIONS = {"aller": "aller", "retour": "retour"}
NO_ENTITLEMENT = (
    "Vous n'avez pas de droit « Conduite à l'école » en cours. Un conseiller l'ouvre avec votre dossier "
    "d'assistance : appelez la plateforme d'assistance."
)
NO_CHILD = (
    "Aucun enfant ne figure parmi les bénéficiaires de votre contrat : les trajets se planifient pour un enfant "
    "du contrat. Le cas échéant, rapprochez-vous de votre conseiller."
)
NO_HOME = "Ajoutez d'abord votre domicile (type « Domicile ») dans vos adresses."
NO_SCHOOL = "Ajoutez l'établissement scolaire de votre enfant (école primaire, collège ou lycée) dans vos adresses."
DATES_HINT = "Pour un seul trajet, indiquez la même date dans « Du » et « Au »."
RULES_HINT = (
    "Un trajet se planifie, se modifie ou s'annule au plus tard la veille à 18 h. Les week-ends, jours fériés et "
    "vacances scolaires de la zone de l'établissement ne sont pas réservés."
)
NO_MORE_CHANGES = (
    "Ce trajet ne peut plus être modifié ni annulé en ligne : la limite est la veille à 18 h. Pour un changement "
    "de dernière minute, appelez la plateforme d'assistance :"
)
FORM_CHANGED = "Vous avez modifié le formulaire : cliquez de nouveau sur « Voir les dates »."
CANCELLED = "Le trajet est annulé : votre droit est recrédité d'un trajet."
CHANGED = "L'heure du trajet est modifiée. Le transporteur recevra la nouvelle heure."
NOTHING_TO_BOOK = "Aucune date ne peut être réservée avec ces choix."
NO_UPCOMING = "Aucun trajet à venir."
NO_PAST = "Aucun trajet passé."
NO_CANCELLED = "Aucun trajet annulé."
CALENDAR_FILE_NAME = "trajets.ics"


def booked(count: int) -> str:
    return f"{counted(count, 'trajet planifié')}."


def remaining(summary: str) -> str:
    return f" Conduite à l'école : {summary}."
