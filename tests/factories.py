"""factory_boy factories shared by the whole suite."""

# --- comments (helper C1) ----------------------------------------------------
import datetime as _dt

import factory
from django.contrib.contenttypes.models import ContentType

from manchette.comments.models import Comment, CommentStatus

_COMMENT_EPOCH = _dt.datetime(2026, 1, 5, 8, 0, tzinfo=_dt.UTC)


def build_comment_article(*, title="Le port de Tanger s'agrandit", **fields):
    """Return a live ArticlePage under home > section, reachable through a Site.

    Creates the Wagtail root, the French locale and the default site when the
    test database has none (the suite runs without migrations).
    """
    from wagtail.models import Locale, Page, Site

    from manchette.news.models import ArticlePage, HomePage, SectionPage

    locale, _ = Locale.objects.get_or_create(language_code="fr")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        home = root.add_child(instance=HomePage(title="Accueil", slug="accueil"))
        site = Site.objects.create(
            hostname="testserver", port=80, root_page=home, is_default_site=True
        )
    home = site.root_page
    section = SectionPage.objects.child_of(home).first() or home.add_child(
        instance=SectionPage(title="Économie", slug="economie")
    )
    slug = fields.pop("slug", None) or f"article-{ArticlePage.objects.count() + 1}"
    return section.add_child(instance=ArticlePage(title=title, slug=slug, **fields))


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved comment on ``target`` (pass ``target=`` or ``parent=``)."""

    class Meta:
        model = Comment
        exclude = ("target",)
        skip_postgeneration_save = True

    target = factory.LazyAttribute(
        lambda o: o.parent.content_object if o.parent else build_comment_article()
    )
    content_type = factory.LazyAttribute(
        lambda o: ContentType.objects.get_for_model(o.target)
    )
    object_pk = factory.LazyAttribute(lambda o: str(o.target.pk))
    parent = None
    depth = factory.LazyAttribute(lambda o: o.parent.depth + 1 if o.parent else 0)
    thread = factory.LazyAttribute(lambda o: o.parent.thread if o.parent else None)
    status = CommentStatus.APPROVED
    author_name = factory.Sequence(lambda n: f"Lectrice {n}")
    author_email = factory.Sequence(lambda n: f"lectrice{n}@example.org")
    body = factory.Sequence(lambda n: f"Avis numéro {n} sur ce sujet portuaire.")
    submitted_at = factory.Sequence(lambda n: _COMMENT_EPOCH + _dt.timedelta(minutes=n))

    @factory.post_generation
    def root_thread(obj, create, extracted, **kwargs):  # noqa: N805
        """Make a root comment the root of its own thread."""
        if create and obj.thread_id is None:
            obj.thread_id = obj.pk
            obj.save(update_fields=["thread"])


# --- moderation (helper D) -----------------------------------------------------
from django.contrib.auth import get_user_model as _get_user_model  # noqa: E402
from django.contrib.auth.models import Permission as _Permission  # noqa: E402

from manchette.moderation.models import (  # noqa: E402
    DecisionAction as _DecisionAction,
)
from manchette.moderation.models import (  # noqa: E402
    DecisionOrigin as _DecisionOrigin,
)
from manchette.moderation.models import (  # noqa: E402
    ModerationDecision as _ModerationDecision,
)


class ModeratorFactory(factory.django.DjangoModelFactory):
    """A staff user with Wagtail admin access and ``comments.can_moderate``."""

    class Meta:
        model = _get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"moderatrice{n}")
    email = factory.Sequence(lambda n: f"moderatrice{n}@example.org")
    is_staff = True
    password = factory.django.Password("moderation-pass")

    @factory.post_generation
    def permissions(obj, create, extracted, **kwargs):  # noqa: N805
        """Grant admin access and moderation (``permissions=False`` skips)."""
        if not create or extracted is False:
            return
        obj.user_permissions.add(
            _Permission.objects.get(
                content_type__app_label="wagtailadmin", codename="access_admin"
            ),
            _Permission.objects.get(
                content_type__app_label="comments", codename="can_moderate"
            ),
        )


class ModerationDecisionFactory(factory.django.DjangoModelFactory):
    """An engine decision row (pass ``comment=``); it does not change the status."""

    class Meta:
        model = _ModerationDecision

    comment = factory.SubFactory(CommentFactory)
    action = _DecisionAction.HOLD
    origin = _DecisionOrigin.ENGINE
    reasons = factory.LazyFunction(list)
    scores = factory.LazyFunction(dict)
    engine_version = "test"
