"""The one settings module. Every value that differs between a laptop and production
comes from an environment variable; the README lists them all.

With no environment at all the app runs embedded: SQLite and a file-system Celery
broker under ``var/``, console e-mail, local media. Production sets ``DEBUG=false``
and must then provide ``SECRET_KEY``, ``ALLOWED_HOSTS`` and a ``DATABASE_URL``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from csr_platform.environment import env_bool, env_choice, env_int, env_list, env_str

# Lets runtime code write the generic annotations the type checker reads (ModelForm[User]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set SECRET_KEY to a long random "
            "string (python -c 'import secrets; print(secrets.token_urlsafe(64))'), "
            "or set DEBUG=true for local development."
        )
    # Development only: a fixed key so sessions survive restarts of `make run`.
    SECRET_KEY = "development-only-key-never-used-when-debug-is-off"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_countries",
    "django.contrib.postgres",
    "csr_platform",
    "laws",
    "suppliers",
    "audits",
    "remediation",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "csr_platform.middleware.UserPreferencesMiddleware",
    "csr_platform.middleware.ActiveMembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires, so it sees every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csr_platform.urls"
WSGI_APPLICATION = "csr_platform.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csr_platform.context_processors.tenancy",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'csr_platform.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The web server and the Celery worker share the file: wait for locks instead of
    # failing, take write locks up front, and let readers run beside one writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # SQLite builds covering indexes without their INCLUDE columns, which only spare
    # PostgreSQL heap reads at scale: nothing for the demo database to warn about.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: the list queries join five tables with per-row subqueries,
    # which PostgreSQL costs high enough to compile, and at 230,000 CAPs compiling
    # took 3.6 s of a 5.4 s page of overdue CAPs (BENCHMARKS.md). Queries here are
    # short; JIT pays off only for long analytical scans.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str("TEST_DATABASE_NAME") or None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (throttling, lockout counters) ----------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts, authentication and lockout ----------------------------------------

AUTH_USER_MODEL = "csr_platform.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
# Lock the pair (account, address): one attacker cannot lock a user out from everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "csr_platform.views.auth.locked_out"
# Logins are recorded as security events of our own; axes keeps only the counters.
AXES_DISABLE_ACCESS_LOG = True
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7, minimum=1)
SECURITY_EVENT_RETENTION_DAYS = env_int("SECURITY_EVENT_RETENTION_DAYS", 365, minimum=30)

# --- Internationalisation --------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and media files ------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ----------------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CSR Platform <no-reply@csr-platform.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers ------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=300)
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken on partial updates
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz is probed by load balancers over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- REST API --------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "csr_platform.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["csr_platform.api.permissions.IsTenantMember"],
    "DEFAULT_PAGINATION_CLASS": "csr_platform.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "csr_platform.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
        "user": env_str("API_THROTTLE_USER", "2000/minute"),
        "token_obtain": env_str("API_THROTTLE_TOKEN_OBTAIN", "10/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CSR Platform API",
    "DESCRIPTION": (
        "Supplier vetting, audits, findings and corrective action plans. Authenticate "
        "with `Authorization: Token <key>`; every list is paginated and filterable."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Several models have a "kind" or "status"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "LegalInstrumentKindEnum": "laws.models.LegalInstrument.Kind",
        "QuestionKindEnum": "suppliers.models.Question.Kind",
        "OrganizationKindEnum": "csr_platform.roles.OrganizationKind",
        "RelationshipStatusEnum": "suppliers.models.SourcingRelationship.Status",
        "QuestionnaireStatusEnum": "suppliers.models.Questionnaire.Status",
        "ScreeningStatusEnum": "suppliers.models.Screening.Status",
        "ExitPlanStatusEnum": "suppliers.models.ExitPlan.Status",
        "InvitationStatusEnum": "csr_platform.models.Invitation.Status",
        "FacilityLifecycleEnum": "suppliers.models.Facility.Lifecycle",
        "AuditStatusEnum": "audits.models.Audit.Status",
        "FindingStatusEnum": "audits.models.Finding.Status",
        "AuditShareStatusEnum": "audits.models.AuditShare.Status",
        "FindingCategoryEnum": "laws.taxonomy.FindingCategory",
        "SeverityEnum": "laws.taxonomy.Severity",
        "NotificationKindEnum": "csr_platform.models.Notification.Kind",
        "ScorecardGradeEnum": "reports.models.GRADES",
        "ScoreComponentKeyEnum": "reports.scorecards.COMPONENT_LABELS",
        "CapStatusEnum": "remediation.models.CorrectiveActionPlan.Status",
        "CapActionStatusEnum": "remediation.models.CapAction.Status",
        "CapActionKindEnum": "remediation.models.CapAction.Kind",
        "ExtensionRequestStatusEnum": "remediation.models.ExtensionRequest.Status",
        "RootCauseCategoryEnum": "remediation.root_causes.CAUSE_CATEGORIES",
        "CapParticipantRoleEnum": "remediation.models.CapParticipant.Role",
        "ReportKindEnum": "reports.models.ReportRequest.Kind",
        "ReportStatusEnum": "reports.models.ReportRequest.Status",
        # Named so that the membership role keeps its name next to the participant role.
        "RoleEnum": "csr_platform.roles.Role",
    },
}

# --- Celery ----------------------------------------------------------------------

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    # A broker that needs no server: messages are files under var/celery/, shared by
    # the web process and the worker on one machine.
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (_queue_dir, _processed_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "store_processed": False,
        "control_folder": str(_control_dir),
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "prune-security-events": {
        "task": "csr_platform.tasks.prune_security_events",
        "schedule": timedelta(days=1),
    },
    "send-cap-reminders": {
        "task": "remediation.tasks.send_cap_reminders",
        # Every morning; a rerun the same day sends nothing (ReminderLog).
        "schedule": crontab(hour=6, minute=0),
    },
    "take-scorecard-snapshots": {
        "task": "reports.tasks.take_scorecard_snapshots",
        # The 1st of each month: snapshot the month just ended.
        "schedule": crontab(minute=30, hour=2, day_of_month=1),
    },
    "queue-monthly-reports": {
        "task": "reports.tasks.queue_monthly_reports",
        # After the snapshots, so the programme report's trends include the month.
        "schedule": crontab(minute=0, hour=5, day_of_month=1),
    },
    "refresh-scorecards": {
        "task": "reports.tasks.refresh_scorecards",
        # Hourly at :10, so 00:10 scores each brand for the new day before its first
        # reader would. Reads recompute stale rows themselves; the hourly pass also
        # heals a stale mark lost to a write racing a refresh, at one scoring per
        # brand an hour (a second or two for the largest).
        "schedule": crontab(minute=10),
    },
}

# --- Logging ---------------------------------------------------------------------

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}},
}
