"""The repository's own contract: layout, idempotent install."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.helpers import REPO


def test_top_level_is_the_designed_layout():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    top = {name.split("/")[0] for name in tracked}
    assert top == {".ci", ".gitignore", "Makefile", "Procfile", "README.md", "pyproject.toml",
                   "flask_api", "react_ui", "devtool", "tests", "bench"}
    for required in ("flask_api/README.md", "flask_api/requirements.txt", "flask_api/.env.example", "flask_api/logs/.gitkeep",
                     "react_ui/README.md", "react_ui/package-lock.json", "react_ui/vite.config.js", ".ci/run"):
        assert required in tracked, required


def test_install_is_a_no_op_when_nothing_changed():
    if not shutil.which("make"):
        pytest.skip(reason="make is not installed")
    if not (REPO / ".venv/.installed").exists():
        pytest.skip(reason="not installed through `make install` (the stamp files are missing)")
    # -q: exit 0 only when every install target is up to date, so `make test` runs nothing again.
    assert subprocess.run(["make", "-q", "install"], cwd=REPO).returncode == 0
