from django.urls import path

from manchette.comments import feeds, flags, notifications, tokens, views

app_name = "comments"

urlpatterns = [
    path("post/", views.post_comment, name="post"),
    path("c/<int:comment_id>/", views.permalink, name="permalink"),
    # Reader features (flags, own edits, reply emails, feeds).
    path("c/<int:comment_id>/flag/", flags.flag_view, name="flag"),
    path("c/<int:comment_id>/edit/", tokens.edit_view, name="edit"),
    path("c/<int:comment_id>/delete/", tokens.delete_view, name="delete"),
    path(
        "notify/confirm/<str:token>/",
        notifications.confirm_view,
        name="notify_confirm",
    ),
    path(
        "notify/unsubscribe/<str:token>/",
        notifications.unsubscribe_view,
        name="notify_unsubscribe",
    ),
    path("feed/", feeds.latest_comments_feed, name="feed"),
    path(
        "feed/<int:content_type_id>/<str:object_pk>/",
        feeds.object_comments_feed,
        name="object_feed",
    ),
]
