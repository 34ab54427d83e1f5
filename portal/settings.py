"""Settings of the Castrop-Rauxel portal, read from the environment.

With no environment at all this runs a development site: SQLite in ``var/``,
Celery tasks executed in-process (`make run` adds a worker and beat: `manage.py rundev`),
e-mail printed to the console, DEBUG on.
Production differs only by environment variables (see README.md).
"""

import re
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.env import env_bool, env_int

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env_bool("DJANGO_DEBUG", default=True)
TESTING = env_bool("DJANGO_TESTING", default="pytest" in sys.modules)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-never-used-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    # Production demands both; there is no default secret.
    try:
        SECRET_KEY = env.str("SECRET_KEY")
        ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG=false requires SECRET_KEY and ALLOWED_HOSTS in the environment."
        ) from exc
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, so translated fields show in it
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "simple_history",
    "portal",  # after allauth: its admin.py replaces some of allauth's admin registrations
    "services",
    "participation",
    "smartcity",
    "smartcity.tours",
    "participation.news",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.middleware.ApiLanguageMiddleware",  # /api/ in the client's language (German default)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # who changed configuration
    "portal.middleware.StaffIdleTimeoutMiddleware",
    "portal.middleware.RefuseNulPathMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.ServiceUnavailableMiddleware",  # database or broker down: 503
]
# Seconds a client is told to wait (Retry-After) while the database or the broker is down.
UNAVAILABLE_RETRY_AFTER_SECONDS = env_int("UNAVAILABLE_RETRY_AFTER_SECONDS", default=30)

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]
# Forms render through our templates (KERN-UX markup) in templates/django/forms/.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -----------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # transaction boundaries live in services.py
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` writes from two processes (web and worker). WAL lets readers read while one
    # writes; BEGIN IMMEDIATE takes the write lock when a transaction starts, so a writer waits
    # (up to the timeout) instead of failing half-way with "database is locked" when it upgrades.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_TIMEOUT_SECONDS", default=20),
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker, MQTT ------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
MQTT_URL = env.str("MQTT_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("REDIS_CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": "portal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Map tiles fetched from MAP_TILE_URL, on disk: too many and too large for Redis, shared by the
# web workers of one host, and only a cache (losing it costs a refetch).
CACHES["tiles"] = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": env.str("MAP_TILE_CACHE_DIR", default=str(VAR_DIR / "cache" / "tiles")),
    "OPTIONS": {"MAX_ENTRIES": env_int("MAP_TILE_CACHE_ENTRIES", default=200_000)},
}

# --- Celery -------------------------------------------------------------------------------------
# Production: Redis. `make run` (manage.py rundev) sets CELERY_BROKER_URL=filesystem:// for its
# web server and its worker: messages are files in CELERY_BROKER_FOLDER, no Redis needed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None  # tasks write their results to the database themselves
# Without a broker, tasks run in-process. Tests run them eagerly too, except the tests that
# start a real worker (they enqueue through the broker explicitly).
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory://") or TESTING
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a task is acknowledged after it ran, so a killed worker loses none
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_FOLDER = Path(env.str("CELERY_BROKER_FOLDER", default=str(VAR_DIR / "broker")))
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_FOLDER / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {
            "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
            "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
            "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
            "control_folder": str(CELERY_BROKER_FOLDER / "control"),
            "store_processed": False,
        }
    )
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Berlin"
CELERY_BEAT_SCHEDULE = {
    "portal-clear-expired-sessions": {
        "task": "portal.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    "portal-mail-dispatch": {"task": "portal.tasks.mail_dispatch", "schedule": 60.0},
    "portal-mail-purge": {
        "task": "portal.tasks.mail_purge",
        "schedule": crontab(hour=3, minute=47),
    },
    "services-anonymise-expired-cases": {
        "task": "services.tasks.anonymise_expired_cases",
        "schedule": crontab(hour=2, minute=41),
    },
    # Unconfirmed defect reports (DEFECT_CONFIRM_HOURS): the hour matters, not the night.
    "services-purge-unconfirmed-reports": {
        "task": "services.tasks.purge_unconfirmed_reports",
        "schedule": crontab(minute=29),
    },
    "services-purge-expired-drafts": {
        "task": "services.tasks.purge_expired_drafts",
        "schedule": crontab(hour=2, minute=53),
    },
    # After the purges of the night, so the files they leave behind are not left for a day.
    "portal-media-orphans-sweep": {
        "task": "portal.tasks.media_orphans_sweep",
        "schedule": crontab(hour=4, minute=51),
    },
}

# --- Authentication -----------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:profile"
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address per account; a change is verified before it applies
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # this session stays; every other session ends
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Stadt Castrop-Rauxel] "
ACCOUNT_RATE_LIMITS = {
    # allauth's own limits, per IP and per key; admin login goes through allauth too.
    "login": "20/m/ip",
    # The key of failed logins is the (IP, account) pair (portal.adapters), so a stranger's
    # wrong passwords never lock the owner out; portal.ratelimit adds a per-account delay.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
# Failed sign-ins per account across all IPs before unknown IPs must wait between attempts
# (a delay doubling per failure up to LOGIN_DELAY_MAX_SECONDS; no lock-out).
LOGIN_FAILURES_PER_ACCOUNT = env.str("LOGIN_FAILURES_PER_ACCOUNT", default="10/h")
LOGIN_DELAY_MAX_SECONDS = env_int("LOGIN_DELAY_MAX_SECONDS", default=300)
# Anonymous writes and writes that send e-mail (portal.ratelimit), per scope: per client IP,
# and per target e-mail address. "count/period" with period s, m, h or d (e.g. 20/h, 5/30m).
RATE_LIMIT_IP = env.str("RATE_LIMIT_IP", default="20/h")
RATE_LIMIT_ADDRESS = env.str("RATE_LIMIT_ADDRESS", default="5/h")
RATE_LIMIT_API_KEY = env.str("RATE_LIMIT_API_KEY", default="200/h")  # Open311 POST per key
for _rate in (LOGIN_FAILURES_PER_ACCOUNT, RATE_LIMIT_IP, RATE_LIMIT_ADDRESS, RATE_LIMIT_API_KEY):
    if not re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", _rate):
        raise ImproperlyConfigured(f"{_rate!r} is not a rate such as 5/h or 20/30m")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Stadt Castrop-Rauxel"
# Accept the neighbouring 30-second step too (RFC 6238 section 5.2): a code typed as the
# period turns over is not refused. allauth still refuses a code used twice.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
ADMIN_MFA_REQUIRED = True

# Configuration models keep their history (django-simple-history): who changed what, when. The
# admin shows it; reverting from it is off, since that would bypass the services' rules.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Sessions and cookies -----------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 8  # citizens: one working day
STAFF_SESSION_IDLE_SECONDS = 15 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_HTTPONLY = True

# --- Security headers ---------------------------------------------------------------------------
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preload is on so `check --deploy` is clean; turn off if a subdomain cannot serve HTTPS.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# No SECURE_PROXY_SSL_HEADER: Django would take X-Forwarded-Proto from any client that reaches
# gunicorn. gunicorn sets the request's scheme from that header only for peers listed in
# FORWARDED_ALLOW_IPS (the reverse proxy), and Django reads the scheme gunicorn decided.
USE_X_FORWARDED_HOST = False  # the Host header is checked against ALLOWED_HOSTS as sent

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # KERN-UX icons are data: SVGs; map tiles come through the portal (/karte/kacheln/).
        "img-src": ["'self'", "data:", *env.list("CSP_EXTRA_IMG_SRC", default=[])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# The first catalog wins: formal German ("Sie") for allauth, which ships its German with "du".
# makemessages writes into the first path whose parent holds the source file, so the project's
# strings still go to locale/ (see the header of that catalog).
LOCALE_PATHS = [BASE_DIR / "portal" / "allauth_de" / "locale", BASE_DIR / "locale"]
# Content (services, departments, projects, surveys, ...) has a German and an English field
# (django-modeltranslation, registered in each app's translation.py). German is the original:
# an empty English field shows the German text, marked lang="de" by portal's `{% content_lang %}`.
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_LANGUAGES = ("de", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Uploads live outside the web root and are served only by permission-checked views.
        "OPTIONS": {"location": env.path("MEDIA_ROOT", default=VAR_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Stadt Castrop-Rauxel <portal@castrop-rauxel.de>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in e-mails (receipts, status changes, draft links) start with this.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
CITY_CONTACT_EMAIL = env.str("CITY_CONTACT_EMAIL", default="digitalisierung@castrop-rauxel.de")
ACCESSIBILITY_FEEDBACK_EMAIL = env.str(
    "ACCESSIBILITY_FEEDBACK_EMAIL", default="barrierefreiheit@castrop-rauxel.de"
)

# The outbox (portal.mail): how often a refused e-mail is tried again, and how long sent
# e-mails are kept (they can hold personal data; the admin shows them for support).
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", default=8)
MAIL_RETENTION_DAYS = env_int("MAIL_RETENTION_DAYS", default=30)

# --- Uploads ------------------------------------------------------------------------------------
# Images with more pixels are refused before decoding (a 170 KB PNG can decode to gigabytes).
UPLOAD_MAX_IMAGE_PIXELS = env_int("UPLOAD_MAX_IMAGE_PIXELS", default=40_000_000)
# Unfinished applications (and their files) are deleted this many days after their last change.
DRAFT_RETENTION_DAYS = env_int("DRAFT_RETENTION_DAYS", default=30)
# An anonymous defect report waits this long for its e-mail address to be confirmed; then it
# is deleted (hourly, services.tasks.purge_unconfirmed_reports).
DEFECT_CONFIRM_HOURS = env_int("DEFECT_CONFIRM_HOURS", default=72)
# Files in the upload folders that no row points to are deleted once they are this old (an
# upload whose transaction is still running is younger).
MEDIA_ORPHAN_GRACE_HOURS = env_int("MEDIA_ORPHAN_GRACE_HOURS", default=24)

# --- Maps ---------------------------------------------------------------------------------------
# Browsers talk only to the portal. With MAP_TILE_URL (an XYZ template with {z}, {x}, {y}, e.g.
# basemap.de's web_raster) the portal fetches the tiles of the city's area from there, caches
# them (CACHES["tiles"]) and serves them from /karte/kacheln/; without it the maps show the
# city boundary and the markers and say that they have no background.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")
MAP_TILE_CACHE_SECONDS = env_int("MAP_TILE_CACHE_SECONDS", default=30 * 86400)
# Address search and reverse geocoding through a Photon or Nominatim server (the base URL,
# e.g. the city's own Photon); without it the maps have no search and forms take the address
# as typed.
GEOCODER_URL = env.str("GEOCODER_URL", default="")
GEOCODER_KIND = env.str("GEOCODER_KIND", default="photon")
if GEOCODER_KIND not in ("photon", "nominatim"):
    raise ImproperlyConfigured("GEOCODER_KIND must be photon or nominatim")
GEOCODER_CACHE_SECONDS = env_int("GEOCODER_CACHE_SECONDS", default=7 * 86400)
# Address look-ups per client (public Nominatim allows one a second for the whole portal).
GEOCODER_RATE_LIMIT = env.str("GEOCODER_RATE_LIMIT", default="30/m")
if not re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", GEOCODER_RATE_LIMIT):
    raise ImproperlyConfigured(f"{GEOCODER_RATE_LIMIT!r} is not a rate such as 30/m")
# Seconds the portal waits for the tile server or the geocoder.
MAP_UPSTREAM_TIMEOUT = env_int("MAP_UPSTREAM_TIMEOUT", default=5)

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Stadt Castrop-Rauxel – Portal-API",
    "DESCRIPTION": "API of the Serviceportal, the Beteiligungsplattform and Smart City.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "LICENSE": {"name": "EUPL-1.2"},
}

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Tests --------------------------------------------------------------------------------------
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# --- Smart City ---------------------------------------------------------------------------------
SMARTCITY_RAW_RETENTION_DAYS = env_int("SMARTCITY_RAW_RETENTION_DAYS", default=400)
SMARTCITY_OFFLINE_MINUTES = env_int("SMARTCITY_OFFLINE_MINUTES", default=15)
SMARTCITY_OFFLINE_CHECK_SECONDS = env_int("SMARTCITY_OFFLINE_CHECK_SECONDS", default=60)
SMARTCITY_MAX_BATCH = env_int("SMARTCITY_MAX_BATCH", default=5000)
SMARTCITY_BATCH_LEASE_SECONDS = env_int("SMARTCITY_BATCH_LEASE_SECONDS", default=300)
SMARTCITY_REQUEUE_AFTER_SECONDS = env_int("SMARTCITY_REQUEUE_AFTER_SECONDS", default=180)
SMARTCITY_MAX_ATTEMPTS = env_int("SMARTCITY_MAX_ATTEMPTS", default=5)
SMARTCITY_ALARM_MAIL_MINUTES = env_int("SMARTCITY_ALARM_MAIL_MINUTES", default=15)
# The inbox write waits at most this long for a lock, then the device gets 503 + Retry-After.
SMARTCITY_INBOX_TIMEOUT_MS = env_int("SMARTCITY_INBOX_TIMEOUT_MS", default=5000)
SMARTCITY_DATA_LICENCE = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
SMARTCITY_DATA_LICENCE_URL = "https://www.govdata.de/dl-de/by-2-0"
CELERY_BEAT_SCHEDULE.update(
    {
        "smartcity-requeue-stale-batches": {
            "task": "smartcity.tasks.requeue_stale_batches",
            "schedule": 60.0,
        },
        "smartcity-detect-offline-poles": {
            "task": "smartcity.tasks.detect_offline_poles",
            "schedule": float(SMARTCITY_OFFLINE_CHECK_SECONDS),
        },
        "smartcity-notify-alarms": {"task": "smartcity.tasks.notify_alarms", "schedule": 60.0},
        "smartcity-purge-raw-readings": {
            "task": "smartcity.tasks.purge_raw_readings",
            "schedule": crontab(hour=4, minute=23),
        },
    }
)
