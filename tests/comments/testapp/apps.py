from django.apps import AppConfig


class CommentsTestAppConfig(AppConfig):
    name = "tests.comments.testapp"
    label = "comments_testapp"
    default_auto_field = "django.db.models.BigAutoField"
