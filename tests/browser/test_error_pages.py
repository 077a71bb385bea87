"""The pages nobody plans to see: not found, and something broke. Friendly,
in the child's language, and checked like every other page."""

from __future__ import annotations

from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error
from playwright.sync_api import expect

from .conftest import PHONE, Journey


class TestErrorPages:
    def test_it_shows_a_friendly_not_found_page(self, make_journey):
        for locale, heading in [("en-GB", "We cannot find this page"), ("ta-SG", "இந்தப் பக்கத்தைக் காணவில்லை")]:
            j: Journey = make_journey(PHONE, locale=locale, who=locale)
            response = j.page.goto(j.url("/no-such-page/"))
            assert response.status == 404
            expect(j.page.get_by_role("heading", level=1)).to_have_text(heading)
            j.step(f"not found {locale}")

    def test_it_shows_a_calm_page_when_something_breaks(self, journey: Journey):
        with translation.override("ms"):
            body = server_error(RequestFactory().get("/")).content
        # Served at a portal address so that its stylesheet and icons load as they would.
        journey.page.route("**/broken/", lambda route: route.fulfill(status=500, body=body, content_type="text/html"))
        journey.set_width(PHONE)
        response = journey.page.goto(journey.url("/broken/"))
        assert response.status == 500
        expect(journey.page.locator("html")).to_have_attribute("lang", "ms")
        expect(journey.page.get_by_role("heading", level=1)).to_have_text("Ada masalah")
        journey.step("server error")
