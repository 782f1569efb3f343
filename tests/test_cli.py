import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from manchette.settings import env


def test_cli_runs_django_check_with_default_settings():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from manchette.cli import main; main(['manchette', 'check'])",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_missing_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = subprocess.run(
        [sys.executable, "-c", "import manchette.settings.production"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "", "ALLOWED_HOSTS": "example.org"},
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_debug():
    result = subprocess.run(
        [sys.executable, "-c", "import manchette.settings.production"],
        capture_output=True,
        text=True,
        check=False,
        env={"DEBUG": "1", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.org"},
    )
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("off", False), ("Yes", True)]
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("MANCHETTE_FLAG", raw)
    assert env.env_bool("MANCHETTE_FLAG", default=not expected) is expected


def test_env_bool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("MANCHETTE_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="MANCHETTE_FLAG must be a boolean"):
        env.env_bool("MANCHETTE_FLAG", default=False)
