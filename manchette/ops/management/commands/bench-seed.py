# ruff: noqa: N999 - the command is spelled ``bench-seed`` (issue 6)
"""``manage.py bench-seed --comments N``: a published article with N comments."""

from typing import Any, override

from django.core.management.base import BaseCommand, CommandError, CommandParser

from manchette.ops.seed import bench_article


class Command(BaseCommand):
    help = (
        "Create (or reuse) a published article with N approved comments, a third "
        "of them replies, in French and Arabic; print its URL path."
    )

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--comments", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, default=0, help="text generator seed")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = bench_article(comments=options["comments"], seed=options["seed"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 1:
            self.stderr.write(
                f"{result.created} comment(s) created, {result.comments} in all."
            )
        self.stdout.write(result.article.url or result.article.url_path)
