"""``manage.py moderation {train,evaluate,score,export-decisions}``: thin wrappers.

The work happens in :mod:`manchette.moderation.engine` (``datasets``,
``training``, ``artifacts``, ``build_engine``) and, for ``export-decisions``,
in :mod:`manchette.moderation.cli_export`; this module parses arguments,
shows progress on a terminal and prints results.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast, override

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

from manchette import __version__
from manchette.moderation import cli_export
from manchette.moderation.conf import moderation_settings
from manchette.moderation.engine import Submission, build_engine
from manchette.moderation.engine.artifacts import load_artifact, save_artifact
from manchette.moderation.engine.datasets import (
    MalformedRow,
    load_jsonl_rows,
    load_labelled_file,
    load_training_rows,
    rows_sha256,
)
from manchette.moderation.engine.errors import ArtifactNotFound, IncompatibleArtifact
from manchette.moderation.engine.training import HeadScore, evaluate, train

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from manchette.moderation.engine.training import Metrics

ARTIFACT_NAME = "moderation-tfidf"


def default_data_dir() -> Path:
    """Return ``<repository>/../shared/datasets``, where the corpora are kept."""
    return Path(settings.BASE_DIR).parent / "shared" / "datasets"


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def format_scores(scores: Sequence[HeadScore], baseline: Sequence[HeadScore]) -> str:
    """Return a plain-text table of scores (with baseline ROC-AUC when given)."""
    base = {(s.head, s.language): s for s in baseline}
    lines = [
        f"{'head':<10} {'lang':<16} {'n':>6} {'pos':>6} {'roc_auc':>8} "
        f"{'thr':>5} {'prec':>6} {'recall':>6}"
        + (f" {'base_auc':>8}" if baseline else "")
    ]
    for s in scores:
        line = (
            f"{s.head:<10} {s.language:<16} {s.n:>6} {s.n_positive:>6} "
            f"{_fmt(s.roc_auc):>8} {s.threshold:>5.2f} {_fmt(s.precision):>6} "
            f"{_fmt(s.recall):>6}"
        )
        if baseline:
            b = base.get((s.head, s.language))
            line += f" {_fmt(b.roc_auc if b else None):>8}"
        lines.append(line)
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Train, evaluate or run the moderation classifier."
    stealth_options = ("stdin",)
    # `train` is how a missing artifact (check moderation.E001) gets fixed, and
    # every subcommand loads its artifact explicitly: skip the system checks.
    requires_system_checks: list[str] = []

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        # Django adds --skip-checks only to commands that run checks; accept it
        # anyway (a no-op here) so scripts that pass it to every command work.
        parser.add_argument(
            "--skip-checks",
            action="store_true",
            help="Accepted for compatibility; this command runs no system checks.",
        )
        sub = parser.add_subparsers(dest="subcommand", required=True)

        p_train = sub.add_parser(
            "train", help="Train a classifier and write a new artifact."
        )
        p_train.add_argument(
            "--extra",
            type=Path,
            action="append",
            default=[],
            help='JSONL rows {"text", "label": 0|1, "category"?, "language"?} '
            "added to the training data (a site's moderation history).",
        )
        p_train.add_argument("--output", type=Path, help="Artifacts root directory.")
        p_train.add_argument("--data-dir", type=Path, help="Datasets directory.")
        p_train.add_argument(
            "--no-datasets",
            action="store_true",
            help="Train on the --extra files only.",
        )
        p_train.add_argument("--artifact-version", default=None)
        p_train.add_argument("--name", default=ARTIFACT_NAME)
        p_train.add_argument("--seed", type=int, default=0)
        p_train.add_argument(
            "--embeddings",
            action="store_true",
            help="Add USE sentence embeddings (slow: see docs/performance.md).",
        )
        p_train.add_argument(
            "--no-rule-features",
            action="store_true",
            help="Do not give the rules' scores to the classifier as features.",
        )

        p_eval = sub.add_parser("evaluate", help="Evaluate a model on a labelled file.")
        p_eval.add_argument("file", type=Path, help="CSV or JSONL file.")
        p_eval.add_argument("--text-column", default="text")
        p_eval.add_argument("--label-column", default="label")
        p_eval.add_argument("--language-column", default="lang")
        p_eval.add_argument("--head", default="toxicity")
        p_eval.add_argument("--model", type=Path, help="Artifact (or root) directory.")

        p_score = sub.add_parser(
            "score", help='Moderate JSONL {"id", "text"} from stdin or --input.'
        )
        p_score.add_argument("--input", type=Path)
        p_score.add_argument("--model", type=Path, help="Artifact (or root) directory.")
        p_score.add_argument("--batch-size", type=int, default=64)

        cli_export.add_arguments(sub.add_parser(cli_export.NAME, help=cli_export.HELP))

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == cli_export.NAME:
            # OutputWrapper proxies write() to the underlying stream.
            out, err = cast("TextIO", self.stdout), cast("TextIO", self.stderr)
            cli_export.handle(options, stdout=out, stderr=err)
            return
        handler = {
            "train": self._train,
            "evaluate": self._evaluate,
            "score": self._score,
        }[options["subcommand"]]
        handler(options)

    # -- helpers -----------------------------------------------------------------

    def _console(self) -> Console:
        err = getattr(self.stderr, "_out", sys.stderr)
        return Console(file=err, stderr=True)

    def _load(self, model: Path | None) -> Any:
        directory = model or moderation_settings().ARTIFACT_DIR
        try:
            return load_artifact(directory)
        except (ArtifactNotFound, IncompatibleArtifact) as exc:
            raise CommandError(str(exc)) from exc

    # -- train -------------------------------------------------------------------

    def _train(self, options: dict[str, Any]) -> None:
        console = self._console()
        rows = []
        if not options["no_datasets"]:
            data_dir = options["data_dir"] or default_data_dir()
            try:
                rows += load_training_rows(data_dir)
            except FileNotFoundError as exc:
                msg = f"datasets not found under {data_dir}: {exc}"
                raise CommandError(msg) from exc
        for extra in options["extra"]:
            try:
                rows += load_jsonl_rows(extra)
            except (OSError, MalformedRow) as exc:
                msg = f"{extra}: {exc}"
                raise CommandError(msg) from exc
        if not rows:
            msg = "no training rows"
            raise CommandError(msg)
        params = {
            "use_embeddings": bool(options["embeddings"]),
            "rule_features": not options["no_rule_features"],
        }
        with console.status("training", spinner="dots") as status:
            try:
                model, metrics = train(
                    rows,
                    params=params,
                    seed=options["seed"],
                    progress=lambda message: status.update(message),
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        version = options["artifact_version"] or datetime.now(tz=UTC).strftime(
            "%Y%m%d%H%M%S"
        )
        output = options["output"] or moderation_settings().ARTIFACT_DIR
        try:
            path = save_artifact(
                model,
                output,
                name=options["name"],
                version=version,
                metrics=metrics.to_dict(),
                training_data_sha256=rows_sha256(rows),
                labels=model.heads_,
                manchette_version=__version__,
            )
        except (FileExistsError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(format_scores(metrics.scores, metrics.baseline))
        for head, found in metrics.extra.get("model_only_hold", {}).items():
            self.stdout.write(
                f"model-only hold threshold for {head} (held-out precision >= 0.90, "
                f"false-positive rate <= 0.05): {_fmt(found['threshold'])} "
                f"(precision {_fmt(found['precision'])}, recall "
                f"{_fmt(found['recall'])}, false-positive rate "
                f"{_fmt(found['false_positive_rate'])}, {found['flagged']} rows "
                "flagged)"
            )
        self.stdout.write(
            f"trained on {metrics.n_train} rows, evaluated on {metrics.n_test}; "
            f"artifact written to {path}"
        )

    # -- evaluate ----------------------------------------------------------------

    def _evaluate(self, options: dict[str, Any]) -> None:
        loaded = self._load(options["model"])
        try:
            rows = load_labelled_file(
                options["file"],
                text_column=options["text_column"],
                label_column=options["label_column"],
                language_column=options["language_column"],
                head=options["head"],
            )
        except (OSError, MalformedRow) as exc:
            msg = f"{options['file']}: {exc}"
            raise CommandError(msg) from exc
        if options["head"] not in loaded.classifier.heads_:
            msg = f"the model has no head {options['head']!r}"
            raise CommandError(msg)
        metrics: Metrics = evaluate(loaded.classifier, rows)
        self.stdout.write(f"model {loaded.meta.model_version}, {len(rows)} rows")
        self.stdout.write(format_scores(metrics.scores, ()))

    # -- score -------------------------------------------------------------------

    def _score(self, options: dict[str, Any]) -> None:
        if options["batch_size"] < 1:
            msg = "--batch-size must be positive"
            raise CommandError(msg)
        loaded = self._load(options["model"])
        engine = build_engine(
            classifier=loaded.classifier, model_version=loaded.meta.model_version
        )
        source: TextIO
        if options["input"] is not None:
            try:
                source = options["input"].open(encoding="utf-8")
            except OSError as exc:
                raise CommandError(str(exc)) from exc
        else:
            source = options.get("stdin") or sys.stdin
        console = self._console()
        errors = 0
        progress = Progress(
            SpinnerColumn(),
            TextColumn("scoring"),
            BarColumn(),
            TextColumn("{task.completed} comments"),
            console=console,
            disable=not console.is_terminal,
        )
        with source, progress:
            task = progress.add_task("score", total=None)
            for batch, bad in _batches(source, options["batch_size"]):
                for number, reason in bad:
                    errors += 1
                    self.stderr.write(f"line {number}: {reason}")
                if not batch:
                    continue
                verdicts = engine.moderate_batch(
                    [Submission(text) for _, text in batch]
                )
                for (ident, _), verdict in zip(batch, verdicts, strict=True):
                    record = verdict.to_dict()
                    out = {
                        "id": ident,
                        "action": record["action"],
                        "categories": record["categories"],
                        "toxicity": record["toxicity"],
                        "reasons": record["reasons"],
                        "language": record["language"],
                    }
                    self.stdout.write(json.dumps(out, ensure_ascii=False))
                progress.advance(task, len(batch))
        if errors:
            msg = f"{errors} malformed input line(s) skipped"
            raise CommandError(msg)


def _parse_line(line: str) -> tuple[object, str]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        msg = f"invalid JSON ({exc.msg})"
        raise ValueError(msg) from exc
    if not isinstance(record, dict):
        msg = "expected a JSON object"
        raise ValueError(msg)
    text = record.get("text")
    if not isinstance(text, str):
        msg = "'text' must be a string"
        raise ValueError(msg)
    return record.get("id"), text


def _batches(
    source: TextIO, size: int
) -> Iterator[tuple[list[tuple[object, str]], list[tuple[int, str]]]]:
    """Yield ``(valid (id, text) pairs, [(line number, error)])`` per batch."""
    batch: list[tuple[object, str]] = []
    bad: list[tuple[int, str]] = []
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            batch.append(_parse_line(line))
        except ValueError as exc:
            bad.append((number, str(exc)))
        if len(batch) >= size:
            yield batch, bad
            batch, bad = [], []
    if batch or bad:
        yield batch, bad
