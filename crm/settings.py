"""WSP CRM settings: one module, every value from the environment (see .env.example)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from crm import logs, schedule
from crm.env import REQUIRED, Env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# A local .env file (see .env.example) fills in what the real environment leaves unset.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
env = Env()

DEBUG = env.bool("DEBUG", False)
# In development a throw-away key is fine; anywhere else a real one is required.
SECRET_KEY = env.str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production" if DEBUG else REQUIRED)
# Where `make run` serves (bin/run, Procfile.dev); in development links in mail follow it.
HOST = env.str("HOST", "127.0.0.1")
WEB_PORT = env.int("WEB_PORT", 8000, minimum=1)
_dev_host = "localhost" if HOST in {"0.0.0.0", "::"} else HOST  # noqa: S104 -- compares, binds nothing
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", _dev_host] if DEBUG else [])
SITE_URL = env.url(
    "SITE_URL", f"http://{_dev_host}:{WEB_PORT}" if DEBUG else "http://localhost:8000", schemes={"http", "https"}
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

# The project's own apps beside crm, lowest layer first (cookiecutter-django's LOCAL_APPS). crm
# finds their api.py and demo modules through this list instead of importing them by name.
LOCAL_APPS = ["employers", "outreach", "candidates", "reports"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Trigram lookups for the employer search (pg_trgm).
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    *["django_otp", "django_otp.plugins.otp_totp"],  # two-factor sign-in (crm/mfa.py)
    "django_otp_webauthn",  # security keys and passkeys as a second factor (crm/mfa_webauthn.py)
    "crm",
    *LOCAL_APPS,
]

MIDDLEWARE = [
    # First: every later log line of the request carries its id (crm/logs.py).
    "crm.logs.RequestIdMiddleware",
    # /healthz and /readyz for the orchestrator, before the host check and the HTTPS redirect.
    "crm.middleware.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "crm.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "crm.middleware.SignInGateMiddleware",  # idle sign-out, then two-factor before any page
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes last, as its documentation asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crm.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# PostgreSQL only, everywhere: the demo, the suite and production run the same SQL. In
# development the default is the embedded server that `make run` starts (bin/devdb).
_db = env.database("DATABASE_URL", "postgres://postgres@127.0.0.1:55432/wsp_crm" if DEBUG else REQUIRED)
_db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
_db["CONN_HEALTH_CHECKS"] = True
# No JIT compilation: our queries read at most a few thousand rows, and compiling one (which
# PostgreSQL starts on its cost estimate alone) took 90 ms of a 160 ms matching query.
_options = _db.setdefault("OPTIONS", {})
_options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ----------------------------------------------------------
REDIS_URL = env.url("REDIS_URL", "", schemes={"redis", "rediss"})
if REDIS_URL:
    # Short socket timeouts: the cache holds only throttle counters and locks, and a Redis that
    # stopped answering must cost a public page a second, not a hung worker (callers fail open).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without a Redis server (make run) Celery uses kombu's filesystem transport under var/:
# a real worker and a real beat, no broker process to install.
CELERY_BROKER_URL = env.url(
    "CELERY_BROKER_URL", REDIS_URL or "filesystem://", schemes={"redis", "rediss", "filesystem", "amqp"}
)
if CELERY_BROKER_URL.startswith("filesystem"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
if not CELERY_BROKER_URL.startswith("filesystem"):
    # Redis hands an unacknowledged task to another worker after the visibility timeout. No
    # task runs longer than the hard time limit (delivery stops claiming at half the soft
    # limit, an invitation round works in slices and re-enqueues itself), so the timeout is
    # that limit plus a margin: a task of a killed worker comes back within minutes, not an
    # hour, and a running task is never handed out twice. Nothing depends on that redelivery
    # anyway: the beat tick finds unsent rows and stalled rounds in the database.
    #
    # max_retries/interval_*: a *publish* with Redis away fails within a fraction of a second
    # instead of kombu's ~6 s of reconnecting; callers catch it (the row or round is committed
    # and the tick enqueues it later), so a request is never held up by a missing broker.
    # Workers keep reconnecting on their own (broker_connection_retry).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
# Acknowledged after the task ran, and given back when its worker dies (kill, OOM): every task
# of this project is idempotent (rows are claimed with a conditional UPDATE, messages and
# invitations have unique keys, the round resumes from its committed progress), so running one
# again is safe. A task that is not must say ``acks_late=False`` on its decorator.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# What beat runs when: crm/schedule.py.
CELERY_BEAT_SCHEDULE = schedule.beat(outreach_tick_seconds=env.int("OUTREACH_TICK_SECONDS", 60, minimum=1))
CELERY_TIMEZONE = "Europe/Amsterdam"

# --- E-mail ---------------------------------------------------------------------------
_email = env.email("EMAIL_URL", f"filemail://{VAR_DIR / 'mail'}" if DEBUG else "smtp://localhost:25")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "WSP CRM <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_USE_LOCALTIME = True  # Date: with the Dutch offset (+0100/+0200), as TIME_ZONE says

# --- Auth -----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "crm.sso.SsoBackend",  # single sign-on (OpenID Connect), when OIDC_RP_CLIENT_ID is set
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Proxies of our own in front of gunicorn (the TLS proxy: 1). X-Forwarded-For is believed only
# for the entries they appended; 0 = nothing in front, REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Log-in lock-out policy: LOGIN_FAILURE_LIMIT wrong passwords (or second-factor codes) for one
# username *from one client address* lock that pair for LOGIN_COOLOFF_MINUTES. Locking the
# username alone would let any stranger lock its owner out (5 guesses, from anywhere); locking
# the address alone would lock a whole office behind one NAT. The pair slows a guesser down to 5
# tries per address per cool-off, while the owner, from their own address, still signs in; the
# token endpoint's throttle (per address, all usernames) bounds how many usernames one address
# can try. The address is the one every throttle uses (crm.throttling.client_address).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "crm.throttling.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Two-factor sign-in for MFA_REQUIRED_ROLES ("staff": the admins), idle sign-out, token expiry (README).
MFA_REQUIRED = env.bool("MFA_REQUIRED", True)
SESSION_IDLE_HOURS = env.int("SESSION_IDLE_HOURS", 8, minimum=1)
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", ["adviser", "coordinator", "guide", "awvn", "staff"])
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", 90, minimum=1)
OTP_TOTP_ISSUER = "WSP CRM"

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
# Where collectstatic writes (the image builds it in; `make deploy-check` into a temporary folder).
STATIC_ROOT = Path(env.str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}


# --- REST API -------------------------------------------------------------------------
def _rate(name: str, default: str) -> str:
    """A DRF rate ("10/minute"), checked now rather than at the first throttled request."""
    value = env.str(name, default)
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise env._fail(name, value, "a rate such as 10/minute (per second, minute, hour or day)")
    return value


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "crm.api_auth.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "crm.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "crm.schema.AutoSchema",
    # Services raise Django's ValidationError/PermissionDenied; one handler answers them.
    "EXCEPTION_HANDLER": "crm.api_errors.exception_handler",
    # Per client address for the token endpoint; per personal link (else address) for the
    # public outreach POSTs (crm/throttling.py). Both fail open when Redis is away.
    "DEFAULT_THROTTLE_RATES": {
        "token": _rate("TOKEN_THROTTLE_RATE", "10/minute"),
        "public": _rate("PUBLIC_THROTTLE_RATE", "10/minute"),
    },
}
SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "WSP CRM API",
    "DESCRIPTION": "Employer matching and outreach CRM for the Dutch werkgeversservicepunten.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Schema and docs for signed-in users only in production (all paths of the API are in it).
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny" if DEBUG else "rest_framework.permissions.IsAuthenticated"
    ],
    # Served from our own static files (drf-spectacular-sidecar): the app works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "state"/"stage" field; name their choice sets explicitly.
    "ENUM_NAME_OVERRIDES": {
        "NetworkStageEnum": "employers.models.network.Stage",
        "OpeningStateEnum": "employers.models.network.OpeningState",
        "CandidateStateEnum": "candidates.models.CandidateState",
        "MatchStateEnum": "candidates.models.MatchState",
        "SbiSectionEnum": "employers.models.network.SbiSection",
        "AccommodationCodeEnum": "employers.models.network.AccommodationCode",
        "EventStateEnum": "outreach.models.EventState",
        "OutboundEmailStateEnum": "outreach.models.EmailState",
        "SpeakerKindEnum": "outreach.models.SpeakerKind",
    },
}

# --- Security -------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
# Content Security Policy for every page, public RSVP pages included: our own scripts only
# (no inline script, no CDN). Inline style attributes are allowed: they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env.bool("USE_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs on stderr, one JSON object per line with the request id (crm/logs.py); LOG_FORMAT=text
# for a person reading a terminal (the default with DEBUG=1). Worker and beat use it too (their
# --loglevel is replaced by LOG_LEVEL: crm.logs connects Celery's setup_logging).
LOG_FORMAT = env.str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise env._fail("LOG_FORMAT", LOG_FORMAT, "json or text")
LOGGING = logs.configuration(LOG_FORMAT, env.str("LOG_LEVEL", "INFO"))

# Error reports to Sentry (or a compatible service such as GlitchTip) only when a DSN is set.
SENTRY_DSN = env.str("SENTRY_DSN", "")
if SENTRY_DSN:
    logs.init_sentry(SENTRY_DSN, env.str("SENTRY_ENVIRONMENT", "production"))

# --- Product settings (crm/settings_product.py) ----------------------------------------
from crm import settings_product as _product  # noqa: E402 -- after the .env and Django sections
from crm.settings_auth import *  # noqa: E402, F403 -- single sign-on and security keys
from crm.settings_product import *  # noqa: E402, F403 -- the product's rules, beside Django's configuration

_lease = _product.OUTREACH_LEASE_SECONDS
if _lease < 4 * EMAIL_TIMEOUT + 7:
    raise ImproperlyConfigured(
        f"OUTREACH_LEASE_SECONDS ({_lease}) must be at least 4 x EMAIL_TIMEOUT + 7"
        f" ({4 * EMAIL_TIMEOUT + 7}): a slow send would otherwise be handed out twice."
    )
