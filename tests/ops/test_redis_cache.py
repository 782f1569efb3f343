"""The Redis cache backend that keeps one client per connection pool."""

import socket

import pytest

from manchette.ops.redis_cache import RedisCache

REDIS_URL = "redis://127.0.0.1:6379/9"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not _redis_up(),
    reason="no Redis server on 127.0.0.1:6379 (scripts/ensure-services)",
)


def test_reuses_one_client_and_behaves_like_djangos_backend():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "ops-test"})
    cache.set("k", {"a": [1, 2]}, 30)
    first = cache._cache.get_client()

    assert cache.get("k") == {"a": [1, 2]}
    assert cache.get_many(["k", "missing"]) == {"k": {"a": [1, 2]}}
    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first  # one server, one pool
    cache.delete("k")
    assert cache.get("k") is None
