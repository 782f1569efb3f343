"""Benchmark the moderation classifier and the full engine (run by hand).

Run from the repository root::

    .venv/bin/python bench/moderation.py                  # packaged artifact
    .venv/bin/python bench/moderation.py --model DIR --comments 8000
    .venv/bin/python bench/moderation.py --embeddings     # also time USE alone

Prints a Markdown table, for the full engine (``build_engine(classifier=...)``),
the rules alone and the classifier alone: comments per second when scoring
batches of ``--batch-size`` (per second of wall time and of CPU time), and
p50/p99 latency of one comment at a time (wall and CPU milliseconds), with the
load average before and after, so figures from a busy machine can be told
apart. The comments are generated from our own
word lists (French, Arabic, English, some with links, digits and stretched
letters), 40-200 characters like typical reader comments.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = {
    "fr": [
        "le",
        "maire",
        "budget",
        "quartier",
        "article",
        "merci",
        "vraiment",
        "bravo",
        "journaliste",
        "école",
        "tramway",
        "pourquoi",
        "jamais",
        "toujours",
        "honte",
        "idiot",
        "nul",
        "ville",
        "impôts",
        "élection",
        "conseil",
        "vote",
        "habitants",
        "rue",
        "vélo",
        "parking",
        "chantier",
        "scandale",
    ],
    "ar": [
        "المدينة",
        "الميزانية",
        "شكرا",
        "المقال",
        "الصحفي",
        "المدرسة",
        "الحي",
        "لماذا",
        "دائما",
        "أبدا",
        "الانتخابات",
        "المجلس",
        "السكان",
        "الشارع",
        "عار",
        "غبي",
        "الضرائب",
        "الطريق",
        "المشروع",
    ],
    "en": [
        "the",
        "mayor",
        "budget",
        "article",
        "thanks",
        "really",
        "great",
        "reporter",
        "school",
        "tram",
        "why",
        "never",
        "always",
        "shame",
        "stupid",
        "city",
        "taxes",
        "election",
        "council",
        "vote",
        "residents",
        "street",
        "bike",
        "parking",
        "works",
        "scandal",
    ],
}


def make_comments(n: int, seed: int = 0) -> list[str]:
    """Return ``n`` generated comments of 40-200 characters."""
    rng = random.Random(seed)
    comments = []
    for _ in range(n):
        words = WORDS[rng.choice(("fr", "fr", "ar", "en"))]
        text = " ".join(rng.choice(words) for _ in range(rng.randint(6, 30)))
        if rng.random() < 0.1:
            text += f" https://example.org/{rng.randint(1, 999)}"
        if rng.random() < 0.1:
            text = text.replace("a", "aaa", 1).replace("o", "0", 1)
        comments.append(text[:200])
    return comments


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)]


def measure(
    name: str,
    batch_fn: Callable[[list[str]], object],
    single_fn: Callable[[str], object],
    comments: list[str],
    batch_size: int,
    singles: int,
) -> str:
    """Return one Markdown table row: batched throughput and single latency.

    Throughput is comments per second of wall time and per second of this
    process's CPU time (``time.process_time``, which other jobs on the
    machine disturb much less). Latency is measured on ``singles`` comments
    scored one at a time: p50/p99 of wall time and of CPU time, in ms.
    """
    batch_fn(comments[:batch_size])  # warm-up (lazy loads, caches)
    start = time.perf_counter()
    cpu_start = time.process_time()
    for i in range(0, len(comments), batch_size):
        batch_fn(comments[i : i + batch_size])
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    wall_ms: list[float] = []
    cpu_ms: list[float] = []
    for text in comments[:singles]:
        t0, c0 = time.perf_counter(), time.process_time()
        single_fn(text)
        cpu_ms.append((time.process_time() - c0) * 1000)
        wall_ms.append((time.perf_counter() - t0) * 1000)
    return (
        f"| {name} | {len(comments) / elapsed:,.0f} | {len(comments) / cpu:,.0f} "
        f"| {statistics.median(wall_ms):.2f} | {_percentile(wall_ms, 0.99):.2f} "
        f"| {statistics.median(cpu_ms):.2f} | {_percentile(cpu_ms, 0.99):.2f} |"
    )


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--comments", type=int, default=4000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument(
        "--singles", type=int, default=1000, help="comments timed one at a time"
    )
    parser.add_argument("--embeddings", action="store_true")
    args = parser.parse_args()

    from manchette.moderation.engine import Submission, build_engine
    from manchette.moderation.engine.artifacts import load_artifact

    load_before = _load()
    model_dir = args.model or ROOT / "manchette" / "moderation" / "artifacts"
    t0 = time.perf_counter()
    loaded = load_artifact(model_dir)
    loaded_in = time.perf_counter() - t0
    clf = loaded.classifier
    comments = make_comments(args.comments)
    engine = build_engine(classifier=clf, model_version=loaded.meta.model_version)
    rules = build_engine()
    # The engine hands the classifier the rule scores of its own rule pass
    # (timed in the "rules only" row), so they are computed here, untimed.
    precomputed = dict(zip(comments, rules.rule_scores(comments), strict=True))

    def classify(batch: list[str]) -> object:
        if getattr(clf, "rule_features_", False):
            given = [precomputed[text] for text in batch]
            return clf.predict_proba(batch, rule_scores=given)
        return clf.predict_proba(batch)

    rows = [
        measure(
            "full engine (rules + model)",
            lambda batch: engine.moderate_batch([Submission(t) for t in batch]),
            lambda text: engine.moderate(Submission(text)),
            comments,
            args.batch_size,
            args.singles,
        ),
        measure(
            "rules only (no model)",
            lambda batch: rules.moderate_batch([Submission(t) for t in batch]),
            lambda text: rules.moderate(Submission(text)),
            comments,
            args.batch_size,
            args.singles,
        ),
        measure(
            "classifier alone (rule scores given)",
            classify,
            lambda text: classify([text]),
            comments,
            args.batch_size,
            args.singles,
        ),
    ]
    if args.embeddings:
        from manchette.moderation.engine import embeddings

        rows.append(
            measure(
                "USE embeddings alone",
                embeddings.encode,
                lambda text: embeddings.encode([text]),
                comments[: min(len(comments), 1000)],
                args.batch_size,
                min(args.singles, 200),
            )
        )
    print(
        f"artifact {loaded.meta.model_version} (loaded in {loaded_in:.2f} s); "
        f"{args.comments} generated comments, batch {args.batch_size}, "
        f"{args.singles} timed one at a time; CPUs: {os.cpu_count()}; "
        f"load average (1/5/15 min) before {load_before}, after {_load()}"
    )
    print()
    print(
        "| stage | batched/s (wall) | batched/s (CPU) | single p50 ms (wall) "
        "| p99 ms (wall) | single p50 ms (CPU) | p99 ms (CPU) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(row)
    print()
    print(
        "Targets (issue #4): >= 500 comments/s batched, <= 20 ms p99 for one "
        "comment (full engine)."
    )


if __name__ == "__main__":
    main()
