"""Django's Redis cache backend, minus a client object per operation.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new
``redis.Redis`` object around the (shared) connection pool for every cache
call. That costs about as much CPU as the round trip itself on a small value,
and an article page does several reads. This backend keeps one client per
pool; the pool, its connections and everything else are Django's.

Use: ``"BACKEND": "manchette.ops.redis_cache.RedisCache"`` (the production
profile does when ``REDIS_URL`` is set). Same ``LOCATION`` and ``OPTIONS`` as
Django's backend.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast, override

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    """Django's client with one ``redis.Redis`` object kept per connection pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Take the same arguments as Django's ``RedisCacheClient``."""
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    @override
    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        """Return the client bound to the pool Django would pick for this call."""
        django_client = cast("Any", self)  # Django's private attributes
        pool = django_client._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = django_client._client(connection_pool=pool)
            self._clients[id(pool)] = client
        return client


class RedisCache(django_redis.RedisCache):
    """Django's ``RedisCache`` using :class:`RedisCacheClient`."""

    @cached_property
    @override
    def _cache(self) -> RedisCacheClient:
        backend = cast("Any", self)  # Django's private attributes
        return RedisCacheClient(backend._servers, **backend._options)
