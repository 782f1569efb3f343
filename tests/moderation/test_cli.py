"""``manage.py moderation {train,evaluate,score}`` through call_command."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from manchette.moderation.engine.artifacts import load_artifact, save_artifact
from manchette.moderation.engine.types import Category


@pytest.fixture
def artifact_root(fitted_classifier, tmp_path, settings):
    root = tmp_path / "artifacts"
    save_artifact(
        fitted_classifier,
        root,
        name="cli-test",
        version="1",
        metrics={},
        training_data_sha256="0" * 64,
        labels=fitted_classifier.heads_,
    )
    settings.MODERATION_ARTIFACT_DIR = root
    return root


def _run(*args, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    call_command("moderation", *args, stdout=out, stderr=err, stdin=stdin)
    return out.getvalue(), err.getvalue()


def test_cli_score_reads_jsonl_on_stdin_and_writes_one_line_each(artifact_root):
    lines = [
        {"id": 1, "text": "Merci pour ce reportage sur le budget de la ville."},
        {"id": "b", "text": "le maire est un imbécile fini"},
    ]
    stdin = io.StringIO("\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    out, err = _run("score", stdin=stdin)
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in results] == [1, "b"]
    for result in results:
        assert set(result) == {
            "id",
            "action",
            "categories",
            "toxicity",
            "reasons",
            "language",
        }
        assert set(result["categories"]) == {c.value for c in Category}
    assert results[1]["toxicity"] > results[0]["toxicity"]
    assert results[0]["action"] == "approve"
    assert results[1]["action"] in {"hold", "reject"}
    assert err == ""  # no progress bar when stderr is not a terminal


def test_cli_score_reports_malformed_lines_and_keeps_going(artifact_root, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": 1, "text": "Bonjour à tous"}\n'
        "{oops\n"
        '{"id": 3, "text": 42}\n'
        '{"id": 4, "text": "Très bon article"}\n',
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 malformed input line"):
        call_command(
            "moderation",
            "score",
            "--input",
            str(source),
            "--batch-size",
            "1",
            stdout=out,
            stderr=err,
        )
    assert [json.loads(x)["id"] for x in out.getvalue().splitlines()] == [1, 4]
    assert "line 2: invalid JSON" in err.getvalue()
    assert "line 3: 'text' must be a string" in err.getvalue()


def test_cli_score_without_artifact_fails_clearly(settings, tmp_path):
    settings.MODERATION_ARTIFACT_DIR = tmp_path / "empty"
    with pytest.raises(CommandError, match="no moderation model artifact"):
        _run("score", stdin=io.StringIO(""))


def test_cli_evaluate_prints_auc_per_language(artifact_root, tmp_path):
    path = tmp_path / "eval.jsonl"
    rows = [
        ("le maire est un crétin", 1, "fr"),
        ("quel imbécile ce journaliste", 1, "fr"),
        ("merci au maire pour ce budget clair", 0, "fr"),
        ("bel article sur les transports", 0, "fr"),
        ("the mayor is a total idiot", 1, "en"),
        ("thanks for this clear article", 0, "en"),
    ]
    path.write_text(
        "\n".join(
            json.dumps({"text": t, "label": y, "lang": lang}) for t, y, lang in rows
        ),
        encoding="utf-8",
    )
    out, _ = _run("evaluate", str(path), "--model", str(artifact_root))
    table = {
        tuple(line.split()[:2]): line.split() for line in out.splitlines()[2:] if line
    }
    assert "cli-test-1" in out.splitlines()[0]
    assert set(table) == {("toxicity", "all"), ("toxicity", "fr"), ("toxicity", "en")}
    assert float(table["toxicity", "fr"][4]) == 1.0  # roc_auc column


def test_cli_evaluate_reads_csv_with_custom_columns(artifact_root, tmp_path):
    path = tmp_path / "eval.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["body", "toxic"])
        writer.writerow(["quel crétin ce ministre", "1"])
        writer.writerow(["merci pour cet article", "0"])
    out, _ = _run(
        "evaluate", str(path), "--text-column", "body", "--label-column", "toxic"
    )
    assert "toxicity   und" in out


def test_cli_evaluate_rejects_a_malformed_file(artifact_root, tmp_path):
    path = tmp_path / "eval.jsonl"
    path.write_text('{"text": "ok", "label": "maybe"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="line 1"):
        _run("evaluate", str(path))


def _write_tiny_data_dir(root, moderation_rows):
    """Lay out our synthetic rows like the four shared corpora."""
    (root / "mlma").mkdir(parents=True)
    (root / "mpold").mkdir()
    (root / "toxifrench" / "raw").mkdir(parents=True)
    (root / "youtube-spam" / "raw").mkdir(parents=True)
    hostile = [r for r in moderation_rows if "toxicity" in r.labels]
    with (root / "mlma" / "mlma_all.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["HITId", "text", "sentiment", "lang"])
        for i, r in enumerate(hostile):
            sentiment = (
                "normal"
                if not r.labels["toxicity"]
                else ("hateful" if r.labels["hate"] else "offensive")
            )
            writer.writerow([i, r.text, sentiment, r.language])
    with (root / "mpold" / "mpold.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["Id", "Comment", "Majority_Label", "Vulgar:V/HateSpeech:HS/None:-"]
        )
        for i, r in enumerate(x for x in hostile if x.language == "ar"):
            label = "Offensive" if r.labels["toxicity"] else "Non-Offensive"
            writer.writerow([i, r.text, label, "HS" if r.labels["hate"] else "-"])
    tf = root / "toxifrench" / "raw" / "ToxiFrenchBalanced.csv"
    with tf.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["msg_id", "content", "label"])
        for i, r in enumerate(x for x in hostile if x.language == "fr"):
            writer.writerow([i, r.text, r.labels["toxicity"]])
    yt = root / "youtube-spam" / "raw" / "Youtube01-Test.csv"
    with yt.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS"])
        for i, r in enumerate(x for x in moderation_rows if "spam" in x.labels):
            writer.writerow([i, "someone", "2026-01-01", r.text, r.labels["spam"]])


def test_cli_train_with_extra_rows_writes_a_loadable_artifact(
    moderation_rows, tmp_path
):
    data = tmp_path / "datasets"
    _write_tiny_data_dir(data, moderation_rows)
    extra = tmp_path / "history.jsonl"
    extra.write_text(
        "\n".join(
            json.dumps({"text": t, "label": y, "category": c}, ensure_ascii=False)
            for t, y, c in [
                ("vends montres de luxe pas chères, écrivez-moi", 1, "spam"),
                ("le conseil municipal vote le budget demain", 0, None),
                ("ce chroniqueur est un guignol incompétent", 1, "insult"),
            ]
        ),
        encoding="utf-8",
    )
    output = tmp_path / "out"
    out, _ = _run(
        "train",
        "--data-dir",
        str(data),
        "--extra",
        str(extra),
        "--output",
        str(output),
        "--artifact-version",
        "9",
    )
    assert "artifact written to" in out
    loaded = load_artifact(output)
    assert loaded.meta.model_version == "moderation-tfidf-9"
    assert loaded.classifier.heads_ == ("toxicity", "insult", "hate", "spam")
    assert loaded.meta.metrics["n_train"] + loaded.meta.metrics["n_test"] == (
        len(moderation_rows)
        + 3
        # every hostile row appears twice (MLMA and MPOLD/ToxiFrench layouts)
        + sum("toxicity" in r.labels and r.language != "en" for r in moderation_rows)
    )


def test_cli_train_rejects_a_malformed_extra_file(tmp_path):
    extra = tmp_path / "history.jsonl"
    extra.write_text('{"text": "ok"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="line 1"):
        _run("train", "--no-datasets", "--extra", str(extra))


def test_cli_train_without_datasets_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match="datasets not found"):
        _run("train", "--data-dir", str(tmp_path / "nowhere"))


@pytest.mark.django_db
def test_cli_export_decisions_is_a_subcommand():
    out, err = _run("export-decisions")
    assert out == ""
    assert "0 labelled decisions exported." in err


def test_moderation_command_skips_system_checks():
    from manchette.moderation.management.commands.moderation import Command

    command = Command()

    assert command.requires_system_checks == []
    parser = command.create_parser("manage.py", "moderation")
    options = parser.parse_args(["--skip-checks", "train", "--no-datasets"])
    assert options.skip_checks is True
    assert options.subcommand == "train"
    assert parser.parse_args(["score"]).skip_checks is False
