"""The Redis cache (mims_portal/redis_cache.py): Django's, with one client per connection pool."""

from __future__ import annotations

import redis

from mims_portal.redis_cache import RedisCache

from .servers import throwaway_redis


def test_it_answers_as_djangos_redis_cache_through_one_client_and_one_connection(tmp_path):
    with throwaway_redis(tmp_path) as url:
        cache = RedisCache(url, {})
        assert cache.add("tries", 0, 60) and not cache.add("tries", 5, 60)
        for _ in range(100):
            cache.incr("tries")
        cache.set_many({"a": [1, 2], "b": {"x": "y"}}, 60)
        assert cache.get("tries") == 100
        assert cache.get_many(["a", "b", "missing"]) == {"a": [1, 2], "b": {"x": "y"}}
        cache.delete("a")
        assert cache.get("a") is None

        # One client for every call, reads and writes alike (one server: one pool).
        client = cache._cache.get_client(write=True)
        assert cache._cache.get_client("tries") is client
        # ...and the ~110 commands above came over one connection to the server.
        server = redis.Redis.from_url(url)
        assert server.info("stats")["total_connections_received"] == 2  # the cache's and this one
