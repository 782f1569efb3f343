"""factory_boy factories shared by the whole suite."""

# --- comments (helper C1) ----------------------------------------------------
import datetime as _dt
from typing import TYPE_CHECKING, Any, TypeVar, cast, override

import factory
from django.contrib.contenttypes.models import ContentType
from factory.django import DjangoModelFactory

from manchette.comments.models import Comment, CommentStatus

_COMMENT_EPOCH = _dt.datetime(2026, 1, 5, 8, 0, tzinfo=_dt.UTC)

_M = TypeVar("_M")


class ModelFactory(DjangoModelFactory[_M]):
    """A Django model factory whose call is typed as returning the model.

    factory_boy's metaclass ``__call__`` is untyped, so without this mypy
    believes ``CommentFactory()`` returns a factory instance.
    """

    class Meta:
        abstract = True

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> _M: ...  # type: ignore[misc]


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


class CommentFactory(ModelFactory[Comment]):
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
    def root_thread(self, create: bool, extracted: object, **kwargs: object) -> None:
        """Make a root comment the root of its own thread."""
        # factory_boy passes the created model instance as the first argument.
        comment = cast("Comment", self)
        if create and comment.thread_id is None:
            comment.thread_id = comment.pk
            comment.save(update_fields=["thread"])


# --- news (helper A) ---------------------------------------------------------
# Page factories come from the copy of wagtail-factories that Wagtail 8 ships
# (``wagtail.test.utils.wagtail_factories``): no extra dependency.
from django.utils import timezone  # noqa: E402
from wagtail.test.utils import wagtail_factories  # noqa: E402

from manchette.news import models as news_models  # noqa: E402
from manchette.news.snippets import AdPosition, AdSlot, Author  # noqa: E402


class PageModelFactory[P](wagtail_factories.PageFactory):
    """A Wagtail page factory whose call is typed as returning the page."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> P: ...  # type: ignore[misc]


class NewsImageFactory(wagtail_factories.ImageFactory):
    """A small generated image with a caption and a credit."""

    class Meta:
        model = news_models.NewsImage

    title = factory.Sequence(lambda n: f"Image {n}")
    description = factory.Sequence(lambda n: f"Vue du port, image {n}")
    caption = "Le quai principal au lever du jour"
    credit = "Photo DR"


class AuthorFactory(ModelFactory[Author]):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Leïla Journaliste {n}")
    slug = factory.Sequence(lambda n: f"journaliste-{n}")
    role = "Reporter"


class AdSlotFactory(ModelFactory[AdSlot]):
    class Meta:
        model = AdSlot

    name = factory.Sequence(lambda n: f"Emplacement {n}")
    position = AdPosition.AFTER_PARAGRAPH_2
    html = '<div class="house-ad"><a href="https://example.org/">Offre maison</a></div>'
    active = True


class HomePageFactory(PageModelFactory[news_models.HomePage]):
    class Meta:
        model = news_models.HomePage

    title = "À la une"
    slug = factory.Sequence(lambda n: f"accueil-{n}")
    tagline = "Le quotidien de démonstration"


class SectionPageFactory(PageModelFactory[news_models.SectionPage]):
    class Meta:
        model = news_models.SectionPage

    title = factory.Sequence(lambda n: f"Rubrique {n}")
    slug = factory.Sequence(lambda n: f"rubrique-{n}")
    show_in_menus = True


class StandardPageFactory(PageModelFactory[news_models.StandardPage]):
    class Meta:
        model = news_models.StandardPage

    title = "À propos"
    slug = factory.Sequence(lambda n: f"page-{n}")
    introduction = "Qui nous sommes."
    body = factory.LazyFunction(
        lambda: [("paragraph", "<p>Une rédaction indépendante.</p>")]
    )


def article_body(paragraphs=4):
    """Return a StreamField value: paragraphs, a subheading and a quote."""
    body: list[tuple[str, Any]] = [
        ("paragraph", f"<p>Paragraphe numéro {i + 1} du texte.</p>") for i in range(2)
    ]
    body.append(("subheading", "Un intertitre qui relance"))
    body.append(
        ("quote", {"quote": "Nous irons plus loin.", "attribution": "Une dirigeante"})
    )
    body += [
        ("paragraph", f"<p>Paragraphe numéro {i + 3} du texte.</p>")
        for i in range(paragraphs - 2)
    ]
    return body


class ArticlePageFactory(PageModelFactory[news_models.ArticlePage]):
    """A published article; pass ``parent=<SectionPage>``."""

    class Meta:
        model = news_models.ArticlePage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Le titre de l'article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    kicker = "Économie"
    standfirst = "Un chapô qui résume l'essentiel en une phrase."
    hero_image = factory.SubFactory(NewsImageFactory)
    body = factory.LazyFunction(article_body)
    # One minute apart, within the last day: later factories are newer.
    first_published_at = factory.Sequence(
        lambda n: timezone.now() - _dt.timedelta(days=1) + _dt.timedelta(minutes=n)
    )
    last_published_at = factory.SelfAttribute("first_published_at")

    @factory.post_generation
    def authors(obj, create, extracted, **kwargs):  # noqa: N805
        """Attach ``authors=[...]`` as the byline, in order."""
        if not create or not extracted:
            return
        for order, author in enumerate(extracted):
            news_models.ArticlePageAuthor.objects.create(
                page=obj, author=author, sort_order=order
            )


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

if TYPE_CHECKING:
    from manchette.accounts.models import User as _User


class ModeratorFactory(ModelFactory[Any]):
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
        # factory_boy passes the created user as the first argument.
        user = cast("_User", obj)
        user.user_permissions.add(
            _Permission.objects.get(
                content_type__app_label="wagtailadmin", codename="access_admin"
            ),
            _Permission.objects.get(
                content_type__app_label="comments", codename="can_moderate"
            ),
        )


class ModerationDecisionFactory(ModelFactory[_ModerationDecision]):
    """An engine decision row (pass ``comment=``); it does not change the status."""

    class Meta:
        model = _ModerationDecision

    comment = factory.SubFactory(CommentFactory)
    action = _DecisionAction.HOLD
    origin = _DecisionOrigin.ENGINE
    reasons = factory.LazyFunction(list)
    scores = factory.LazyFunction(dict)
    engine_version = "test"


# --- perspective (helper F) --------------------------------------------------
from manchette.perspective.models import ApiKey as _ApiKey  # noqa: E402
from manchette.perspective.models import SuggestedScore as _SuggestedScore  # noqa: E402


class ApiKeyFactory(ModelFactory[_ApiKey]):
    """An active key; its secret is on ``obj.raw_key`` (only the hash is stored)."""

    class Meta:
        model = _ApiKey

    name = factory.Sequence(lambda n: f"client-{n}")
    rate_limit_per_minute = 600

    @override
    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Give the key a fresh secret, kept on the instance for the test."""
        obj = model_class(*args, **kwargs)
        obj.raw_key = obj.set_new_key()
        obj.save()
        return obj


class SuggestedScoreFactory(ModelFactory[_SuggestedScore]):
    """A Coral-style decision suggestion (``DELETED`` = 1) on an original text."""

    class Meta:
        model = _SuggestedScore

    text = factory.Sequence(lambda n: f"Commentaire de test numéro {n}, sans intérêt.")
    attribute = "DELETED"
    value = 1.0
    community_id = "Coral:https://news.example.org/"
    client_token = factory.Sequence(lambda n: f"comment:{n}")
