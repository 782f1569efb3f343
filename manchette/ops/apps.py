from typing import override

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "manchette.ops"
    label = "ops"
    verbose_name = _("Operations")
    default_auto_field = "django.db.models.BigAutoField"

    @override
    def ready(self) -> None:
        from django.db.models.signals import post_delete
        from wagtail.signals import page_published, page_unpublished

        from manchette.comments import get_comment_model
        from manchette.comments.signals import comment_status_changed, comments_changed
        from manchette.comments.web import set_thread_version_source
        from manchette.ops import caching

        page_published.connect(caching.on_page_changed, dispatch_uid="ops-cache-pub")
        page_unpublished.connect(
            caching.on_page_changed, dispatch_uid="ops-cache-unpub"
        )
        comment_status_changed.connect(
            caching.on_comment_status_changed, dispatch_uid="ops-cache-comment"
        )
        comments_changed.connect(
            caching.on_comments_changed, dispatch_uid="ops-cache-comments-changed"
        )
        post_delete.connect(
            caching.on_comment_deleted,
            sender=get_comment_model(),
            dispatch_uid="ops-cache-comment-delete",
        )
        set_thread_version_source(caching.thread_version)
