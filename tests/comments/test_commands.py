import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from manchette.comments.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_comments_purge_ips_clears_old_network_and_agent(comments_article):
    now = timezone.now()
    old = CommentFactory(
        target=comments_article,
        submitted_at=now - dt.timedelta(days=31),
        ip_address="203.0.113.0",
        user_agent="Firefox",
    )
    recent = CommentFactory(
        target=comments_article,
        submitted_at=now - dt.timedelta(days=29),
        ip_address="198.51.100.0",
        user_agent="Chrome",
    )
    out = StringIO()
    call_command("comments", "purge-ips", stdout=out)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("198.51.100.0", "Chrome")
    assert "1 comment(s)" in out.getvalue()


def test_comments_purge_ips_days_option(comments_article):
    CommentFactory(
        target=comments_article,
        submitted_at=timezone.now() - dt.timedelta(days=3),
        ip_address="203.0.113.0",
    )
    call_command("comments", "purge-ips", "--days", "2", stdout=StringIO())
    assert Comment.objects.get().ip_address is None


def test_comments_purge_ips_refuses_negative_days():
    with pytest.raises(CommandError, match="--days"):
        call_command("comments", "purge-ips", "--days", "-1")


def test_comments_command_requires_subcommand():
    with pytest.raises(CommandError):
        call_command("comments")
