"""The ``manchette moderation export-decisions`` subcommand (learning loop).

Writes the moderators' decisions as JSON Lines, one labelled comment per line,
in the format ``manchette moderation train --extra FILE.jsonl`` reads:
``{"text", "label", "category"?, "language", "comment_id", "decided_at"}``.

The ``moderation`` command registers this module with :func:`add_arguments`
(on its ``export-decisions`` subparser) and calls :func:`handle`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from django.core.management.base import CommandError

from manchette.moderation.services import export_decisions

if TYPE_CHECKING:
    from argparse import ArgumentParser

NAME = "export-decisions"
HELP = "Export moderators' decisions as labelled JSON Lines (for train --extra)."


def _aware(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        msg = f"--since expects an ISO 8601 date or time, got {value!r}"
        raise CommandError(msg) from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def add_arguments(parser: ArgumentParser) -> None:
    """Declare the subcommand's options on its (sub)parser."""
    parser.add_argument(
        "--since",
        help="Only decisions taken at or after this ISO 8601 date/time (UTC if naive).",
    )
    parser.add_argument(
        "--output",
        "-o",
        help="Write to this file instead of standard output.",
    )


def write_decisions(stream: TextIO, *, since: datetime | None = None) -> int:
    """Write the exported rows to ``stream`` as JSON Lines; return how many."""
    count = 0
    for row in export_decisions(since=since):
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def handle(options: dict[str, Any], *, stdout: TextIO, stderr: TextIO) -> int:
    """Run the export with parsed ``options``; return the number of rows written."""
    since = _aware(options["since"]) if options.get("since") else None
    output = options.get("output")
    if output:
        with Path(output).open("w", encoding="utf-8") as stream:
            count = write_decisions(stream, since=since)
    else:
        count = write_decisions(stdout, since=since)
    stderr.write(f"{count} labelled decisions exported.\n")
    return count
