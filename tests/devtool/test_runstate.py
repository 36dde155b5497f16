"""Leftovers of a crashed run are stopped; a stranger that reused a pid never is."""

from __future__ import annotations

import json
import os
import sys

import pytest

from devtool import runstate
from devtool.errors import DevtoolError
from tests.helpers import Spawned, wait_until

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


@pytest.fixture
def spawned():
    procs = []

    def spawn():
        proc = Spawned(SLEEPER)
        procs.append(proc)
        return proc

    yield spawn
    for proc in procs:
        proc.kill_all()


def write_pidfile(run_dir, children, owner=None):
    run_dir.mkdir(exist_ok=True)
    owner = owner or {"name": "devtool", "pid": 999999, "pgid": 999999, "started": 1}
    (run_dir / runstate.PIDFILE).write_text(json.dumps({"devtool": owner, "children": children}))


def test_leftover_group_of_our_own_is_stopped(tmp_path, spawned):
    ours = spawned()
    entry = {"name": "api", "pid": ours.pid, "pgid": ours.pid, "started": runstate.start_time(ours.pid)}
    write_pidfile(tmp_path, [entry])
    assert runstate.clean_leftovers(tmp_path) == ["api"]
    wait_until(lambda: ours.proc.poll() is not None, timeout=5, what="leftover stopped")
    assert not (tmp_path / runstate.PIDFILE).exists()


def test_stranger_with_a_recorded_pid_is_never_killed(tmp_path, spawned):
    stranger = spawned()
    # The pidfile says "our api had this pid", but it was started at another time: pid reused.
    entry = {"name": "api", "pid": stranger.pid, "pgid": stranger.pid, "started": runstate.start_time(stranger.pid) - 5}
    write_pidfile(tmp_path, [entry])
    assert runstate.clean_leftovers(tmp_path) == []
    assert stranger.proc.poll() is None
    os.kill(stranger.pid, 0)  # still alive


def test_stranger_in_a_recorded_group_without_start_time_is_never_killed(tmp_path, spawned):
    stranger = spawned()
    write_pidfile(tmp_path, [{"name": "web", "pid": stranger.pid, "pgid": stranger.pid, "started": None}])
    assert runstate.clean_leftovers(tmp_path) == []
    assert stranger.proc.poll() is None


def test_a_live_devtool_owner_refuses_a_second_run(tmp_path, spawned):
    other = spawned()
    owner = {"name": "devtool", "pid": other.pid, "pgid": other.pid, "started": runstate.start_time(other.pid)}
    write_pidfile(tmp_path, [], owner)
    with pytest.raises(DevtoolError, match=f"already running here \\(pid {other.pid}\\)"):
        runstate.clean_leftovers(tmp_path)


def test_garbage_pidfile_is_ignored(tmp_path):
    (tmp_path / runstate.PIDFILE).write_text("{not json")
    assert runstate.clean_leftovers(tmp_path) == []
