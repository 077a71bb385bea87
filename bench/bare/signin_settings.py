"""The bare project set up for a sign-in: the yardstick bench/signin.py sets beside the portal's.

Django's own ``LoginView`` behind ``startproject``'s middleware (security headers, sessions, CSRF,
authentication, clickjacking; not its messages, which nothing here uses), sessions in the database on
the same PostgreSQL, and the portal's hasher, so that the hash costs what the portal's does; after the
form, the ``login_required`` page with one query (bench/bare/urls.py).
"""

from pathlib import Path

from bench.bare.settings import *  # noqa: F403 -- this project, with what a sign-in needs on top

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",
              "DIRS": [Path(__file__).resolve().parent / "templates"]}]  # fmt: skip
PASSWORD_HASHERS = ["accounts.hashers.MimsArgon2PasswordHasher"]
LOGIN_REDIRECT_URL = "/me/"
# The benchmark's client speaks as the TLS proxy's clients do (bench/servers.py PROXY_HEADERS).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
