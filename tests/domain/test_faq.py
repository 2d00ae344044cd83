"""The FAQ: the customer's every answer (corrected), themes in order, stable ids, accent-blind search."""

from __future__ import annotations

import json
import re

import pytest

from portal_app.domain import faq

# One key sentence (or more) of each answer of the customer's FAQ, as corrected; the seed's
# « Numéro adhérent » answer appears twice there and once here.
SEED_SENTENCES = {
    "regles-mot-de-passe": [
        "Le mot de passe doit contenir au minimum 8 caractères, dont au moins une majuscule, une minuscule et un "
        "chiffre."
    ],
    "format-telephone": ["Le numéro doit être au format 06 xx xx xx xx ou 07 xx xx xx xx."],
    "numero-adherent": [
        "Vous devez renseigner dans le champ « Numéro adhérent » le numéro présent sur votre carte de tiers payant.",
        "Il peut contenir des chiffres et/ou des lettres en fonction de votre mutuelle.",
        "avec la qualité « Adhérent » / « Souscripteur » du contrat.",
        "Si vous avez des bénéficiaires, ceux-ci apparaîtront à l'écran suivant.",
    ],
    "choisir-mot-de-passe": [
        "Pour plus de sécurité, nous vous encourageons à suivre quelques conseils pour le choix de votre mot de passe.",
        "Utilisez au moins huit caractères.",
        "Évitez d'indiquer un mot de passe que vous utilisez déjà sur un autre site ou qui serait trop évident",
        "Le format attendu est le suivant :",
    ],
    "inscription-refusee": [
        "Veuillez vous assurer que vous avez souscrit à une offre vous donnant l'accès au service, et que cette "
        "offre est en cours de validité. Le cas échéant, rapprochez-vous de votre conseiller."
    ],
    "modifier-mot-de-passe": [
        "vous avez la possibilité de modifier votre mot de passe en vous rendant sur votre espace personnel "
        "(bouton « Mon Espace »).",
        "La rubrique « Mot de passe » vous permettra de saisir un nouveau mot de passe",
    ],
    "mot-de-passe-oublie": [
        "vous pouvez demander le renouvellement de votre mot de passe en cliquant sur le lien « J'ai oublié mon mot "
        "de passe ».",
        "Après confirmation de votre adresse e-mail, un message vous sera envoyé",
    ],
    "identifiants-incorrects": [
        "Assurez-vous que vous utilisez les bons identifiants.",
        "Vérifiez l'adresse e-mail communiquée à votre inscription et la bonne réception d'un e-mail de confirmation",
        "vous pouvez procéder au renouvellement de votre mot de passe.",
    ],
    "ajouter-adresse": [
        "Cliquez sur le bouton « Ajouter une adresse »",
        "l'intitulé vous permet d'identifier l'adresse lors de la planification des trajets.",
        "Il ne sert pas à renseigner l'adresse",
        "le numéro de la rue, la rue, le code postal et la ville.",
        "Elle sera transmise au transporteur afin de pouvoir emmener votre enfant de votre domicile à son "
        "établissement scolaire.",
    ],
    "plusieurs-adresses": [
        "Vous pouvez ajouter plusieurs domiciles",
        "Vous pouvez aussi préciser plusieurs écoles primaires, collèges ou lycées.",
    ],
    "supprimer-adresse": [
        "Si vous avez déjà planifié des trajets avec l'adresse que vous souhaitez supprimer, vous devez supprimer",
    ],
    "donnees-de-sante": [
        "Les données à caractère personnel concernant la santé sont les données relatives à la santé physique ou "
        "mentale, passée, présente ou future, d'une personne physique",
    ],
    "hebergement-donnees": [
        "Les données sont conservées chez un hébergeur de données de santé certifié",
        "définis par la certification.",
        "limité aux besoins du service",
    ],
    "consulter-modifier-donnees": [
        "L'accès à l'ensemble des fonctionnalités du portail est soumis à une inscription préalable du bénéficiaire",
        "(lien « Mon compte »).",
        "Vous pourrez modifier ces données en cliquant sur le bouton « Modifier ».",
    ],
    "acces-donnees": ["garantissent la limitation de l'accès aux informations au seul détenteur des identifiants"],
    "navigateurs": [
        "nous vous recommandons d'utiliser la version la plus récente de l'un des navigateurs suivants :",
        "Google Chrome",
        "Mozilla Firefox",
        "Safari",
        "Microsoft Edge",
    ],
    "perimetre-remboursement": [
        "Le service « Demande de remboursement » ne concerne pas les frais de santé tels que le dentaire, l'optique "
        "ou les frais d'hôpitaux.",
        "Les frais de santé sont à déposer sur l'espace personnel de votre mutuelle ou de votre assurance.",
        "il est dédié au dépôt des factures liées à une demande d'assistance santé dont vous avez avancé les frais.",
        "Qu'est-ce qu'une demande d'assistance ?",
        "Votre garantie d'assistance santé « Aide ménagère », selon votre contrat d'assurance, sera alors mise en "
        "place.",
    ],
    "devis": [
        "Ce service « Demande de remboursement » ne prend pas en charge la gestion des devis quelle que soit la "
        "nature de ceux-ci. Vous devez réaliser ces demandes directement sur votre espace personnel de mutuelle ou "
        "d'assurance."
    ],
    "desactiver-cookies": [
        "la documentation en ligne relative à la désactivation des cookies pour les principaux navigateurs internet",
        "Internet Explorer",
        "Apple Safari",
    ],
}

# The seed's slips, which must not come back.
SLIPS = [
    "champs « Numéro",
    'champs "',
    "apparaitront",
    "de l'écran suivant",
    "souhaitez supprimé",
    "quelque soit",
    "facture lié ",
    "Le dentaire",
    "précisez",
    "mis en place",
    "ASSURANCE",
    "Mot de Passe",
    "http://",
    " o https",
]


def test_themes_are_the_seven_in_the_page_order():
    assert tuple(theme.title for theme in faq.themes()) == faq.THEME_ORDER
    assert faq.THEME_ORDER[0] == "Inscription" and faq.THEME_ORDER[-1] == "Navigateurs et cookies"
    assert all(theme.entries for theme in faq.themes())


def test_every_answer_of_the_seed_is_there_once_in_its_theme():
    by_id = {entry.id: entry for entry in faq.entries()}
    assert set(by_id) == set(SEED_SENTENCES)
    assert len(faq.entries()) == 19  # 20 answers in the seed, one of them twice
    for entry_id, sentences in SEED_SENTENCES.items():
        text = by_id[entry_id].plain_text()
        for sentence in sentences:
            assert sentence in text, f"{entry_id}: {sentence!r} missing"
        assert by_id[entry_id].question.endswith("?")
    everything = " ".join(entry.plain_text() for entry in faq.entries())
    assert everything.count("carte de tiers payant") == 1
    theme_of = {entry.id: theme.title for theme in faq.themes() for entry in theme.entries}
    assert theme_of["numero-adherent"] == "Inscription"
    assert theme_of["identifiants-incorrects"] == "Connexion et mot de passe"
    assert theme_of["consulter-modifier-donnees"] == "Mon compte"
    assert theme_of["supprimer-adresse"] == "Adresses et trajets"
    assert theme_of["devis"] == theme_of["perimetre-remboursement"] == "Demande de remboursement"
    assert theme_of["donnees-de-sante"] == "Données personnelles"
    assert theme_of["desactiver-cookies"] == "Navigateurs et cookies"


def test_the_seed_slips_are_corrected():
    everything = " ".join(entry.plain_text() for entry in faq.entries())
    links = [
        item.href for entry in faq.entries() for b in entry.answer if isinstance(b, faq.BulletList) for item in b.items
    ]
    for slip in SLIPS:
        assert slip not in everything, slip
        assert not any(slip in href for href in links), slip


def test_inline_lists_became_lists_and_links():
    choose = faq.entry("choisir-mot-de-passe")
    rules = [b for b in choose.answer if isinstance(b, faq.BulletList)]
    assert [item.text for item in rules[0].items] == [
        "une majuscule ;",
        "une minuscule ;",
        "un chiffre ;",
        "au moins 8 caractères.",
    ]

    browsers = next(b for b in faq.entry("navigateurs").answer if isinstance(b, faq.BulletList))
    assert [item.text for item in browsers.items] == ["Google Chrome", "Mozilla Firefox", "Safari", "Microsoft Edge"]
    assert all(item.href.startswith("https://") for item in browsers.items)

    cookies = next(b for b in faq.entry(faq.COOKIES_ENTRY).answer if isinstance(b, faq.BulletList))
    hrefs = {item.text: item.href for item in cookies.items}
    assert hrefs["Google Chrome"] == "https://support.google.com/accounts/answer/61416?hl=fr"
    assert hrefs["Mozilla Firefox"] == "https://support.mozilla.org/fr/kb/activer-desactiver-cookies-preferences"
    assert hrefs["Apple Safari"] == "https://support.apple.com/kb/ph21411?locale=fr_CA"
    assert all(href.startswith("https://") for href in hrefs.values())
    explorer = next(item for item in cookies.items if "Internet Explorer" in item.text)
    assert "n'est plus pris en charge" in explorer.note
    assert all(not item.note for item in cookies.items if item is not explorer)


def test_ids_are_unique_url_safe_and_the_linked_ones_exist():
    ids = [theme.id for theme in faq.themes()] + [entry.id for entry in faq.entries()]
    assert len(ids) == len(set(ids))
    for entry_id in ids:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry_id), entry_id
    entry_ids = {entry.id for entry in faq.entries()}
    assert faq.MEMBERSHIP_NUMBER_ENTRY == "numero-adherent"
    assert faq.LOGIN_IDENTIFIERS_ENTRY == "identifiants-incorrects"
    assert faq.CLAIM_SCOPE_ENTRIES == ("perimetre-remboursement", "devis")
    assert {faq.MEMBERSHIP_NUMBER_ENTRY, faq.LOGIN_IDENTIFIERS_ENTRY, *faq.CLAIM_SCOPE_ENTRIES} <= entry_ids
    with pytest.raises(KeyError):
        faq.entry("n-existe-pas")


def test_a_data_file_with_a_duplicate_id_or_a_theme_out_of_order_is_refused(tmp_path):
    data = json.loads(faq.DATA_FILE.read_text(encoding="utf-8"))
    duplicate = json.loads(json.dumps(data))
    duplicate["themes"][1]["entries"][0]["id"] = "numero-adherent"
    (tmp_path / "dup.json").write_text(json.dumps(duplicate), encoding="utf-8")
    with pytest.raises(ValueError, match="unique"):
        faq._load(tmp_path / "dup.json")
    swapped = json.loads(json.dumps(data))
    swapped["themes"][0], swapped["themes"][1] = swapped["themes"][1], swapped["themes"][0]
    (tmp_path / "swapped.json").write_text(json.dumps(swapped), encoding="utf-8")
    with pytest.raises(ValueError, match="THEME_ORDER"):
        faq._load(tmp_path / "swapped.json")
    bad_id = json.loads(json.dumps(data))
    bad_id["themes"][2]["entries"][0]["id"] = "Mon compte"
    (tmp_path / "bad.json").write_text(json.dumps(bad_id), encoding="utf-8")
    with pytest.raises(ValueError, match="URL-safe"):
        faq._load(tmp_path / "bad.json")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("numero adherent", ["numero-adherent"]),
        ("NUMÉRO ADHÉRENT", ["numero-adherent"]),
        ("  Numéro   d'adhérent ? ", ["numero-adherent"]),  # apostrophe and « ? » are not words
        ("desactiver", ["desactiver-cookies"]),
        ("Désactiver les COOKIES", ["desactiver-cookies"]),
        ("devis", ["devis"]),
        ("explorer", ["desactiver-cookies"]),
        ("dentaire optique", ["perimetre-remboursement"]),
        ("hopitaux", ["perimetre-remboursement"]),
        ("adher", ["numero-adherent"]),
        ("xyzzy", []),
        ("numero xyzzy", []),
    ],
)
def test_search_ignores_accents_case_and_punctuation(query, expected):
    assert faq.matching_entry_ids(query) == expected


def test_search_finds_every_password_entry_in_page_order():
    found = faq.matching_entry_ids("MOT DE PASSE")
    assert found == [
        "regles-mot-de-passe",
        "choisir-mot-de-passe",
        "identifiants-incorrects",
        "mot-de-passe-oublie",
        "modifier-mot-de-passe",
    ]
    order = [entry.id for entry in faq.entries()]
    assert found == [entry_id for entry_id in order if entry_id in found]


def test_an_empty_query_matches_everything():
    every_id = [entry.id for entry in faq.entries()]
    assert faq.matching_entry_ids("") == every_id
    assert faq.matching_entry_ids("   ") == every_id
    assert faq.matching_entry_ids("?!") == every_id


def test_the_search_looks_in_answers_not_only_questions():
    assert "nature" not in faq.entry("devis").question
    assert faq.matching_entry_ids("quelle que soit la nature") == ["devis"]
    assert faq.matching_entry_ids("Apple Safari") == ["desactiver-cookies"]
