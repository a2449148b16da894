"""One settings module, configured from the environment.

Variables: ``DATABASE_URL`` (default: SQLite at ``var/fupin.sqlite3`` in WAL mode),
``SECRET_KEY`` (or ``SECRET_KEY_FILE``), ``DEBUG``, ``ALLOWED_HOSTS`` (comma separated),
``FUPIN_AS_OF`` (the date that every "current" view uses; default today), ``FUPIN_VAR`` (where
the database, uploads and logs live), ``CSRF_TRUSTED_ORIGINS``, ``FUPIN_TASKS`` (``immediate``
runs background work inline), and the deployment settings below (docs/operations.md).
"""

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

INSTALLED_APPS = [
    "fupin.core",
    "fupin.accounts",
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
    "fupin.warmap",
    "fupin.reports",
    "fupin.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers (pages) run while a writer (an import) holds the lock.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
            " PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

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
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
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
