"""Settings for the Student MIMS portal.

One module, configured from the environment (twelve-factor). Local runs need no
configuration at all: SQLite under ``var/``, a local-memory cache and e-mail on
the console. Production sets ``DEBUG=0``, ``SECRET_KEY``, ``DATABASE_URL`` and
``REDIS_URL``; see docs/operations.md.
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from accounts.client_address import meta_key
from sso import keys as oidc_keys

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.getenv("MIMS_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envsecret(name: str) -> str | None:
    """Read NAME, or the file that NAME_FILE points to (Docker/Kubernetes secrets)."""
    if path := os.getenv(f"{name}_FILE"):
        try:
            return Path(path).read_text().strip()
        except OSError as e:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {e}") from None
    return os.getenv(name) or None


def database_from_url(url: str) -> dict:
    """Parse sqlite:///path or postgres://user:pass@host:port/name?options."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        name = unquote(parts.path[1:]) if parts.path.startswith("/") else parts.path
        # IMMEDIATE: a writing transaction takes the lock at BEGIN, so two
        # concurrent imports wait for each other instead of failing "locked".
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name or VAR_DIR / "db.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    if parts.scheme in ("postgres", "postgresql"):
        prepared = envbool("DB_PREPARED_STATEMENTS", "true")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": parts.port or "",
            "OPTIONS": {
                # Prepared statements: a page's queries are the same text every time, and PostgreSQL
                # spent more time planning the teachers' pages' joins than running them; prepared
                # (psycopg, after 2 runs on a connection) they are planned once per connection
                # (docs/benchmarks.md). Needs a session-mode pooler, if any (docs/operations.md).
                "server_side_binding": prepared,
                "prepare_threshold": 2 if prepared else None,
                **{k: v[-1] for k, v in parse_qs(parts.query).items()},
            },
            # Persistent connections: a new one costs each page ~6 ms (bench/db_connections.py).
            # Each worker keeps one, checked before it is reused after a request, so a
            # database restart costs one failed check, not an error page.
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "600"),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL: unsupported scheme {parts.scheme!r}")


DEBUG = envbool("DEBUG", "true")

def weak_secret_key(key: str) -> str | None:
    """Why KEY is too weak to sign sessions and reset steps, or None.

    The same bar as Django's deploy check (security.W009): a short key, or one
    of few distinct characters, can be guessed offline from one signed cookie.
    """
    from django.core.checks.security.base import (
        SECRET_KEY_INSECURE_PREFIX,
        SECRET_KEY_MIN_LENGTH,
        SECRET_KEY_MIN_UNIQUE_CHARACTERS,
    )

    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"it starts with {SECRET_KEY_INSECURE_PREFIX!r}, the prefix of a development key"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(key)} characters; it needs at least {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"it has only {len(set(key))} different characters; it needs at least {SECRET_KEY_MIN_UNIQUE_CHARACTERS}"
    return None


SECRET_KEY = envsecret("SECRET_KEY")
# Old keys, still accepted for signatures (sessions, reset steps) while a new
# SECRET_KEY takes over: rotate without signing everyone out (operations.md).
SECRET_KEY_FALLBACKS = [k.strip() for k in (envsecret("SECRET_KEY_FALLBACKS") or "").split(",") if k.strip()]
if not DEBUG:
    for _name, _key in [("SECRET_KEY", SECRET_KEY or ""), *(("SECRET_KEY_FALLBACKS", k) for k in SECRET_KEY_FALLBACKS)]:
        if _key and (_why := weak_secret_key(_key)):
            raise ImproperlyConfigured(
                f"{_name} is too weak: {_why}. Make a new one with: "
                'python -c "import secrets; print(secrets.token_urlsafe(50))"'
            )
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off: it signs "
            "sessions and the self-service reset questions, and must stay the same "
            "across restarts and servers."
        )
    # Local runs: make a key once and keep it, so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = [h.strip() for h in os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
# Only needed when the browser's origin differs from what the portal sees as
# its own scheme and host (see docs/operations.md, "Behind a TLS proxy").
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

# Behind reverse proxies (docs/operations.md, "Behind a TLS proxy"). How many
# trusted proxies stand in front of gunicorn (0: browsers connect directly).
# Each appends the address it saw to MIMS_PROXY_CLIENT_HEADER; the client is
# the N-th entry from the right (accounts/client_address.py: the one function that
# locks, limits and the audit log use). The proxy nearest the browser ends TLS
# and sets MIMS_PROXY_PROTO_HEADER to "https", overwriting what a browser sent.
MIMS_NUM_PROXIES = envint("MIMS_NUM_PROXIES", "0")
MIMS_PROXY_CLIENT_HEADER = os.getenv("MIMS_PROXY_CLIENT_HEADER", "X-Forwarded-For")
MIMS_PROXY_PROTO_HEADER = os.getenv("MIMS_PROXY_PROTO_HEADER", "X-Forwarded-Proto")
if MIMS_NUM_PROXIES < 0:
    raise ImproperlyConfigured(f"MIMS_NUM_PROXIES must be 0 or more, not {MIMS_NUM_PROXIES}")
if MIMS_NUM_PROXIES:
    SECURE_PROXY_SSL_HEADER = (meta_key(MIMS_PROXY_PROTO_HEADER), "https")
SITE_ROOT = os.getenv("SITE_ROOT", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "staff.admin_site.PortalAdminConfig",  # Django's admin, its site from staff/admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "accounts",
    "sspr",
    "helpdesk",
    "django_tasks_db",
    "batches",
    # Before staff: its seed_demo (the demo world and the demo apps) is the one run.
    "oauth2_provider",
    "sso",
    "signin",
    "second_factor",
    "staff",
    "health_check",
    "mims_portal",
]

MIDDLEWARE = [
    # Outermost: sees every response, to notice when an unreachable service is back.
    "mims_portal.outages.OutageMiddleware",
    "mims_portal.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside everything that reads the session or the database: a 503 while either is
    # unreachable is answered from there and still carries the policy and the frame rule.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.sessions.SessionActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view or CSRF check (process_view) reads the body or the query
    # string; after the header middleware, so its 400 page has every header.
    "mims_portal.bad_input.RefuseUnreadableInputMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Staff pass their second factor before anything else (and before RequiredSetupMiddleware).
    "second_factor.middleware.SecondFactorMiddleware",
    "sso.middleware.ResumeAppSignInMiddleware",
    "signin.middleware.RequiredSetupMiddleware",
    "signin.middleware.DeniedAccessAuditMiddleware",
    # django-axes must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mims_portal.urls"
WSGI_APPLICATION = "mims_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Form widgets, labels and error lists through Jinja2: the same HTML, a fraction of the CPU
# (mims_portal/form_renderer.py).
FORM_RENDERER = "mims_portal.form_renderer.FormRenderer"

DATABASES = {"default": database_from_url(os.getenv("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    # Django's Redis cache, with one client per connection pool (mims_portal/redis_cache.py says why).
    CACHES = {"default": {"BACKEND": "mims_portal.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
    # django-ratelimit only knows django-redis by name; Django's own RedisCache
    # has the atomic increment it needs (its incr() is Redis INCR), so its
    # "not officially supported" warning is noise.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "axes.W006"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # The embedded default serves from ONE process, so a local-memory cache is
    # shared by every request it serves. django-ratelimit cannot know that and
    # refuses local memory (E003); with several processes, set REDIS_URL.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001", "axes.W006"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.AccountBackend",  # Django's ModelBackend, the profile loaded with the user
]
# Passwords and challenge answers alike; accounts/hashers.py says why these parameters.
PASSWORD_HASHERS = [
    "accounts.hashers.MimsArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    # Client secrets of school apps only (never the default; see sso/hashers.py).
    "sso.hashers.ClientSecretHasher",
]
# The password rule, in one place (accounts/validators.py; the live checklist
# is built from this list). No composition rules: any character, 8 or more.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.LengthValidator"},
    {"NAME": "accounts.validators.ContextWordsValidator"},
    {"NAME": "accounts.validators.BreachedPasswordValidator"},
    {"NAME": "accounts.validators.NotCurrentPasswordValidator"},
]
MIMS_PASSWORD_MIN_LENGTH = envint("MIMS_PASSWORD_MIN_LENGTH", "8")
# One maximum for every password box, the sign-in form included (ASVS 6.2.9: at least 64).
MIMS_PASSWORD_MAX_LENGTH = envint("MIMS_PASSWORD_MAX_LENGTH", "128")
if MIMS_PASSWORD_MAX_LENGTH < 64 or MIMS_PASSWORD_MIN_LENGTH < 8:
    raise ImproperlyConfigured("MIMS_PASSWORD_MIN_LENGTH must be 8 or more and MIMS_PASSWORD_MAX_LENGTH 64 or more")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Django's database sessions, written once per sign-in (accounts/session_store.py).
SESSION_ENGINE = "accounts.session_store"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 3600))
# School laptops are shared: closing the browser signs the child out.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sessions (accounts/sessions.py; docs/security.md "Sessions"): a session ends
# after this long without use (children sooner than staff), and in any case this
# long after sign-in; a new sign-in beyond the limit ends the least recently used.
MIMS_IDLE_MINUTES_STUDENT = envint("MIMS_IDLE_MINUTES_STUDENT", "15")
MIMS_IDLE_MINUTES_STAFF = envint("MIMS_IDLE_MINUTES_STAFF", "30")
MIMS_SESSION_MAX_HOURS = envint("MIMS_SESSION_MAX_HOURS", "8")
MIMS_MAX_SESSIONS = envint("MIMS_MAX_SESSIONS", "3")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
# The portal's host name and everything under it is HTTPS only; "preload" lets
# browsers know before the first visit (once the domain is submitted).
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", str(not DEBUG))
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", str(not DEBUG))
# Plain HTTP is redirected to HTTPS, except the health check a load balancer
# polls on the servers directly.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(not DEBUG))
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
if not DEBUG:
    # __Host-: sent only over HTTPS, only to this host, path "/" (ASVS 3.3.1);
    # a subdomain cannot plant or overwrite it. Plain HTTP runs keep the defaults.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
    LANGUAGE_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("ms", _("Malay")),
    ("ta", _("Tamil")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Singapore"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:  # local runs serve straight from the finders; WhiteNoise still wants the folder
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Uploads: the CSV import refuses anything larger with a clear message.
MIMS_MAX_UPLOAD_BYTES = envint("MIMS_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024))
# Students per import: the largest school several times over. One transaction
# holds them all; a bigger file is split, with a clear message.
MIMS_IMPORT_MAX_ROWS = envint("MIMS_IMPORT_MAX_ROWS", "10000")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Django 6.1 configures e-mail through MAILERS. Console by default; set
# EMAIL_HOST (and friends) to send through an SMTP relay.
if os.getenv("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.getenv("EMAIL_HOST"),
                "port": envint("EMAIL_PORT", "587"),
                "username": os.getenv("EMAIL_HOST_USER", ""),
                "password": envsecret("EMAIL_HOST_PASSWORD") or "",
                "use_tls": envbool("EMAIL_USE_TLS", "true"),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Student MIMS <no-reply@mims.example.edu.sg>")

# --- Student MIMS ---------------------------------------------------------
MIMS_USERNAME_DOMAIN = os.getenv("MIMS_USERNAME_DOMAIN", "students.edu.sg").lower()

# Sign-in lockout per login ID (django-axes). The lock is on the login ID, not
# the address: a whole school shares one address, so axes' W006 ("add
# ip_address") is silenced above; per-address limits are django-ratelimit's job.
AXES_FAILURE_LIMIT = envint("MIMS_LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("MIMS_LOGIN_LOCK_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "accounts.lockouts.lock_key_from_request"
# Counts failures as the portal's pages do, and keeps locks made from outside a
# school's network away from the child signing in at school (accounts/lockouts.py).
AXES_HANDLER = "accounts.lockouts.SignInLockHandler"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"
AXES_VERBOSE = False
# Every sign-in, success or failure, is an AuditEvent (accounts/audit.py); axes' own access log
# duplicated the successes in a table nobody reads (its admin is unregistered): one INSERT a sign-in.
AXES_DISABLE_ACCESS_LOG = True
# Nothing a person types is kept by axes: its post_data column gets only masked
# values (a child may type the password into the login ID box).
AXES_SENSITIVE_PARAMETERS = [
    "username", "password", "login_id", "old_password", "current_password", "new_password1", "new_password2",
    "answer", "answer_1", "answer_2", "answer_3", "next", "id", "csrfmiddlewaretoken",
]

# Per-address limits (django-ratelimit); see docs/security.md for the reasoning.
# A class of 40 behind one school address signs in well within these.
MIMS_LOGIN_RATE_PER_IP = os.getenv("MIMS_LOGIN_RATE_PER_IP", "200/10m")
MIMS_SSPR_RATE_PER_IP = os.getenv("MIMS_SSPR_RATE_PER_IP", "60/10m")
MIMS_PASSWORD_CHECK_RATE = os.getenv("MIMS_PASSWORD_CHECK_RATE", "120/10m")
RATELIMIT_VIEW = "signin.views.ratelimited"
# Any key="ip" limit uses the same client address as everything else.
RATELIMIT_IP_META_KEY = "accounts.client_address.client_address"

# School networks (accounts/networks.py): "CODE=cidr cidr;CODE2=cidr", added to
# the ranges set per school in the admin. From a school network no per-address
# limit turns a child away; see docs/security.md, "A school's morning".
MIMS_SCHOOL_NETWORKS = os.getenv("MIMS_SCHOOL_NETWORKS", "")
# Login IDs that fail to sign in from one address in 10 minutes. From a home (any
# other) address, more than this stops sign-in from there for the window.
MIMS_FAILED_IDS_PER_IP = envint("MIMS_FAILED_IDS_PER_IP", "20")
# From a school network the allowance grows with the school: this share of the
# children of the schools on that network (at least MIMS_FAILED_IDS_PER_IP).
# Over it, sign-in from there is slowed (never refused): a delay that doubles
# for every further 10 failing IDs, up to MIMS_SPRAY_MAX_DELAY seconds.
MIMS_SCHOOL_FAILED_IDS_SHARE = float(os.getenv("MIMS_SCHOOL_FAILED_IDS_SHARE", "0.3"))
MIMS_SPRAY_DELAY = float(os.getenv("MIMS_SPRAY_DELAY", "0.5"))
MIMS_SPRAY_MAX_DELAY = float(os.getenv("MIMS_SPRAY_MAX_DELAY", "8"))
# Reset requests (the public form at /request-reset/). It is for families at
# home: a child at school asks the form teacher, who acts on the child's page
# without a request. 10 per hour from one address covers a family with several
# children (and retries), even a few from one school laptop, and stops one
# machine from flooding the form teachers' inboxes. Status look-ups are cheap,
# but their limit also keeps reference codes (31^8) unguessable.
MIMS_REQUEST_RATE_PER_IP = os.getenv("MIMS_REQUEST_RATE_PER_IP", "10/h")
MIMS_REQUEST_STATUS_RATE_PER_IP = os.getenv("MIMS_REQUEST_STATUS_RATE_PER_IP", "30/10m")

# Temporary passwords stop signing in after this many days: one a teacher or IT
# gives (read aloud, used at once), and the slips of a batch (handed out over the
# first weeks of the year). The child then asks for a new one.
MIMS_TEMPORARY_PASSWORD_DAYS = envint("MIMS_TEMPORARY_PASSWORD_DAYS", "7")
MIMS_SLIP_PASSWORD_DAYS = envint("MIMS_SLIP_PASSWORD_DAYS", "42")

# Self-service reset (SSPR).
MIMS_SSPR_FAILURE_LIMIT = envint("MIMS_SSPR_FAILURE_LIMIT", "5")
# Locks grow: the first lasts 60 minutes, the second a day (1440); after the
# last step only a teacher or IT can unlock. Comma-separated minutes.
MIMS_SSPR_LOCK_STEPS = [int(m) for m in os.getenv("MIMS_SSPR_LOCK_STEPS", "60,1440").split(",") if m.strip()]
# The two questions dealt to a login ID stay the same until a successful reset
# or this many days, so restarting never draws a more convenient pair.
MIMS_SSPR_PAIR_DAYS = envint("MIMS_SSPR_PAIR_DAYS", "30")
MIMS_SSPR_FLOW_SECONDS = envint("MIMS_SSPR_FLOW_SECONDS", "600")

# Staff second factor (second_factor app; docs/security.md "Staff second factor").
# Passkeys are bound to the site's host name (SITE_ROOT's) and need https, or
# http://localhost: browsers refuse an IP address. A local run at
# http://127.0.0.1:8000 uses codes; passkeys work at http://localhost:8000.
_site = urlsplit(SITE_ROOT)
try:
    _site_host = _site.hostname if not ipaddress.ip_address(_site.hostname or "") else "localhost"
except ValueError:
    _site_host = _site.hostname or "localhost"
OTP_WEBAUTHN_RP_ID = os.getenv("OTP_WEBAUTHN_RP_ID") or _site_host
OTP_WEBAUTHN_RP_NAME = "Student MIMS"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    o for o in (SITE_ROOT, *CSRF_TRUSTED_ORIGINS, f"http://localhost:{_site.port or 8000}" if DEBUG else "")
    if o.startswith(("https://", "http://localhost"))
]
# A passkey is a second factor after the password, never a sign-in on its own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = ""
OTP_TOTP_ISSUER = "Student MIMS"
# Wrong codes count toward the sign-in lock (django-axes, 5 per login ID); django-otp's
# own growing delay would on top refuse a right code typed soon after a typo.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# The heaviest actions ask for the second factor again after this many seconds.
MIMS_STEP_UP_SECONDS = envint("MIMS_STEP_UP_SECONDS", str(15 * 60))
# A staff sign-in ends after a working day at most, however busy the session.
MIMS_STAFF_SESSION_SECONDS = min(envint("MIMS_STAFF_SESSION_SECONDS", str(8 * 3600)), 10 * 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"hide_outage_tracebacks": {"()": "mims_portal.outages.HideOutageTracebacks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        # axes logs the typed login ID at WARNING; what a child types there may be a password.
        "axes": {"level": "ERROR"},
        # An unreachable database or Redis is logged once (mims_portal/outages.py), not per request.
        "django.request": {"filters": ["hide_outage_tracebacks"]},
        # django-health-check logs a traceback per failed check per poll; the outage
        # is logged once instead (mims_portal/health.py). Its unexpected errors stay.
        "health_check": {"level": "ERROR"},
    },
}

# Addresses (or networks) that may read /metrics (Prometheus); none by default.
MIMS_METRICS_ALLOWED_IPS = [a.strip() for a in os.getenv("MIMS_METRICS_ALLOWED_IPS", "").split(",") if a.strip()]

# Background batches (cards, slips): a persistent queue in the database,
# worked by `manage.py db_worker` (`make run` starts one beside the server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Hash answers and passwords in this many processes: Argon2 is the slow part of
# a batch, so every core works on it (1 = hash in the worker process itself).
MIMS_BATCH_HASH_WORKERS = envint("MIMS_BATCH_HASH_WORKERS", str(os.cpu_count() or 1))
# A printable file is kept until first downloaded or this long, whichever first.
MIMS_BATCH_FILE_HOURS = envint("MIMS_BATCH_FILE_HOURS", "24")

# Children who left MOE schools: their personal data (name, student reference,
# answers, the account itself) is removed this many days after they left; the
# login ID stays reserved for life (docs/privacy.md says why 365 days).
MIMS_LEAVER_RETENTION_DAYS = envint("MIMS_LEAVER_RETENTION_DAYS", "365")

# Single sign-on: the portal is the OpenID Connect provider of the school apps
# (django-oauth-toolkit; docs/sso.md). Code flow with PKCE (S256) only.
OIDC_RSA_PRIVATE_KEY = envsecret("OIDC_RSA_PRIVATE_KEY")
if not OIDC_RSA_PRIVATE_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "OIDC_RSA_PRIVATE_KEY (or OIDC_RSA_PRIVATE_KEY_FILE) must be set when DEBUG is off: it signs the "
            "ID tokens the school apps trust, and must stay the same across restarts and servers."
        )
    OIDC_RSA_PRIVATE_KEY = oidc_keys.local_key(VAR_DIR)  # made once, like the secret key
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"  # named for migrations (swappable)
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_RSA_PRIVATE_KEY,
    # During a key change: the old key(s), still published in the JWKS.
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": oidc_keys.split_pems(envsecret("OIDC_RSA_PRIVATE_KEYS_INACTIVE")),
    # Empty: the issuer is the address the request came to (local runs).
    "OIDC_ISS_ENDPOINT": os.getenv("MIMS_OIDC_ISSUER", "" if DEBUG else SITE_ROOT),
    "OAUTH2_VALIDATOR_CLASS": "sso.validators.MimsOAuth2Validator",
    "SCOPES": {
        "openid": _("Know who you are"),
        "profile": _("Know your name and login ID"),
        "email": _("Know your e-mail address"),
        "school": _("Know your school"),
        "class": _("Know your class"),
        "role": _("Know whether you are a student or staff"),
    },
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"] if DEBUG else ["https"],
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": envint("MIMS_SSO_ACCESS_TOKEN_SECONDS", "600"),
    "ID_TOKEN_EXPIRE_SECONDS": envint("MIMS_SSO_ID_TOKEN_SECONDS", "600"),
    # A refresh token lasts a school day past its access token, and is replaced
    # at each use; a used one presented again revokes the whole chain.
    "REFRESH_TOKEN_EXPIRE_SECONDS": envint("MIMS_SSO_REFRESH_TOKEN_SECONDS", str(8 * 3600)),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "CLIENT_SECRET_HASHER": "mims_client_secret",
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    # RFC 9700 (OAuth 2.0 Security Best Current Practice), enforced now.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": not DEBUG,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
