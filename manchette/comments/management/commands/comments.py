"""``manage.py comments <subcommand>``: maintenance of stored comments.

Each subcommand is one entry in ``SUBCOMMANDS``: a function adding its
arguments and a function running it (calling one service). Add ``export`` or
``erase`` by adding entries; ``handle`` stays as it is.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any, override

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.utils import timezone

from manchette.comments.conf import comments_settings
from manchette.comments.privacy_requests import erase_email, export_email
from manchette.comments.services import comment_purge_ip_data

if TYPE_CHECKING:
    from collections.abc import Callable


def _purge_ips_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--days",
        type=int,
        default=None,
        help="Keep data of the last N days (default: COMMENTS_IP_RETENTION_DAYS).",
    )


def _purge_ips(command: BaseCommand, options: dict[str, Any]) -> None:
    days = options["days"]
    if days is None:
        days = comments_settings().IP_RETENTION_DAYS
    if days < 0:
        msg = "--days must be zero or more."
        raise CommandError(msg)
    cutoff = timezone.now() - timedelta(days=days)
    count = comment_purge_ip_data(older_than=cutoff)
    command.stdout.write(
        f"Cleared IP address and user agent of {count} comment(s) "
        f"older than {days} day(s)."
    )


# --- privacy requests (export, erase): see manchette.comments.privacy_requests


def _export_arguments(parser: CommandParser) -> None:
    parser.add_argument("email", help="The email address the request is about.")


def _valid_address(value: str) -> str:
    """Return ``value`` trimmed, or raise ``CommandError`` if it is no email address."""
    address = value.strip()
    try:
        validate_email(address)
    except ValidationError:
        msg = f"Not a valid email address: {address!r}."
        raise CommandError(msg) from None
    return address


def _export(command: BaseCommand, options: dict[str, Any]) -> None:
    data = export_email(_valid_address(options["email"]))
    command.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))


def _erase_arguments(parser: CommandParser) -> None:
    parser.add_argument("email", help="The email address to anonymise.")
    parser.add_argument(
        "--delete",
        action="store_true",
        help="Also replace the comment texts with a placeholder and remove them.",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="Count what would change; write nothing."
    )


def _erase(command: BaseCommand, options: dict[str, Any]) -> None:
    summary = erase_email(
        _valid_address(options["email"]),
        delete_body=options["delete"],
        dry_run=options["dry_run"],
    )
    verb = "Would anonymise" if summary.dry_run else "Anonymised"
    command.stdout.write(
        f"{verb} {summary.comments} comment(s) "
        f"({summary.bodies_replaced} text(s) replaced), "
        f"deleted {summary.subscriptions} reply subscription(s), "
        f"cleared {summary.flags_made} report(s) made."
    )


SUBCOMMANDS: dict[
    str,
    tuple[
        str,
        Callable[[CommandParser], None],
        Callable[[BaseCommand, dict[str, Any]], None],
    ],
] = {
    "purge-ips": (
        "Clear stored IP networks and user agents older than the retention period.",
        _purge_ips_arguments,
        _purge_ips,
    ),
    "export": (
        "Print as JSON everything stored about one email address.",
        _export_arguments,
        _export,
    ),
    "erase": (
        "Anonymise everything stored about one email address (threads stay intact).",
        _erase_arguments,
        _erase,
    ),
}


class Command(BaseCommand):
    help = "Maintain stored comments (see the subcommands)."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(
            dest="subcommand", required=True, metavar="subcommand"
        )
        for name, (help_text, add_arguments, _run) in SUBCOMMANDS.items():
            subparser = subparsers.add_parser(name, help=help_text)
            add_arguments(subparser)

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        _help, _add, run = SUBCOMMANDS[options["subcommand"]]
        run(self, options)
