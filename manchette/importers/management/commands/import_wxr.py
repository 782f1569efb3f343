"""``manage.py import-wxr FILE``: import a WordPress export (thin wrapper)."""

from __future__ import annotations

import io
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, override

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from manchette.importers.wxr.load import ImportOptions, import_wxr
from manchette.importers.wxr.parse import WxrError
from manchette.news.models import HomePage

if TYPE_CHECKING:
    from django.core.management.base import CommandParser

    from manchette.importers.wxr.load import ImportReport

OUTCOMES = {
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Updated"),
    "unchanged": gettext_lazy("Unchanged"),
    "skipped": gettext_lazy("Skipped"),
}


class Command(BaseCommand):
    @override
    def create_parser(
        self, prog_name: str, subcommand: str, **kwargs: Any
    ) -> CommandParser:
        # argparse needs a real string: translate when the parser is built.
        self.help = _(
            "Import a WordPress export (WXR): articles, pages, authors, sections, "
            "tags, images and comments. Safe to re-run: nothing is created twice."
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("The WXR (.xml) export file."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Read the file and report what would happen; write nothing."),
        )
        parser.add_argument(
            "--site-timezone",
            default="UTC",
            help=_("Time zone of the WordPress site, for dates without GMT twin."),
        )
        parser.add_argument(
            "--include-trash",
            action="store_true",
            help=_("Import trashed posts and pages as drafts instead of skipping."),
        )
        parser.add_argument(
            "--home",
            type=int,
            default=None,
            help=_("ID of the home page to import into (default: the site's)."),
        )
        parser.add_argument(
            "--media-dir",
            type=Path,
            default=None,
            help=_("Local copy of wp-content/uploads for attachment files."),
        )
        parser.add_argument(
            "--no-progress", action="store_true", help=_("Hide the progress bar.")
        )
        parser.add_argument(
            "--moderation-workers",
            type=int,
            choices=[0, 1],
            default=0,
            help=_(
                "Processes running the moderation engine beside the import "
                "(0, the default: in the import itself; 1: faster on two cores, "
                "about 300 MB more memory)."
            ),
        )

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if path.is_dir():
            raise CommandError(
                _("%(path)s is a folder; give the WXR file itself.") % {"path": path}
            )
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            timezone = zoneinfo.ZoneInfo(options["site_timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CommandError(
                _("Unknown time zone: %(name)s") % {"name": options["site_timezone"]}
            ) from None
        home = None
        if options["home"] is not None:
            home = HomePage.objects.filter(pk=options["home"]).first()
            if home is None:
                raise CommandError(
                    _("No home page with ID %(id)s.") % {"id": options["home"]}
                )
        import_options = ImportOptions(
            site_timezone=timezone,
            dry_run=options["dry_run"],
            include_trash=options["include_trash"],
            home=home,
            media_dir=options["media_dir"],
            moderation_workers=options["moderation_workers"],
        )
        # The live bar goes to the terminal's stderr; the summary to stdout.
        bar_console = Console(stderr=True)
        show = not options["no_progress"] and bar_console.is_terminal
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=bar_console,
            disable=not show,
        )
        tasks: dict[str, Any] = {}

        def advance(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                label = _("Checking") if phase == "check" else _("Importing")
                tasks[phase] = progress.add_task(label, total=total)
            progress.update(tasks[phase], completed=done)

        try:
            with progress:
                report = import_wxr(path, import_options, progress=advance)
        except WxrError as exc:
            raise CommandError(
                _("%(file)s: %(error)s — nothing was imported.")
                % {"file": path.name, "error": exc}
            ) from exc
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        buffer = io.StringIO()
        self._summary(Console(file=buffer, width=120, highlight=False), report)
        self.stdout.write(buffer.getvalue(), ending="")

    def _summary(self, console: Console, report: ImportReport) -> None:
        title = _("WordPress import from %(source)s") % {"source": report.source}
        if report.dry_run:
            console.print(_("Dry run: nothing was written."))
        table = Table(title=title)
        table.add_column(_("Kind"))
        for label in OUTCOMES.values():
            table.add_column(str(label), justify="right")
        for kind in sorted(report.counts):
            counts = report.counts[kind]
            table.add_row(kind, *(str(counts[outcome]) for outcome in OUTCOMES))
        console.print(table)
        skipped = ", ".join(
            f"{name}: {count}" for name, count in sorted(report.skipped_types.items())
        )
        console.print(
            _("Not imported (types): %(types)s") % {"types": skipped or "-"},
        )
        console.print(
            _(
                "Comments: %(orphans)d orphan(s) kept at top level, %(notes)d "
                "editorial note(s) and %(pings)d pingback(s)/trackback(s) skipped."
            )
            % {
                "orphans": report.orphans,
                "notes": report.notes_skipped,
                "pings": report.pings_skipped,
            }
        )
        statuses = ", ".join(
            f"{status}: {count}" for status, count in sorted(report.moderation.items())
        )
        if report.dry_run:
            line = _(
                "Comments by WordPress status (a dry run moderates nothing): "
                "%(statuses)s"
            )
        else:
            line = _("Imported comments by status after moderation: %(statuses)s")
        console.print(line % {"statuses": statuses or "-"})
        if not report.moderation_connected:
            console.print(
                _(
                    "Moderation is not connected: WordPress statuses were kept "
                    "as they were."
                )
            )
        if report.held_reasons:
            reasons = ", ".join(
                f"{reason}: {count}"
                for reason, count in report.held_reasons.most_common()
            )
            console.print(
                _("Comments WordPress had approved, now held: %(reasons)s")
                % {"reasons": reasons}
            )
        for message in report.messages:
            console.print(f"- {message}")
