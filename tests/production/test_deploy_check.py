"""`manage.py check --deploy` under the documented production environment, a weak
SECRET_KEY refused at start, and every environment variable documented."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from .servers import ROOT, STRONG_KEY

OPERATIONS = ROOT / "docs" / "operations.md"


def documented_production_env() -> dict[str, str]:
    block = re.search(r"```sh\n# production\.env\n(.*?)```", OPERATIONS.read_text(), re.S)
    assert block, "docs/operations.md has no production.env block"
    return dict(line.split("=", 1) for line in block[1].splitlines() if line.strip())


def run_manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], env={**base, "DJANGO_SETTINGS_MODULE": "mims_portal.settings", **env},
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip


@pytest.fixture
def production(tmp_path) -> dict[str, str]:
    env = documented_production_env()
    key_file = tmp_path / "secret_key"
    key_file.write_text(STRONG_KEY)
    env["SECRET_KEY_FILE"] = str(key_file)
    env["MIMS_VAR_DIR"] = str(tmp_path)
    return env


def test_it_passes_the_deploy_check_without_a_single_warning(production):
    done = run_manage(production, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_it_fails_the_deploy_check_on_plain_http(production):
    # The check itself is live: turning HTTPS settings off brings its warnings back.
    done = run_manage({**production, "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0"}, "check", "--deploy",
                      "--fail-level", "WARNING")  # fmt: skip
    assert done.returncode != 0
    assert "security.W008" in done.stderr and "security.W004" in done.stderr


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("abcde", "it has 5 characters; it needs at least 50"),
        ("ab" * 40, "it has only 2 different characters; it needs at least 5"),
        ("django-insecure-" + STRONG_KEY, "it starts with 'django-insecure-'"),
    ],
)
def test_it_refuses_to_start_with_a_weak_secret_key(production, key, why):
    env = {**production, "SECRET_KEY": key}
    del env["SECRET_KEY_FILE"]
    done = run_manage(env, "check")
    assert done.returncode != 0
    assert f"SECRET_KEY is too weak: {why}" in done.stderr
    assert key not in done.stderr  # the message says why, never the key


def test_it_refuses_a_weak_old_key_too(production):
    done = run_manage({**production, "SECRET_KEY_FALLBACKS": "short"}, "check")
    assert done.returncode != 0
    assert "SECRET_KEY_FALLBACKS is too weak: it has 5 characters" in done.stderr


def test_it_documents_every_environment_variable():
    read = set()
    for source in (ROOT / "mims_portal" / "settings.py", ROOT / "gunicorn.conf.py"):
        read |= set(re.findall(r"""(?:getenv|envint|envbool|envsecret)\(\s*f?["']([A-Z_]+)""", source.read_text()))
    assert len(read) > 30
    documented = set(re.findall(r"`([A-Z][A-Z_]+)(?:\(_FILE\))?`", OPERATIONS.read_text()))
    assert read - documented == set()
