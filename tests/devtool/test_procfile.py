"""The Procfile parser: honcho's format, but a line honcho would skip is an error here."""

from __future__ import annotations

import pytest

from devtool.errors import ConfigError
from devtool.procfile import load, parse
from tests.helpers import REPO


def test_the_shipped_procfile_has_api_and_web():
    assert list(load(REPO)) == ["api", "web"]


def test_comments_and_blank_lines_are_fine():
    assert parse("# dev\n\napi: python app.py\nworker_2: celery -A x\n") == {
        "api": "python app.py",
        "worker_2": "celery -A x",
    }


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("api python app.py\n", "line 1 is not `name: command`"),  # no colon
        ("api: a\nweb:\n", "line 2 is not"),  # no command
        ("my api: x\n", "line 1 is not"),  # space in the name
        ("api: a\napi: b\n", "'api' is already defined on line 1"),  # duplicate
        ("# nothing\n\n", "defines no processes"),  # empty
    ],
)
def test_malformed_procfile_is_a_clear_error(text, fragment):
    with pytest.raises(ConfigError, match=fragment):
        parse(text)


def test_missing_procfile_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no Procfile"):
        load(tmp_path)
