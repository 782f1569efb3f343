"""Wagtail admin: keys are created there and their secret is shown once."""

import re

import pytest
from django.urls import reverse

from manchette.perspective.models import ApiKey, hash_key


@pytest.fixture
def admin_client_wagtail(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "admin", "admin@example.org", "admin-pass"
    )
    client.force_login(user)
    return client


def test_admin_create_shows_the_key_once(admin_client_wagtail):
    response = admin_client_wagtail.post(
        reverse("perspective_api_keys:add"),
        {"name": "coral", "rate_limit_per_minute": 60, "active": "on"},
    )

    assert response.status_code == 200
    match = re.search(
        r'<code class="perspective-key" dir="ltr">([^<]+)</code>',
        response.content.decode(),
    )
    assert match is not None
    stored = ApiKey.objects.get()
    assert stored.key_hash == hash_key(match.group(1))
    listing = admin_client_wagtail.get(reverse("perspective_api_keys:index"))
    assert listing.status_code == 200
    assert "coral" in listing.content.decode()
    assert match.group(1) not in listing.content.decode()
    edit = admin_client_wagtail.get(
        reverse("perspective_api_keys:edit", args=[stored.pk])
    )
    assert match.group(1) not in edit.content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Clés d'API"), ("ar", "مفاتيح الواجهة البرمجية"), ("en", "API keys")],
)
def test_admin_labels_are_translated(language, expected):
    from django.utils import translation

    with translation.override(language):
        assert str(ApiKey._meta.verbose_name_plural) == expected
