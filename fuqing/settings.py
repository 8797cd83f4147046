"""fuqing settings: one file, every knob from the environment with a safe default (README lists them)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from fuqing.env import env, env_bool, env_float, env_int, env_list, local_secret

BASE_DIR = Path(__file__).resolve().parent.parent

# Files at rest: everything this process creates — the SQLite database and its journal, keys, the audit
# anchor log, uploads, generated and spooled files — is readable and writable by its owner only (files
# 600, folders 700), whatever the umask of the shell or service manager that started it.
os.umask(0o077)
VAR_DIR = Path(env("FUQING_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if VAR_DIR.stat().st_uid == os.geteuid():
    VAR_DIR.chmod(0o700)  # a var/ made before (or by hand) is closed too: nothing inside is reachable
# Files every app server and worker must see (private attachments, spooled uploads, generated exports and
# documents). Unset: var/ itself (one server); several servers: a shared volume, each keeping its own var/.
SHARED_DIR = Path(env("FUQING_SHARED_DIR")) if env("FUQING_SHARED_DIR") else None
if SHARED_DIR:
    SHARED_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)

DEBUG = env_bool("FUQING_DEBUG", False)


SECRET_KEY = env("FUQING_SECRET_KEY") or local_secret(
    VAR_DIR / "secret_key", lambda: secrets.token_urlsafe(50)
)
ALLOWED_HOSTS = env_list("FUQING_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("FUQING_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "fuqing.core",
    "fuqing.orgs",
    "fuqing.campaigns",
    "fuqing.fieldwork",
    "fuqing.registry",
    "fuqing.assistance",
    "fuqing.projects",
    "fuqing.research",
    "fuqing.building",
    "fuqing.oversight",
    "fuqing.dashboard",
    "fuqing.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "fuqing.core.middleware.UploadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fuqing.core.middleware.SessionMiddleware",
    "fuqing.core.replica.ReplicaMiddleware",  # no-op without DATABASE_REPLICA_URL
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fuqing.core.frame.CachedUserMiddleware",  # the user, roles, unit and scope from the cache
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fuqing.core.middleware.SessionLimitsMiddleware",
    "fuqing.core.middleware.LoginRequiredMiddleware",
    "fuqing.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fuqing.urls"
WSGI_APPLICATION = "fuqing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fuqing" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fuqing.core.context_processors.platform",
            ],
        },
    },
]

# Database: embedded SQLite (WAL) under var/ unless DATABASE_URL names another (PostgreSQL in production).
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("FUQING_DB_CONN_MAX_AGE", 60, 0), conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "fuqing.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A PostgreSQL streaming replica serves dashboards and ledger exports (views opt in with
# fuqing.core.replica.replica_reads); writes, and reads after a write in the same request or session, stay
# on the primary; a replica that is down or further behind than the limit is not used.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
REPLICA_MAX_LAG_SECONDS = env_int("FUQING_REPLICA_MAX_LAG_SECONDS", 30, 0)
DATABASE_ROUTERS = []
if DATABASE_URL and DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("FUQING_DB_CONN_MAX_AGE", 60, 0), conn_health_checks=True
    )
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 3
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["fuqing.core.replica.ReplicaRouter"]

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # A file cache under var/: shared by every process of an embedded install (gunicorn's workers, the
    # worker), so what one process changes and invalidates (the page frame, hot issues) the others see.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # read from the cache, kept in the db

# Background jobs (PLT-5): the database queue by default (worker: manage.py db_worker), RQ on Redis at scale.
# A running job beats every JOB_HEARTBEAT_SECONDS; one silent for JOB_STALE_SECONDS (its worker was killed)
# is marked failed, never left "running".
JOB_HEARTBEAT_SECONDS = env_int("FUQING_JOB_HEARTBEAT_SECONDS", 10, 1)
JOB_STALE_SECONDS = env_int("FUQING_JOB_STALE_SECONDS", 120, 2)
TASKS_BACKEND = env("FUQING_TASKS_BACKEND", "db")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "orgs.User"
ORG_MODEL = "orgs.Org"  # the organisation tree; core reaches it through core.scoping.org_model()
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Term of a federation's elected team (BLD-3): the charter's 5 years for 乡镇/街道 and above, 3 for 村/社区.
TERM_YEARS_UPPER = env_int("FUQING_TERM_YEARS_UPPER", 5, 1)
TERM_YEARS_GRASSROOTS = env_int("FUQING_TERM_YEARS_GRASSROOTS", 3, 1)

# Password policy (SEC-6): configurable, MLPS defaults.
PASSWORD_MIN_LENGTH = env_int("FUQING_PASSWORD_MIN_LENGTH", 8, 6)
PASSWORD_MIN_CLASSES = env_int("FUQING_PASSWORD_MIN_CLASSES", 3, 1)
PASSWORD_MAX_AGE_DAYS = env_int("FUQING_PASSWORD_MAX_AGE_DAYS", 90, 0)  # 0 = never expires
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "fuqing.core.passwords.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Lockout (SEC-6): 5 failures lock the account for 30 minutes.
AXES_FAILURE_LIMIT = env_int("FUQING_LOCKOUT_FAILURES", 5, 1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FUQING_LOCKOUT_MINUTES", 30, 1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fuqing.orgs.auth_views.locked_out"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Lockout is per account (SEC-6); an IP-wide lockout would lock a whole office behind one NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_IPWARE_PROXY_COUNT = env_int("FUQING_PROXY_COUNT", 0, 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Sessions (SEC-6): idle timeout, absolute limit, cookies never readable by scripts.
SESSION_IDLE_MINUTES = env_int("FUQING_SESSION_IDLE_MINUTES", 30, 1)
SESSION_ABSOLUTE_HOURS = env_int("FUQING_SESSION_ABSOLUTE_HOURS", 12, 1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# An unchanged session is written at most once per refresh interval (core.middleware.SessionMiddleware).
SESSION_SAVE_EVERY_REQUEST = True
SESSION_REFRESH_SECONDS = env_int("FUQING_SESSION_REFRESH_SECONDS", 60, 0)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
HTTPS = env_bool("FUQING_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("FUQING_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
if env_int("FUQING_PROXY_COUNT", 0, 0):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Two-factor authentication for administrators (SEC-6).
ADMIN_TOTP_REQUIRED = env_bool("FUQING_ADMIN_TOTP", True)
OTP_TOTP_ISSUER = env("FUQING_TOTP_ISSUER", "fuqing")

# Audit (SEC-7): records are kept at least this long; nothing in the platform deletes them.
AUDIT_RETENTION_DAYS = env_int("FUQING_AUDIT_RETENTION_DAYS", 180, 180)
# The chain's HMAC key (a file under var/ when unset) and the anchor log kept outside the database
# (var/audit-anchors.log when unset); see core.audit and docs/operations.md.
AUDIT_KEY = env("FUQING_AUDIT_KEY")
AUDIT_ANCHOR_FILE = env("FUQING_AUDIT_ANCHOR_FILE")

# The women's registry (SEC-9): closed records (注销, merged, removed) are anonymised this many days after
# closing by `manage.py anonymise_expired`; consents record the version of the notice she was shown.
REGISTRY_RETENTION_DAYS = env_int("FUQING_REGISTRY_RETENTION_DAYS", 1095, 1)
REGISTRY_NOTICE_VERSION = env("FUQING_REGISTRY_NOTICE_VERSION", "2014-1")

# Livelihood projects (PRJ-3): progress ÷ expected at or above the first is on track, below the second
# at risk.
PROJECT_STATUS_THRESHOLDS = (
    env_float("FUQING_PROJECT_ON_TRACK", 0.9),
    env_float("FUQING_PROJECT_AT_RISK", 0.7),
)
if not 0 < PROJECT_STATUS_THRESHOLDS[1] <= PROJECT_STATUS_THRESHOLDS[0] <= 1:
    raise ImproperlyConfigured(
        "FUQING_PROJECT_AT_RISK and FUQING_PROJECT_ON_TRACK need 0 < at risk <= on track <= 1"
    )
# Backups (PLT-7): the passphrase that encrypts the key bundle of `manage.py backup` (docs/operations.md §8).
BACKUP_PASSPHRASE = env("FUQING_BACKUP_PASSPHRASE")

# API tokens (PLT-3).
API_TOKEN_HOURS = env_int("FUQING_API_TOKEN_HOURS", 12, 1)

# Internationalisation (PLT-2): Chinese first, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "fuqing" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("FUQING_STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env("FUQING_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: files go through scoped views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600  # stored uploads (visit photos, documents): owner only
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
UPLOAD_MAX_MB = env_int("FUQING_UPLOAD_MAX_MB", 50, 1)
EXPORT_RATE_PER_HOUR = env_int("FUQING_EXPORT_RATE_PER_HOUR", 30, 1)
# Data rows one ledger import may hold (issue 10: a worker's memory stays bounded, < 400 MB).
IMPORT_MAX_ROWS = env_int("FUQING_IMPORT_MAX_ROWS", 100000, 1)

# GET /healthz for load balancers: fails when free space under var/ falls below this, or when a queued job
# has waited longer than HEALTH_QUEUE_WAIT_SECONDS (no worker is taking jobs).
HEALTH_MIN_FREE_MB = env_int("FUQING_HEALTH_MIN_FREE_MB", 500, 0)
HEALTH_QUEUE_WAIT_SECONDS = env_int("FUQING_HEALTH_QUEUE_WAIT_SECONDS", 300, 10)

LOG_LEVEL = env("FUQING_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "jieba": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
