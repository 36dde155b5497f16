from __future__ import annotations

import pytest

from tests.helpers import DevtoolRun, copy_project, free_ports


@pytest.fixture(scope="session")
def shared_project(tmp_path_factory):
    """One project copy for tests that do not change its files."""
    return copy_project(tmp_path_factory.mktemp("project"))


@pytest.fixture
def project(tmp_path):
    """A project copy this test may break."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def ports():
    return free_ports(2)


@pytest.fixture
def devtool_up():
    runs: list[DevtoolRun] = []

    def start(root, *args, env=None):
        run = DevtoolRun(root, *args, env=env)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.cleanup()
