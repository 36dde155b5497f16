"""Faults during a run: a process dies, ignores SIGTERM, logs cannot be written; the run copes."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from tests.helpers import group_members, http_get, port_is_free

pytestmark = pytest.mark.integration

# A process that ignores SIGTERM, as badly written workers do.
STUBBORN = f"stubborn: {sys.executable} -c \"import signal,time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('stubborn up', flush=True); time.sleep(120)\"\n"


def up_args(ports, *extra):
    api, ui = ports
    return ("--api-port", str(api), "--ui-port", str(ui), *extra)


def group_of(run, name: str) -> int:
    return next(c["pgid"] for c in run.run_state()["children"] if c["name"] == name)


@pytest.mark.parametrize("name, other", [("api", "web"), ("web", "api")])
def test_a_process_dying_mid_run_ends_the_run_naming_it(shared_project, ports, devtool_up, name, other):
    run = devtool_up(shared_project, *up_args(ports))
    run.wait_for(" · mode ")
    groups = run.groups()
    os.killpg(group_of(run, name), signal.SIGKILL)  # the server crashes hard
    assert run.wait() == 1
    assert f"{name} killed by SIGKILL; stopping the others" in run.output
    assert [g for g in groups if group_members(g)] == []
    assert port_is_free(ports[0]) and port_is_free(ports[1])


def start_with_stubborn(project, ports, devtool_up, stop_timeout: str):
    """`devtool up` with one more Procfile process, one that ignores SIGTERM."""
    with (project / "Procfile").open("a") as procfile:
        procfile.write(STUBBORN)
    run = devtool_up(project, *up_args(ports, "--stop-timeout", stop_timeout))
    run.wait_for(" · mode ")
    run.wait_for("stubborn up")
    return run, run.groups()


def test_a_child_ignoring_sigterm_is_killed_after_the_stop_timeout(project, ports, devtool_up):
    run, groups = start_with_stubborn(project, ports, devtool_up, "0.5")
    began = time.monotonic()
    os.killpg(run.proc.pid, signal.SIGINT)
    assert run.wait() == 130
    assert time.monotonic() - began >= 0.5  # it did wait for the timeout before SIGKILL
    assert [g for g in groups if group_members(g)] == []


def test_a_second_ctrl_c_kills_at_once(project, ports, devtool_up):
    run, groups = start_with_stubborn(project, ports, devtool_up, "60")
    os.killpg(run.proc.pid, signal.SIGINT)
    run.wait_for("SIGINT received")
    os.killpg(run.proc.pid, signal.SIGINT)
    assert run.wait(timeout=10) == 130  # far sooner than the 60 s stop timeout
    assert [g for g in groups if group_members(g)] == []


def test_an_unwritable_log_folder_is_a_warning_and_the_run_goes_on(project, ports, devtool_up):
    (project / ".devtool").mkdir()
    (project / ".devtool/logs").write_text("a file where the log folder should be")
    run = devtool_up(project, *up_args(ports))
    run.wait_for(" · mode ")
    assert "warning: cannot write process logs in" in run.output
    assert http_get(f"http://127.0.0.1:{ports[1]}/api/health")[0] == 200


def test_a_full_disk_for_logs_is_a_warning_and_the_run_goes_on(project, ports, devtool_up):
    logs = project / ".devtool/logs"
    logs.mkdir(parents=True)
    for name in ("api", "web"):
        (logs / f"{name}.log").symlink_to("/dev/full")  # every write fails with ENOSPC
    run = devtool_up(project, *up_args(ports))
    run.wait_for(" · mode ")
    run.wait_for("No space left on device")
    assert "warning: stopped writing" in run.output
    assert http_get(f"http://127.0.0.1:{ports[1]}/api/color")[0] == 200
    assert any(line.split("|")[0].split()[-1] == "api" for line in run.lines)  # the terminal still gets the logs
