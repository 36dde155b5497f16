"""Fixtures shared by every test: the Flask app and client, free ports, process cleanup."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from flask_api.app import create_app
from flask_api.app.api import reset_color

REPO = Path(__file__).resolve().parent.parent
UI_ORIGINS = ("http://localhost:3000", "http://127.0.0.1:3000")


@pytest.fixture
def app():
    reset_color()
    app = create_app({"TESTING": True, "CORS_ORIGINS": UI_ORIGINS})
    yield app
    reset_color()


@pytest.fixture
def client(app):
    return app.test_client()


def require_module(name: str, install: str):
    """The imported module, or a skip locally; under CI (DEVTOOL_REQUIRE_SYSTEM=1) a failure."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        message = f"{name} is not importable ({install})"
        if os.environ.get("DEVTOOL_REQUIRE_SYSTEM"):
            pytest.fail(message + "; DEVTOOL_REQUIRE_SYSTEM forbids skipping", pytrace=False)
        pytest.skip(reason=message)


def require_program(name: str, path: str | None = None) -> str:
    """The program's path, or a skip locally; under CI (DEVTOOL_REQUIRE_SYSTEM=1) a failure."""
    found = path if path and os.access(path, os.X_OK) else shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (apt-get install -y {name})"
    if os.environ.get("DEVTOOL_REQUIRE_SYSTEM"):
        pytest.fail(message + "; DEVTOOL_REQUIRE_SYSTEM forbids skipping", pytrace=False)
    pytest.skip(reason=message)
