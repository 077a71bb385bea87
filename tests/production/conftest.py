"""One throwaway PostgreSQL database and Redis for the production tests, migrated once,
with people made through the project's own factories (in a manage.py shell)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from .servers import manage, production_env, throwaway_database, throwaway_redis

PEOPLE = """
from tests import factories
from tests.sspr.helpers import give_answers
school = factories.make_school("NPS", "North Primary School")
p5 = factories.make_class(school, 5, "5 Courage")
p2 = factories.make_class(school, 2, "2 Joy")
for name in ("lock_target", "roamer", "forgetful", "proxied", "outage_child"):
    give_answers(factories.make_student(p5, name.replace("_", " ").title(), username=name).user,
                 answers=["blue bunny"] * 3)
for n in range(2):
    factories.make_student(p2, f"Card Child {n}", username=f"card_child_{n}")
from second_factor.demo import give_demo_authenticator
give_demo_authenticator(factories.make_teacher(school, p2, username="ms_tan").user)
print(p2.pk)
"""
PASSWORD = "sunny2day"  # tests.factories.PASSWORD


@dataclass
class Portal:
    database_url: str
    redis_url: str
    var_dir: Path
    p2_class_id: int

    def env(self, **extra: str) -> dict:
        return production_env(self.database_url, self.redis_url, self.var_dir, **extra)


@pytest.fixture(scope="session")
def portal(tmp_path_factory) -> Portal:
    var_dir = tmp_path_factory.mktemp("portal")
    with throwaway_database() as database_url, throwaway_redis(tmp_path_factory.mktemp("redis")) as redis_url:
        env = production_env(database_url, redis_url, var_dir)
        manage(env, "migrate", "--no-input", "-v0")
        p2_class_id = int(manage(env, "shell", "-c", PEOPLE).strip().splitlines()[-1])
        yield Portal(database_url, redis_url, var_dir, p2_class_id)


def pytest_terminal_summary(terminalreporter) -> None:
    from .test_fuzz import TRIED

    if TRIED["cases"]:
        terminalreporter.write_line(f"Fuzzing: {TRIED['cases']} requests tried (tests/production/test_fuzz.py).")
