import pytest
from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from manchette.comments import get_comment_model
from manchette.comments.models import Comment
from manchette.comments.selectors import comment_tree
from manchette.comments.services import comment_publish, comment_submit

pytestmark = pytest.mark.usefixtures("no_comment_receivers")


@pytest.fixture
def custom_comment_model(transactional_db):
    """Register the test app, create its table, point COMMENTS_MODEL at it.

    ``modify_settings(INSTALLED_APPS=...)`` would re-run every ``ready()`` (Wagtail
    8 mounts API routers there, which fails the second time), so only this one
    app config is added to the registry, and removed afterwards.
    """
    config = AppConfig.create("tests.comments.testapp")
    config.apps = apps
    apps.app_configs[config.label] = config
    config.import_models()
    apps.clear_cache()
    model = apps.get_model("comments_testapp", "CustomComment")  # type: ignore[misc]
    with connection.schema_editor() as editor:
        editor.create_model(model)
    try:
        with override_settings(COMMENTS_MODEL="comments_testapp.CustomComment"):
            yield model
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(model)
        del apps.app_configs[config.label]
        apps.clear_cache()


def test_get_comment_model_default():
    assert get_comment_model() is Comment


def test_get_comment_model_resolves_swap(custom_comment_model, comments_article):
    assert get_comment_model() is custom_comment_model
    result = comment_submit(
        target=comments_article,
        body="Un avis stocké dans le modèle du projet.",
        author_name="Ines",
        author_email="ines@example.org",
    )
    assert isinstance(result.comment, custom_comment_model)
    assert custom_comment_model.objects.count() == 1
    assert Comment.objects.count() == 0
    comment_publish(comment=result.comment)
    tree = comment_tree(comments_article)
    assert [node.comment.pk for node in tree.roots] == [result.comment.pk]


@override_settings(COMMENTS_MODEL="comments.DoesNotExist")
def test_get_comment_model_unknown_model_is_improperly_configured():
    with pytest.raises(ImproperlyConfigured, match="COMMENTS_MODEL"):
        get_comment_model()


@override_settings(COMMENTS_MODEL="accounts.User")
def test_get_comment_model_refuses_non_comment_model():
    with pytest.raises(ImproperlyConfigured, match="AbstractComment"):
        get_comment_model()
