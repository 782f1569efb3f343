from __future__ import annotations

import importlib
import importlib.util
import logging
from typing import TYPE_CHECKING, Any, cast, override

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from manchette.news.demo import ADMIN_USERNAME, build_demo
from manchette.news.models import ArticlePage

if TYPE_CHECKING:
    from typing import TextIO


class Command(BaseCommand):
    help = (
        "Create the demo newsroom (site, French and Arabic editions, sections, "
        "articles, ads, editors group, admin user). Safe to run twice."
    )

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when articles already exist.",
        )
        parser.add_argument(
            "--admin-password",
            help="Password of the 'admin' superuser if it is created "
            "(default: a random one, printed once).",
        )

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and ArticlePage.objects.exists():
            self.stdout.write("Articles exist already; demo data left as it is.")
            self._login_hint()
            return
        # Every page publish runs background tasks inline; their INFO lines
        # would drown the progress output. The demo comments' moderation sends
        # statements of reasons to fictional authors: keep those emails in
        # memory (not on the console mailer) while the demo is built.
        tasks_logger = logging.getLogger("django.tasks")
        level = tasks_logger.level
        tasks_logger.setLevel(logging.WARNING)
        had_outbox = hasattr(mail, "outbox")
        sent_before = len(getattr(mail, "outbox", []))
        in_memory = {
            alias: {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
            for alias in getattr(settings, "MAILERS", {}) or {"default": {}}
        }
        try:
            with override_settings(MAILERS=in_memory):
                summary = build_demo(
                    stdout=cast("TextIO", self.stdout),
                    admin_password=options["admin_password"],
                )
                self._build_other_apps(summary)
        finally:
            tasks_logger.setLevel(level)
            kept = len(getattr(mail, "outbox", [])) - sent_before
            if not had_outbox and hasattr(mail, "outbox"):
                del mail.outbox
        if kept:
            emails = "email" if kept == 1 else "emails"
            self.stdout.write(
                f"{kept} {emails} to the demo's fictional comment authors "
                "(statements of reasons) kept in memory, not sent."
            )
        if summary.admin_password:
            self.stdout.write(
                self.style.WARNING(
                    f"Admin login: admin / {summary.admin_password} "
                    "(shown once; change it in the admin)."
                )
            )
        else:
            self._login_hint()

    def _login_hint(self) -> None:
        """Say how to log in to the admin when no new password was printed."""
        if get_user_model().objects.filter(username=ADMIN_USERNAME).exists():
            self.stdout.write(
                f"Admin login: user “{ADMIN_USERNAME}” (password shown when it was "
                f"created; to set a new one: python manage.py changepassword "
                f"{ADMIN_USERNAME})."
            )
        else:
            self.stdout.write(
                "No admin user; create one with: python manage.py createsuperuser"
            )

    def _build_other_apps(self, summary: Any) -> None:
        """Run the other apps' ``demo.build_demo(stdout=..., news=summary)``."""
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if config.name == "manchette.news" or not config.name.startswith(
                "manchette."
            ):
                continue
            if importlib.util.find_spec(module_name) is None:
                continue
            importlib.import_module(module_name).build_demo(
                stdout=self.stdout, news=summary
            )
