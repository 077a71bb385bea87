"""A school's morning behind one address, and attacks across login IDs.

Children sign in through the school's one public address; no per-address rule
may turn away a child with the right password there. Spraying and ID guessing
are stopped from a home address and slowed (never refused) on a school network.
"""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.test import Client

from accounts import ratelimits
from accounts.models import AuditEvent, School, SchoolClass, Student, User
from sspr.answers import set_answers
from sspr.models import ChallengeQuestion
from tests import factories

SCHOOL_NET, SCHOOL_IP, HOME_IP = "203.0.113.0/24", "203.0.113.7", "198.51.100.20"
NEW = "rainbow42go"


def build_school(n: int, *, code: str = "BIG", networks: str = SCHOOL_NET) -> list[User]:
    """A school of ``n`` children (40 a class), made in bulk: one hash for all."""
    school = School.objects.create(code=code, name=f"{code} Primary School", networks=networks)
    classes = [factories.make_class(school, 5, f"5-{code}-{c}") for c in range((n + 39) // 40)]
    password = make_password(factories.PASSWORD)
    users = User.objects.bulk_create(
        [User(username=f"{code.lower()}_child_{i}", password=password) for i in range(n)]
    )
    Student.objects.bulk_create(
        [
            Student(user=u, school=school, school_class=classes[i // 40], full_name=f"Child {i}",
                    student_ref=f"{code}{i:05d}", login_base=u.username)
            for i, u in enumerate(users)
        ]  # fmt: skip
    )
    return users


_browser = Client()  # one client (its middleware loads once); each sign-in starts with no cookies


def sign_in(username: str, password: str = factories.PASSWORD, ip: str = SCHOOL_IP):
    _browser.cookies.clear()
    response = _browser.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)
    return _browser, response


@pytest.mark.django_db
class TestSchoolMorning:
    def test_fifteen_hundred_children_with_typos_behind_one_address_all_get_in(self):
        children = build_school(1500)
        turned_away = []
        for i, child in enumerate(children):
            if i % 20 < 3:  # 15% mistype: 1 or 2 different wrong passwords first
                for typo in range(1 + i % 2):
                    _client, r = sign_in(child.username, f"sunny{typo}day")
                    assert r.status_code == 200 and b"do not match" in r.content
            client, r = sign_in(child.username)
            if r.status_code != 302 or SESSION_KEY not in client.session:
                turned_away.append(child.username)
        assert turned_away == []
        failures = AuditEvent.objects.filter(action="login", outcome="failure").count()
        assert failures == 300  # 225 children: 150 typed one wrong password, 75 two
        assert not AuditEvent.objects.filter(action__in=["login.address_limited", "login.spray_suspected"]).exists()

    def test_two_hundred_children_reset_by_themselves_from_one_address(self):
        children = build_school(200)
        questions = list(ChallengeQuestion.objects.filter(for_cards=False)[:3])
        for child in children:
            set_answers(child, zip(questions, ["blue bunny", "ah ma", "fried rice"], strict=True), school_set=False)
        plain = dict(zip((q.pk for q in questions), ["blue bunny", "ah ma", "fried rice"], strict=True))
        turned_away = []
        client = Client(REMOTE_ADDR=SCHOOL_IP)
        for child in children:
            client.cookies.clear()
            client.post("/sspr/", {"login_id": child.username})
            dealt = client.session["sspr_flow"]["question_ids"]
            client.post("/sspr/questions/", {f"answer_{i}": plain[q] for i, q in enumerate(dealt, 1)})
            r = client.post("/sspr/password/", {"new_password1": NEW, "new_password2": NEW})
            if r.status_code != 302 or r["Location"] != "/sspr/done/":
                turned_away.append(child.username)
        assert turned_away == []

    def test_the_same_morning_from_an_address_that_is_not_a_school_network_is_stopped(self):
        # The control: without the school network configured, other children's
        # typos would soon stop everyone behind the address.
        children = build_school(60, networks="")
        refused = 0
        for child in children:
            _c, r = sign_in(child.username, "sunny0day")
            refused += b"Too many tries from this computer" in r.content
        assert refused > 0


@pytest.mark.django_db
class TestSpraying:
    def test_spraying_from_home_is_stopped_after_twenty_login_ids(self, settings):
        children = build_school(60, networks="")
        for child in children[:20]:
            _c, r = sign_in(child.username, "password1", ip=HOME_IP)
            assert b"do not match" in r.content
        _c, r = sign_in(children[20].username, "password1", ip=HOME_IP)
        assert b"Too many tries from this computer" in r.content
        # Even the right password waits now from that address; not from another.
        _c, r = sign_in(children[21].username, ip=HOME_IP)
        assert b"Too many tries from this computer" in r.content
        assert sign_in(children[21].username, ip="198.51.100.99")[1].status_code == 302
        # One event per address and 10-minute window, not one per request.
        assert AuditEvent.objects.filter(action="login.address_limited", ip=HOME_IP).count() in (1, 2)

    def test_one_child_typing_many_wrong_passwords_does_not_stop_a_home(self):
        children = build_school(2, networks="")
        for i in range(30):  # locked after 5; the family's other child still signs in
            sign_in(children[0].username, f"guess{i}", ip=HOME_IP)
        assert sign_in(children[1].username, ip=HOME_IP)[1].status_code == 302

    def test_spraying_from_a_school_network_is_slowed_and_children_still_get_in(self, settings):
        settings.MIMS_SPRAY_DELAY = 0.02
        children = build_school(100)  # allowance: 30% of 100 children = 30 failing IDs
        assert ratelimits.failed_ids_allowed(sign_in_request()) == 30
        for child in children[:30]:
            sign_in(child.username, "password1")
        assert not AuditEvent.objects.filter(action="login.spray_suspected").exists()
        delays = []
        for child in children[30:70]:
            started = time.monotonic()
            sign_in(child.username, "password1")
            delays.append(time.monotonic() - started)
        # Slowed, more and more: 0.02 s, then 0.04 s after 10 more IDs, 0.08 s, 0.16 s.
        assert min(delays[:10]) >= 0.02 and min(delays[30:]) >= 0.16
        assert AuditEvent.objects.filter(action="login.spray_suspected", ip=SCHOOL_IP).count() in (1, 2)
        # ...but never refused: a child with the right password gets in.
        client, r = sign_in(children[80].username)
        assert r.status_code == 302 and SESSION_KEY in client.session

    def test_guessing_made_up_ids_from_a_school_network_is_slowed_too(self, settings):
        settings.MIMS_SPRAY_DELAY = 0.02
        children = build_school(60)  # allowance: 20 (the least), 30% of 60 being 18
        for i in range(20):
            sign_in(f"made_up_child_{i}", "password1")
        assert ratelimits.spray_delay(sign_in_request()) == 0.02
        started = time.monotonic()
        client, r = sign_in(children[0].username)
        assert time.monotonic() - started >= 0.02
        assert r.status_code == 302 and SESSION_KEY in client.session
        assert AuditEvent.objects.filter(action="login.spray_suspected", ip=SCHOOL_IP).exists()

    def test_the_school_allowance_covers_every_school_on_a_shared_gateway(self):
        build_school(100, code="AAA")
        build_school(100, code="BBB")
        assert ratelimits.failed_ids_allowed(sign_in_request()) == 60


def sign_in_request():
    from django.test import RequestFactory

    return RequestFactory().post("/login/", REMOTE_ADDR=SCHOOL_IP)


@pytest.mark.django_db
def test_school_networks_come_from_the_environment_too(settings):
    build_school(10, code="ENV", networks="")
    settings.MIMS_SCHOOL_NETWORKS = "ENV=192.0.2.0/28 192.0.2.100;NOPE=10.0.0.0/24"
    from accounts.networks import schools_at

    school = School.objects.get(code="ENV")
    assert schools_at("192.0.2.5") == schools_at("192.0.2.100") == {school.pk}
    assert schools_at("192.0.2.16") == schools_at("10.0.0.1") == frozenset()  # NOPE: no such school


def test_a_mistyped_environment_setting_stops_the_start(settings):
    from django.core.exceptions import ImproperlyConfigured

    from accounts.networks import check_environment

    settings.MIMS_SCHOOL_NETWORKS = "NPS=203.0.113.0/24 school-wifi"
    with pytest.raises(ImproperlyConfigured, match="NPS"):
        check_environment()


@pytest.mark.django_db
def test_a_school_network_that_is_not_an_address_is_refused_with_a_clear_message():
    from django.core.exceptions import ValidationError

    school = School(code="X", name="X", networks="203.0.113.0/24\nschool wifi")
    with pytest.raises(ValidationError) as e:
        school.full_clean()
    assert "school is not an Internet address" in str(e.value)
    assert SchoolClass.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("wide", ["0.0.0.0/0", "10.0.0.0/8", "2001:db8::/16"])
def test_a_school_network_wider_than_a_gateway_is_refused(wide):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="too wide for a school network"):
        School(code="X", name="X", networks=wide).full_clean()


@pytest.mark.django_db
def test_only_moe_it_sets_school_networks_in_the_admin(client, school, ict_admin, moe_it):
    from django.contrib import admin
    from django.test import RequestFactory

    model_admin = admin.site._registry[School]
    request = RequestFactory().get("/")
    request.user = ict_admin.user
    assert "networks" in model_admin.get_readonly_fields(request, school)
    request.user = moe_it
    assert "networks" not in model_admin.get_readonly_fields(request, school)
    client.force_login(moe_it)
    r = client.get(f"/admin/accounts/school/{school.pk}/change/")
    assert b'name="networks"' in r.content
