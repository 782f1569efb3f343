"""The moderation queue in the Wagtail admin."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from manchette.comments.abstracts import AbstractComment, CommentStatus
from manchette.moderation import services
from manchette.moderation.models import (
    Ban,
    DecisionAction,
    DecisionOrigin,
    ModerationDecision,
    ModerationMode,
    TargetMode,
)
from manchette.moderation.selectors import highlight
from tests.factories import CommentFactory, ModerationDecisionFactory, ModeratorFactory
from tests.moderation.helpers import latest, submit

pytestmark = pytest.mark.django_db

THREAT = "Il faut éliminer ces traîtres, on sait où ils habitent."
QUEUE = "/admin/moderation/"


def _held(article: Any, body: str = THREAT, **kwargs: Any) -> AbstractComment:
    comment = submit(article, body, **kwargs)
    assert comment.status == CommentStatus.PENDING
    return comment


def test_queue_requires_login(client):
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_queue_refuses_staff_without_permission(client, comments_article):
    _held(comments_article)
    user = ModeratorFactory(permissions=False)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
    )
    client.force_login(user)

    response = client.get(QUEUE)

    assert response.status_code in {302, 403}
    assert "éliminer" not in response.content.decode()


def test_queue_shows_reason_and_marked_span(moderator_client, comments_article):
    comment = _held(comments_article)

    response = moderator_client.get(QUEUE)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="moderation-item-{comment.pk}"' in html
    assert "threat_incitement" in html
    marked = re.search(r"<mark>(.*?)</mark>", html, flags=re.DOTALL)
    assert marked is not None
    assert "éliminer" in marked.group(1)


def test_queue_renders_script_inert(moderator_client, comments_article):
    body = '<script>alert("x")</script> Il faut éliminer ces traîtres <b>vite</b>.'
    _held(comments_article, body)

    html = moderator_client.get(QUEUE).content.decode()

    assert "<script>alert" not in html
    assert "<b>vite" not in html
    assert "&lt;script&gt;alert(&quot;" in html
    assert "&lt;/script&gt;" in html
    assert "&lt;b&gt;vite&lt;/b&gt;" in html


def test_highlight_escapes_and_merges_spans():
    text = "a <i>b</i> c"

    html = highlight(text, [(2, 5), (4, 10), (50, 60)])

    assert str(html) == "a <mark>&lt;i&gt;b&lt;/i&gt;</mark> c"


def test_queue_includes_keyboard_script_and_plain_buttons(
    moderator_client, comments_article
):
    comment = _held(comments_article)

    html = moderator_client.get(QUEUE).content.decode()

    assert re.search(r'<script src="[^"]*moderation/js/queue\.js"', html)
    for key, action in (("a", "approve"), ("r", "reject"), ("s", "spam")):
        assert f'name="item_action" value="{comment.pk}:{action}"' in html
        assert f'data-shortcut="{key}"' in html
    script = (
        Path(__file__).resolve().parents[2]
        / "manchette/moderation/static/moderation/js/queue.js"
    ).read_text()
    assert "keydown" in script
    assert '"j"' in script
    assert '"k"' in script


def test_queue_filters_by_category_and_language(moderator_client, comments_article):
    _held(comments_article)
    doxx = _held(
        comments_article,
        "Son numéro perso c'est le 06 12 34 56 78, appelez-le tous ce soir.",
        email="autre@example.org",
    )

    by_category = moderator_client.get(QUEUE, {"category": "personal_data"})
    by_french = moderator_client.get(QUEUE, {"language": "fr"})
    by_english = moderator_client.get(QUEUE, {"language": "en"})

    assert [i["comment"].pk for i in by_category.context["items"]] == [doxx.pk]
    assert len(by_french.context["items"]) == 2
    assert by_english.context["items"] == []


def test_queue_filters_by_score_range(moderator_client, comments_article):
    low = CommentFactory(target=comments_article, status=CommentStatus.PENDING)
    high = CommentFactory(target=comments_article, status=CommentStatus.PENDING)
    ModerationDecisionFactory(comment=low, toxicity=0.2)
    ModerationDecisionFactory(comment=high, toxicity=0.9)

    above = moderator_client.get(QUEUE, {"score_min": "0.5"})
    below = moderator_client.get(QUEUE, {"score_max": "0.5"})

    assert [i["comment"].pk for i in above.context["items"]] == [high.pk]
    assert [i["comment"].pk for i in below.context["items"]] == [low.pk]


def test_queue_filters_flagged_and_article(moderator_client, comments_article):
    from tests.factories import build_comment_article

    other_article = build_comment_article(title="Autre article")
    flagged = CommentFactory(target=comments_article, status=CommentStatus.PENDING)
    ModerationDecisionFactory(comment=flagged, origin=DecisionOrigin.FLAG)
    elsewhere = CommentFactory(target=other_article, status=CommentStatus.PENDING)
    ModerationDecisionFactory(comment=elsewhere)
    content_type = ContentType.objects.get_for_model(other_article)

    by_flag = moderator_client.get(QUEUE, {"flagged": "on"})
    by_article = moderator_client.get(
        QUEUE, {"article": f"{content_type.pk}:{other_article.pk}"}
    )

    assert [i["comment"].pk for i in by_flag.context["items"]] == [flagged.pk]
    assert [i["comment"].pk for i in by_article.context["items"]] == [elsewhere.pk]
    assert by_article.context["mode"] == TargetMode.NORMAL


def test_queue_paginates_fifty_per_page(moderator_client, comments_article):
    for _ in range(51):
        CommentFactory(target=comments_article, status=CommentStatus.PENDING)

    first = moderator_client.get(QUEUE)
    second = moderator_client.get(QUEUE, {"p": 2})

    assert len(first.context["items"]) == 50
    assert len(second.context["items"]) == 1


def test_queue_shows_author_history(moderator_client, comments_article, moderator):
    old = _held(comments_article, email="habitue@example.org")
    services.review_decision(
        comment=old, action=DecisionAction.REJECT, moderator=moderator
    )
    new = _held(comments_article, THREAT + " Encore.", email="habitue@example.org")

    response = moderator_client.get(QUEUE)

    item = next(i for i in response.context["items"] if i["comment"].pk == new.pk)
    assert item["history"].rejected == 1
    assert "1 refusé" in response.content.decode()


def test_decide_item_action_approves(moderator_client, comments_article, moderator):
    comment = _held(comments_article)

    response = moderator_client.post(
        reverse("moderation_decide"),
        {"item_action": f"{comment.pk}:approve", "action": "spam"},
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED
    decision = latest(comment)
    assert decision.origin == DecisionOrigin.MODERATOR
    assert decision.decided_by == moderator


def test_decide_bulk_rejects_selected(moderator_client, comments_article):
    chosen = [_held(comments_article, THREAT + f" {n}") for n in range(2)]
    untouched = _held(comments_article, THREAT + " 9")

    moderator_client.post(
        reverse("moderation_decide"),
        {"comment": [c.pk for c in chosen], "action": "reject", "bulk": "1"},
    )

    for comment in chosen:
        comment.refresh_from_db()
        assert comment.status == CommentStatus.REJECTED
    untouched.refresh_from_db()
    assert untouched.status == CommentStatus.PENDING


def test_decide_refuses_without_permission(client, comments_article):
    comment = _held(comments_article)
    client.force_login(ModeratorFactory(permissions=False))

    client.post(reverse("moderation_decide"), {"item_action": f"{comment.pk}:approve"})

    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert not ModerationDecision.objects.filter(origin="moderator").exists()


def test_ban_email_and_protected_domain(moderator_client, comments_article):
    comment = _held(comments_article, email="troll@gmail.com")
    ban_url = reverse("moderation_ban")

    moderator_client.post(ban_url, {"comment": comment.pk, "kind": "email"})
    response = moderator_client.post(
        ban_url, {"comment": comment.pk, "kind": "domain"}, follow=True
    )

    assert list(Ban.objects.values_list("kind", flat=True)) == ["email"]
    assert "partagé par de nombreuses personnes" in response.content.decode()


def test_ban_from_the_queue_asks_for_confirmation_first(
    moderator_client, comments_article, moderator
):
    from wagtail.models import ModelLogEntry

    comment = _held(comments_article, email="troll@example.org")
    html = moderator_client.get(QUEUE).content.decode()
    # The queue only links to the confirmation page; it cannot ban by itself.
    assert 'name="ban"' not in html
    assert f'href="{reverse("moderation_bans")}"' in html
    link = re.search(
        r'href="([^"]*/admin/moderation/ban/\?[^"]*kind=email[^"]*)"', html
    )
    assert link is not None

    page = moderator_client.get(link.group(1).replace("&amp;", "&"))

    assert page.status_code == 200
    confirm = page.content.decode()
    assert (
        'Bannir l&#x27;adresse e-mail <bdi dir="ltr">tr…@example.org</bdi> ?' in confirm
    )
    assert "troll@example.org" not in confirm
    assert not Ban.objects.exists()
    assert 'method="post"' in confirm
    assert f'name="comment" value="{comment.pk}"' in confirm

    response = moderator_client.post(
        reverse("moderation_ban"),
        {"comment": comment.pk, "kind": "email", "note": "Insultes répétées"},
    )

    assert response.status_code == 302
    ban = Ban.objects.get()
    assert (ban.kind, ban.reason, ban.created_by) == (
        "email",
        "Insultes répétées",
        moderator,
    )
    entry = ModelLogEntry.objects.get(action="moderation.ban.create")
    assert (entry.object_id, entry.user_id) == (str(ban.pk), moderator.pk)


def test_ban_confirmation_refuses_a_protected_domain_before_asking(
    moderator_client, comments_article
):
    comment = _held(comments_article, email="quelquun@gmail.com")

    response = moderator_client.get(
        reverse("moderation_ban"),
        {"comment": comment.pk, "kind": "domain", "next": QUEUE},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == QUEUE
    assert "partagé par de nombreuses personnes" in response.content.decode()
    assert not Ban.objects.exists()


def test_decide_no_longer_bans_without_confirmation(moderator_client, comments_article):
    comment = _held(comments_article, email="troll@example.org")

    moderator_client.post(reverse("moderation_decide"), {"ban": f"{comment.pk}:email"})

    assert not Ban.objects.exists()


def test_bans_list_shows_bans_in_force_and_lifts_one(
    moderator_client, comments_article, moderator
):
    from datetime import timedelta

    from django.utils import timezone
    from wagtail.models import ModelLogEntry

    comment = _held(comments_article, email="troll@example.org")
    email_ban = services.ban_author(comment=comment, kind="email", moderator=moderator)
    domain_ban = services.ban_create(
        kind="domain", value="spam.example", moderator=moderator, reason="Réseau"
    )
    expired = services.ban_create(
        kind="domain", value="ancien.example", moderator=moderator
    )
    Ban.objects.filter(pk=expired.pk).update(until=timezone.now() - timedelta(days=1))

    html = moderator_client.get(reverse("moderation_bans")).content.decode()

    assert f'id="ban-{email_ban.pk}"' in html
    assert f'id="ban-{domain_ban.pk}"' in html
    assert "spam.example" in html
    assert "ancien.example" not in html
    assert "troll@example.org" not in html  # only the keyed hash is stored

    response = moderator_client.post(
        reverse("moderation_lift_ban"), {"ban": email_ban.pk}, follow=True
    )

    email_ban.refresh_from_db()
    assert email_ban.lifted_at is not None
    assert email_ban.lifted_by == moderator
    assert "Bannissement levé." in response.content.decode()
    assert f'id="ban-{email_ban.pk}"' not in response.content.decode()
    assert f'id="ban-{domain_ban.pk}"' in response.content.decode()
    assert services.find_ban(comment) is None
    entry = ModelLogEntry.objects.get(action="moderation.ban.lift")
    assert (entry.object_id, entry.user_id) == (str(email_ban.pk), moderator.pk)

    again = moderator_client.post(
        reverse("moderation_lift_ban"), {"ban": email_ban.pk}, follow=True
    )

    assert "plus en vigueur" in again.content.decode()
    assert ModelLogEntry.objects.filter(action="moderation.ban.lift").count() == 1


def test_ban_views_refuse_without_permission(client, comments_article, moderator):
    comment = _held(comments_article, email="troll@example.org")
    ban = services.ban_create(kind="domain", value="spam.example", moderator=moderator)
    client.force_login(ModeratorFactory(permissions=False))

    listing = client.get(reverse("moderation_bans"))
    client.post(reverse("moderation_ban"), {"comment": comment.pk, "kind": "email"})
    client.post(reverse("moderation_lift_ban"), {"ban": ban.pk})

    assert listing.status_code in {302, 403}
    assert list(Ban.objects.values_list("kind", flat=True)) == ["domain"]
    ban.refresh_from_db()
    assert ban.lifted_at is None


def test_set_mode_premoderates_page(moderator_client, comments_article):
    content_type = ContentType.objects.get_for_model(comments_article)

    moderator_client.post(
        reverse("moderation_set_mode"),
        {"article": f"{content_type.pk}:{comments_article.pk}", "mode": "premoderate"},
    )

    mode = ModerationMode.objects.get(object_pk=str(comments_article.pk))
    assert mode.mode == TargetMode.PREMODERATE


def test_queue_shows_model_panel(moderator_client, comments_article):
    response = moderator_client.get(QUEUE)

    panel = response.context["model"]
    state = services.engine_state()
    assert panel["version"] == state.model_version
    if state.meta is not None:
        assert f"data-model-version>{state.model_version}<" in response.content.decode()
        assert panel["metrics"]
    else:
        assert "chaque commentaire est retenu" in response.content.decode()


def test_admin_menu_shows_pending_count(moderator_client, comments_article):
    _held(comments_article)

    html = moderator_client.get("/admin/").content.decode()

    assert "Mod\\u00e9ration (1)" in html  # JSON-escaped sidebar props


def test_appeals_list_shows_open_appeal(moderator_client, comments_article, moderator):
    comment = _held(comments_article)
    decision = services.review_decision(
        comment=comment, action=DecisionAction.REJECT, moderator=moderator
    )
    services.appeal_create(
        comment=comment, decision=decision, text="Je citais pour condamner."
    )

    response = moderator_client.get(reverse("moderation_appeals"))

    assert "Je citais pour condamner." in response.content.decode()
    queue = moderator_client.get(QUEUE, {"appealed": "on"})
    assert [i["comment"].pk for i in queue.context["items"]] == [comment.pk]


@pytest.mark.parametrize(
    ("language", "category", "rule", "metric"),
    [
        (
            "fr",
            "Menace ou incitation",
            "Règle : Menace ou incitation",
            "Retenue sur le seul avis du modèle › Toxicité › Seuil",
        ),
        (
            "ar",
            "تهديد أو تحريض",
            "قاعدة: تهديد أو تحريض",
            "الاحتجاز بناءً على النموذج وحده › درجة الإساءة › العتبة",
        ),
    ],
)
def test_queue_labels_reasons_and_metrics_in_the_moderators_language(
    moderator_client, moderator, comments_article, language, category, rule, metric
):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(moderator)
    profile.preferred_language = language
    profile.save()
    _held(comments_article)
    assert services.engine_state().meta is not None  # the packaged model

    html = moderator_client.get(QUEUE).content.decode()

    assert f'lang="{language}"' in html
    # The label is shown; the key stays available to power users.
    key = "threat_incitement"
    assert f'data-category="{key}" title="{key}">{category}</span>' in html
    assert f'title="{key}" data-key="{key}">{rule}</span>' in html
    assert f">{key}<" not in html
    path = "model_only_hold.toxicity.threshold"
    assert f'title="{path}" data-key="{path}">{metric}</span>' in html
    assert f">{path}<" not in html


def test_bans_list_hides_the_actions_header_with_wagtails_class(
    moderator_client, moderator
):
    services.ban_create(kind="domain", value="spam.example", moderator=moderator)

    html = moderator_client.get(reverse("moderation_bans")).content.decode()

    # Wagtail 8 has ``w-sr-only``; ``visuallyhidden`` would show the header.
    assert re.search(r'<th scope="col"><span class="w-sr-only">[^<]+</span></th>', html)
    assert "visuallyhidden" not in html


def test_ban_reason_is_stored_without_bidi_controls(moderator_client, comments_article):
    comment = _held(comments_article, email="troll@example.org")

    moderator_client.post(
        reverse("moderation_ban"),
        {
            "comment": comment.pk,
            "kind": "email",
            "note": "Pseudo \u202eevil\u202c \u2067!\u2069",
        },
    )

    assert Ban.objects.get().reason == "Pseudo evil !"


@pytest.mark.parametrize(
    ("ip", "network", "neighbour_ip"),
    [
        ("127.0.0.1", "127.0.0.0/24", "127.0.0.254"),
        ("::ffff:192.0.2.77", "192.0.2.0/24", "192.0.2.1"),
        ("2001:db8:1:2::5", "2001:db8:1::/48", "2001:db8:1:ffff::1"),
    ],
)
def test_ip_ban_confirmation_shows_the_whole_network_with_its_prefix(
    moderator_client, moderator, comments_article, ip, network, neighbour_ip
):
    comment = _held(comments_article, email="troll@example.org", ip=ip)
    neighbour = _held(comments_article, email="autre@example.org", ip=neighbour_ip)

    html = moderator_client.get(
        reverse("moderation_ban"), {"comment": comment.pk, "kind": "ip"}
    ).content.decode()

    assert f'Bannir le réseau IP <bdi dir="ltr">{network}</bdi> ?' in html
    # What is shown is what the ban matches: any address of that network.
    services.ban_author(comment=comment, kind="ip", moderator=moderator)
    assert services.find_ban(neighbour) is not None


def test_admin_pagination_keeps_the_list_query_in_its_links():
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    page = Paginator(list(range(30)), 10).page(2)
    plain = render_to_string("moderation/admin/_pagination.html", {"page_obj": page})
    kept = render_to_string(
        "moderation/admin/_pagination.html", {"page_obj": page, "query": "q=1"}
    )

    assert 'href="?p=1"' in plain
    assert 'href="?p=3"' in plain
    assert 'href="?q=1&amp;p=1"' in kept
    assert 'href="?q=1&amp;p=3"' in kept


def test_decision_note_is_stored_without_bidi_controls(
    moderator_client, comments_article
):
    comment = _held(comments_article)

    moderator_client.post(
        reverse("moderation_decide"),
        {
            "item_action": f"{comment.pk}:reject",
            "note": "Appel \u202eà la violence\u202c \u2067contre\u2069 des personnes",
        },
    )

    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED
    assert latest(comment).note == "Appel à la violence contre des personnes"
