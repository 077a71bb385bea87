"""Journey: a school app signs a child in through the portal, on a phone.

The app is a stand-in served inside the browser (Playwright routes its
address): it starts the code flow with PKCE, and on its callback exchanges
the code at the portal's token endpoint, checks the ID token against the
published keys and greets the child by name and class. In between, the child
goes through the portal's sign-in page and first-sign-in steps.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from playwright.sync_api import Route, expect

from accounts.passwords import issue_temporary_password
from tests import factories
from tests.sso.conftest import REDIRECT, SECRET, RelyingParty, pkce_pair, register_app

from .conftest import PHONE, Journey, field, set_up_questions

APP = "https://learning.example.edu.sg"
NEW_PASSWORD = "kitekite88"
ANSWERS = ["blue bunny", "ah ma", "fried rice"]


class StandInApp:
    def __init__(self, journey: Journey) -> None:
        self.rp = RelyingParty(app=register_app(), secret=SECRET, server=Client())
        self.journey = journey
        self.verifier = ""
        self.claims: dict = {}

    def __call__(self, route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.path == "/":  # the launch address: start the sign-in
            self.verifier, challenge = pkce_pair()
            authorize = self.rp.authorize_url(challenge, scope="openid profile class")
            route.fulfill(status=302, headers={"Location": self.journey.url(authorize)})
        elif f"{APP}{url.path}" == REDIRECT:
            code = parse_qs(url.query)["code"][0]
            tokens = self.rp.token(code, self.verifier).json()
            self.claims = self.rp.verified_claims(tokens["id_token"])
            name, klass = html.escape(self.claims["name"]), html.escape(self.claims["class"]["name"])
            route.fulfill(content_type="text/html", body=(
                '<!doctype html><html lang="en"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Learning space</title>'
                f'</head><body><main><h1>Welcome, {name}</h1><p>Class {klass}</p></main></body></html>'
            ))
        else:
            route.fulfill(status=204)


@pytest.fixture
def p5_child(school):
    klass = factories.make_class(school, 5, "5 Courage")
    student = factories.make_student(klass, "Nur Aisyah Binte Ahmad", username="nur_aisyah_ahmad")
    return student, issue_temporary_password(student.user, request=None)


def test_an_app_signs_a_child_in_through_the_portal(journey: Journey, p5_child):
    student, temporary = p5_child
    j, page = journey, journey.page
    j.set_width(PHONE)
    app = StandInApp(j)
    j.context.route(f"{APP}/**", app)

    # The app sends the child to the portal's sign-in page.
    page.goto(f"{APP}/")
    expect(page).to_have_url(j.url("/login/") + "?next=" + page.url.split("?next=", 1)[1])
    j.step("the app sends the child to sign in", docs="sso-sign-in-phone")
    field(page, "Login ID").fill("nur_aisyah_ahmad")
    field(page, "Password").fill(temporary)
    page.get_by_role("button", name="Sign in").click()

    # First-sign-in rules first: a password of their own, then questions.
    expect(page).to_have_url(j.url("/account/password/"))
    j.step("make your own password first")
    field(page, "New password").fill(NEW_PASSWORD)
    field(page, "Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my new password").click()
    expect(page).to_have_url(j.url("/sspr/setup/"))
    # Then the questions, one per page; setting answers always asks for the password.
    set_up_questions(j, ANSWERS, password=NEW_PASSWORD, label="then the challenge questions")

    # Then straight back into the app, which knows who signed in.
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Nur Aisyah Binte Ahmad")
    assert page.url.startswith(REDIRECT)
    j.step("back in the app", docs="sso-back-in-the-app-phone", layout=False)
    assert app.claims["class"] == {"name": "5 Courage", "level": "P5", "year": 2026}

    # The account page lists the app as a tile; it opens the app, signed in.
    j.goto("/account/")
    tile = page.get_by_role("link", name="Learning space")
    expect(tile).to_be_visible()
    j.step("my apps on the account page", docs="sso-my-apps-phone")
    tile.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Nur Aisyah Binte Ahmad")
