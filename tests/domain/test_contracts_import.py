"""Insurers' contract files: UTF-8 `;` CSV, all or nothing, idempotent, every bad line reported."""

from __future__ import annotations

from datetime import date

from portal_app.db.engine import session_scope
from portal_app.db.models import AssistanceFile, Beneficiary, Contract, Insurer, Offer
from portal_app.domain.contracts import import_contract_file

from .support import CLAIRE, HEADER, PAUL, all_rows, count, csv_file, import_ok


def beneficiaries_of(number_key: str) -> list[tuple[str, str, str, date]]:
    contract = all_rows(Contract, Contract.member_number_key == number_key)[0]
    people = all_rows(Beneficiary, Beneficiary.contract_id == contract.id)
    return sorted((b.relation, b.last_name, b.first_name, b.birth_date) for b in people)


def test_valid_file_creates_contracts_and_beneficiaries():
    report = import_contract_file(csv_file(*CLAIRE.lines(), *PAUL.lines()))

    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    claire = all_rows(Contract, Contract.member_number_key == "AB123456")[0]
    assert claire.member_number == "AB 123 456"
    assert (claire.holder_first_name, claire.holder_last_name) == ("Claire", "Martin")
    assert (claire.valid_from, claire.valid_to) == (date(2020, 1, 1), None)
    assert all_rows(Offer, Offer.id == claire.offer_id)[0].code == "ASSISTANCE_PLUS"
    assert all_rows(Insurer, Insurer.id == claire.insurer_id)[0].name == "Mutuelle Horizon"
    assert beneficiaries_of("AB123456") == [
        ("adherent", "Martin", "Claire", date(1984, 3, 12)),
        ("conjoint", "Martin", "Julien", date(1982, 7, 30)),
        ("enfant", "Martin", "Hugo", date(2018, 5, 21)),
        ("enfant", "Martin", "Léa", date(2015, 9, 4)),
    ]
    assert count(Beneficiary) == 6


def test_file_with_utf8_bom_is_accepted():
    report = import_contract_file(csv_file(*CLAIRE.lines(), bom=True))

    assert report.ok, report.errors
    assert report.created == 1
    assert all_rows(Beneficiary, Beneficiary.first_name == "Léa")


def test_file_with_windows_line_endings_is_accepted():
    content = csv_file(*CLAIRE.lines()).replace(b"\n", b"\r\n")

    report = import_contract_file(content)

    assert report.ok, report.errors
    assert report.created == 1


def test_same_file_twice_changes_nothing():
    content = csv_file(*CLAIRE.lines(), *PAUL.lines())
    import_contract_file(content)
    contracts_before = {c.id: c.updated_at for c in all_rows(Contract)}
    people_before = {b.id: b.updated_at for b in all_rows(Beneficiary)}

    second = import_contract_file(content)

    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert {c.id: c.updated_at for c in all_rows(Contract)} == contracts_before
    assert {b.id: b.updated_at for b in all_rows(Beneficiary)} == people_before


def test_newer_file_updates_offer_dates_and_beneficiaries():
    import_ok(*CLAIRE.lines())
    newer = CLAIRE.but(
        offer="ASSISTANCE_ESSENTIEL",
        start="2021-01-01",
        end="2030-12-31",
        people=(
            ("adherent", "Martin", "Claire", "1984-03-12"),
            ("autre", "Martin", "Julien", "1982-07-30"),  # relation changed
            ("enfant", "Martin", "Léa", "2015-09-04"),
            ("enfant", "Martin", "Nina", "2024-01-20"),  # added; Hugo removed
        ),
    )

    report = import_contract_file(csv_file(*newer.lines()))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    contract = all_rows(Contract)[0]
    assert all_rows(Offer, Offer.id == contract.offer_id)[0].code == "ASSISTANCE_ESSENTIEL"
    assert (contract.valid_from, contract.valid_to) == (date(2021, 1, 1), date(2030, 12, 31))
    assert beneficiaries_of("AB123456") == [
        ("adherent", "Martin", "Claire", date(1984, 3, 12)),
        ("autre", "Martin", "Julien", date(1982, 7, 30)),
        ("enfant", "Martin", "Léa", date(2015, 9, 4)),
        ("enfant", "Martin", "Nina", date(2024, 1, 20)),
    ]


def test_corrected_spelling_updates_the_same_beneficiary():
    import_ok(
        *CLAIRE.lines(
            people=(("adherent", "Martin", "Claire", "1984-03-12"), ("enfant", "MARTIN", "Lea", "2015-09-04"))
        )
    )
    child_id = all_rows(Beneficiary, Beneficiary.first_name == "Lea")[0].id

    report = import_contract_file(
        csv_file(
            *CLAIRE.lines(
                people=(("adherent", "Martin", "Claire", "1984-03-12"), ("enfant", "Martin", "Léa", "2015-09-04"))
            )
        )
    )

    assert report.updated == 1
    child = all_rows(Beneficiary, Beneficiary.id == child_id)[0]
    assert (child.first_name, child.last_name) == ("Léa", "Martin")


def test_newer_file_with_another_holder_name_updates_the_holder():
    import_ok(*CLAIRE.lines())
    married = tuple(
        ("adherent", "Martin-Roux", "Claire", "1984-03-12") if p[0] == "adherent" else p for p in CLAIRE.people
    )

    import_ok(*CLAIRE.lines(people=married))

    assert all_rows(Contract)[0].holder_last_name == "Martin-Roux"


def test_file_with_several_bad_lines_imports_nothing_and_lists_each_line():
    good = CLAIRE.lines()  # lines 2 to 5
    bad = [
        "B1;Mutuelle Horizon;ASSISTANCE_PLUS;2024-13-01;;adherent;Petit;Ana;1990-01-01",  # 6: bad date
        "B2;Mutuelle Horizon;OFFRE_X;2024-01-01;;adherent;Petit;Ana;1990-01-01",  # 7: unknown offer
        "B3;Mutuelle Horizon;ASSISTANCE_PLUS;2024-01-01;;cousin;Petit;Ana;1990-01-01",  # 8: unknown lien
        "B4;Mutuelle Horizon;ASSISTANCE_PLUS;2024-01-01;;adherent;;Ana;1990-01-01",  # 9: missing nom
        "B5;Mutuelle Horizon;ASSISTANCE_PLUS;2024-01-01;;enfant;Petit;Tom;2015-01-01",  # 10: no adherent row
        "B6;Mutuelle Horizon;ASSISTANCE_PLUS;2024-01-01;;adherent;Roy;Max;1970-01-01",  # 11
        "B6;Mutuelle Horizon;ASSISTANCE_PLUS;2024-01-01;;adherent;Roy;Eva;1972-01-01",  # 12: second adherent
    ]

    report = import_contract_file(csv_file(*good, *bad))

    assert not report.ok
    assert [line for line, _ in report.errors] == [6, 7, 8, 9, 10, 12]
    reasons = dict(report.errors)
    assert "debut" in reasons[6]
    assert "offre inconnue « OFFRE_X »" in reasons[7]
    assert "lien « cousin » inconnu" in reasons[8]
    assert "nom manquant" in reasons[9]
    assert "B5" in reasons[10] and "adherent" in reasons[10]
    assert "deuxième ligne « adherent »" in reasons[12]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert count(Contract) == 0
    assert count(Beneficiary) == 0
    assert count(Insurer) == 0


def test_bad_file_does_not_change_contracts_already_imported():
    import_ok(*CLAIRE.lines())
    changed = CLAIRE.lines(offer="SANTE_SEULE")
    broken = "B1;Mutuelle Horizon;ASSISTANCE_PLUS;pas-une-date;;adherent;Petit;Ana;1990-01-01"

    report = import_contract_file(csv_file(*changed, broken))

    assert not report.ok
    contract = all_rows(Contract)[0]
    assert all_rows(Offer, Offer.id == contract.offer_id)[0].code == "ASSISTANCE_PLUS"


def test_wrong_header_is_refused_on_line_1():
    wrong = HEADER.replace("prenom", "prénom")

    report = import_contract_file(csv_file(*CLAIRE.lines(), header=wrong))

    assert [line for line, _ in report.errors] == [1]
    assert "en-tête" in report.errors[0][1]
    assert count(Contract) == 0


def test_file_not_in_utf8_is_refused_with_the_line_of_the_bad_byte():
    content = ("\n".join([HEADER, *CLAIRE.lines()]) + "\n").encode("cp1252")  # « Léa » on line 4

    report = import_contract_file(content)

    assert report.errors == [(4, "le fichier doit être encodé en UTF-8")]
    assert count(Contract) == 0


def test_end_date_before_start_is_refused():
    report = import_contract_file(csv_file(*CLAIRE.lines(start="2025-01-01", end="2024-12-31")))

    assert report.errors and all("fin est avant debut" in reason for _, reason in report.errors)
    assert count(Contract) == 0


def test_line_with_wrong_number_of_columns_is_refused():
    report = import_contract_file(csv_file(*CLAIRE.lines(), "AB 123 456;Mutuelle Horizon;ASSISTANCE_PLUS"))

    assert [line for line, _ in report.errors] == [6]
    assert "3 colonnes au lieu de 9" in report.errors[0][1]
    assert count(Contract) == 0


def test_contract_number_written_differently_is_the_same_contract():
    import_ok(*CLAIRE.lines())

    report = import_contract_file(csv_file(*CLAIRE.lines(number="ab-123.456")))

    assert count(Contract) == 1
    assert report.created == 0


def test_newer_file_cannot_remove_a_beneficiary_with_an_assistance_file():
    import_ok(*CLAIRE.lines())
    hugo = all_rows(Beneficiary, Beneficiary.first_name == "Hugo")[0]
    with session_scope() as session:
        session.add(
            AssistanceFile(
                reference="AS-2026-000001",
                contract_id=hugo.contract_id,
                beneficiary_id=hugo.id,
                event_type="hospitalisation",
                event_date=date(2026, 3, 1),
            )
        )
    without_hugo = tuple(p for p in CLAIRE.people if p[2] != "Hugo")
    newer = CLAIRE.lines(offer="ASSISTANCE_ESSENTIEL", people=without_hugo)

    report = import_contract_file(csv_file(*newer, *PAUL.lines()))

    assert [line for line, _ in report.errors] == [2]
    assert "Hugo Martin" in report.errors[0][1] and "dossier d'assistance" in report.errors[0][1]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert count(Contract) == 1  # Paul's contract was not imported either
    assert all_rows(Beneficiary, Beneficiary.id == hugo.id)
    assert all_rows(Offer, Offer.id == all_rows(Contract)[0].offer_id)[0].code == "ASSISTANCE_PLUS"
