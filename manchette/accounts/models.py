from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A reader, editor or moderator account (custom from day one)."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
