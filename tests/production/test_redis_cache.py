"""The Redis cache (mims_portal/redis_cache.py): Django's, with one client per connection pool."""

from __future__ import annotations

import pytest
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


def test_incr_is_one_round_trip_keeps_the_expiry_and_refuses_a_missing_key(tmp_path):
    with throwaway_redis(tmp_path) as url:
        cache = RedisCache(url, {})
        server = redis.Redis.from_url(url)
        cache.add("count", 1, 600)
        assert cache.incr("count") == 2  # the first loads the script into the server
        server.config_resetstat()
        assert [cache.incr("count") for _ in range(5)] == [3, 4, 5, 6, 7]
        # Five commands from the client, one per incr (the EXISTS and INCRBY inside the script are
        # counted under their own names, as Redis runs them).
        stats = server.info("commandstats")
        inside = ("cmdstat_exists", "cmdstat_incrby")
        client_sent = {name: row["calls"] for name, row in stats.items() if name not in inside}
        assert client_sent == {"cmdstat_evalsha": 5, "cmdstat_config|resetstat": 1}, client_sent
        assert 0 < server.ttl(cache.make_and_validate_key("count")) <= 600  # the window's expiry is kept
        assert cache.decr("count", 2) == 5
        server.script_flush()  # as after a Redis restart: the script is loaded again, nothing fails
        assert cache.incr("count") == 6

        # As Django's: a missing key is an error, and is not made by asking.
        with pytest.raises(ValueError, match="not found"):
            cache.incr("never-added")
        assert not server.exists(cache.make_and_validate_key("never-added"))
