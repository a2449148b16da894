"""One settings module, configured from the environment.

Variables: ``DATABASE_URL`` (default: SQLite at ``var/fupin.sqlite3`` in WAL mode),
``SECRET_KEY`` (or ``SECRET_KEY_FILE``), ``DEBUG``, ``ALLOWED_HOSTS`` (comma separated),
``FUPIN_AS_OF`` (the date that every "current" view uses; default today), ``FUPIN_VAR`` (where
the database, uploads and logs live), ``CSRF_TRUSTED_ORIGINS``, ``FUPIN_TASKS`` (``immediate``
runs background work inline), and the deployment settings below (docs/operations.md).
Sign-in, session, API token and public-form limits (``FUPIN_LOGIN_*``, ``FUPIN_SESSION_IDLE_HOURS``,
``FUPIN_API_TOKEN_DAYS``, ``FUPIN_TRUSTED_PROXIES``, ``FUPIN_PUBLIC_*``) are described where they
are read below and in docs/security.md.
"""

import datetime
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("FUPIN_VAR", PROJECT_DIR / "var"))


def _bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _bool("DEBUG")
# A fixed development key is accepted only in DEBUG: `fupin serve` and `check --deploy` refuse
# it otherwise (fupin.core.checks). The key comes from ``SECRET_KEY``, else from the file
# ``SECRET_KEY_FILE`` names (default ``var/secret_key``, which `make setup` creates once).
DEV_SECRET_KEY = "fupin-insecure-development-key-do-not-use-in-production"
SECRET_KEY_FILE = Path(os.environ.get("SECRET_KEY_FILE", VAR_DIR / "secret_key"))


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    try:
        return SECRET_KEY_FILE.read_text().strip() or DEV_SECRET_KEY
    except OSError:
        return DEV_SECRET_KEY


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")

FUPIN_AS_OF = os.environ.get("FUPIN_AS_OF", "")

# How long an area's summaries (the war map, the overview page and their JSON) are kept and
# shared by everyone who opens them (fupin.areas.summaries); 0 recomputes them for every
# request. Each process keeps its own copies (a few hundred areas' figures).
FUPIN_SUMMARY_SECONDS = int(os.environ.get("FUPIN_SUMMARY_SECONDS", "60"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "summaries": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fupin-summaries",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

# How many days before the as-of date a record may be dated (backdated, 补录), per kind; a
# backdated record needs a reason and is flagged (fupin.core.dates). Case steps take the
# system date: their window is 0 unless set.
FUPIN_BACKDATE_DAYS = {
    "visit": int(os.environ.get("FUPIN_BACKDATE_VISIT_DAYS", "7")),
    "check_in": int(os.environ.get("FUPIN_BACKDATE_CHECKIN_DAYS", "7")),
    "meeting": int(os.environ.get("FUPIN_BACKDATE_MEETING_DAYS", "7")),
    "case_step": int(os.environ.get("FUPIN_BACKDATE_CASE_STEP_DAYS", "0")),
}
# A check-in farther than FUPIN_CHECKIN_MAX_KM (default 3) from its village's location is
# flagged "far" and counts toward the resident days only once accepted (docs/fieldwork.md).
FUPIN_CHECKIN_MAX_KM = float(os.environ.get("FUPIN_CHECKIN_MAX_KM", "3"))
# The most visits one POST /api/visits/ may carry as a JSON list (a phone's sync batch).
FUPIN_SYNC_BATCH_MAX = int(os.environ.get("FUPIN_SYNC_BATCH_MAX", "100"))


def _channels(value: str) -> dict[str, list[str]]:
    """``kind=channel,channel;...`` → ``{kind: [channel, ...]}``."""
    table: dict[str, list[str]] = {}
    for part in value.split(";"):
        kind, _sep, channels = part.partition("=")
        if kind.strip():
            table[kind.strip()] = [c.strip() for c in channels.split(",") if c.strip()]
    return table


# Notifications (docs/inbox.md): the channels of each kind of message, as
# ``kind=channel,channel;...`` (``*`` for every other kind; in-app is always used), the SMS
# sender (a dotted path to a callable taking ``[(phone, text)]``; the default writes
# ``FUPIN_OUTBOX_DIR/sms-YYYYMMDD.log``), the mail backend (the console by default, as in the
# demo) and the public base URL of links in messages and the clarity cards' QR codes (default:
# the request's host; the ``cards`` command, which has no request, falls back to localhost).
FUPIN_NOTIFY_CHANNELS = _channels(
    os.environ.get(
        "FUPIN_NOTIFY_CHANNELS",
        "*=inapp,email;concern.assigned=inapp,email,sms;objection.filed=inapp,email,sms",
    )
)
FUPIN_SMS_SENDER = os.environ.get("FUPIN_SMS_SENDER", "fupin.notify.services.outbox_sms")
FUPIN_OUTBOX_DIR = Path(os.environ.get("FUPIN_OUTBOX_DIR", VAR_DIR / "outbox"))
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "fupin@localhost")
FUPIN_PUBLIC_URL = os.environ.get("FUPIN_PUBLIC_URL", "").rstrip("/")
# Areas whose public documents (notices, public forms, clarity cards) are bilingual, Mongolian
# and Chinese, with everything under them: by default Horqin Right Front and Middle Banners.
# An area's own ``bilingual`` field (admin) overrides it (fupin.areas.selectors.is_bilingual).
FUPIN_BILINGUAL_AREAS = _list("FUPIN_BILINGUAL_AREAS", "152221,152222")

INSTALLED_APPS = [
    "fupin.core",
    "fupin.accounts",
    "fupin.notify",
    "fupin.areas",
    "fupin.registry",
    "fupin.identification",
    "fupin.assessment",
    "fupin.assistance",
    "fupin.fieldwork",
    "fupin.cadres",
    "fupin.party",
    "fupin.duties",
    "fupin.command",
    "fupin.funds",
    "fupin.collective",
    "fupin.safetynet",
    "fupin.leaders",
    "fupin.villages",
    "fupin.outreach",
    "fupin.quality",
    "fupin.counties",
    "fupin.warmap",
    "fupin.reports",
    "fupin.mobile",
    "fupin.inbox",
    "fupin.schedule",
    "fupin.demo",
    "fupin.review",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "captcha",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "fupin.core.middleware.SettingsOncePerRequest",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fupin.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "fupin.areas.scope.ScopeSafeViewMiddleware",
    "fupin.accounts.signin.IdleSessionMiddleware",
    "fupin.accounts.signin.FirstPasswordMiddleware",
    # Last, so that it turns a locked-out sign-in into the lockout page (fupin.accounts.signin).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fupin.urls"
WSGI_APPLICATION = "fupin.wsgi.application"

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
                "fupin.context_processors.fupin",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'fupin.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
# Connection reuse (bench/README.md, "Many users at once"): a web thread keeps its connection
# for FUPIN_DB_CONN_MAX_AGE seconds (default 600; 0 opens one per request). On SQLite a new
# connection also loses its page cache and reruns the pragmas below, which cost more than many
# of the pages' queries.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("FUPIN_DB_CONN_MAX_AGE", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Run on every new SQLite connection (tests/core/test_db_settings.py reads them back):
# WAL lets readers (pages) run while a writer (an import, a visit) holds the lock, and
# synchronous=NORMAL is durable under WAL up to the last checkpoint; a 64 MB page cache of
# the connection's own, and the file mapped (256 MB) so that the pages the processes read are
# shared in the operating system's cache rather than copied into each.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 1,  # NORMAL
    "cache_size": -65536,
    "temp_store": 2,  # MEMORY
    "mmap_size": 268435456,
    "busy_timeout": 30000,
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": " ".join(f"PRAGMA {k}={v};" for k, v in SQLITE_PRAGMAS.items()),
        # A write takes the lock when its transaction begins, so a transaction never has to
        # upgrade a read to a write (which SQLite refuses at once with "database is locked"
        # rather than waiting); a writer waits up to busy_timeout (30 s) for another writer.
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_PRAGMAS["busy_timeout"] / 1000,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Sign-in (docs/security.md, fupin.accounts.signin): the lockout check comes first; it stops a
# locked-out account and address before the password is tried.
AUTHENTICATION_BACKENDS = [
    "fupin.accounts.signin.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# FUPIN_LOGIN_FAILURE_LIMIT wrong passwords (default 5) lock the pair of account and address
# for FUPIN_LOGIN_COOLOFF_MINUTES (default 30); an administrator unlocks in the admin.
AXES_FAILURE_LIMIT = int(os.environ.get("FUPIN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("FUPIN_LOGIN_COOLOFF_MINUTES", "30"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "fupin.accounts.addresses.client_ip"
AXES_LOCKOUT_CALLABLE = "fupin.accounts.signin.lockout_response"
# Proxies whose X-Forwarded-For is believed (comma separated addresses or networks, default
# none): the client address of the lockout and of the public forms' limits.
FUPIN_TRUSTED_PROXIES = _list("FUPIN_TRUSTED_PROXIES")

# A session ends after FUPIN_SESSION_IDLE_HOURS (default 12) without a request; the expiry is
# pushed forward at most every SESSION_REFRESH_SECONDS (fupin.accounts.signin.IdleSessionMiddleware).
SESSION_COOKIE_AGE = int(float(os.environ.get("FUPIN_SESSION_IDLE_HOURS", "12")) * 3600)
SESSION_REFRESH_SECONDS = min(300, SESSION_COOKIE_AGE // 2)
# API tokens (fupin.accounts.tokens) expire FUPIN_API_TOKEN_DAYS (default 30) after they are made.
FUPIN_API_TOKEN_DAYS = int(os.environ.get("FUPIN_API_TOKEN_DAYS", "30"))

# Public forms (fupin.accounts.public_limits): per address, form and village an hour and a day;
# per village a day for all addresses; a captcha after FUPIN_PUBLIC_CAPTCHA_AFTER submissions
# from one address in a day.
FUPIN_PUBLIC_LIMIT_PER_HOUR = int(os.environ.get("FUPIN_PUBLIC_LIMIT_PER_HOUR", "5"))
FUPIN_PUBLIC_LIMIT_PER_DAY = int(os.environ.get("FUPIN_PUBLIC_LIMIT_PER_DAY", "20"))
FUPIN_PUBLIC_VILLAGE_DAILY_CAP = int(os.environ.get("FUPIN_PUBLIC_VILLAGE_DAILY_CAP", "200"))
FUPIN_PUBLIC_CAPTCHA_AFTER = int(os.environ.get("FUPIN_PUBLIC_CAPTCHA_AFTER", "2"))
CAPTCHA_TIMEOUT = 10  # minutes to answer
CAPTCHA_2X_IMAGE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("FUPIN_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Uploads and background jobs (docs/security.md, "Uploads and background jobs"): a file larger
# than FUPIN_UPLOAD_MAX_MB is refused before it is stored; a sheet is refused past the row,
# column, unzipped-size and compression-ratio limits before it is read; an import job is
# failed after FUPIN_JOB_TIME_LIMIT seconds; `fupin serve` starts FUPIN_TASK_WORKERS task
# workers; refused files and error workbooks are deleted after FUPIN_IMPORT_RETENTION_DAYS.
FUPIN_UPLOAD_MAX_MB = int(os.environ.get("FUPIN_UPLOAD_MAX_MB", 20))
FUPIN_IMPORT_MAX_ROWS = int(os.environ.get("FUPIN_IMPORT_MAX_ROWS", 200_000))
FUPIN_IMPORT_MAX_COLS = int(os.environ.get("FUPIN_IMPORT_MAX_COLS", 200))
FUPIN_IMPORT_MAX_UNZIPPED_MB = int(os.environ.get("FUPIN_IMPORT_MAX_UNZIPPED_MB", 500))
FUPIN_IMPORT_MAX_RATIO = int(os.environ.get("FUPIN_IMPORT_MAX_RATIO", 100))
# The registry import reads, checks and writes a file FUPIN_IMPORT_CHUNK_ROWS rows at a time, so its
# memory stays bounded whatever the file's length (the tests set a few dozen to span chunks).
FUPIN_IMPORT_CHUNK_ROWS = int(os.environ.get("FUPIN_IMPORT_CHUNK_ROWS", 20_000))
# On SQLite the import's transaction writes six tables and their indexes chunk after chunk: it
# runs with a page cache of FUPIN_IMPORT_CACHE_MB (default 256; the connection's own is 64),
# which holds the indexes' pages that each chunk touches again (bench/README.md, import).
FUPIN_IMPORT_CACHE_MB = int(os.environ.get("FUPIN_IMPORT_CACHE_MB", 256))
FUPIN_JOB_TIME_LIMIT = int(os.environ.get("FUPIN_JOB_TIME_LIMIT", 1800))
FUPIN_TASK_WORKERS = int(os.environ.get("FUPIN_TASK_WORKERS", 2))
# The cadence (docs/schedule.md): each task worker checks every FUPIN_SCHEDULE_INTERVAL seconds
# for jobs due on the system date; a job missed while no worker ran is still run within
# FUPIN_SCHEDULE_CATCH_UP_DAYS days. The reports are published for FUPIN_SCHEDULE_AREAS
# (comma-separated area codes; the league by default).
FUPIN_SCHEDULE_INTERVAL = float(os.environ.get("FUPIN_SCHEDULE_INTERVAL", 60))
FUPIN_SCHEDULE_CATCH_UP_DAYS = int(os.environ.get("FUPIN_SCHEDULE_CATCH_UP_DAYS", 7))
FUPIN_SCHEDULE_AREAS = [
    code.strip()
    for code in os.environ.get("FUPIN_SCHEDULE_AREAS", "1522").split(",")
    if code.strip()
]
FUPIN_IMPORT_RETENTION_DAYS = int(os.environ.get("FUPIN_IMPORT_RETENTION_DAYS", 30))
# The form fields besides the files: no legitimate form comes near the upload limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = FUPIN_UPLOAD_MAX_MB * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "fupin.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fupin.accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Checked bounds on page and page_size, published in the schema (fupin.core.pagination).
    "DEFAULT_PAGINATION_CLASS": "fupin.core.pagination.ApiPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "fupin API",
    "DESCRIPTION": "精准扶贫信息系统 — areas, registry. Every response is scoped to the caller.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation lists its error responses and their JSON bodies (fupin.core.api_errors).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "fupin.core.api_errors.add_error_responses",
    ],
}

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("FUPIN_TASKS") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
CSRF_COOKIE_SECURE = _bool("CSRF_COOKIE_SECURE")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Deployment: every setting `check --deploy` looks at comes from the environment; off by default
# so that the demo works over plain http on 127.0.0.1. The production example in
# docs/operations.md ("Production") turns them all on and passes `check --deploy`.
SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _bool("SECURE_HSTS_PRELOAD")
# "HTTP_X_FORWARDED_PROTO,https": the header the reverse proxy sets, and its value for https.
# Set it only behind a proxy that overwrites the header, or a client could claim https.
_proxy_ssl_header = _list("SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = (
    (_proxy_ssl_header[0], _proxy_ssl_header[1]) if len(_proxy_ssl_header) == 2 else None
)
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts only from this site, no inline script and no
# on* handler (page behaviour is declared by data attributes, fupin/static/fupin/fupin.js);
# json_script data is not executed. Inline styles stay allowed: templates and Swagger UI use
# them, and a style cannot run code. `CSP_REPORT_ONLY=1` sends the same policy report-only.
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if _bool("CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
