"""Operator commands: `python -m portal_app.cli <command>`. Each is a thin wrapper over the domain."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from portal_app import settings
from portal_app.domain.formatting import counted


def _migrate(_args: argparse.Namespace) -> int:
    from portal_app.db.migrate import upgrade_to_head

    upgrade_to_head()
    print("Base de données à jour.")
    return 0


def _load_offers(_args: argparse.Namespace) -> int:
    from portal_app.domain.offers import load_offers

    changed = load_offers()
    print(f"Catalogue des offres chargé ({counted(changed, 'offre créée ou modifiée', 'offres créées ou modifiées')}).")
    return 0


def _import_contracts(args: argparse.Namespace) -> int:
    from portal_app.domain import actors, advisers, audit

    path = Path(args.file)
    if not path.is_file():
        print(f"Fichier introuvable : {path}", file=sys.stderr)
        return 2
    audit.set_origin("ligne de commande", "python -m portal_app.cli import-contracts")
    report = advisers.import_contracts(actors.Operator(), path.read_bytes())
    if not report.ok:
        print(
            f"Fichier refusé : {counted(len(report.errors), 'ligne')} en erreur, rien n'a été importé.", file=sys.stderr
        )
        for line, reason in report.errors:
            print(f"  ligne {line} : {reason}", file=sys.stderr)
        return 1
    print(f"Import terminé : {report.summary}.")
    return 0


def _seed_demo(_args: argparse.Namespace) -> int:
    from portal_app.domain.demo import (
        DEMO_ADVISER_EMAIL,
        DEMO_ADVISER_PASSWORD,
        DEMO_MEMBER_EMAIL,
        DEMO_MEMBER_PASSWORD,
        ProductionRefused,
        seed_demo,
    )

    try:
        summary = seed_demo()
    except ProductionRefused:
        print(
            "seed-demo refuse de s'exécuter : le portail est configuré pour la production (PORTAL_ENV=production).",
            file=sys.stderr,
        )
        return 3
    report = summary.contracts
    print("Données de démonstration :")
    print(f"  contrats : {report.summary}")
    print("  AB 123 456 / Claire Martin  — Assistance Plus valide, 2 enfants (Léa, Hugo), compte confirmé")
    print("  GH777888   / Émilie Lefèvre — Assistance Plus valide, 1 enfant, sans compte (pour tester l'inscription)")
    print("  CD-654-321 / Paul Bernard   — Assistance Plus expirée le 31/12/2024")
    print("  EF.111.222 / Sophie Petit   — Santé seule, sans accès au portail")
    state = "créé" if summary.member_created else "déjà présent"
    print(f"  membre de démonstration {state} : {DEMO_MEMBER_EMAIL} / {DEMO_MEMBER_PASSWORD}")
    state = "créé" if summary.adviser_created else "déjà présent"
    print(f"  conseiller de démonstration {state} : {DEMO_ADVISER_EMAIL} / {DEMO_ADVISER_PASSWORD} (TOTP à activer)")
    print(
        f"  dossier d'assistance de démonstration : {summary.file_reference} (Hugo : 20 trajets de conduite à l'école, 500 € d'aide ménagère)"
    )
    return 0


def _send_mail(_args: argparse.Namespace) -> int:
    from portal_app.domain.mail import deliver_due_mail, pending_count

    sent = deliver_due_mail()
    print(f"{counted(sent, 'e-mail envoyé', 'e-mails envoyés')}, {pending_count()} en attente.")
    return 0


def _create_adviser(args: argparse.Namespace) -> int:
    import getpass

    from portal_app.domain.advisers import create_adviser
    from portal_app.domain.errors import ValidationError

    password = None
    if not args.send_link:
        password = getpass.getpass("Mot de passe du conseiller : ")
        if getpass.getpass("Confirmation du mot de passe : ") != password:
            print("Les deux saisies ne correspondent pas.", file=sys.stderr)
            return 1
    try:
        address = create_adviser(args.email, password)
    except ValidationError as error:
        print(" ".join(error.errors.values()), file=sys.stderr)
        return 1
    if args.send_link:
        from portal_app.domain.mail import deliver_due_mail

        deliver_due_mail()
        print(f"Conseiller {address} créé : un lien pour choisir son mot de passe lui a été envoyé (valable 1 heure).")
    else:
        print(f"Conseiller {address} créé. À sa première connexion, il activera la double authentification.")
    return 0


def _unlock_second_factor(args: argparse.Namespace) -> int:
    from portal_app.domain import actors, audit
    from portal_app.domain.errors import NotFound, ValidationError
    from portal_app.domain.second_factor import unlock_second_factor_by_email

    audit.set_origin("ligne de commande", "python -m portal_app.cli unlock-second-factor")
    try:
        unlocked = unlock_second_factor_by_email(actors.Operator(), args.email)
    except ValidationError as error:
        print(" ".join(error.errors.values()), file=sys.stderr)
        return 1
    except NotFound as error:
        print(str(error), file=sys.stderr)
        return 1
    if unlocked:
        print(f"Double authentification de {args.email} déverrouillée : ses codes sont de nouveau acceptés.")
    else:
        print(f"La double authentification de {args.email} n'était pas verrouillée : rien n'a changé.")
    return 0


def _operator_command(name: str, action) -> int:
    """Runs a domain action as the operator, audited with the command's name; a refusal is printed, not raised."""
    from portal_app.domain import actors, audit
    from portal_app.domain.errors import DomainError

    audit.set_origin("ligne de commande", f"python -m portal_app.cli {name}")
    try:
        return action(actors.Operator())
    except DomainError as error:
        print(error.message, file=sys.stderr)
        return 1


def _list_advisers(_args: argparse.Namespace) -> int:
    from portal_app.domain.adviser_admin import list_advisers
    from portal_app.domain.formatting import paris_datetime

    def show(operator) -> int:
        lines = list_advisers(operator)
        if not lines:
            print("Aucun conseiller.")
        for line in lines:
            last = paris_datetime(line.last_login_at) if line.last_login_at else "jamais connecté"
            state = "désactivé" if line.disabled else "actif"
            print(f"{line.email}\t{state}\tdouble authentification {line.second_factor}\tdernière connexion : {last}")
        return 0

    return _operator_command("list-advisers", show)


def _disable_adviser(args: argparse.Namespace) -> int:
    from portal_app.domain.adviser_admin import disable_adviser

    def run(operator) -> int:
        if disable_adviser(operator, args.email):
            print(f"Conseiller {args.email} désactivé : ses sessions sont fermées et il ne peut plus se connecter.")
        else:
            print(f"Le conseiller {args.email} était déjà désactivé : rien n'a changé.")
        return 0

    return _operator_command("disable-adviser", run)


def _enable_adviser(args: argparse.Namespace) -> int:
    from portal_app.domain.adviser_admin import enable_adviser
    from portal_app.domain.mail import deliver_due_mail

    def run(operator) -> int:
        if enable_adviser(operator, args.email):
            deliver_due_mail()
            print(f"Conseiller {args.email} réactivé : il peut de nouveau se connecter (un e-mail l'en informe).")
        else:
            print(f"Le conseiller {args.email} n'était pas désactivé : rien n'a changé.")
        return 0

    return _operator_command("enable-adviser", run)


def _reset_second_factor(args: argparse.Namespace) -> int:
    from portal_app.domain.adviser_admin import reset_second_factor
    from portal_app.domain.mail import deliver_due_mail

    def run(operator) -> int:
        reset_second_factor(operator, args.email)
        deliver_due_mail()
        print(
            f"Double authentification de {args.email} réinitialisée : ses sessions sont fermées, il l'activera à "
            "nouveau à sa prochaine connexion (un e-mail l'en informe)."
        )
        return 0

    return _operator_command("reset-second-factor", run)


def _backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from portal_app.db.backup import BackupError, backup

    try:
        written = backup(settings.DATABASE_URL, Path(args.file))
    except BackupError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(
        f"Sauvegarde écrite dans {written} (justificatifs chiffrés compris ; gardez les clés PORTAL_FILE_KEYS à part)."
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from portal_app.db.backup import BackupError, restore

    try:
        restore(settings.DATABASE_URL, Path(args.file))
    except BackupError as error:
        print(str(error), file=sys.stderr)
        return 1
    print("Sauvegarde restaurée. Lancez « migrate » si elle vient d'une version plus ancienne du portail.")
    return 0


def _new_file_key(_args: argparse.Namespace) -> int:
    from portal_app.domain.file_store import new_key_text

    print(new_key_text())
    return 0


def _rotate_file_key(_args: argparse.Namespace) -> int:
    from portal_app.domain.file_store import keyring, rotate_all

    count = rotate_all()
    print(f"{counted(count, 'justificatif rechiffré', 'justificatifs rechiffrés')} avec la clé « {keyring().active} ».")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portal_app.cli", description="Commandes d'exploitation d'Espace Assistance"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="applique les migrations Alembic").set_defaults(run=_migrate)
    commands.add_parser("load-offers", help="charge data/offers.json en base").set_defaults(run=_load_offers)
    importer = commands.add_parser("import-contracts", help="importe un fichier de contrats d'assureur (CSV ;)")
    importer.add_argument("file")
    importer.set_defaults(run=_import_contracts)
    commands.add_parser("seed-demo", help="crée les données de démonstration (refusé en production)").set_defaults(
        run=_seed_demo
    )
    adviser = commands.add_parser("create-adviser", help="crée un compte conseiller (mot de passe demandé, ou lien)")
    adviser.add_argument("--email", required=True)
    adviser.add_argument("--send-link", action="store_true", help="envoyer un lien pour choisir le mot de passe")
    adviser.set_defaults(run=_create_adviser)
    unlock = commands.add_parser(
        "unlock-second-factor", help="déverrouille la double authentification d'un conseiller (trop de codes erronés)"
    )
    unlock.add_argument("--email", required=True)
    unlock.set_defaults(run=_unlock_second_factor)
    commands.add_parser("list-advisers", help="liste les conseillers et l'état de leur compte").set_defaults(
        run=_list_advisers
    )
    for name, run, text in (
        ("disable-adviser", _disable_adviser, "désactive un conseiller (ses sessions sont fermées aussitôt)"),
        ("enable-adviser", _enable_adviser, "réactive un conseiller désactivé"),
        ("reset-second-factor", _reset_second_factor, "réinitialise la double authentification (téléphone perdu)"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--email", required=True)
        command.set_defaults(run=run)
    commands.add_parser("new-file-key", help="affiche une nouvelle clé pour PORTAL_FILE_KEYS").set_defaults(
        run=_new_file_key
    )
    commands.add_parser(
        "rotate-file-key", help="rechiffre tous les justificatifs avec la clé PORTAL_FILE_KEY_ID"
    ).set_defaults(run=_rotate_file_key)
    saver = commands.add_parser("backup", help="sauvegarde la base (justificatifs chiffrés compris) dans un fichier")
    saver.add_argument("file")
    saver.set_defaults(run=_backup)
    restorer = commands.add_parser("restore", help="restaure une sauvegarde dans une base vide")
    restorer.add_argument("file")
    restorer.set_defaults(run=_restore)
    commands.add_parser("send-mail", help="envoie les e-mails en attente").set_defaults(run=_send_mail)
    args = parser.parse_args(argv)
    if args.command != "seed-demo":
        settings.check_production_settings()
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
