"""The supervisor with small real processes: groups, stop timeout, second signal, events."""

from __future__ import annotations

import signal
import sys
import time

import pytest

from devtool import runstate
from devtool.supervisor import Events, Supervisor, describe_exit

# A child that ignores SIGTERM, and starts a grandchild that ignores it too.
STUBBORN = (
    f"{sys.executable} -c \"import signal,subprocess,sys,time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    f"subprocess.Popen([sys.executable,'-c','import signal,time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)']); "
    f"print('ready', flush=True); time.sleep(60)\""
)


@pytest.fixture
def make_supervisor(tmp_path):
    made = []

    def make(processes, stop_timeout=3.0):
        events = Events()
        lines = []
        sup = Supervisor(
            processes,
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin"},
            events=events,
            on_line=lambda name, raw: lines.append((name, raw)),
            stop_timeout=stop_timeout,
        )
        sup.lines = lines
        made.append(sup)
        return sup

    yield make
    for sup in made:
        sup.signal_all(signal.SIGKILL)


def wait_event(events, kind, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = events.get(timeout=deadline - time.monotonic())
        if event and event[0] == kind:
            return event
    raise AssertionError(f"no {kind} event")


def wait_line(sup, text, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(text in raw.decode() for _, raw in sup.lines):
            return
        time.sleep(0.01)
    raise AssertionError(f"no line with {text!r}")


def test_each_process_leads_its_own_group_and_its_exit_is_an_event(make_supervisor):
    sup = make_supervisor({"a": "echo hello; exit 3", "b": "sleep 30"})
    sup.start()
    assert len({c.pgid for c in sup.children}) == 2
    assert all(c.pgid == c.proc.pid for c in sup.children)
    assert wait_event(sup.events, "exit")[1:] == ("a", 3)
    wait_line(sup, "hello")
    sup.stop()
    assert sup.alive() == []


def test_stubborn_child_and_grandchild_get_sigkill_after_the_timeout(make_supervisor):
    sup = make_supervisor({"stubborn": STUBBORN}, stop_timeout=0.5)
    sup.start()
    wait_line(sup, "ready")
    pgid = sup.children[0].pgid
    assert len(runstate.group_members(pgid)) >= 2
    took = sup.stop()
    assert runstate.group_members(pgid) == []
    assert took >= 0.5  # it waited for the timeout before SIGKILL


def test_a_second_signal_kills_at_once(make_supervisor):
    sup = make_supervisor({"stubborn": STUBBORN}, stop_timeout=30)
    sup.start()
    wait_line(sup, "ready")
    sup.events.put("signal", signal.SIGINT)  # the second Ctrl-C, already waiting
    took = sup.stop()
    assert sup.alive() == []
    assert took < 30


def test_events_wait_returns_none_after_timeout():
    events = Events()
    assert events.get(timeout=0.01) is None
    events.put("x", 1)
    assert events.get(timeout=0) == ("x", 1)


@pytest.mark.parametrize("code, text", [(1, "exited with code 1"), (0, "exited with code 0"), (-9, "killed by SIGKILL")])
def test_exit_descriptions(code, text):
    assert describe_exit(code) == text
