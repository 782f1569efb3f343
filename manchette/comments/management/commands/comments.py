"""``manage.py comments <subcommand>``: maintenance of stored comments.

Each subcommand is one entry in ``SUBCOMMANDS``: a function adding its
arguments and a function running it (calling one service). Add ``export`` or
``erase`` by adding entries; ``handle`` stays as it is.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, override

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from manchette.comments.conf import comments_settings
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
