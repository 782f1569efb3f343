import json

import pytest
from django.core.management import call_command

from manchette.comments.abstracts import CommentStatus
from manchette.comments.flags import comment_flag
from manchette.comments.models import Comment, CommentFlag, ReplySubscription
from manchette.comments.notifications import subscription_request
from manchette.comments.privacy_requests import erase_email, export_email
from tests.factories import CommentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_reader_receivers")]


@pytest.fixture
def samira(comments_article):
    first = CommentFactory(
        target=comments_article,
        author_name="Samira",
        author_email="samira@example.org",
        author_url="https://samira.example",
        ip_address="198.51.100.0",
        user_agent="Firefox",
    )
    reply = CommentFactory(
        parent=first, author_name="Omar", author_email="o@example.org"
    )
    later = CommentFactory(
        parent=reply,
        author_name="Samira",
        author_email="SAMIRA@example.org",
        status=CommentStatus.PENDING,
    )
    comment_flag(comment=first, reason="spam", note="note d'un autre", flagger="k1")
    subscription_request(comment=first, language="fr")
    return first, reply, later


def test_export_email_returns_only_that_address(samira):
    first, _reply, later = samira
    data = export_email(" Samira@Example.org ")

    assert data["email"] == "samira@example.org"
    assert [c["id"] for c in data["comments"]] == [first.pk, later.pk]
    exported = data["comments"][0]
    assert exported["body"] == first.body
    assert exported["status"] == "approved"
    assert exported["ip_network"] == "198.51.100.0"
    assert exported["flags"] == [
        {"reason": "spam", "created_at": exported["flags"][0]["created_at"]}
    ]
    assert len(data["subscriptions"]) == 1
    text = json.dumps(data)
    assert "o@example.org" not in text
    assert "Omar" not in text
    assert "note d'un autre" not in text


def test_erase_email_anonymises_and_keeps_threads(samira):
    first, reply, later = samira
    summary = erase_email("samira@example.org")

    assert (summary.comments, summary.subscriptions) == (2, 1)
    first.refresh_from_db()
    assert first.author_name == "Anonyme"
    assert first.author_email == first.author_url == first.user_agent == ""
    assert first.ip_address is None
    assert first.body.startswith("Avis numéro")  # kept without --delete
    assert first.status == CommentStatus.APPROVED
    assert Comment.objects.get(pk=reply.pk).parent_id == first.pk
    assert Comment.objects.get(pk=later.pk).parent_id == reply.pk
    assert not ReplySubscription.objects.exists()
    assert CommentFlag.objects.count() == 1
    assert export_email("samira@example.org")["comments"] == []


def test_erase_email_delete_replaces_bodies_and_removes(samira):
    first, _reply, later = samira
    erase_email("samira@example.org", delete_body=True)
    for comment in (first, later):
        comment.refresh_from_db()
        assert (
            comment.body == "Ce commentaire a été supprimé à la demande de son auteur."
        )
        assert comment.status == CommentStatus.REMOVED


def test_erase_email_dry_run_writes_nothing(samira):
    first, _reply, _later = samira
    summary = erase_email("samira@example.org", delete_body=True, dry_run=True)
    assert summary.dry_run is True
    assert summary.comments == summary.bodies_replaced == 2
    first.refresh_from_db()
    assert first.author_email == "samira@example.org"


def test_comments_export_command_prints_json(samira, capsys):
    call_command("comments", "export", "samira@example.org")
    data = json.loads(capsys.readouterr().out)
    assert len(data["comments"]) == 2


def test_comments_erase_command_summary_and_dry_run(samira, capsys):
    call_command("comments", "erase", "samira@example.org", "--dry-run")
    dry = capsys.readouterr().out
    assert "Would anonymise 2 comment(s)" in dry
    assert (
        Comment.objects.filter(author_email__iexact="samira@example.org").count() == 2
    )

    call_command("comments", "erase", "samira@example.org", "--delete")
    done = capsys.readouterr().out
    assert "Anonymised 2 comment(s) (2 text(s) replaced)" in done
    assert not Comment.objects.filter(
        author_email__iexact="samira@example.org"
    ).exists()


@pytest.mark.parametrize("subcommand", ["export", "erase"])
@pytest.mark.parametrize("address", ["not-an-email", "samira@", "", "a b@ex.org"])
def test_comments_privacy_commands_refuse_an_invalid_address(
    samira, capsys, subcommand, address
):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Not a valid email address"):
        call_command("comments", subcommand, address)
    assert capsys.readouterr().out == ""
    assert (
        Comment.objects.filter(author_email__iexact="samira@example.org").count() == 2
    )


def test_comments_export_command_accepts_spaces_around_the_address(samira, capsys):
    call_command("comments", "export", "  Samira@Example.org ")
    assert len(json.loads(capsys.readouterr().out)["comments"]) == 2
