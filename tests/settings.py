"""Settings for the test suite: the product's settings with fast, isolated services."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("COPRODUCE_DEMO", "1")
os.environ.setdefault("COPRODUCE_DATA", tempfile.mkdtemp(prefix="coproduce-test-"))

from coproduce.settings import *  # noqa: E402,F403
from coproduce.settings import DATA_DIR, STORAGES  # noqa: E402

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(DATA_DIR) / "media"
# Tasks run at once in tests, so their effects (e-mails) can be asserted.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# pytest-django's live server serves static files only when this exact app name is installed;
# the product's own config (coproduce.core.staticfiles) differs only in what collectstatic skips.
INSTALLED_APPS = [
    "django.contrib.staticfiles" if app == "coproduce.core.staticfiles.StaticFilesConfig" else app
    for app in INSTALLED_APPS  # noqa: F405
]
