"""A bare Django project: the yardstick bench/pages.py divides the portal's pages by.

Only what a signed-in page needs (auth, sessions in the database, a persistent connection to the same
PostgreSQL server), no templates, no middleware beyond sessions and auth.
"""

import os

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "bench.bare.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["BARE_DB"],
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        # BARE_PREPARED=1: the portal's prepared statements (mims_portal/settings.py), for the second yardstick.
        "OPTIONS": {"server_side_binding": True, "prepare_threshold": 2} if os.environ.get("BARE_PREPARED") else {},
    }
}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
