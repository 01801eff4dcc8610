"""Links in e-mails point at the address the product is served on."""

import argparse
import os
import subprocess
import sys

import pytest

from coproduce import cli


class _Stop(Exception):
    pass


def test_cli_demo_site_url_follows_port(monkeypatch):
    monkeypatch.setenv("SITE_URL", "")  # unset (an empty value counts as unset)
    seen = {}

    def stop(demo=False):
        seen["SITE_URL"] = os.environ["SITE_URL"]
        raise _Stop

    monkeypatch.setattr(cli, "_django", stop)
    with pytest.raises(_Stop):
        cli.demo(argparse.Namespace(port=8123, no_serve=True))
    assert seen == {"SITE_URL": "http://127.0.0.1:8123"}


def test_cli_demo_site_url_given_is_kept(monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://coproduce.example.org")
    monkeypatch.setattr(cli, "_django", lambda demo=False: (_ for _ in ()).throw(_Stop()))
    with pytest.raises(_Stop):
        cli.demo(argparse.Namespace(port=8123, no_serve=True))
    assert os.environ["SITE_URL"] == "https://coproduce.example.org"


def test_settings_site_url_follows_port(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        PORT="8123",
        COPRODUCE_DEMO="1",
        COPRODUCE_DATA=str(tmp_path),
        DJANGO_SETTINGS_MODULE="coproduce.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "http://127.0.0.1:8123"
