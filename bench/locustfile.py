"""The morning rush as Locust users: children sign in, some reset by themselves, parents ask, teachers act.

Run by ``bench/morning_rush.py`` (which starts the portal, seeds it and reads the results); the portal
must have been seeded with its ``SEED`` so the login IDs and answers below exist. Every step checks its
answer, so a refused or broken step is a failure in Locust's statistics, never a silent success.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
import threading

from locust import HttpUser, between, task

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PASSWORD = "Correct horse 42"
CHILDREN = int(os.environ.get("RUSH_CHILDREN", "2000"))
RESETTERS = int(os.environ.get("RUSH_RESETTERS", "2000"))
TEACHERS = int(os.environ.get("RUSH_TEACHERS", "20"))
HOSTS = os.environ.get("RUSH_HOSTS", "").split()
_next = itertools.count()
_lock = threading.Lock()


def _number() -> int:
    with _lock:
        return next(_next)


class Browser(HttpUser):
    abstract = True

    def on_start(self) -> None:
        if HOSTS:  # several app servers: users spread over them like behind a load balancer
            self.client.base_url = HOSTS[_number() % len(HOSTS)]
        # What the TLS-terminating proxy in front of the portal adds (MIMS_NUM_PROXIES=1): one school's address.
        self.client.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.10",
                                    "Origin": self.client.base_url.replace("http://", "https://")})

    def get(self, path: str, **kwargs):
        self._cookies_over_loopback()
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict, **kwargs):
        self._cookies_over_loopback()
        return self.client.post(path, data, **kwargs)

    def _cookies_over_loopback(self) -> None:
        # Production cookies are Secure; this loopback run has no TLS proxy in front, so this browser sends
        # them back over plain HTTP, as one behind the proxy would over HTTPS.
        for cookie in self.client.cookies:
            cookie.secure = False

    def form(self, path: str, data: dict, name: str, expect: str) -> None:
        """GET a form, POST it with its CSRF token; the answer must redirect to ``expect``."""
        page = self.get(path, name=f"{name} (page)")
        token = CSRF.search(page.text)
        with self.post(path, {**data, "csrfmiddlewaretoken": token.group(1) if token else ""},
                              name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302 or not response.headers.get("Location", "").startswith(expect):
                response.failure(f"{response.status_code} to {response.headers.get('Location')!r}")


class Child(Browser):
    """Signs in on a school laptop, looks at the account page, signs out."""

    weight = 20
    wait_time = between(1, 3)

    @task
    def sign_in(self) -> None:
        self.client.cookies.clear()
        n = _number() % CHILDREN
        self.form("/login/", {"username": f"rush_child_{n}", "password": PASSWORD}, "sign in", "/account/")
        self.get("/account/", name="account")
        token = CSRF.search(self.get("/account/", name="account").text)
        self.post("/logout/", {"csrfmiddlewaretoken": token.group(1) if token else ""}, name="sign out")


class Resetter(Browser):
    """Forgot the password: login ID, two answers, a new password."""

    weight = 3
    wait_time = between(2, 5)

    @task
    def reset(self) -> None:
        self.client.cookies.clear()
        n = _number() % RESETTERS
        self.form("/sspr/", {"login_id": f"rush_resetter_{n}"}, "reset: login ID", "/sspr/questions/")
        self.form("/sspr/questions/", {"answer_1": "tiger", "answer_2": "tiger"}, "reset: answers", "/sspr/password/")
        new = f"New horse {secrets.token_hex(4)} sky"
        self.form("/sspr/password/", {"new_password1": new, "new_password2": new}, "reset: new password", "/sspr/done")


class Parent(Browser):
    """Asks the form teacher to reset a child's password."""

    weight = 2
    wait_time = between(5, 10)

    @task
    def ask(self) -> None:
        self.client.cookies.clear()
        n = _number() % CHILDREN
        data = {"full_name": f"Rush Child {n}", "school": os.environ.get("RUSH_SCHOOL_ID", "1"),
                "class_name": "5 Rush", "login_id": "", "requester": "parent", "contact": "9123 4567",
                "note": "She forgot her password."}
        self.form("/request-reset/", data, "request form", "/request-reset/sent/")


class Teacher(Browser):
    """Signs in once, then keeps an eye on the queue and the class."""

    weight = 1
    wait_time = between(3, 8)

    def on_start(self) -> None:
        super().on_start()
        n = _number() % TEACHERS
        self.form("/login/", {"username": f"rush.teacher.{n}", "password": PASSWORD}, "teacher sign in", "/")

    @task(3)
    def queue(self) -> None:
        self.get("/teacher/", name="teacher home")

    @task(1)
    def open_class(self) -> None:
        page = self.get("/teacher/", name="teacher home")
        match = re.search(r'href="(/teacher/class/\d+/)"', page.text)
        if match:
            self.get(match.group(1), name="class")
