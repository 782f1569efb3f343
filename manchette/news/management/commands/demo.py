from __future__ import annotations

import importlib
import importlib.util
import logging
from typing import TYPE_CHECKING, Any, cast, override

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser

from manchette.news.demo import build_demo
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
            return
        # Every page publish runs background tasks inline; their INFO lines
        # would drown the progress output.
        tasks_logger = logging.getLogger("django.tasks")
        level = tasks_logger.level
        tasks_logger.setLevel(logging.WARNING)
        try:
            summary = build_demo(
                stdout=cast("TextIO", self.stdout),
                admin_password=options["admin_password"],
            )
        finally:
            tasks_logger.setLevel(level)
        # Other apps extend the demo with a ``demo.build_demo(stdout, news)``.
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
        if summary.admin_password:
            self.stdout.write(
                self.style.WARNING(
                    f"Admin login: admin / {summary.admin_password} "
                    "(shown once; change it in the admin)."
                )
            )
