"""The children's account page lists the apps of their level, as tiles."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from sso.demo import DEMO_APPS
from sso.models import SchoolApp

from .conftest import register_app


@pytest.mark.django_db
class TestMyApps:
    def test_the_account_page_shows_the_apps_of_the_childs_level(self, browser, child):
        register_app("Learning space")
        register_app("Maths Quest", levels=[5, 6])
        register_app("Infant games", levels=[1, 2])
        hidden = register_app("Not yet")
        SchoolApp.objects.filter(application=hidden).update(is_listed=False)

        r = browser.get("/account/")
        assert r.status_code == 200
        page = r.content.decode()
        assert "My apps" in page
        assert "Learning space" in page and "Maths Quest" in page
        assert "Infant games" not in page and "Not yet" not in page
        assert 'class="app-tile" href="https://learning.example.edu.sg/"' in page

    def test_no_apps_no_section(self, browser):
        assert "My apps" not in browser.get("/account/").content.decode()

    def test_seed_demo_registers_the_demo_apps_once(self, settings):
        settings.DEBUG = True
        for _ in range(2):
            call_command("seed_demo", stdout=io.StringIO())
        apps = SchoolApp.objects.select_related("application")
        assert [a.application.name for a in apps] == ["Learning space", "Mail", "Media library"]
        assert len(DEMO_APPS) == 3
        assert all(a.application.skip_authorization for a in apps)
        assert all(a.application.client_type == "public" for a in apps)
