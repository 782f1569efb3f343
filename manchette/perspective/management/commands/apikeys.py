"""``manage.py apikeys create|list|revoke``: keys of the Perspective-compatible API.

``create NAME [--rate N]`` prints the new key once (only its hash is stored);
``list`` shows every key with its hint, state and quota; ``revoke NAME``
deactivates a key at once.
"""

from __future__ import annotations

from typing import Any, override

from django.core.management.base import BaseCommand, CommandError, CommandParser

from manchette.perspective.models import ApiKey
from manchette.perspective.services import create_api_key, revoke_api_key


class Command(BaseCommand):
    help = "Create, list and revoke API keys of the Perspective-compatible API."
    # Managing keys needs no model artifact: moderation.E001 must not block it.
    requires_system_checks: list[str] = []

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(
            dest="subcommand", required=True, metavar="subcommand"
        )
        create = subparsers.add_parser("create", help="Create a key; print it once.")
        create.add_argument("name", help="A unique name (the client or site).")
        create.add_argument(
            "--rate",
            type=int,
            default=None,
            help="Requests per minute (default: PERSPECTIVE_DEFAULT_RATE_LIMIT).",
        )
        subparsers.add_parser("list", help="List the keys (never their secret).")
        revoke = subparsers.add_parser("revoke", help="Deactivate a key.")
        revoke.add_argument("name", help="The key's name.")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "create":
            try:
                api_key, raw = create_api_key(
                    name=options["name"], rate_limit=options["rate"]
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stderr.write(
                f"Created API key {api_key.name!r} "
                f"({api_key.rate_limit_per_minute} requests/minute). "
                "Copy it now: it is not stored and cannot be shown again."
            )
            self.stdout.write(raw)
        elif subcommand == "list":
            keys = ApiKey.objects.order_by("name")
            if not keys:
                self.stdout.write("No API keys.")
            for api_key in keys:
                state = "active" if api_key.active else "revoked"
                self.stdout.write(
                    f"{api_key.name}\t{api_key.key_hint}…\t{state}\t"
                    f"{api_key.rate_limit_per_minute}/min\t"
                    f"{api_key.created_at:%Y-%m-%d %H:%M}"
                )
        else:
            try:
                api_key = revoke_api_key(name=options["name"])
            except ApiKey.DoesNotExist as exc:
                msg = f"No API key named {options['name']!r}."
                raise CommandError(msg) from exc
            self.stdout.write(f"Revoked API key {api_key.name!r}.")
