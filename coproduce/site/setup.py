"""`coproduce setup`: the first organisation and its administrator on a new installation.

`createsuperuser` made an account with no verified e-mail (its first sign-in sent mail inside
the request) and no register entry, so it could hold no organisation role. This goes through
the actions instead: a verified account, a register entry and the admin role, then either a
password read from a file or prompt, or a one-time link to set one.
"""

import getpass
import sys
from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("--organisation", required=True, help="the organisation's name")
    parser.add_argument(
        "--kind",
        default="health_board",
        help="health_board, trust, gp_practice, council, community or research "
        "(default health_board)",
    )
    parser.add_argument("--admin", required=True, metavar="EMAIL", help="the administrator")
    parser.add_argument("--name", default="", help="the administrator's full name")
    password = parser.add_mutually_exclusive_group()
    password.add_argument(
        "--password-file", metavar="PATH", help="read their password from a file ('-': stdin)"
    )
    password.add_argument(
        "--prompt-password", action="store_true", help="ask for their password here"
    )


def _password(args) -> str | None:
    if args.password_file == "-":
        return sys.stdin.readline().rstrip("\n")
    if args.password_file:
        return Path(args.password_file).read_text().rstrip("\n")
    if args.prompt_password:
        first = getpass.getpass("Password for the administrator: ")
        if first != getpass.getpass("The same password again: "):
            raise ValueError("The two passwords are not the same.")
        return first
    return None


def run(args) -> int:
    from django.conf import settings
    from django.core.exceptions import ValidationError

    from coproduce.accounts import actions, links

    try:
        password = _password(args)
        user, organisation, created = actions.set_up(
            by=None,
            organisation_name=args.organisation,
            organisation_kind=args.kind,
            email=args.admin,
            full_name=args.name,
            password=password,
        )
    except actions.AlreadySetUp as exc:
        print(
            f"coproduce is already set up: {exc.link.person.email} is an administrator of "
            f"{exc.link.organisation.name}. Nothing was changed; sign in as them and invite "
            "people from the Organisations page.",
            file=sys.stderr,
        )
        return 1
    except (ValidationError, ValueError, OSError) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        print("coproduce setup: " + " ".join(messages), file=sys.stderr)
        return 1
    if created:
        print(f"Set up {organisation.name} with {user.email} as its administrator.")
    else:
        print(f"Already set up: {user.email} is an administrator of {organisation.name}.")
    if password is None and not user.has_usable_password():
        days = settings.PASSWORD_RESET_TIMEOUT // 86400
        print(f"Set their password (the link works once, for {days} days):")
        print(links.password_set_url(user))
    elif password is not None and not created:
        print("Their password was not changed: use 'Forgotten your password?' to change it.")
    return 0
