"""The XSS corpus through every comment path, rendered in a real Chromium.

Every payload of ``tests/security/xss_payloads.py`` goes through the service
(body and name, website), the HTTP edit view, the JSON API (body and name,
website), the moderation queue (the held comments, with their marked spans) and
the form's error page (the reader's input shown back). The pages are loaded
with the Content-Security-Policy *bypassed*, so output encoding alone must hold, while
the test listens for dialogs, canary console lines, page errors and the
``window.__xss`` canary. A DOM audit of the comment areas then checks that no
active element, event-handler attribute or non-http(s) URL came through (this
covers payloads that would need a click or a hover).
"""

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from manchette.comments.forms import make_security_token
from manchette.comments.models import Comment
from manchette.comments.signals import comment_edited, comment_submitted
from manchette.moderation.models import ModerationDecision
from tests.browser.flows import MODERATOR_PASSWORD
from tests.browser.helpers import ExecutionWatch, admin_login
from tests.browser.xss_seed import (
    approve,
    through_api,
    through_edit,
    through_service,
    through_website,
    without_receivers,
)
from tests.factories import ModeratorFactory, build_comment_article
from tests.security.xss_payloads import PAYLOADS, TEMPLATE_INJECTIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Where reader-supplied text lands on the article page and in the queue.
PUBLIC_SLOTS = ".comment-author, .comment-content, .comment-reply-to"
QUEUE_SLOTS = ".moderation-item__body, .moderation-item__head label"

AUDIT = """
(selector) => {
  const forbiddenTags = new Set(['script', 'iframe', 'frame', 'object', 'embed',
    'svg', 'math', 'style', 'link', 'meta', 'base', 'form', 'input', 'button',
    'select', 'textarea', 'video', 'audio', 'source', 'details', 'marquee',
    'template', 'noscript', 'table', 'body', 'title', 'xss', 'img']);
  const urlAttributes = new Set(['href', 'src', 'action', 'formaction', 'data',
    'background', 'poster', 'srcset', 'xlink:href', 'srcdoc']);
  const safeUrl = /^(https?:\\/\\/|#|\\?)/i;
  const found = [];
  for (const slot of document.querySelectorAll(selector)) {
    for (const el of slot.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      const isAvatar = tag === 'img' && el.classList.contains('avatar')
        && el.getAttribute('src').startsWith('data:image/');
      if (forbiddenTags.has(tag) && !isAvatar) found.push('<' + tag + '>');
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        const value = attr.value.trim();
        if (name.startsWith('on')) found.push(tag + ' ' + name);
        if (name === 'style' && value) found.push(tag + ' style=' + value);
        if (urlAttributes.has(name) && !isAvatar && !safeUrl.test(value)) {
          found.push(tag + ' ' + name + '=' + value);
        }
      }
    }
  }
  const dataTypes = new Set(['application/json', 'application/ld+json']);
  const scripts = [...document.scripts].filter((s) => !(dataTypes.has(s.type)
    || (s.src && new URL(s.src).origin === location.origin)));
  for (const s of scripts) found.push('page script: ' + s.outerHTML.slice(0, 80));
  return found;
}
"""


CONTROLS = """
() => [...document.querySelectorAll('#commentform *')].flatMap((el) => [
  ...(['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'SCRIPT', 'IFRAME', 'IMG',
       'SVG', 'OBJECT', 'EMBED', 'FORM', 'A'].includes(el.tagName.toUpperCase())
    ? [el.tagName.toLowerCase() + ':' + (el.getAttribute('name') || '')] : []),
  ...[...el.attributes].filter((a) => a.name.startsWith('on')).map(
    (a) => 'handler ' + a.name),
])
"""


@pytest.fixture
def corpus_settings(settings, rules_only_engine, clear_cache):
    settings.COMMENTS_PER_PAGE = 1000
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_IP_BUDGET = 0  # one test client sends every payload
    settings.COMMENTS_DUPLICATE_SECONDS = 0
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    settings.MODERATION_QUEUE_PER_PAGE = 1000
    return settings


def _check(page: Any, url: str, slots: str, expected: int) -> list[str]:
    """Load ``url``; return every sign of execution and every audit finding."""
    watch = ExecutionWatch().attach(page)
    page.goto(url, wait_until="load")
    # Error and focus handlers fire after load; give them a moment.
    page.wait_for_timeout(300)
    found = [*watch.executed(page), *page.evaluate(AUDIT, slots)]
    rendered = page.locator(slots.split(",")[0]).count()
    if rendered < expected:
        found.append(f"only {rendered} of {expected} comments rendered")
    return found


def test_xss_corpus_never_executes_on_pages_queue_or_error_page(
    chromium, live_server, corpus_settings
):
    assert len(PAYLOADS) >= 200
    started = time.monotonic()
    articles = {
        name: build_comment_article(title=f"Corpus {name}", slug=f"corpus-{name}")
        for name in ("service", "website", "edit", "api", "reflect")
    }
    service = through_service(articles["service"], PAYLOADS)
    with without_receivers(comment_submitted, comment_edited):
        others = {
            "website": through_website(articles["website"], PAYLOADS),
            "edit": through_edit(articles["edit"], PAYLOADS),
            "api": through_api(articles["api"], PAYLOADS),
        }
    seeded = time.monotonic() - started
    # Every payload reaches a rendered slot through the body paths.
    assert len(service.stored) == len(PAYLOADS)
    assert len(others["edit"].stored) >= len(PAYLOADS) - 5, others["edit"]
    assert len(others["api"].stored) >= len(PAYLOADS) - 5, others["api"]
    # The held comments carry the engine's decisions (marked spans in the queue).
    assert ModerationDecision.objects.filter(comment_id__in=service.stored).exists()
    # Dangerous schemes are never stored as a website.
    websites = Comment.objects.exclude(author_url="").values_list(
        "author_url", flat=True
    )
    assert all(url.startswith(("http://", "https://")) for url in websites)

    context = chromium.new_context(bypass_csp=True, locale="fr-FR")
    context.set_default_timeout(30_000)
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    # The queue first, while the service path's comments are held.
    moderator: Any = ModeratorFactory()
    admin_login(
        page, live_server.url, username=moderator.username, password=MODERATOR_PASSWORD
    )
    problems["queue"] = _check(
        page, f"{live_server.url}/admin/moderation/", QUEUE_SLOTS, len(service.stored)
    )
    page.context.clear_cookies()
    approve(service.stored)
    for name, outcome in {"service": service, **others}.items():
        url = f"{live_server.url}{articles[name].url}"
        problems[name] = _check(page, url, PUBLIC_SLOTS, len(outcome.stored))
        if name == "service":
            # Template syntax comes out as typed, not evaluated.
            text = page.locator("[data-comment-list]").inner_text()
            missing = [t for t in TEMPLATE_INJECTIONS if t not in text]
            assert missing == []

    # The form's error page shows the reader's input back: a reflected path.
    client = Client()
    reflected: list[str] = []
    sample = PAYLOADS[::5]
    baseline: list[str] | None = None
    for payload in ("Un avis sans malice.", *sample):
        response = client.post(
            reverse("comments:post"),
            {
                "body": payload,
                "author_name": payload[:80],
                "author_email": "pas-une-adresse",
                "author_url": payload[:200],
                "security_token": make_security_token(articles["reflect"]),
            },
        )
        assert response.status_code == 400
        watch = ExecutionWatch().attach(page)
        page.set_content(response.content.decode(), wait_until="load")
        reflected += watch.executed(page)
        reflected += page.evaluate(AUDIT, ".errorlist, .comment-form-status")
        # The input stays inside its fields: the form has the same controls,
        # and nothing in it carries an event handler.
        controls = page.evaluate(CONTROLS)
        baseline = baseline or controls
        if controls != baseline:
            reflected.append(f"form controls {controls} for {payload!r}")
    problems["error page"] = reflected
    context.close()

    assert {name: found for name, found in problems.items() if found} == {}
    outcomes = [service, *others.values()]
    summary = ", ".join(
        f"{o.name}: {len(o.stored)} stored/{o.refused} refused" for o in outcomes
    )
    print(  # noqa: T201 - figures quoted in docs/security.md
        f"\nXSS corpus: {len(PAYLOADS)} payloads, "
        f"{sum(o.tried for o in outcomes)} submissions ({summary}); "
        f"{len(service.stored)} in the queue; {len(sample)} reflected; "
        f"seeded in {seeded:.0f} s, total {time.monotonic() - started:.0f} s"
    )
