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
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

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
        # Site-wide version token (chrome, related articles, routes, article
        # fragments): any page or watched model saved or deleted, pages moved.
        post_save.connect(
            caching.on_site_content_changed, dispatch_uid="ops-site-version-save"
        )
        post_delete.connect(
            caching.on_site_content_changed, dispatch_uid="ops-site-version-delete"
        )
        post_page_move.connect(
            caching.on_site_content_changed, dispatch_uid="ops-site-version-move"
        )
