"""The NinjaAPI instance: routers are mounted here, under their version prefix.

To add a resource, write ``routers/<resource>.py`` with a ``router`` and mount it
below with one ``api.add_router(...)`` line. Every route gives an explicit
``operation_id`` and ``url_name`` (they are part of the OpenAPI snapshot).
"""

from ninja import NinjaAPI

from manchette.api.errors import register_exception_handlers
from manchette.api.routers.comments import router as comments_router

api = NinjaAPI(
    title="Manchette API",
    version="1.0.0",
    description=(
        "Public, read-mostly JSON API. Errors are RFC 7807 "
        "application/problem+json documents."
    ),
    urls_namespace="api",
    # The interactive docs page loads scripts from a CDN, which the CSP forbids;
    # the schema stays available at /api/openapi.json.
    docs_url=None,
)
register_exception_handlers(api)

api.add_router("/v1/", comments_router)
