"""Only MOE IT register and change school apps; school ICT admins may look."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from oauth2_provider.models import Application


@pytest.fixture
def ict_browser(ict_admin):
    ict_admin.user.groups.add(Group.objects.get(name="School ICT admin"))
    browser = Client()
    browser.force_login(ict_admin.user)  # staff: the password and the second factor
    return browser


@pytest.fixture
def moe_browser(moe_it):
    browser = Client()
    browser.force_login(moe_it)  # staff: the password and the second factor
    return browser


@pytest.mark.django_db
class TestApplicationAdmin:
    def test_moe_it_can_change_an_app(self, moe_browser, app):
        r = moe_browser.get(f"/admin/oauth2_provider/application/{app.pk}/change/")
        assert r.status_code == 200
        assert b"Launch address" in r.content
        assert moe_browser.get("/admin/oauth2_provider/application/add/").status_code == 200

    def test_a_school_ict_admin_sees_the_apps_but_cannot_change_them(self, ict_browser, app):
        assert b"Learning space" in ict_browser.get("/admin/oauth2_provider/application/").content
        r = ict_browser.get(f"/admin/oauth2_provider/application/{app.pk}/change/")
        assert r.status_code == 200
        assert b'name="_save"' not in r.content
        assert ict_browser.get("/admin/oauth2_provider/application/add/").status_code == 403
        r = ict_browser.post(f"/admin/oauth2_provider/application/{app.pk}/change/", {"name": "Hacked"})
        assert r.status_code == 403
        app.refresh_from_db()
        assert app.name == "Learning space"

    def test_moe_it_registers_an_app_with_the_code_flow_and_rs256_only(self, moe_browser):
        data = {
            "name": "Maths Quest", "client_id": "maths-quest", "client_secret": "x" * 64,
            "client_type": "public", "redirect_uris": "https://maths.example.edu.sg/cb",
            "post_logout_redirect_uris": "", "allowed_origins": "", "hash_client_secret": "on",
            "skip_authorization": "on",
            "school_app-TOTAL_FORMS": "1", "school_app-INITIAL_FORMS": "0",
            "school_app-MIN_NUM_FORMS": "0", "school_app-MAX_NUM_FORMS": "1",
            "school_app-0-launch_url": "https://maths.example.edu.sg/", "school_app-0-description": "Maths games",
            "school_app-0-icon": "MQ", "school_app-0-levels": "[4, 5, 6]", "school_app-0-is_listed": "on",
            "school_app-0-order": "0",
        }
        add = "/admin/oauth2_provider/application/add/"
        for grant, algorithm in (("implicit", "RS256"), ("password", "RS256"), ("authorization-code", "HS256")):
            r = moe_browser.post(add, data | {"authorization_grant_type": grant, "algorithm": algorithm})
            assert r.status_code == 200
            assert b"errornote" in r.content
            assert not Application.objects.filter(client_id="maths-quest").exists()
        r = moe_browser.post(add, data | {"authorization_grant_type": "authorization-code", "algorithm": "RS256"})
        assert r.status_code == 302
        app = Application.objects.get(client_id="maths-quest")
        assert app.school_app.levels == [4, 5, 6]
        assert app.client_secret.startswith("mims_client_secret$")
