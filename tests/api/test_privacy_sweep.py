"""No email address, email hash or raw IP address in anything a reader can GET.

A seeded set of comments with known emails and IPs goes through the real
submission path (so IPs are stored the way production stores them); then every
comments URL, feed and API response is fetched and searched.
"""

import hashlib
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from manchette.comments.abstracts import CommentStatus
from manchette.comments.forms import make_security_token
from manchette.comments.models import Comment
from manchette.comments.services import comment_set_status
from tests.comments.helpers import form_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures(
        "clear_cache", "no_comment_receivers", "no_reader_receivers"
    ),
]

SEED = [
    ("Fatima Zahra", "Fatima.Zahra@Example.org", "203.0.113.77"),
    ("Youssef", "youssef+news@example.net", "2001:db8:85a3::8a2e:370:7334"),
    ("Salma", "salma@example.com", "198.51.100.201"),
]


def _needles():
    needles = set()
    for _name, email, ip in SEED:
        for form in {email, email.lower()}:
            needles.add(form)
            needles.add(form.replace("@", "%40"))
        lowered = email.lower().encode()
        for algorithm in ("md5", "sha1", "sha256"):
            needles.add(hashlib.new(algorithm, lowered).hexdigest())
        needles.add(ip)
    return needles


def _post(client, page, name, email, ip, parent=None):
    data = form_data(
        page,
        age=30,
        body=f"Le point de vue de {name} sur cet article.",
        author_name=name,
        author_email=email,
    )
    if parent is not None:
        data["parent"] = str(parent.pk)
    client.post(reverse("comments:post"), data, REMOTE_ADDR=ip)


def test_no_email_hash_or_ip_in_any_public_response(comments_article):
    page = comments_article
    parent = None
    for index, (name, email, ip) in enumerate(SEED):
        _post(Client(), page, name, email, ip, parent=parent)
        comment = Comment.objects.order_by("-pk").first()
        assert comment is not None
        comment_set_status(comment=comment, status=CommentStatus.APPROVED)
        parent = comment if index == 0 else parent
    # One held comment posted from the reader's own browser is shown to them.
    reader = Client()
    _post(reader, page, "Nabil", "nabil@example.org", "192.0.2.55")
    assert Comment.objects.count() == 4
    ids = list(Comment.objects.values_list("pk", flat=True))
    content_type = ContentType.objects.get_for_model(page)
    api = "/api/v1"
    urls = [
        page.url,
        page.url + "?cpage=1",
        f"/ar{page.url}" if not page.url.startswith("/ar/") else page.url,
        reverse("comments:feed"),
        reverse("comments:object_feed", args=[content_type.pk, page.pk]),
        f"{api}/pages/{page.pk}/comments",
        f"{api}/pages/{page.pk}/comments?limit=1",
        f"{api}/pages/{page.pk}/comments/form-token",
        f"{api}/pages/lookup?url={page.full_url}",
        "/api/openapi.json",
    ]
    urls += [reverse("comments:permalink", args=[i]) for i in ids]
    urls += [reverse("comments:flag", args=[i]) for i in ids]
    needles = _needles() | {"nabil@example.org", "192.0.2.55"}

    checked = 0
    for client in (Client(), reader):
        for url in urls:
            response = client.get(url, follow=True)
            body = response.content.decode()
            for needle in needles:
                assert needle not in body, f"{needle!r} leaked in {url}"
            checked += response.status_code == 200
    assert checked >= len(urls)
    # The sweep looked at pages that really show the seeded comments.
    assert "Fatima Zahra" in Client().get(page.url).content.decode()
    assert "Fatima Zahra" in Client().get(urls[5]).content.decode()
    assert "Nabil" in reader.get(page.url).content.decode()

    # The API post answer (201) and a validation error echo nothing either.
    token = make_security_token(page, issued_at=time.time() - 30)
    created = Client().post(
        f"{api}/pages/{page.pk}/comments",
        {
            "body": "Encore un avis.",
            "author_name": "Ines",
            "author_email": "ines@example.org",
            "token": token,
        },
        content_type="application/json",
        REMOTE_ADDR="203.0.113.99",
    )
    invalid = Client().post(
        f"{api}/pages/{page.pk}/comments",
        {"author_email": "ines@example.org", "token": token},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert invalid.status_code == 422
    for response in (created, invalid):
        body = response.content.decode()
        assert "ines@example.org" not in body
        assert "203.0.113.99" not in body
