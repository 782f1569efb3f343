from typing import Any

from django.http import HttpRequest
from wagtail import hooks
from wagtail.models import Page

from manchette.ops.caching import mark_page


@hooks.register("before_serve_page")
def remember_cacheable_page(
    page: Page, request: HttpRequest, serve_args: Any, serve_kwargs: Any
) -> None:
    mark_page(page, request)
