"""Locate the shared WordPress exports and this package's own fixtures."""

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
SHARED_WXR = Path(__file__).resolve().parents[2].parent / "shared" / "wxr"
PHPUNIT = SHARED_WXR / "wordpress-importer" / "phpunit-data"
THEME = SHARED_WXR / "WordPress-theme-test-data"


def shared(relative: Path | str) -> Path:
    """Return a shared export's path, skipping the test when it is absent."""
    path = SHARED_WXR / relative
    if not path.is_file():
        pytest.skip(f"shared WXR file not available: {relative}")
    return path


def phpunit(name: str) -> Path:
    """Return one of the WordPress importer's phpunit data files."""
    return shared(Path("wordpress-importer") / "phpunit-data" / name)


def theme(name: str = "themeunittestdata.wordpress.xml") -> Path:
    """Return one of the Theme Unit Test exports."""
    return shared(Path("WordPress-theme-test-data") / name)
