"""Moderation verdicts computed in a worker process during an import."""

from collections.abc import Iterator, Mapping
from typing import override

import pytest
from django.db import transaction

from manchette.comments import get_comment_model
from manchette.importers.wxr.load import ImportOptions, import_wxr
from manchette.importers.wxr.verdicts import (
    VerdictWorker,
    engine_fingerprint,
    plain_fields,
)
from manchette.moderation.engine.types import Action, Category, Submission, Verdict
from manchette.moderation.models import ModerationDecision
from manchette.moderation.services import engine_state
from tests.importers.test_wxr_bulk import _comments_by_wordpress_id
from tests.importers.wxr_files import DATA, theme

pytestmark = pytest.mark.django_db

GAZETTE = DATA / "gazette.xml"


@pytest.mark.parametrize("source", ["gazette", "theme"])
def test_worker_verdicts_give_the_same_decisions_as_in_process(home, source):
    path = GAZETTE if source == "gazette" else theme()
    with transaction.atomic():
        report = import_wxr(
            path,
            ImportOptions(batch_size=7, worker_min_comments=0, moderation_workers=1),
        )
        with_worker = _comments_by_wordpress_id()
        transaction.set_rollback(True)
    assert report.worker_verdicts > 0

    report = import_wxr(path, ImportOptions(batch_size=7, moderation_workers=0))
    assert report.worker_verdicts == 0
    in_process = _comments_by_wordpress_id()

    assert with_worker == in_process
    assert any(decisions for *_, decisions in in_process.values())


class _RejectEverything(Mapping[Submission, Verdict]):
    """A verdict cache that holds a reject verdict for every submission."""

    def __init__(self) -> None:
        self.asked = 0

    @override
    def __getitem__(self, submission: Submission) -> Verdict:
        self.asked += 1
        return Verdict(
            action=Action.REJECT,
            scores=dict.fromkeys(Category, 0.0) | {Category.INSULT: 0.99},
            toxicity=0.99,
            reasons=(),
            language="fr",
            engine_version="test",
            model_version=engine_state().engine.model_version,
        )

    @override
    def __contains__(self, submission: object) -> bool:
        return isinstance(submission, Submission)

    @override
    def __iter__(self) -> Iterator[Submission]:
        return iter(())

    @override
    def __len__(self) -> int:
        return 0


def test_moderate_comments_uses_the_verdicts_it_is_given(home, monkeypatch):
    from manchette.importers.wxr import load

    cache = _RejectEverything()

    def receive(self):
        self._known_verdicts = cache

    monkeypatch.setattr(load._Loader, "receive_verdicts", receive)
    import_wxr(GAZETTE, ImportOptions(moderation_workers=0))

    decisions = ModerationDecision.objects.all()
    assert cache.asked == decisions.count() > 0
    assert {d.engine_version for d in decisions} == {"test"}
    moderated = get_comment_model().objects.filter(
        pk__in=decisions.values("comment_id")
    )
    assert {c.status for c in moderated} == {"rejected"}


def test_plain_fields_round_trip_policy_and_verdict():
    engine = engine_state().engine
    policy = engine.policy
    assert type(policy)(**plain_fields(policy)) == policy
    verdict = engine.moderate(Submission(text="Le marché rouvre samedi."))
    assert Verdict(**plain_fields(verdict)) == verdict


def test_worker_with_another_engine_is_refused():
    engine = engine_state().engine
    assert engine.classifier is not None
    # No artifact: the worker runs the rules alone, unlike this process.
    worker = VerdictWorker(engine, None)
    try:
        worker.submit([Submission(text="Bonjour à tous."), Submission(text="Merci")])
        assert worker.results() == {}
        assert worker.refused == 2
        assert not worker.alive
        assert worker.results() == {}  # nothing queued any more
    finally:
        worker.close()


def test_worker_that_cannot_start_leaves_moderation_in_process(tmp_path):
    engine = engine_state().engine
    worker = VerdictWorker(engine, str(tmp_path / "no-artifact-here"))
    try:
        worker.submit([Submission(text="Bonjour à tous.")])
        assert worker.results() == {}
        assert not worker.alive
        worker.submit([Submission(text="Encore")])
        assert worker.results() == {}
    finally:
        worker.close()


def test_worker_verdicts_match_the_engine():
    engine = engine_state().engine
    submissions = [
        Submission(text="Le marché couvert rouvre samedi.", language_hint="fr"),
        Submission(text="Espèce d'idiot, tais-toi.", language_hint="fr"),
        Submission(text="شكرا على المقال", language_hint="ar"),
    ]
    worker = VerdictWorker(engine, str(_artifact_dir()))
    try:
        worker.submit(submissions)
        received = worker.results()
    finally:
        worker.close()
    assert received == dict(
        zip(submissions, engine.moderate_batch(submissions), strict=True)
    )
    assert engine_fingerprint(engine)[0] == engine.model_version


def _artifact_dir():
    from manchette.moderation.conf import moderation_settings

    return moderation_settings().ARTIFACT_DIR


def _export(tmp_path, posts):
    """Write a minimal WXR 1.2 file.

    ``posts`` is ``[(post id, [(comment id, text)])]``.
    """
    items = []
    for post_id, comments in posts:
        body = "".join(
            f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
            f"<wp:comment_author>Lecteur</wp:comment_author>"
            f"<wp:comment_author_email>l{cid}@example.net</wp:comment_author_email>"
            f"<wp:comment_date_gmt>2026-03-02 10:00:00</wp:comment_date_gmt>"
            f"<wp:comment_content><![CDATA[{text}]]></wp:comment_content>"
            "<wp:comment_approved>1</wp:comment_approved>"
            "<wp:comment_parent>0</wp:comment_parent></wp:comment>"
            for cid, text in comments
        )
        items.append(
            f"<item><title>Article {post_id}</title>"
            f"<content:encoded><![CDATA[Texte {post_id}.]]></content:encoded>"
            f"<wp:post_id>{post_id}</wp:post_id>"
            "<wp:post_date_gmt>2026-03-02 08:00:00</wp:post_date_gmt>"
            f"<wp:post_name>article-{post_id}</wp:post_name>"
            "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
            f"{body}</item>"
        )
    path = tmp_path / "export.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<title>Essai</title><link>https://essai.example.org</link>"
        "<wp:wxr_version>1.2</wp:wxr_version>"
        "<wp:base_site_url>https://essai.example.org</wp:base_site_url>"
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )
    return path


def test_worker_keeps_each_comment_body_when_an_id_repeats(home, tmp_path):
    path = _export(
        tmp_path,
        [
            (1, [(5, "Le premier texte."), (6, "Un autre avis.")]),
            (2, [(5, "Le second texte, même identifiant.")]),
        ],
    )
    report = import_wxr(
        path, ImportOptions(worker_min_comments=0, moderation_workers=1)
    )

    assert report.worker_verdicts == 3
    bodies = sorted(get_comment_model().objects.values_list("body", flat=True))
    # The repeated WordPress id is written once, with its first text.
    assert bodies == ["Le premier texte.", "Un autre avis."]
