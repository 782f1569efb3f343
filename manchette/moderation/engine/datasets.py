"""Loaders for the labelled third-party comment datasets.

The data itself is never part of the project: these functions read a folder laid
out like ``<data dir>/{mlma,mpold,toxifrench,youtube-spam}/`` (each with a README
giving source, commit, licence and citation) and return :class:`Row` tuples.

Only permissively licensed sets may train the shipped model (see
:data:`DATASETS`, field ``trainable``):

* MLMA (Ousidhoum et al., EMNLP-IJCNLP 2019), MIT, French/Arabic/English tweets;
* MPOLD (Chowdhury et al., LREC 2020), Apache-2.0, Arabic news comments;
* ToxiFrenchBalanced (Delaval et al., arXiv:2508.11281, 2025), MIT, French;
* YouTube Spam Collection (Alberto, Lochter and Almeida, ICMLA 2015), CC BY 4.0.

RTP-LX French and Jigsaw bilingual (shipped with ToxiFrench) carry upstream terms
that were not checked: :func:`load_toxifrench_eval` returns them for evaluation
only.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable, Iterator, Mapping

__all__ = [
    "DATASETS",
    "DatasetInfo",
    "MalformedRow",
    "Row",
    "load_jsonl_rows",
    "load_labelled_file",
    "load_mlma",
    "load_mpold",
    "load_toxifrench_balanced",
    "load_toxifrench_eval",
    "load_training_rows",
    "load_youtube_spam",
    "rows_sha256",
]

#: Heads whose positives are hostile content (they imply ``toxicity = 1``).
TOXIC_CATEGORIES = frozenset({"threat_incitement", "hate", "insult", "sexual"})
#: Every category a site's moderation history may name.
CATEGORIES = (*sorted(TOXIC_CATEGORIES), "spam", "personal_data")


class Row(NamedTuple):
    """One labelled text.

    Attributes
    ----------
    text : str
        The original text.
    language : str
        ISO 639-1 code (``"fr"``, ``"ar"``, ``"en"``) or ``"und"``.
    labels : Mapping[str, int]
        Known heads only, each ``0`` or ``1``; absent head = unknown.
    source : str
        Dataset name (e.g. ``"mlma"``), used for stratification and reporting.
    """

    text: str
    language: str
    labels: Mapping[str, int]
    source: str = ""


class MalformedRow(ValueError):  # noqa: N818
    """A line of a user-supplied JSONL file is not a valid training row."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


# Anonymisation placeholders of MLMA (``@user``, ``@url``) and MPOLD
# (``@User.IDX``): removed, or the model would learn which corpus a text comes
# from (and its base rate) instead of what the text says.
_PLACEHOLDERS = re.compile(r"@user(?:\.idx)?\b|@url\b", re.IGNORECASE)


def _clean(text: str) -> str:
    return " ".join(_PLACEHOLDERS.sub(" ", text).split())


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def load_mlma(root: Path) -> list[Row]:
    """Load MLMA (fr/ar/en tweets), binarised as its README suggests.

    Pure ``normal`` gives 0 on every head; a label set without ``normal`` gives
    ``toxicity = 1``, ``hate = 1`` if it contains ``hateful`` and ``insult = 1`` if
    it contains ``offensive``, ``abusive`` or ``disrespectful`` (else 0); mixed
    sets (``abusive_normal``…) are dropped as ambiguous.

    Parameters
    ----------
    root : Path
        The datasets directory (holding ``mlma/mlma_all.csv``).

    Returns
    -------
    list of Row
    """
    rows: list[Row] = []
    for record in _read_csv(root / "mlma" / "mlma_all.csv"):
        aspects = set(record["sentiment"].split("_"))
        if aspects == {"normal"}:
            labels = {"toxicity": 0, "hate": 0, "insult": 0}
        elif "normal" in aspects:
            continue
        else:
            labels = {
                "toxicity": 1,
                "hate": int("hateful" in aspects),
                "insult": int(
                    bool(aspects & {"offensive", "abusive", "disrespectful"})
                ),
            }
        text = _clean(record["text"])
        if text:
            rows.append(Row(text, record["lang"], labels, "mlma"))
    return rows


def load_mpold(root: Path) -> list[Row]:
    """Load MPOLD (Arabic news comments).

    ``Offensive`` gives ``toxicity = insult = 1`` and ``hate = 1`` for the expert
    sub-label ``HS``; ``Non-Offensive`` gives 0 on the three heads. The 36 ``V``
    (vulgar) rows are too few for a ``sexual`` head and stay insults.

    Parameters
    ----------
    root : Path
        The datasets directory (holding ``mpold/mpold.csv``).

    Returns
    -------
    list of Row
    """
    rows: list[Row] = []
    for record in _read_csv(root / "mpold" / "mpold.csv"):
        offensive = record["Majority_Label"].strip() == "Offensive"
        hate = offensive and record["Vulgar:V/HateSpeech:HS/None:-"].strip() == "HS"
        labels = {
            "toxicity": int(offensive),
            "insult": int(offensive),
            "hate": int(hate),
        }
        text = _clean(record["Comment"])
        if text:
            rows.append(Row(text, "ar", labels, "mpold"))
    return rows


def load_toxifrench_balanced(root: Path) -> list[Row]:
    """Load ToxiFrenchBalanced (French forum messages, ``toxicity`` only).

    Parameters
    ----------
    root : Path
        The datasets directory (holding ``toxifrench/raw/ToxiFrenchBalanced.csv``).

    Returns
    -------
    list of Row
    """
    path = root / "toxifrench" / "raw" / "ToxiFrenchBalanced.csv"
    return [
        Row(r["content"], "fr", {"toxicity": int(r["label"])}, "toxifrench")
        for r in _read_csv(path)
    ]


def load_toxifrench_eval(root: Path) -> list[Row]:
    """Load RTP-LX French and Jigsaw bilingual (French side): evaluation only.

    Their upstream terms were not checked, so they must not train the shipped
    model; they measure French toxicity on other distributions.

    Parameters
    ----------
    root : Path
        The datasets directory.

    Returns
    -------
    list of Row
        Sources ``"rtp-lx-fr"`` and ``"jigsaw-fr"``.
    """
    raw = root / "toxifrench" / "raw"
    rows = [
        Row(r["content"], "fr", {"toxicity": int(r["label"])}, "rtp-lx-fr")
        for r in _read_csv(raw / "RTP-LX-french.csv")
    ]
    rows += [
        Row(r["content"], "fr", {"toxicity": int(r["label"])}, "jigsaw-fr")
        for r in _read_csv(raw / "JigsawBilingualBalanced.csv")
    ]
    return rows


def load_youtube_spam(root: Path) -> list[Row]:
    """Load the YouTube Spam Collection (English, ``spam`` only).

    Parameters
    ----------
    root : Path
        The datasets directory (holding ``youtube-spam/raw/Youtube0*.csv``).

    Returns
    -------
    list of Row
    """
    rows: list[Row] = []
    for path in sorted((root / "youtube-spam" / "raw").glob("Youtube0*.csv")):
        rows += [
            Row(r["CONTENT"], "en", {"spam": int(r["CLASS"])}, "youtube-spam")
            for r in _read_csv(path)
        ]
    return rows


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """A dataset's provenance and whether it may train the shipped model."""

    name: str
    folder: str
    languages: tuple[str, ...]
    licence: str
    citation: str
    trainable: bool
    loader: Callable[[Path], list[Row]]


DATASETS: tuple[DatasetInfo, ...] = (
    DatasetInfo(
        "mlma",
        "mlma",
        ("fr", "ar", "en"),
        "MIT (tweet text also under the platform's terms)",
        "Ousidhoum, Lin, Zhang, Song, Yeung. Multilingual and Multi-Aspect Hate "
        "Speech Analysis. EMNLP-IJCNLP 2019.",
        trainable=True,
        loader=load_mlma,
    ),
    DatasetInfo(
        "mpold",
        "mpold",
        ("ar",),
        "Apache-2.0",
        "Chowdhury, Mubarak, Abdelali, Jung, Jansen, Salminen. A Multi-Platform "
        "Arabic News Comment Dataset for Offensive Language Detection. LREC 2020.",
        trainable=True,
        loader=load_mpold,
    ),
    DatasetInfo(
        "toxifrench",
        "toxifrench",
        ("fr",),
        "MIT (ToxiFrenchBalanced)",
        "Delaval et al. ToxiFrench: Benchmarking and Enhancing Language Models via "
        "CoT Fine-Tuning for French Toxicity Detection. arXiv:2508.11281, 2025.",
        trainable=True,
        loader=load_toxifrench_balanced,
    ),
    DatasetInfo(
        "youtube-spam",
        "youtube-spam",
        ("en",),
        "CC BY 4.0",
        "Alberto, Lochter, Almeida. TubeSpam: Comment Spam Filtering on YouTube. "
        "ICMLA 2015.",
        trainable=True,
        loader=load_youtube_spam,
    ),
    DatasetInfo(
        "toxifrench-eval",
        "toxifrench",
        ("fr",),
        "MIT repository; RTP-LX and Jigsaw upstream terms not checked",
        "Delaval et al. arXiv:2508.11281, 2025 (RTP-LX French, Jigsaw bilingual).",
        trainable=False,
        loader=load_toxifrench_eval,
    ),
)


def load_training_rows(
    root: str | os.PathLike[str], *, weak_spam_negatives: bool = True
) -> list[Row]:
    """Load every trainable dataset under ``root``.

    Parameters
    ----------
    root : path
        The datasets directory.
    weak_spam_negatives : bool, default=True
        Label the hostility corpora's rows ``spam = 0``. They were collected and
        annotated for hostility, not spam, so this is an assumption, but without
        it the spam head sees English only and scores every French or Arabic
        comment near its prior.

    Returns
    -------
    list of Row
        In a fixed order (dataset, then file order).

    Raises
    ------
    FileNotFoundError
        If a trainable dataset's files are missing.
    """
    base = Path(root)
    rows: list[Row] = []
    for info in DATASETS:
        if not info.trainable:
            continue
        loaded = info.loader(base)
        if weak_spam_negatives and info.name != "youtube-spam":
            loaded = [r._replace(labels={**r.labels, "spam": 0}) for r in loaded]
        rows += loaded
    return rows


def load_jsonl_rows(path: str | os.PathLike[str]) -> list[Row]:
    """Read a site's moderation history as training rows.

    Each line is ``{"text": str, "label": 0|1, "category": optional str,
    "language": optional str}``. ``label = 0`` (approved) gives 0 on
    ``toxicity`` and on the category if one is given; ``label = 1`` gives 1 on the
    category and ``toxicity = 1`` unless the category is ``spam`` or
    ``personal_data`` (which are not hostile). Blank lines are skipped.

    Parameters
    ----------
    path : path
        UTF-8 JSON Lines file.

    Returns
    -------
    list of Row
        Source ``"extra"``.

    Raises
    ------
    MalformedRow
        On the first invalid line, with its 1-based number.
    """
    rows: list[Row] = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise MalformedRow(number, f"invalid JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise MalformedRow(number, "expected a JSON object")
            text, label = record.get("text"), record.get("label")
            category = record.get("category")
            language = record.get("language") or "und"
            if not isinstance(text, str) or not text.strip():
                raise MalformedRow(number, "'text' must be a non-empty string")
            if label not in (0, 1) or isinstance(label, bool):
                raise MalformedRow(number, "'label' must be 0 or 1")
            if category is not None and category not in CATEGORIES:
                raise MalformedRow(number, f"unknown category {category!r}")
            if not isinstance(language, str):
                raise MalformedRow(number, "'language' must be a string")
            labels: dict[str, int] = {}
            if category is not None:
                labels[category] = label
            if label == 0 or category is None or category in TOXIC_CATEGORIES:
                labels["toxicity"] = label
            rows.append(Row(text, language, labels, "extra"))
    return rows


def rows_sha256(rows: Iterable[Row]) -> str:
    """Return the SHA-256 of rows, in order, as canonical JSON lines.

    Parameters
    ----------
    rows : iterable of Row

    Returns
    -------
    str
        64 hexadecimal digits; identical rows in the same order give the same
        hash on every machine.
    """
    digest = hashlib.sha256()
    for row in rows:
        line = json.dumps(
            [row.text, row.language, dict(sorted(row.labels.items())), row.source],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def load_labelled_file(
    path: str | os.PathLike[str],
    *,
    text_column: str = "text",
    label_column: str = "label",
    language_column: str = "lang",
    head: str = "toxicity",
) -> list[Row]:
    """Read a CSV or JSON Lines evaluation file into rows labelling one head.

    The format follows the suffix: ``.csv`` (header row) or ``.jsonl``/``.json``
    (one object a line). A missing or empty language column gives ``"und"``.

    Parameters
    ----------
    path : path
    text_column, label_column, language_column : str
        Column (or key) names.
    head : str, default="toxicity"
        The head the label belongs to.

    Returns
    -------
    list of Row
        Source ``"file"``.

    Raises
    ------
    MalformedRow
        On a record without text or with a label other than 0/1, with its
        1-based line number (the header is line 1 of a CSV).
    """
    file = Path(path)
    records: list[tuple[int, Mapping[str, object]]] = []
    if file.suffix.lower() == ".csv":
        with file.open(encoding="utf-8", newline="") as handle:
            records = [
                (number, record)
                for number, record in enumerate(csv.DictReader(handle), start=2)
            ]
    else:
        with file.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise MalformedRow(number, f"invalid JSON ({exc.msg})") from exc
                if not isinstance(record, dict):
                    raise MalformedRow(number, "expected a JSON object")
                records.append((number, record))
    rows: list[Row] = []
    for number, record in records:
        text = record.get(text_column)
        label = record.get(label_column)
        if isinstance(label, str) and label.strip() in {"0", "1"}:
            label = int(label)
        if not isinstance(text, str) or not text.strip():
            raise MalformedRow(number, f"{text_column!r} must be a non-empty string")
        if label not in (0, 1) or isinstance(label, bool):
            raise MalformedRow(number, f"{label_column!r} must be 0 or 1")
        language = record.get(language_column)
        language = language if isinstance(language, str) and language else "und"
        rows.append(Row(text, language, {head: 1 if label == 1 else 0}, "file"))
    return rows
