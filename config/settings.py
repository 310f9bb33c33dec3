"""The one settings module. Every value comes from the environment (see .env.example).

The embedded default (no variables set) is a working development install: SQLite in WAL
mode under var/, no broker (the worker loop runs jobs in-process), local file storage.
"""

from datetime import timedelta
from pathlib import Path
import os

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LAPOR_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("LAPOR_DEBUG", False)
# A development key is acceptable only when DEBUG is on; production must set its own.
SECRET_KEY = os.environ.get("LAPOR_SECRET_KEY") or (
    "dev-insecure-key-change-me" if DEBUG or env_bool("LAPOR_ALLOW_DEV_KEY", False) else None
)
if not SECRET_KEY:
    raise RuntimeError("LAPOR_SECRET_KEY must be set (or LAPOR_DEBUG=1 for development).")

ALLOWED_HOSTS = env_list("LAPOR_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("LAPOR_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "lapor.accounts.adminconfig.TwoFactorAdminConfig",  # django.contrib.admin, open only after 2FA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs page from its bundled assets instead of a CDN
    "axes",  # login throttling and lockout
    "django_otp",  # two-factor sign-in (lapor.accounts.twofactor)
    "django_otp.plugins.otp_totp",  # authenticator apps
    "django_otp.plugins.otp_static",  # single-use backup codes
    "lapor.core",
    "lapor.accounts",
    "lapor.agencies",
    "lapor.rollups",
    "lapor.reports",
    "lapor.audit",
    "lapor.monev",
    "lapor.notify",
    "lapor.notices",  # reporters' messages from the event feed
    "lapor.survey",
    "lapor.web",
    "lapor.ops",  # the embedded worker loop run_worker
    "lapor.demo",  # the demo data set and its commands load_demo, demo_totp (which refuse outside demo mode)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lapor.core.middleware.RequestSizeLimitMiddleware",
    "lapor.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",  # request.htmx: render only the part a page asked for
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): second factor given
    "lapor.accounts.twofactor.TwoFactorMiddleware",  # officials must give it before anything else
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
    }
]

# --- Database -------------------------------------------------------------------------
# DATABASE_URL selects PostgreSQL (postgres://user@host:5432/name); unset means SQLite under var/.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if env_bool("LAPOR_DB_POOL", False):
        # psycopg 3 pool inside each process; conn_max_age must be 0 with it.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("LAPOR_DB_POOL_MIN", 2),
            "max_size": env_int("LAPOR_DB_POOL_MAX", 8),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env_int("LAPOR_DB_CONN_MAX_AGE", 60)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("LAPOR_SQLITE_PATH", str(VAR_DIR / "lapor.sqlite3")),
            "OPTIONS": {
                # WAL lets the web server read while the worker loop writes; IMMEDIATE takes the
                # write lock at BEGIN so that read-then-write transitions cannot deadlock.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while a lockout is in force
    # Django's ModelBackend, extended: the username field also takes the e-mail or the phone.
    "lapor.accounts.backends.UsernameEmailOrPhoneBackend",
]
# Login throttling: after LAPOR_LOGIN_FAILURE_LIMIT failed sign-ins for one username from one
# address, that pair is locked for LAPOR_LOGIN_COOLOFF_MINUTES (per pair, so an attacker cannot
# lock a real officer out from elsewhere). A successful sign-in resets the count.
AXES_FAILURE_LIMIT = env_int("LAPOR_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LAPOR_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
# Behind a reverse proxy, every request comes from the proxy's address. List the proxies'
# addresses or networks here (comma-separated) and the client address is taken from
# X-Forwarded-For, read from the right past those proxies only (lapor.core.ratelimit). Empty:
# REMOTE_ADDR is the client (no proxy, or a proxy that is not trusted to say who the client is).
LAPOR_TRUSTED_PROXIES = env_list("LAPOR_TRUSTED_PROXIES", "")
AXES_CLIENT_IP_CALLABLE = "lapor.core.ratelimit.client_ip"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email", "phone")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# lapor.web.landing: on to where the person's work is (their queue, dashboard or own reports).
LOGIN_REDIRECT_URL = "web:landing"
LOGOUT_REDIRECT_URL = "web:home"
# Two-factor sign-in (ADR 0010): mandatory for officials and admin operators. The issuer is the
# account's name in authenticator apps; keys are never shown in the Django admin.
OTP_TOTP_ISSUER = "Lapor"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"  # display default; storage is UTC (USE_TZ)

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("LAPOR_STATIC_ROOT", VAR_DIR / "static"))
# htmx and Leaflet come from the npm registry (package-lock.json; `make run`/`make test` install
# them): only their dist folders are published, under /static/vendor/. Without them the pages
# still work (no JavaScript).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("LAPOR_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploads larger than this are rejected with 413 before the view runs out of memory.
LAPOR_MAX_ATTACHMENT_BYTES = env_int("LAPOR_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
LAPOR_MAX_ATTACHMENTS = env_int("LAPOR_MAX_ATTACHMENTS", 5)
# An agency's decree (SK) is one PDF, often a scan of the signed paper.
LAPOR_MAX_DECREE_BYTES = env_int("LAPOR_MAX_DECREE_BYTES", 10 * 1024 * 1024)
# A request whose declared body is larger is refused with 413 before it is read (files included;
# Django's own DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files).
LAPOR_MAX_REQUEST_BYTES = env_int("LAPOR_MAX_REQUEST_BYTES", 60 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = LAPOR_MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Map (optional) ---------------------------------------------------------------------------
# A map to pin a report's location appears on the submission form only when a tile server is
# configured here, e.g. https://tiles.example.go.id/{z}/{x}/{y}.png (your own or a contracted
# one: Lapor never falls back to a public tile service). The region pickers work without it.
LAPOR_MAP_TILE_URL = os.environ.get("LAPOR_MAP_TILE_URL", "")
LAPOR_MAP_ATTRIBUTION = os.environ.get("LAPOR_MAP_ATTRIBUTION", "")
LAPOR_MAP_TILE_ORIGIN = ""
if LAPOR_MAP_TILE_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(LAPOR_MAP_TILE_URL.replace("{s}", "a"))
    LAPOR_MAP_TILE_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc}"

# --- Background work --------------------------------------------------------------------
# No broker configured: `manage.py run_worker` runs the same jobs in a loop (embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
LAPOR_SWEEP_INTERVAL_SECONDS = env_int("LAPOR_SWEEP_INTERVAL_SECONDS", 60)
LAPOR_SWEEP_BATCH_SIZE = env_int("LAPOR_SWEEP_BATCH_SIZE", 500)
# How long a submission's Idempotency-Key is remembered (hours); older records are purged hourly.
LAPOR_IDEMPOTENCY_HOURS = env_int("LAPOR_IDEMPOTENCY_HOURS", 24)
# Minutes the files of a refused web submission are kept for the reporter's next try (lapor.reports.kept_uploads).
LAPOR_KEPT_UPLOAD_MINUTES = env_int("LAPOR_KEPT_UPLOAD_MINUTES", 60)
# Keep the monitoring rollups on every transition (lapor/monev/rollups.py, ADR 0019). Turned off
# only to measure what they cost (bench/transition.py); a database written with them off must be
# rebuilt (`manage.py monev_verify --rebuild`) before its dashboards are right again.
LAPOR_MONEV_ROLLUPS = env_bool("LAPOR_MONEV_ROLLUPS", True)

# --- Outbound messages: e-mail, SMS and WhatsApp (lapor.notify, ADR 0011, 0034) --------------
# E-mail: SMTP when LAPOR_EMAIL_HOST is set. Without a host, development (LAPOR_DEBUG, or
# LAPOR_EMAIL_CONSOLE=1 as `make run` sets) prints messages on the console; otherwise e-mail is
# off and sign-up or password reset by e-mail says it is unavailable (codes are never dropped silently).
EMAIL_HOST = os.environ.get("LAPOR_EMAIL_HOST", "")
EMAIL_PORT = env_int("LAPOR_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("LAPOR_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LAPOR_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LAPOR_EMAIL_USE_TLS", True)  # STARTTLS
EMAIL_TIMEOUT = env_int("LAPOR_EMAIL_TIMEOUT_SECONDS", 10)
DEFAULT_FROM_EMAIL = os.environ.get("LAPOR_EMAIL_FROM", "Lapor <noreply@localhost>")
if not EMAIL_HOST and (DEBUG or env_bool("LAPOR_EMAIL_CONSOLE", False)):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # unusable (off) without a host
# SMS: an HTTP gateway that takes POST {"to", "text"} with a bearer token. Unset: no SMS, and
# sign-up or reset by phone says it is unavailable.
LAPOR_SMS_GATEWAY_URL = os.environ.get("LAPOR_SMS_GATEWAY_URL", "")
LAPOR_SMS_GATEWAY_TOKEN = os.environ.get("LAPOR_SMS_GATEWAY_TOKEN", "")
LAPOR_SMS_GATEWAY_TIMEOUT_SECONDS = env_int("LAPOR_SMS_GATEWAY_TIMEOUT_SECONDS", 10)
# WhatsApp (ADR 0034): messages in the WhatsApp Cloud API format, POSTed with a bearer access
# token to LAPOR_WHATSAPP_API_URL, the full messages endpoint, for example
# https://graph.facebook.com/v21.0/<phone-number-id>/messages. Unset: no WhatsApp.
# LAPOR_WHATSAPP_TEMPLATE names an approved message template with one body parameter {{1}}, which
# receives the message's text, in LAPOR_WHATSAPP_TEMPLATE_LANGUAGE. Without a template, plain text
# messages are sent, and WhatsApp delivers those only inside the 24-hour customer-service window
# (within 24 hours of the person's own last message to the business number): a first message to
# someone who never wrote needs a template.
LAPOR_WHATSAPP_API_URL = os.environ.get("LAPOR_WHATSAPP_API_URL", "")
LAPOR_WHATSAPP_TOKEN = os.environ.get("LAPOR_WHATSAPP_TOKEN", "")
LAPOR_WHATSAPP_TEMPLATE = os.environ.get("LAPOR_WHATSAPP_TEMPLATE", "")
LAPOR_WHATSAPP_TEMPLATE_LANGUAGE = os.environ.get("LAPOR_WHATSAPP_TEMPLATE_LANGUAGE", "id")
LAPOR_WHATSAPP_TIMEOUT_SECONDS = env_int("LAPOR_WHATSAPP_TIMEOUT_SECONDS", 10)
# Retries: a failed send is tried again after 1, 2, 4, … × LAPOR_OUTBOX_RETRY_SECONDS (at most an
# hour apart) and given up after LAPOR_OUTBOX_MAX_ATTEMPTS; sent and failed rows are deleted after
# LAPOR_OUTBOX_RETENTION_DAYS.
LAPOR_OUTBOX_MAX_ATTEMPTS = env_int("LAPOR_OUTBOX_MAX_ATTEMPTS", 6)
LAPOR_OUTBOX_RETRY_SECONDS = env_int("LAPOR_OUTBOX_RETRY_SECONDS", 60)
LAPOR_OUTBOX_RETENTION_DAYS = env_int("LAPOR_OUTBOX_RETENTION_DAYS", 30)
LAPOR_OUTBOX_BATCH_SIZE = env_int("LAPOR_OUTBOX_BATCH_SIZE", 200)
LAPOR_OUTBOX_INTERVAL_SECONDS = env_int("LAPOR_OUTBOX_INTERVAL_SECONDS", 30)  # Celery beat
# The event feed (lapor/reports/feed.py, ADR 0032): an entry written with every event, published
# and read by the notices every LAPOR_FEED_INTERVAL_SECONDS. Off only to measure what it costs.
LAPOR_EVENT_FEED = env_bool("LAPOR_EVENT_FEED", True)
LAPOR_FEED_INTERVAL_SECONDS = env_int("LAPOR_FEED_INTERVAL_SECONDS", 5)
# The hour (WIB, 0-23) from which officials' morning digests of their queues are sent (ADR 0035).
LAPOR_DIGEST_HOUR = env_int("LAPOR_DIGEST_HOUR", 7)
# The public address of the site, for links in messages (no trailing slash).
LAPOR_SITE_URL = os.environ.get("LAPOR_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Accounts: one-time codes and their limits (lapor/accounts/verification.py) --------------
LAPOR_CODE_MINUTES = env_int("LAPOR_CODE_MINUTES", 15)
LAPOR_CODE_MAX_ATTEMPTS = env_int("LAPOR_CODE_MAX_ATTEMPTS", 5)
# An official's invitation to set a password lasts longer than a reset code.
LAPOR_INVITATION_CODE_HOURS = env_int("LAPOR_INVITATION_CODE_HOURS", 72)
# Per client address per hour (0 disables): sign-up forms, code re-sends, password-reset requests.
LAPOR_SIGNUPS_PER_HOUR = env_int("LAPOR_SIGNUPS_PER_HOUR", 10)
LAPOR_CODE_RESENDS_PER_HOUR = env_int("LAPOR_CODE_RESENDS_PER_HOUR", 5)
LAPOR_PASSWORD_RESETS_PER_HOUR = env_int("LAPOR_PASSWORD_RESETS_PER_HOUR", 10)
# Codes or notices sent to one e-mail address or phone number per hour, whoever asks (0 disables):
# protects people from message floods and the SMS budget from abuse.
LAPOR_MESSAGES_PER_DESTINATION_PER_HOUR = env_int("LAPOR_MESSAGES_PER_DESTINATION_PER_HOUR", 5)

# --- Cache (rate limits, calendar) ---------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous (not signed-in) submissions allowed per client address per minute; 0 disables.
LAPOR_ANON_SUBMISSIONS_PER_MINUTE = env_int("LAPOR_ANON_SUBMISSIONS_PER_MINUTE", 20)
# Survey responses accepted per client address per hour (lapor.survey); 0 disables.
LAPOR_SURVEY_RESPONSES_PER_HOUR = env_int("LAPOR_SURVEY_RESPONSES_PER_HOUR", 30)

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("LAPOR_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
# A session (an official's working day, a citizen's visit) lasts at most this long, then signs in
# again (password and, for officials, the second factor). Closing the browser does not end it.
SESSION_COOKIE_AGE = env_int("LAPOR_SESSION_HOURS", 12) * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LAPOR_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # At DEBUG, the template engine logs every failed variable lookup with the whole context:
        # report text, revealed identities. Never, whatever LAPOR_LOG_LEVEL says.
        "django.template": {"level": "INFO"},
    },
}
