"""Dataset loaders: the shared corpora (skipped when absent) and user files."""

import json
from pathlib import Path

import pytest

from manchette.moderation.engine import datasets
from manchette.moderation.engine.datasets import MalformedRow, Row

SHARED = Path(__file__).resolve().parents[4] / "shared" / "datasets"

needs_shared = pytest.mark.skipif(
    not (SHARED / "README.md").is_file(),
    reason="the third-party datasets folder ../shared/datasets is absent",
)


@needs_shared
def test_load_mlma_binarises_and_drops_mixed_rows():
    rows = datasets.load_mlma(SHARED)
    by_lang = {
        lang: [r for r in rows if r.language == lang] for lang in ("fr", "ar", "en")
    }
    # pure "normal" rows: 821 fr and 915 ar per the dataset's README.
    assert sum(r.labels["toxicity"] == 0 for r in by_lang["fr"]) == 821
    assert sum(r.labels["toxicity"] == 0 for r in by_lang["ar"]) == 915
    assert len(rows) < 13_014  # mixed label sets are dropped
    assert all(set(r.labels) == {"toxicity", "hate", "insult"} for r in rows)
    assert all(r.labels["hate"] <= r.labels["toxicity"] for r in rows)
    assert not any("@user" in r.text.lower() for r in rows)


@needs_shared
def test_load_mpold_maps_offensive_and_hate_speech():
    rows = datasets.load_mpold(SHARED)
    assert len(rows) == 4000
    assert sum(r.labels["toxicity"] for r in rows) == 675
    assert sum(r.labels["hate"] for r in rows) == 180
    assert {r.language for r in rows} == {"ar"}


@needs_shared
def test_load_toxifrench_balanced_and_youtube_spam():
    tf = datasets.load_toxifrench_balanced(SHARED)
    assert (len(tf), sum(r.labels["toxicity"] for r in tf)) == (1388, 694)
    yt = datasets.load_youtube_spam(SHARED)
    assert (len(yt), sum(r.labels["spam"] for r in yt)) == (1980, 1029)


@needs_shared
def test_training_rows_use_only_trainable_sets_and_hash_stably():
    rows = datasets.load_training_rows(SHARED)
    assert {r.source for r in rows} == {"mlma", "mpold", "toxifrench", "youtube-spam"}
    assert all("spam" in r.labels for r in rows)
    digest = datasets.rows_sha256(rows)
    assert digest == datasets.rows_sha256(datasets.load_training_rows(SHARED))
    changed = [rows[0]._replace(text=rows[0].text + "!"), *rows[1:]]
    assert datasets.rows_sha256(changed) != digest


@needs_shared
def test_toxifrench_eval_sets_are_marked_not_trainable():
    info = {d.name: d for d in datasets.DATASETS}
    assert not info["toxifrench-eval"].trainable
    rows = datasets.load_toxifrench_eval(SHARED)
    assert {r.source for r in rows} == {"rtp-lx-fr", "jigsaw-fr"}
    assert len(rows) == 672 + 396


def test_every_dataset_states_licence_and_citation():
    for info in datasets.DATASETS:
        assert info.licence
        assert info.citation


def test_load_jsonl_rows_maps_labels_and_categories(tmp_path):
    path = tmp_path / "history.jsonl"
    lines = [
        {"text": "Bravo pour ce reportage", "label": 0},
        {"text": "Espèce de nul", "label": 1, "category": "insult", "language": "fr"},
        {"text": "Achetez mes montres", "label": 1, "category": "spam"},
        {"text": "Rien à signaler", "label": 0, "category": "spam"},
    ]
    path.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n",
        encoding="utf-8",
    )
    rows = datasets.load_jsonl_rows(path)
    assert [r.labels for r in rows] == [
        {"toxicity": 0},
        {"insult": 1, "toxicity": 1},
        {"spam": 1},
        {"spam": 0, "toxicity": 0},
    ]
    assert rows[1].language == "fr"
    assert rows[0].language == "und"
    assert {r.source for r in rows} == {"extra"}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{broken", "invalid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"text": "", "label": 1}', "non-empty"),
        ('{"text": "ok", "label": 2}', "0 or 1"),
        ('{"text": "ok", "label": true}', "0 or 1"),
        ('{"text": "ok", "label": 1, "category": "rude"}', "unknown category"),
    ],
)
def test_load_jsonl_rows_reports_the_bad_line(tmp_path, line, reason):
    path = tmp_path / "history.jsonl"
    path.write_text('{"text": "Très bon article", "label": 0}\n' + line + "\n")
    with pytest.raises(MalformedRow, match=reason) as info:
        datasets.load_jsonl_rows(path)
    assert info.value.line == 2


def test_load_labelled_file_reads_csv_and_jsonl(tmp_path):
    csv_path = tmp_path / "eval.csv"
    csv_path.write_text(
        "body,toxic,lang\nQuel idiot,1,fr\nBel article,0,\n", encoding="utf-8"
    )
    rows = datasets.load_labelled_file(
        csv_path, text_column="body", label_column="toxic"
    )
    assert rows == [
        Row("Quel idiot", "fr", {"toxicity": 1}, "file"),
        Row("Bel article", "und", {"toxicity": 0}, "file"),
    ]
    jsonl = tmp_path / "eval.jsonl"
    jsonl.write_text('{"text": "Nul", "label": 1, "lang": "fr"}\n', encoding="utf-8")
    assert datasets.load_labelled_file(jsonl)[0].labels == {"toxicity": 1}
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nBonjour,yes\n", encoding="utf-8")
    with pytest.raises(MalformedRow, match="line 2"):
        datasets.load_labelled_file(bad)
