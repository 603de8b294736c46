"""The production settings the README documents pass ``manage.py check --deploy`` with nothing to
warn about, and HTTPS (redirect and HSTS) is on by default once debug is off, configurable from
the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The production environment as the README's "Configuration for production" sets it.
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k7#Vq2!pX9zR4mW8sL1nB6tY3cF0hJ5dG-aE_uI+oP=wQ^rT&yU*iO(lK)jH[gS]",
    "DJANGO_ALLOWED_HOSTS": "desk.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://desk.example.org",
    # never connected to: the checks below read settings only
    "DATABASE_URL": "postgres://desk:secret@db.invalid:5432/claimdesk",
}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "AXES_"))}
    environment = {**clean, **PRODUCTION, **env}
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def production_settings(**env: str) -> dict:
    names = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"]
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = run(["-c", code], DJANGO_SETTINGS_MODULE="config.settings", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_under_the_documented_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_https_redirect_and_hsts_are_on_by_default_when_debug_is_off():
    assert production_settings() == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
    }


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DJANGO_SECURE_HSTS_SECONDS": "3600"}, {"SECURE_HSTS_SECONDS": 3600}),
        (
            {"DJANGO_SECURE_HSTS_SECONDS": "0"},
            {"SECURE_HSTS_SECONDS": 0, "SECURE_HSTS_INCLUDE_SUBDOMAINS": False, "SECURE_HSTS_PRELOAD": False},
        ),
        ({"DJANGO_SECURE_SSL_REDIRECT": "0"}, {"SECURE_SSL_REDIRECT": False}),
        (
            {"DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "0", "DJANGO_SECURE_HSTS_PRELOAD": "0"},
            {"SECURE_HSTS_INCLUDE_SUBDOMAINS": False, "SECURE_HSTS_PRELOAD": False},
        ),
    ],
)
def test_https_settings_follow_the_environment(env, expected):
    found = production_settings(**env)
    assert {name: found[name] for name in expected} == expected


def test_debug_mode_leaves_https_off_for_local_work():
    found = production_settings(DJANGO_DEBUG="1")
    assert found["SECURE_SSL_REDIRECT"] is False and found["SECURE_HSTS_SECONDS"] == 0
