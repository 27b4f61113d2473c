"""Django settings of the back office, read from the environment.

- ``BORNE_DATA_DIR``: the data folder; the SQLite database is ``<data>/backoffice/db.sqlite3`` and
  uploaded media live in ``<data>/backoffice/media/`` (``backoffice.cli`` sets it from ``--data-dir``).
- ``DATABASE_URL``: PostgreSQL (``postgresql://user:pass@host/name``) instead of SQLite.
- ``BORNE_ENV=production``: ``BORNE_SECRET_KEY`` and ``BORNE_ALLOWED_HOSTS`` (comma-separated) are
  required; debug is off, cookies are secure, HTTPS is enforced with HSTS.
- ``BORNE_ENV`` unset (one machine, a demo): debug is off; the secret key is ``BORNE_SECRET_KEY`` or
  the data folder's own ``backoffice/secret.key`` (written by the CLI on first start, owner-only),
  never a key written here. ``BORNE_ENV=development`` shows Django's debug pages, and only when every
  allowed host is this machine.
- ``BORNE_EMAIL_HOST`` (and ``_PORT``, ``_USER``, ``_PASSWORD``, ``_TLS``, ``_FROM``): the SMTP server for
  e-mails; without it they are printed on the console.
- ``BORNE_FETCH_ALLOW``: internal hosts or networks (an intranet server) that imports may fetch from;
  every other internal address is refused (see docs/SECURITY.md).
- ``BORNE_S3_BUCKET`` (and ``_ENDPOINT_URL``, ``_ACCESS_KEY``, ``_SECRET_KEY``, ``_REGION``, ``_PREFIX``): media
  in an S3-compatible bucket instead of the data folder (``backoffice/storage.py``).
- ``BORNE_BUNDLE_KEY``: the key that signs exported bundles (hex or text); without it a key file
  ``<data>/backoffice/bundle.key`` is generated on first export.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from backoffice.dburl import parse_database_url
from backoffice.storage import storages_setting

BASE_DIR = Path(__file__).resolve().parent


def _data_dir() -> Path:
    if value := os.environ.get("BORNE_DATA_DIR"):
        return Path(value).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir("borne", appauthor=False))


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when BORNE_ENV=production")
    return value


ENVIRONMENT = os.environ.get("BORNE_ENV", "").strip().lower()
if ENVIRONMENT not in ("", "production", "development"):
    raise ImproperlyConfigured(f"BORNE_ENV={ENVIRONMENT!r}: write production, development, or leave it unset")
PRODUCTION = ENVIRONMENT == "production"
DATA_DIR = _data_dir()
BACKOFFICE_DIR = DATA_DIR / "backoffice"
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

if PRODUCTION:
    SECRET_KEY = _required("BORNE_SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in _required("BORNE_ALLOWED_HOSTS").split(",") if h.strip()]
    DEBUG = False
else:
    # Not production is not "insecure": the key is never one written in the source (it signs sessions
    # and password-reset links), and Django's debug pages (settings, code, variables) show only with
    # BORNE_ENV=development on a server that answers this machine alone.
    from backoffice.security import local_secret_key

    SECRET_KEY = os.environ.get("BORNE_SECRET_KEY") or local_secret_key(BACKOFFICE_DIR)
    ALLOWED_HOSTS = [
        h.strip() for h in os.environ.get("BORNE_ALLOWED_HOSTS", "").split(",") if h.strip()
    ] or LOOPBACK_HOSTS
    DEBUG = (
        ENVIRONMENT == "development"
        and os.environ.get("BORNE_DEBUG", "1") != "0"
        and all(h in LOOPBACK_HOSTS for h in ALLOWED_HOSTS)
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "backoffice.catalog",
    "backoffice.fleet",
    "backoffice.portal",
    "backoffice.opendata",
    "backoffice.dashboard",
    "django_celery_beat",
    "backoffice.jobs",
    "backoffice.usb",
    "backoffice.notices",
    "backoffice.public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "backoffice.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "backoffice.urls"
WSGI_APPLICATION = "backoffice.wsgi.application"

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
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": parse_database_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BACKOFFICE_DIR / "db.sqlite3",
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("BORNE_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BACKOFFICE_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = BACKOFFICE_DIR / "media"
# Media in the data folder, or in an S3-compatible bucket with BORNE_S3_BUCKET (see backoffice/storage.py).
STORAGES = storages_setting(os.environ)

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# Uploads: photos are checked and re-encoded by backoffice.catalog.images; this caps what reaches it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The first handler stops reading a file past the largest accepted upload (the notices' PDFs).
FILE_UPLOAD_HANDLERS = [
    "backoffice.notices.uploads.SizeCapHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
BORNE_MAX_UPLOAD_BYTES = 15 * 1024 * 1024
BORNE_MAX_IMAGE_PIXELS = 40_000_000
#: A kiosk without heartbeat for this long is shown offline.
BORNE_OFFLINE_AFTER_MINUTES = 15
#: Failed logins allowed per user name and address within the window before refusal.
BORNE_LOGIN_ATTEMPTS = 5
BORNE_LOGIN_WINDOW_SECONDS = 15 * 60
#: Behind a reverse proxy, the META key holding the client's address (e.g. HTTP_X_REAL_IP); empty: REMOTE_ADDR.
BORNE_CLIENT_IP_HEADER = os.environ.get("BORNE_CLIENT_IP_HEADER", "")
BORNE_BUNDLE_KEY = os.environ.get("BORNE_BUNDLE_KEY", "")
#: Internal hosts or networks that imports may reach (comma-separated names, addresses, CIDR networks):
#: feeds and images are fetched only from public addresses otherwise.
BORNE_FETCH_ALLOW = os.environ.get("BORNE_FETCH_ALLOW", "")

# E-mail (password resets, moderation news): printed on the console unless an SMTP server is named.
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("BORNE_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("BORNE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("BORNE_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("BORNE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("BORNE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("BORNE_EMAIL_TLS", "1") != "0"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("BORNE_EMAIL_FROM", "borne@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
#: The back office's own address as people reach it (links in e-mails), e.g. https://borne.mairie.fr
BORNE_PUBLIC_URL = os.environ.get("BORNE_PUBLIC_URL", "").rstrip("/")
#: The town's own web site, linked from the public page of a withdrawn entry (``BORNE_TOWN_URL``).
BORNE_TOWN_URL = os.environ.get("BORNE_TOWN_URL", "")
#: nginx caches the public pages and mirrors each visit to count it (packaging/server): pages do not count themselves.
BORNE_SCANS_FROM_NGINX = os.environ.get("BORNE_SCANS_FROM_NGINX", "0") == "1"

# Jobs (Celery): a broker in the data folder unless CELERY_BROKER_URL names one (redis://… in production).
_BROKER_DIR = BACKOFFICE_DIR / "broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if os.environ.get("CELERY_BROKER_URL")
    else {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),  # Kombu's default is "control" in the current folder
        "store_processed": False,
        "polling_interval": 0.25,  # how often an idle worker looks in the queue folder (a directory listing)
    }
)
CELERY_RESULT_BACKEND = None  # what a job did is written in its own row (status, counts, errors)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = int(os.environ.get("BORNE_JOB_TIME_LIMIT", str(2 * 3600)))
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Login throttling counts failures here; a file cache is shared by every worker of one server.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(BACKOFFICE_DIR / "cache"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"backoffice": {"handlers": ["console"], "level": os.environ.get("BORNE_LOG_LEVEL", "INFO")}},
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("BORNE_SSL_REDIRECT", "1") != "0"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("BORNE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("BORNE_HSTS_SUBDOMAINS", "1") != "0"
    SECURE_HSTS_PRELOAD = os.environ.get("BORNE_HSTS_PRELOAD", "1") != "0"
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    SESSION_COOKIE_HTTPONLY = True
    if trusted := os.environ.get("BORNE_CSRF_TRUSTED_ORIGINS"):
        CSRF_TRUSTED_ORIGINS = [o.strip() for o in trusted.split(",") if o.strip()]
