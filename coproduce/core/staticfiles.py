"""Django's staticfiles app, not collecting what we never serve."""

from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class StaticFilesConfig(BaseStaticFilesConfig):
    # django-ninja's static files are collected for its Swagger UI (coproduce/api/docs.py); its
    # ReDoc copy is unused, and hashing and compressing it made every release slower.
    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "redoc.standalone.js*"]
