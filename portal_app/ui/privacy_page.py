"""/donnees-personnelles: health data, HDS hosting, who sees what, how long it is kept, and the member's
rights with the way to use each one in the portal (Mon compte: download, « Modifier », closing).

Static text; the DPO's address comes from portal_app.settings (compiled in at build time).
"""

from __future__ import annotations

import reflex as rx

from portal_app import settings
from portal_app.ui import components as ui
from portal_app.ui.info_pages import bullets, external_link, mail_link, para, section, table

ACCOUNT_PAGE = "/mon-espace/compte"
CNIL_URL = "https://www.cnil.fr"

# (kind of data, what it is, how long it is kept): the service's retention policy.
RETENTION = [
    (
        "Compte",
        "Adresse e-mail, téléphone mobile, mot de passe (seule son empreinte est enregistrée), dates de connexion, "
        "clés d'accès (leur nom et leur clé publique, qui ne permet pas de se connecter)",
        "Tant que votre compte est ouvert. À sa clôture, effacé ou anonymisé.",
    ),
    (
        "Contrat et bénéficiaires",
        "Numéro adhérent, assureur, offre, personnes couvertes — transmis par votre mutuelle ou votre assureur",
        "Tant que le contrat est en vigueur, puis 5 ans (prescription de droit commun, article 2224 du Code civil).",
    ),
    (
        "Adresses et trajets",
        "Vos adresses, et les trajets de votre enfant (date, heure, adresses de départ et d'arrivée)",
        "Adresses : tant que le compte est ouvert. Trajets : 5 ans après la date du trajet, pour justifier "
        "les prestations du transporteur.",
    ),
    (
        "Demandes de remboursement et justificatifs",
        "Montant, prestataire, IBAN (chiffré), factures (chiffrées), historique et messages",
        "10 ans après le paiement ou le refus : ce sont des pièces comptables (article L123-22 du Code de "
        "commerce), qui couvrent aussi la prescription des contrats d'assurance et de mutuelle.",
    ),
    (
        "Demandes de rappel",
        "Sujet, créneaux choisis, numéro à rappeler, votre remarque, et le résultat de l'appel noté par le conseiller",
        "Tant que votre compte est ouvert. À sa clôture, supprimées.",
    ),
    (
        "Messages",
        "Vos échanges avec la plateforme d'assistance (objet, textes, dates) : ils peuvent parler de votre santé",
        "5 ans après le dernier message (prescription de droit commun, article 2224 du Code civil) : ce que la "
        "plateforme vous a répondu fait partie de l'assistance rendue. Jamais envoyés par e-mail.",
    ),
    (
        "Journal d'audit",
        "Connexions, déconnexions, modifications, et chaque consultation de votre dossier par un conseiller "
        "(date, auteur, adresse IP, navigateur)",
        "5 ans : la preuve de qui a fait quoi, en cas de contestation ou de contrôle. Il ne contient jamais de "
        "mot de passe ni de détail de santé.",
    ),
    (
        "E-mails envoyés",
        "Confirmation d'adresse, mot de passe oublié, suivi des trajets et des demandes de remboursement",
        "1 an après l'envoi.",
    ),
]

EXPORT_CONTENTS = (
    "votre compte (adresse e-mail, téléphone, dates d'inscription et de confirmation) ;",
    "votre contrat et ses bénéficiaires ;",
    "vos adresses et vos trajets ;",
    "vos demandes de remboursement, avec leur IBAN, leur historique et les messages des conseillers ;",
    "vos demandes de rappel (« Être rappelé ») et leur résultat ;",
    "vos messages à la plateforme d'assistance et ses réponses ;",
    "le journal d'audit de votre compte (connexions, modifications, consultations par un conseiller) ;",
    "les e-mails que le portail vous a envoyés.",
)

CLOSING_STEPS = (
    "la clôture est refusée tant qu'une demande de remboursement est déposée, en cours, en attente de "
    "pièces ou acceptée mais pas encore payée : attendez son paiement ou sa décision ;",
    "vos trajets à venir sont annulés ; les trajets passés ou déjà annulés sont conservés, marqués "
    "« annulé », pour les comptes du transporteur ;",
    "vos adresses sont supprimées, ou anonymisées quand un trajet conservé y renvoie ;",
    "vos demandes de rappel sont supprimées ;",
    "toutes vos connexions ouvertes sont fermées et vos clés d'accès supprimées ;",
    "les données personnelles de votre compte (adresse e-mail, téléphone, mot de passe) sont effacées ou anonymisées ;",
    "ce que la loi oblige à garder est conservé, et seulement pour la durée indiquée plus haut : vos "
    "demandes de remboursement et leurs justificatifs (délais de prescription comptable et d'assurance), "
    "vos messages avec la plateforme (ils ne reçoivent plus de réponse) et le journal d'audit ;",
    "un e-mail vous confirme la clôture.",
)


def retention_table() -> rx.Component:
    return table(
        "Durées de conservation",
        ("Données", "Ce que c'est", "Durée de conservation"),
        RETENTION,
    )


def privacy_page() -> rx.Component:
    account_link = ui.link("Mon compte", ACCOUNT_PAGE)
    return ui.page(
        "Données personnelles",
        para(
            f"Le responsable du traitement de vos données est {settings.PUBLISHER_NAME}. Elles servent uniquement "
            "à vous rendre les services d'assistance prévus par votre contrat : votre espace personnel, les "
            "trajets de vos enfants et le remboursement des prestations que vous avez avancées."
        ),
        section(
            "Qu'est-ce qu'une donnée de santé ?",
            para(
                "Les données à caractère personnel concernant la santé sont les données relatives à la santé "
                "physique ou mentale, passée, présente ou future, d'une personne physique (y compris la "
                "prestation de services de soins de santé) qui révèlent des informations sur l'état de santé "
                "de cette personne."
            ),
            para(
                "Dans Espace Assistance, le fait même de bénéficier d'une prestation d'assistance après une "
                "hospitalisation ou une immobilisation, les trajets organisés pour cette raison et les factures "
                "de ces prestations sont des données de santé."
            ),
            id="donnees-de-sante",
        ),
        section(
            "Un hébergement certifié HDS",
            para(
                "Les données sont conservées chez un hébergeur de données de santé certifié (HDS), qui propose "
                "une infrastructure d'hébergement répondant aux critères de sécurité, de confidentialité, de "
                "disponibilité et d'auditabilité définis par la certification. Ces dispositions garantissent un "
                "accès strictement confidentiel, limité aux besoins du service, à des données manipulées par "
                "des professionnels certifiés."
            ),
            para("Le portail, de son côté :"),
            bullets(
                "n'échange qu'en connexion chiffrée (HTTPS) ;",
                "chiffre vos factures et votre IBAN dans la base de données ;",
                "n'écrit aucune donnée de santé dans ses journaux techniques, dans les adresses des pages ni "
                "dans le cache de votre navigateur ;",
                "n'enregistre de votre mot de passe qu'une empreinte, qui ne permet pas de le retrouver.",
            ),
            id="hebergement",
        ),
        section(
            "Qui peut voir vos données ?",
            bullets(
                (
                    rx.el.strong("Vous"),
                    " : les dispositions prévues par la certification HDS limitent l'accès aux informations au "
                    "seul détenteur des identifiants de connexion. Une fois connecté(e), vous retrouvez "
                    "l'ensemble de vos données dans votre espace personnel (",
                    account_link,
                    ").",
                ),
                (
                    rx.el.strong("Les conseillers de la plateforme d'assistance"),
                    " : pour ouvrir vos dossiers d'assistance, organiser vos trajets et traiter vos demandes de "
                    "remboursement. Ils se connectent avec une double authentification, et chaque consultation "
                    "de votre dossier est enregistrée dans le journal d'audit (date, conseiller, adresse IP).",
                ),
                (
                    rx.el.strong("Le transporteur"),
                    " : pour chaque trajet, seulement ce qu'il faut pour le faire (l'enfant, les adresses et "
                    "l'horaire de prise en charge), par la feuille de route du jour.",
                ),
            ),
            para("Vos données ne sont ni vendues, ni utilisées à des fins publicitaires."),
            id="qui-voit-quoi",
        ),
        section(
            "Combien de temps vos données sont-elles conservées ?",
            para(
                "Voici la politique de conservation du service. Passé ces durées, les données sont supprimées "
                "ou anonymisées."
            ),
            retention_table(),
            id="conservation",
        ),
        section(
            "Vos droits et comment les exercer",
            para(
                "Le règlement général sur la protection des données (RGPD) et la loi Informatique et Libertés "
                "vous donnent les droits suivants. La plupart s'exercent directement depuis ",
                account_link,
                ".",
            ),
            rx.el.h3("Droit d'accès et droit à la portabilité", class_name="mb-2 mt-4 text-lg font-semibold"),
            para(
                "Sur ",
                account_link,
                ", le bouton « Télécharger mes données » vous donne un fichier JSON de tout ce que le portail "
                "conserve à votre sujet :",
            ),
            bullets(*EXPORT_CONTENTS),
            para(
                "Seules les factures n'y figurent pas : vous pouvez télécharger chacune d'elles depuis la "
                "demande de remboursement correspondante."
            ),
            rx.el.h3("Droit de rectification", class_name="mb-2 mt-4 text-lg font-semibold"),
            para(
                "Sur ",
                account_link,
                ", le bouton « Modifier » vous permet de corriger vos données. Les informations de votre contrat "
                "(nom, bénéficiaires, offre) viennent de votre mutuelle ou de votre assureur : pour les "
                "corriger, adressez-vous à eux ou à votre conseiller.",
            ),
            rx.el.h3("Droit à l'effacement : clôturer votre compte", class_name="mb-2 mt-4 text-lg font-semibold"),
            para(
                "Sur ",
                account_link,
                ", le bouton « Clôturer mon compte » vous demande votre mot de passe et une confirmation. Ensuite :",
            ),
            bullets(*CLOSING_STEPS),
            rx.el.h3("Droit d'opposition et droit à la limitation", class_name="mb-2 mt-4 text-lg font-semibold"),
            para(
                "Vous pouvez vous opposer à un traitement ou demander qu'il soit limité (par exemple le temps "
                "de vérifier une donnée que vous contestez) en écrivant au délégué à la protection des "
                "données. Les traitements nécessaires à l'exécution de votre contrat d'assistance ou imposés "
                "par la loi peuvent toutefois continuer."
            ),
            rx.el.h3("Contacter le délégué à la protection des données", class_name="mb-2 mt-4 text-lg font-semibold"),
            para(
                "Pour toute question ou demande : ",
                mail_link(settings.DPO_EMAIL),
                ". Une réponse vous est apportée dans un délai d'un mois.",
            ),
            rx.el.h3("Réclamation auprès de la CNIL", class_name="mb-2 mt-4 text-lg font-semibold"),
            para(
                "Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la "
                "Commission nationale de l'informatique et des libertés : ",
                external_link("www.cnil.fr", CNIL_URL),
                ".",
            ),
            id="vos-droits",
        ),
    )
