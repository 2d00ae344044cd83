"""What the member reads on the reimbursement pages (« Demande de remboursement »), in one place to review.

The scope and the refusal of quotes come from the domain (domain.claims: the same sentences the rules use);
everything else the pages and the upload widget say is here.
"""

from __future__ import annotations

from portal_app.domain import uploads

# --- /mon-espace/remboursements ---------------------------------------------------------------------

CLAIMS_TITLE = "Demande de remboursement"
SCOPE_HEADING = "Ce que ce service rembourse"
FAQ_SCOPE_LINK_TEXT = "Ce que ce service rembourse — et ce qu'il ne rembourse pas (frais de santé, devis)"
MY_CLAIMS_HEADING = "Mes demandes"
NO_CLAIM_TEXT = "Vous n'avez pas encore fait de demande de remboursement."
NEW_CLAIM_HEADING = "Faire une demande"
NO_CHOICE_TEXT = (
    "Aucun service remboursable n'est ouvert pour vous. Un remboursement se rattache à un service (par exemple "
    "une aide ménagère) accordé dans un dossier d'assistance par un conseiller : appelez la plateforme "
    "d'assistance pour ouvrir votre dossier."
)
ENTITLEMENT_LABEL = "Dossier et service"
ENTITLEMENT_PLACEHOLDER = "Choisissez le dossier et le service"
ENTITLEMENT_HINT = "Le reste indiqué est ce que votre droit permet encore de rembourser."
DATE_FROM_LABEL = "Date de début de la prestation"
DATE_TO_LABEL = "Date de fin de la prestation"
DATE_TO_HINT = "Laissez vide pour une prestation d'un seul jour."
PROVIDER_LABEL = "Prestataire"
PROVIDER_HINT = "Le nom de l'entreprise ou de la personne qui a réalisé la prestation."
AMOUNT_LABEL = "Montant avancé (€)"
AMOUNT_HINT = "par exemple 1 234,50"
IBAN_LABEL = "IBAN du compte à créditer"
IBAN_HINT = "Il figure sur votre relevé d'identité bancaire (RIB). Il sera affiché masqué ensuite."
GOOD_TO_KNOW = "À savoir : "
CLAIM_FILES_LEGEND = "Justificatifs"
CERTIFICATION_TEXT = "Je certifie l'exactitude des informations saisies et avoir avancé les frais de cette prestation."
SEND_CLAIM = "Envoyer ma demande"
SENT_BEFORE_REFERENCE = "Votre demande "
SENT_AFTER_REFERENCE = " est enregistrée. "
SENT_TEXT = "Un accusé de réception vous est envoyé par e-mail."
SENT_ON = " · envoyée le "

# --- /mon-espace/remboursements/demande?ref=… ------------------------------------------------------

CLAIM_TITLE = "Ma demande de remboursement"
ALL_MY_CLAIMS = "← Toutes mes demandes"
CLAIM_HEADING = "Demande "
TIMELINE_HEADING = "Suivi"
SENT_FILES_HEADING = "Justificatifs"
ADD_DOCUMENTS_HEADING = "Ajouter des pièces"
PROGRESS_LABEL = "Étapes de la demande"
CURRENT_STEP_SUFFIX = " (étape actuelle)"
REFUSED_TEXT = "Votre demande a été refusée (le motif est dans le suivi ci-dessous)."
ADVISER_ASKS = "Votre conseiller vous demande :"
DOCUMENTS_REQUESTED_TEXT = "Ajoutez ces pièces ici : elles rejoignent cette demande, dont l'examen reprend."
DOCUMENTS_LEGEND = "Pièces à ajouter"
SEND_DOCUMENTS = "Envoyer les pièces"
DOCUMENTS_ADDED = "Vos pièces sont ajoutées à la demande, qui repasse « en cours »."
SUMMARY_TERMS = {
    "service": "Service",
    "file_reference": "Dossier d'assistance",
    "dates": "Date(s) de la prestation",
    "provider": "Prestataire",
    "amount": "Montant demandé",
    "accepted_amount": "Montant accepté",
    "iban": "IBAN",
    "status_label": "Statut",
    "submitted": "Déposée le",
}

# --- the upload widget (both pages) ---------------------------------------------------------------

FILES_HINT = (
    f"Votre facture en PDF, JPEG ou PNG : {uploads.MAX_FILES} fichiers au plus, 10 Mo au plus chacun et 20 Mo au "
    "total. Les fichiers sont vérifiés à l'envoi."
)
ADD_FILES = "Ajouter des fichiers"
REMOVE_FILE = "Retirer"
CHOSEN_FILES = "Fichiers choisis"
TOO_BIG_IN_BROWSER = " (plus de 10 Mo : il sera refusé)"
DEFAULT_FILENAME = "justificatif"
SENDING_LABEL = "Envoi des fichiers"
SENDING = "Envoi en cours…"
CHECKING = "Vérification des fichiers…"
A_FILE = "Un fichier"
NOT_ACCEPTED = "n'est pas accepté"
A_FILE_NOT_ACCEPTED = "Un fichier n'est pas accepté."
REJECTED_IN_BROWSER = {
    "file-too-large": "dépasse 10 Mo",
    "file-invalid-type": "n'est pas un fichier PDF, JPEG ou PNG",
    "too-many-files": f"dépasse le nombre de fichiers autorisé ({uploads.MAX_FILES} au plus)",
}
