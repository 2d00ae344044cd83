"""Public information pages: /cookies, /navigateurs, /mentions-legales, /accessibilite and the 404 page.

Static text (all of it in the prerendered HTML); the operator's values (publisher, host, contact) come
from portal_app.settings and are compiled in when the front end is built. The browser lists and the
cookie documentation links are the FAQ's (portal_app.domain.faq), so they are written in one place.
"""

from __future__ import annotations

import reflex as rx

from portal_app import settings
from portal_app.domain import auth, faq
from portal_app.ui import components as ui
from portal_app.ui.session_cookie import LINK_COOKIE, SESSION_COOKIE

NOT_FOUND_TITLE = "Page introuvable"
BROWSERS_PAGE = "/navigateurs"

# The cookies and the browser storage the portal uses: (name, where, purpose, lifetime).
# tests/e2e/test_info_pages.py checks that the browser holds nothing else.
SESSION_STORAGE_KEYS = ("token", "react-router-scroll-positions", "reflex_last_reloaded_on_error")
LOCAL_STORAGE_KEYS = ("theme",)
STORED_ITEMS = (
    (
        SESSION_COOKIE,
        "Cookie",
        "Garde votre connexion à votre espace personnel. Il ne contient qu'un jeton tiré au hasard, "
        "sans aucune donnée personnelle ; les scripts de la page ne peuvent pas le lire (HttpOnly), il n'est "
        "jamais envoyé à un autre site (SameSite=Strict) et, en production, seulement par une connexion "
        "chiffrée (Secure).",
        "Cookie de session : effacé à la fermeture du navigateur. La connexion elle-même prend fin à la "
        f"déconnexion, après {int(auth.IDLE_TIMEOUT.total_seconds() // 60)} minutes d'inactivité et au plus "
        f"tard {int(auth.ABSOLUTE_TIMEOUT.total_seconds() // 3600)} heures après la connexion.",
    ),
    (
        LINK_COOKIE,
        "Cookie",
        "Posé quand vous ouvrez le lien d'un e-mail du portail (confirmation d'adresse, nouveau mot de passe) : "
        "il garde le code du lien hors de la barre d'adresse et de l'historique. Les scripts de la page ne "
        "peuvent pas le lire (HttpOnly).",
        "Une heure au plus ; le lien lui-même ne sert qu'une fois.",
    ),
    (
        "token",
        "Stockage de session de l'onglet (sessionStorage)",
        "Identifiant technique de l'onglet, qui relie la page au serveur du portail. Il ne vous identifie pas.",
        "Effacé à la fermeture de l'onglet.",
    ),
    (
        "react-router-scroll-positions",
        "Stockage de session de l'onglet (sessionStorage)",
        "La position de défilement des pages déjà vues, pour vous y ramener quand vous revenez en arrière.",
        "Effacé à la fermeture de l'onglet.",
    ),
    (
        "reflex_last_reloaded_on_error",
        "Stockage de session de l'onglet (sessionStorage)",
        "Heure du dernier rechargement automatique de la page après une erreur, pour ne pas recharger en "
        "boucle. N'existe qu'après une telle erreur.",
        "Effacé à la fermeture de l'onglet.",
    ),
    (
        "theme",
        "Stockage local (localStorage)",
        "Le mode d'affichage de la page (clair).",
        "Jusqu'à ce que vous effaciez les données du site dans votre navigateur.",
    ),
)
CACHE_SENTENCE = (
    "Le cache du navigateur (Cache Storage) ne contient que les fichiers techniques du site et la page "
    "hors ligne, jamais vos données."
)

# A feature test run before anything else: a browser too old to run the portal (ES2022 methods,
# fetch, ES modules) gets a French banner pointing to /navigateurs. ES5 only, under 1 KB. The banner
# goes into an empty slot every page has (components.page), and comes back if React, in a browser old
# by this test but still able to run it, renders the page again (a MutationObserver watches).
OLD_BROWSER_BANNER_ID = "navigateur-ancien"
OLD_BROWSER_SLOT_ID = ui.OLD_BROWSER_SLOT_ID
OLD_BROWSER_TEXT = "Votre navigateur est trop ancien pour utiliser Espace Assistance."
OLD_BROWSER_LINK = "Voir les navigateurs pris en charge"
OLD_BROWSER_SCRIPT = (
    "(function(){var ok=false;try{ok=!!([].at&&Object.hasOwn&&window.fetch&&"
    "'noModule' in HTMLScriptElement.prototype)}catch(e){}if(ok)return;"
    "function show(){var s=document.getElementById('" + OLD_BROWSER_SLOT_ID + "');"
    "if(!s||document.getElementById('" + OLD_BROWSER_BANNER_ID + "'))return;"
    "s.innerHTML='<div id=\"" + OLD_BROWSER_BANNER_ID + '" role="alert" '
    'style="background:#1e3a8a;color:#fff;padding:12px 16px;font:16px/1.5 sans-serif">'
    + OLD_BROWSER_TEXT
    + ' <a href="'
    + BROWSERS_PAGE
    + '" style="color:#fff;text-decoration:underline">'
    + OLD_BROWSER_LINK
    + "</a></div>'}"
    "if(window.MutationObserver)new MutationObserver(show).observe(document.documentElement,"
    "{childList:true,subtree:true});"
    "if(document.readyState!='loading')show();else document.addEventListener('DOMContentLoaded',show)})();"
)


def old_browser_banner_script() -> rx.Component:
    """For rx.App(head_components=[...]): inline in the prerendered <head>, so it runs without React."""
    return rx.el.script(OLD_BROWSER_SCRIPT)


# ---------------------------------------------------------------------------------------------
# Building blocks shared with privacy_page.py
# ---------------------------------------------------------------------------------------------


def section(title: str, *children: rx.Component, id: str) -> rx.Component:
    return rx.el.section(
        rx.el.h2(title, id=id, class_name="mb-3 scroll-mt-4 text-xl font-semibold text-blue-900"),
        *children,
        aria_labelledby=id,
        class_name="mb-8 break-words",
    )


def para(*text: str | rx.Component) -> rx.Component:
    return rx.el.p(*text, class_name="mb-3")


def bullets(*items: str | rx.Component | tuple) -> rx.Component:
    return rx.el.ul(
        *[rx.el.li(*(item if isinstance(item, tuple) else (item,)), class_name="mb-1") for item in items],
        class_name="mb-3 list-disc pl-6",
    )


def mail_link(address: str) -> rx.Component:
    return ui.link(address, f"mailto:{address}")


def external_link(text: str, href: str) -> rx.Component:
    return ui.link(text, href, rel="noopener")


def table(caption: str, headers: tuple[str, ...], rows: list[tuple]) -> rx.Component:
    """A real table on a desktop; on a phone each row stacks (no horizontal scrolling at 360 px)."""
    cell = "block border-slate-200 px-0 py-1 align-top sm:table-cell sm:border-b sm:px-3 sm:py-2"
    return rx.el.table(
        rx.el.caption(caption, class_name="mb-2 block text-left font-semibold text-slate-900 sm:table-caption"),
        rx.el.thead(
            rx.el.tr(*[rx.el.th(h, scope="col", class_name="px-3 py-2 text-left") for h in headers]),
            class_name="sr-only sm:not-sr-only sm:table-header-group bg-slate-100",
        ),
        rx.el.tbody(
            *[
                rx.el.tr(
                    rx.el.th(row[0], scope="row", class_name=cell + " text-left font-semibold"),
                    *[
                        rx.el.td(
                            rx.el.span(f"{headers[i + 1]} : ", class_name="font-semibold sm:hidden"),
                            value,
                            class_name=cell,
                        )
                        for i, value in enumerate(row[1:])
                    ],
                    class_name="block border-b border-slate-200 py-2 sm:table-row sm:py-0",
                )
                for row in rows
            ]
        ),
        class_name="mb-4 block w-full border-collapse text-sm sm:table sm:text-base",
    )


def faq_list(entry_id: str) -> rx.Component:
    """The links of a FAQ entry's list (browsers, cookie documentation), with their notes."""
    entry = faq.entry(entry_id)
    items = next(block.items for block in entry.answer if isinstance(block, faq.BulletList))
    return bullets(
        *[
            (
                external_link(item.text, item.href) if item.href else item.text,
                rx.el.span(f" — {item.note}", class_name="text-slate-700") if item.note else rx.fragment(),
            )
            for item in items
        ]
    )


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def cookies_page() -> rx.Component:
    return ui.page(
        "Cookies et stockage dans le navigateur",
        para(
            "Espace Assistance n'utilise que des cookies et un stockage dans le navigateur strictement "
            "nécessaires à son fonctionnement. Ils sont exemptés de consentement (article 82 de la loi "
            "Informatique et Libertés, recommandations de la CNIL) : c'est pourquoi aucun bandeau ne vous "
            "demande votre accord."
        ),
        para("Aucun cookie de mesure d'audience, de publicité ou de réseau social, aucun traceur d'un autre site."),
        section(
            "Ce que le portail enregistre dans votre navigateur",
            table(
                "Cookies et stockage utilisés",
                ("Nom", "Où", "À quoi il sert", "Durée"),
                [(rx.el.code(name), where, purpose, lifetime) for name, where, purpose, lifetime in STORED_ITEMS],
            ),
            para(CACHE_SENTENCE),
            id="ce-qui-est-enregistre",
        ),
        section(
            "Désactiver les cookies",
            para(
                "Vous trouverez ci-dessous la documentation en ligne relative à la désactivation des cookies "
                "pour les principaux navigateurs :"
            ),
            faq_list(faq.COOKIES_ENTRY),
            para(
                "Sans le cookie de session, vous pouvez lire les pages publiques, mais vous ne pouvez pas vous "
                "connecter à votre espace personnel."
            ),
            para(ui.link("Voir aussi la question de la FAQ", f"/faq#{faq.COOKIES_ENTRY}")),
            id="desactiver",
        ),
    )


def browsers_page() -> rx.Component:
    return ui.page(
        "Navigateurs pris en charge",
        para(
            "Pour vous garantir la meilleure expérience possible, nous vous recommandons d'utiliser la version "
            "la plus récente de l'un des navigateurs suivants, sur ordinateur, tablette ou téléphone :"
        ),
        faq_list(faq.BROWSERS_ENTRY),
        para(
            "JavaScript doit être activé. Internet Explorer n'est plus pris en charge (Microsoft l'a arrêté en "
            "juin 2022) : utilisez Microsoft Edge à la place."
        ),
        section(
            "Votre navigateur est trop ancien ?",
            para(
                "Si un bandeau en haut de page vous indique que votre navigateur est trop ancien, le portail ne "
                "peut pas fonctionner correctement : installez les mises à jour de votre navigateur (ou de votre "
                "téléphone), ou installez l'un des navigateurs ci-dessus."
            ),
            para(ui.link("Voir aussi la question de la FAQ", f"/faq#{faq.BROWSERS_ENTRY}")),
            id="trop-ancien",
        ),
    )


def legal_notice_page() -> rx.Component:
    return ui.page(
        "Mentions légales",
        section(
            "Éditeur du site",
            rx.el.dl(
                ui.definition("Raison sociale", settings.PUBLISHER_NAME),
                ui.definition("Adresse", settings.PUBLISHER_ADDRESS),
                ui.definition("Immatriculation", settings.PUBLISHER_REGISTRATION),
                ui.definition("Directeur ou directrice de la publication", settings.PUBLICATION_DIRECTOR),
                ui.definition("Contact", mail_link(settings.CONTACT_EMAIL)),
            ),
            id="editeur",
        ),
        section(
            "Hébergeur",
            rx.el.dl(
                ui.definition("Nom", settings.HOST_NAME),
                ui.definition("Adresse", settings.HOST_ADDRESS),
            ),
            para(
                "Le portail et ses données sont hébergés chez un hébergeur certifié Hébergeur de données de santé "
                "(HDS, article L1111-8 du Code de la santé publique)."
            ),
            id="hebergeur",
        ),
        section(
            "Données personnelles",
            para(
                "Délégué à la protection des données : ",
                mail_link(settings.DPO_EMAIL),
                ". Ce que le portail conserve, combien de temps et comment exercer vos droits : ",
                ui.link("Données personnelles", "/donnees-personnelles"),
                ".",
            ),
            para("Cookies : ", ui.link("le portail n'utilise que des cookies nécessaires", "/cookies"), "."),
            id="donnees",
        ),
        section(
            "Accessibilité",
            para(ui.link("Déclaration d'accessibilité", "/accessibilite"), " : partiellement conforme."),
            id="accessibilite",
        ),
    )


def accessibility_page() -> rx.Component:
    return ui.page(
        "Déclaration d'accessibilité",
        para(
            f"{settings.PUBLISHER_NAME} s'engage à rendre Espace Assistance accessible conformément à "
            "l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration s'applique à l'ensemble "
            "du portail (pages publiques, espace personnel et espace conseiller)."
        ),
        section(
            "État de conformité",
            para(
                "Espace Assistance est ",
                rx.el.strong("partiellement conforme"),
                " avec le référentiel général d'amélioration de l'accessibilité (RGAA 4.1) : aucun audit RGAA "
                "complet n'a encore été réalisé, le portail ne peut donc pas se déclarer totalement conforme.",
            ),
            id="conformite",
        ),
        section(
            "Ce qui a été vérifié",
            bullets(
                "chaque page — publique, de l'espace personnel et de l'espace conseiller, vide et remplie, avec "
                "et sans erreurs — est contrôlée par l'outil automatique axe-core (règles WCAG 2.1 niveaux A et "
                "AA), sans aucune erreur ;",
                "l'inscription, la connexion et une demande de remboursement se font entièrement au clavier ; le "
                "focus est visible et, après une erreur, placé sur le premier champ en erreur ;",
                "chaque page s'affiche sur un écran de 360 pixels de large sans défilement horizontal, ainsi "
                "que sur ordinateur ;",
                "chaque champ de formulaire a une étiquette visible, et ses erreurs sont lues par les lecteurs "
                "d'écran.",
            ),
            para(
                "Ces vérifications sont faites avec Chromium. Les tests avec de vrais lecteurs d'écran (NVDA, "
                "JAWS, VoiceOver, TalkBack) et les critères qui demandent un jugement humain restent à auditer."
            ),
            id="verifications",
        ),
        section(
            "Contenus non accessibles",
            para(
                "Les factures et justificatifs que vous déposez sont des documents que vous fournissez : le "
                "portail ne peut pas garantir leur accessibilité."
            ),
            id="non-accessible",
        ),
        section(
            "Établissement de cette déclaration",
            para("Cette déclaration a été établie le 27 novembre 2026, à partir des tests automatiques ci-dessus."),
            id="etablissement",
        ),
        section(
            "Retour d'information et contact",
            para(
                "Si vous n'arrivez pas à accéder à un contenu ou à un service, écrivez-nous pour être orienté "
                "vers une alternative accessible ou obtenir le contenu sous une autre forme : ",
                mail_link(settings.CONTACT_EMAIL),
                ".",
            ),
            id="contact",
        ),
        section(
            "Voies de recours",
            para(
                "Si vous nous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un contenu ou "
                "à un service et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez saisir le "
                "Défenseur des droits :"
            ),
            bullets(
                (
                    "écrire par le ",
                    external_link("formulaire en ligne", "https://formulaire.defenseurdesdroits.fr/"),
                    " ;",
                ),
                (
                    "contacter ",
                    external_link(
                        "le délégué du Défenseur des droits de votre région",
                        "https://www.defenseurdesdroits.fr/carte-des-delegues",
                    ),
                    " ;",
                ),
                "téléphoner au 09 69 39 00 00 ;",
                "envoyer un courrier (gratuit, sans timbre) : Défenseur des droits, Libre réponse 71120, "
                "75342 Paris CEDEX 07.",
            ),
            id="recours",
        ),
    )


def not_found_page() -> rx.Component:
    return ui.page(
        NOT_FOUND_TITLE,
        para("L'adresse que vous avez suivie n'existe pas, ou plus. Vérifiez-la, ou repartez d'une de ces pages :"),
        bullets(
            ui.link("Accueil", "/"),
            ui.link("Mon Espace", "/mon-espace"),
            ui.link("Questions fréquentes", "/faq"),
        ),
    )
