"""Benchmark the moderation classifier and the full engine (run by hand).

Run from the repository root::

    .venv/bin/python bench/moderation.py                  # packaged artifact
    .venv/bin/python bench/moderation.py --model DIR --comments 4000
    .venv/bin/python bench/moderation.py --embeddings     # also time USE alone

Prints, for the classifier alone and for ``build_engine(classifier=...)``:
comments per second when scoring batches of ``--batch-size``, and p50/p99
latency of one comment at a time. The comments are generated from our own
word lists (French, Arabic, English, some with links, digits and stretched
letters), 40-200 characters like typical reader comments.
"""

from __future__ import annotations

import argparse
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


def measure(
    name: str,
    batch_fn: Callable[[list[str]], object],
    single_fn: Callable[[str], object],
    comments: list[str],
    batch_size: int,
) -> None:
    """Print batched throughput and single-comment latency percentiles."""
    batch_fn(comments[:batch_size])  # warm-up (lazy loads, caches)
    start = time.perf_counter()
    cpu_start = time.process_time()
    for i in range(0, len(comments), batch_size):
        batch_fn(comments[i : i + batch_size])
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    latencies = []
    for text in comments[:500]:
        t0 = time.perf_counter()
        single_fn(text)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"{name:<28} {len(comments) / elapsed:8.0f} comments/s (batch {batch_size}; "
        f"{len(comments) / cpu:5.0f}/s of CPU time)"
        f"   single p50 {statistics.median(latencies):6.2f} ms   p99 {p99:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--embeddings", action="store_true")
    args = parser.parse_args()

    from manchette.moderation.engine import Submission, build_engine
    from manchette.moderation.engine.artifacts import load_artifact

    model_dir = args.model or ROOT / "manchette" / "moderation" / "artifacts"
    t0 = time.perf_counter()
    loaded = load_artifact(model_dir)
    print(
        f"artifact {loaded.meta.model_version}: loaded in "
        f"{time.perf_counter() - t0:.2f} s; CPUs: {os.cpu_count()}; "
        f"load average: {os.getloadavg()[0]:.1f}"
    )
    clf = loaded.classifier
    comments = make_comments(args.comments)

    measure(
        "classifier alone",
        clf.predict_proba,
        lambda text: clf.predict_proba([text]),
        comments,
        args.batch_size,
    )
    engine = build_engine(classifier=clf, model_version=loaded.meta.model_version)
    measure(
        "full engine (rules + model)",
        lambda batch: engine.moderate_batch([Submission(t) for t in batch]),
        lambda text: engine.moderate(Submission(text)),
        comments,
        args.batch_size,
    )
    rules = build_engine()
    measure(
        "rules only engine",
        lambda batch: rules.moderate_batch([Submission(t) for t in batch]),
        lambda text: rules.moderate(Submission(text)),
        comments,
        args.batch_size,
    )
    if args.embeddings:
        from manchette.moderation.engine import embeddings

        measure(
            "USE embeddings alone",
            embeddings.encode,
            lambda text: embeddings.encode([text]),
            comments[: min(len(comments), 1000)],
            args.batch_size,
        )


if __name__ == "__main__":
    main()
