"""docs/operations.md stays true to the code: it names every environment
variable settings.py reads, every route (Django's own admin pages aside),
every management command and every script."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.urls import URLResolver, get_resolver

BASE = Path(settings.BASE_DIR)
DOC = (BASE / "docs" / "operations.md").read_text(encoding="utf-8")
# os.getenv("X"), envint("X", …), envbool(…), envsecret(…): the settings helpers.
READS = re.compile(r"""(?:os\.getenv|envint|envbool|envsecret)\(\s*"([A-Z0-9_]+)\"""")


def _routes(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":  # Django's admin site, its own pages
                continue
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield "/" + prefix + str(pattern.pattern)


def test_it_names_every_environment_variable_settings_reads():
    names = set(READS.findall((BASE / "mims_portal" / "settings.py").read_text(encoding="utf-8")))
    assert {"DATABASE_URL", "SECRET_KEY", "MIMS_VAR_DIR"} <= names  # the pattern finds them
    assert sorted(n for n in names if f"`{n}" not in DOC) == []


def test_it_names_every_route():
    routes = set(_routes(get_resolver().url_patterns))
    assert {"/login/", "/sspr/setup/", "/admin/reports/"} <= routes
    assert sorted(r for r in routes if f"`{r}`" not in DOC) == []


def test_it_names_every_command_and_script():
    commands = {p.stem for p in BASE.glob("*/management/commands/*.py") if not p.stem.startswith("_")}
    scripts = {f"scripts/{p.name}" for p in (BASE / "scripts").iterdir() if p.is_file()}
    assert "seed_demo" in commands and "scripts/find-python" in scripts
    assert sorted(c for c in commands if c not in DOC) == []
    assert sorted(s for s in scripts if f"`{s}`" not in DOC) == []
