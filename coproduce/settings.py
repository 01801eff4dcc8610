"""Django settings. Everything that differs between a laptop demo and production comes from the
environment (see .env.example); the defaults are the embedded, zero-set-up demo."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from coproduce import __version__
from coproduce.core.observability import init_error_reporting, logging_config

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent


def env(name: str, default: str = "") -> str:
    """An environment setting; an empty value (as in a copied .env.example) counts as unset."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The demo sets COPRODUCE_DEMO=1: a local, throwaway secret is fine there and nowhere else.
DEMO = env_bool("COPRODUCE_DEMO", False)

# Uploads, collected static files (and the embedded database) live here. The demo keeps them in
# ./var; in production a folder relative to wherever the service happened to start would move
# with the working directory, so it must be given, as an absolute path.
if not (DEMO or DEBUG) and not Path(env("COPRODUCE_DATA", "var")).is_absolute():
    raise RuntimeError(
        "COPRODUCE_DATA must be set to an absolute path outside the demo, "
        "e.g. COPRODUCE_DATA=/var/lib/coproduce (see .env.example)."
    )
DATA_DIR = Path(env("COPRODUCE_DATA", "var")).resolve()
SECRET_KEY = env("SECRET_KEY") or (
    "insecure-demo-key-only-for-local-use" if (DEMO or DEBUG) else ""
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set outside the demo (see .env.example).")
# Earlier keys, still accepted: sessions and links signed with them stay valid, pulse answers
# given under them are still found (measures/pulse.py), and a backup made under one restores
# without --accept-new-secret-key (docs/decisions/0006-backup-and-restore.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEMO or DEBUG) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "coproduce.core.staticfiles.StaticFilesConfig",
    "django.contrib.humanize",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "coproduce.core",
    "coproduce.accounts",
    "coproduce.people",
    "coproduce.projects",
    # The apps' order is the order their reminders, personal data and demo data are gathered
    # in (coproduce.core.discovery): the demo's random draws depend on it.
    "coproduce.measures",
    "coproduce.decisions",
    "coproduce.reports",
    "coproduce.recognition",
    "coproduce.insight",
    "coproduce.consultations",
    "coproduce.api",
    # Only for its bundled Swagger UI files, so the API docs load from our own static files
    # under our Content-Security-Policy (coproduce/api/docs.py).
    "ninja",
]

MIDDLEWARE = [
    # First, so every later log line of the request carries its id.
    "coproduce.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "coproduce.accounts.middleware.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "coproduce.urls"
WSGI_APPLICATION = "coproduce.wsgi.application"

TEMPLATES = [
    {
        # Our pages (including the account pages allauth renders) are Jinja2, so the NHS.UK
        # macros can be used directly.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "coproduce.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # Kept for allauth's e-mail templates and anything third-party we do not override.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'coproduce.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default needs its folder before the first connection (zero set-up).
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while the task worker writes; IMMEDIATE avoids
    # "database is locked" on write transactions that start as reads.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Each process keeps its connection: opening one (Django's function registration and the
    # PRAGMAs) cost about 10 ms a request, a third of a coding click
    # (benchmarks/insight_interactive.py).
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's and allauth's backends, loading the user's register entry in the same query.
    "coproduce.accounts.backends.ModelBackend",
    "coproduce.accounts.backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "coproduce.accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "coproduce.accounts.validators.MinimumLengthValidator"},
    {"NAME": "coproduce.accounts.validators.CommonPasswordValidator"},
    {"NAME": "coproduce.accounts.validators.NumericPasswordValidator"},
]

# Language: English and Welsh, chosen by cookie so the URL (and the page) stays the same.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", _("English")), ("cy", _("Cymraeg"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "coproduce_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static_build"]
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", False)
# Pages name static files only through static() (their hashed names): the unhashed copies are
# never asked for, and keeping them doubled what a release compresses.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Source maps (most of the bytes of Swagger UI's bundle) are fetched only by developer tools:
# compressing them made `coproduce release` take a minute longer.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4"),
    *("mpeg", "mpg", "webm", "wmv", "map"),
]

# Uploads: papers are checked by type and size in the action, this caps the request.
PAPER_MAX_BYTES = int(env("PAPER_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = PAPER_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# What one upload may hold once unpacked and read (zip sizes, characters, rows, files, XML depth,
# a silent job's timeout): coproduce/core/limits.py has each name, its default and why. Any of
# them can be changed from the environment as COPRODUCE_LIMIT_<NAME>, e.g. COPRODUCE_LIMIT_ROWS.
COPRODUCE_LIMITS = {
    key.removeprefix("COPRODUCE_LIMIT_").lower(): int(value)
    for key, value in os.environ.items()
    if key.startswith("COPRODUCE_LIMIT_") and value
}

# The database, so sign-in and survey rate limits hold across every gunicorn worker and server
# (a per-process cache let three workers allow three times the attempts). The table is made by
# the core app's migration. MAX_ENTRIES is high because culling a full cache would also drop
# the limits' counts: anyone could reset them by filling the cache with new keys.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "coproduce_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
if env("CACHE_URL", "").startswith("file://"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ["CACHE_URL"].removeprefix("file://"),
    }

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# E-mail: the console in the demo, SMTP in production.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if (DEMO or DEBUG)
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "coproduce <noreply@localhost>")
# Links in e-mails; by default the local address on PORT (the port `coproduce serve` binds).
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{env('PORT', '8000')}")

# Accounts (django-allauth): e-mail sign-in, mandatory verification, throttled failures.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "coproduce.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "coproduce.accounts.forms.LoginForm",
    "signup": "coproduce.accounts.forms.SignupForm",
    "reset_password": "coproduce.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "coproduce.accounts.forms.ResetPasswordKeyForm",
}
# Failed sign-ins: ten a minute from one address, and five in five minutes for one account from
# one address. The account's key includes the address (AccountAdapter), so a stranger who
# knows someone's e-mail locks out only their own address, never the owner.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}
# Behind a reverse proxy every request comes from the proxy: the rate limits need the number of
# proxies that append to X-Forwarded-For (1 behind one nginx) to see each client's address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
# Anonymous survey answers through one link (consultations/throttle.py): ten an hour from one
# address, and 30 in ten minutes or 200 a day through the link, so a flood from many addresses
# is capped too. One clinician's patients send a few a day.
SURVEY_RATE_LIMITS = {"client": "10/h/key", "link": "30/10m/key,200/d/key"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[coproduce] "
# Who may create an account: "invite" (only through an invitation from an organisation's admin or
# coproduction lead, the production default) or "open" (anyone, the demo's default).
SIGNUP = env("SIGNUP", "open" if (DEMO or DEBUG) else "invite")
if SIGNUP not in {"open", "invite"}:
    raise RuntimeError('SIGNUP must be "open" or "invite" (see .env.example).')
# How long an invitation's link works, in days.
INVITATION_MAX_AGE_DAYS = int(env("INVITATION_MAX_AGE_DAYS", "14"))
MFA_ADAPTER = "coproduce.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "coproduce"
MFA_FORMS = {
    "authenticate": "coproduce.accounts.forms.MFAAuthenticateForm",
    "activate_totp": "coproduce.accounts.forms.ActivateTOTPForm",
}

# Content-Security-Policy: only our own static files, plus scripts carrying the per-request nonce.
# No outside resources: the NHS.UK font (Frutiger, from assets.nhs.uk) is dropped from the built
# stylesheet (core/frontend.py) for its fallback, Arial, so pages never wait for a font host.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Database sessions, read in plain SQL (accounts/sessions.py).
SESSION_ENGINE = "coproduce.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not (DEMO or DEBUG):
    # Production: HTTPS only, secure cookies, HSTS (see docs/architecture.md for the proxy set-up).
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers and container health checks ask over plain HTTP on the private side.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # preload is the operator's decision; --deploy should not nag when it is deliberately off.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

MESSAGE_STORAGE = "coproduce.core.messages.MessageStorage"  # session, links kept

# One JSON object a line with the request's id outside the demo (coproduce/core/observability.py).
LOGGING = logging_config(
    level=env("LOG_LEVEL", "WARNING"),
    json_lines=env("LOG_FORMAT", "text" if (DEMO or DEBUG) else "json") == "json",
)
# Error reporting, only when a DSN is given (needs the `sentry` extra).
if env("SENTRY_DSN"):
    init_error_reporting(
        env("SENTRY_DSN"),
        environment=env("SENTRY_ENVIRONMENT", "demo" if DEMO else "production"),
        release=f"coproduce@{__version__}",
    )

NINJA_PAGINATION_PER_PAGE = 50
