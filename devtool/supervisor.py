"""Starting the run's processes, each in its own process group, and stopping every one of them.

honcho's Manager installs signal handlers it never restores, polls, waits a fixed 5 s before
SIGKILL and leaves its children running when it is killed; devtool owns supervision instead:
one session per process, a guardian for `kill -9`, and stops judged by the whole group.
"""

from __future__ import annotations

import collections
import ctypes
import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from devtool import runstate
from devtool.reaper import Guardian

PR_SET_PDEATHSIG = 1


class Events:
    """A queue the main thread can block on that also wakes for signals and threads alike."""

    def __init__(self) -> None:
        self._items: collections.deque = collections.deque()
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    def put(self, *event) -> None:
        # Safe from a signal handler and from any thread: deque.append is atomic.
        self._items.append(event)
        try:
            os.write(self._write, b"\0")
        except BlockingIOError:
            pass  # the pipe is full of wake-ups already

    def get(self, timeout: float | None = None):
        """The next event, or None after `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._items:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self._read], [], [], remaining)
            if ready:
                try:
                    os.read(self._read, 4096)
                except BlockingIOError:
                    pass
            elif deadline is not None and time.monotonic() >= deadline:
                return None
        return self._items.popleft()

    def close(self) -> None:
        os.close(self._read)
        os.close(self._write)


def _pdeathsig_preexec() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to SIGTERM the child when devtool dies, or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    # CDLL(None) is the running program with libc linked in; find_library("c") would run ldconfig.
    libc = ctypes.CDLL(None, use_errno=True)
    prctl = libc.prctl

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)

    return preexec


@dataclass
class Child:
    name: str
    command: str
    proc: subprocess.Popen
    started: float
    pgid: int = field(init=False)

    def __post_init__(self) -> None:
        self.pgid = self.proc.pid  # start_new_session: the child leads its own session and group

    def entry(self) -> runstate.Entry:
        return runstate.Entry(self.name, self.proc.pid, self.pgid, runstate.start_time(self.proc.pid))


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


class Supervisor:
    """Spawns the processes, reports their output and exits as events, and stops their groups."""

    def __init__(
        self,
        processes: dict[str, str],
        *,
        cwd: Path,
        env: dict[str, str],
        events: Events,
        on_line: Callable[[str, bytes], None],
        stop_timeout: float,
        guardian: bool = True,
    ) -> None:
        self.processes = processes
        self.cwd = cwd
        self.env = env
        self.events = events
        self.on_line = on_line
        self.stop_timeout = stop_timeout
        self.guardian = guardian
        self.children: list[Child] = []
        self._guardian: Guardian | None = None

    def start(self) -> None:
        """Start every process at once (no thread runs yet: preexec_fn is safe here)."""
        if self.guardian:
            self._guardian = Guardian(self.stop_timeout)
        preexec = _pdeathsig_preexec()
        for name, command in self.processes.items():
            proc = subprocess.Popen(
                ["/bin/sh", "-c", command],
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=preexec,
            )
            child = Child(name, command, proc, time.monotonic())
            self.children.append(child)
            if self._guardian:
                self._guardian.register(child.pgid)
        for child in self.children:
            threading.Thread(target=self._pump, args=(child,), name=f"read-{child.name}", daemon=True).start()
            threading.Thread(target=self._wait, args=(child,), name=f"wait-{child.name}", daemon=True).start()

    def _pump(self, child: Child) -> None:
        assert child.proc.stdout is not None
        for raw in iter(child.proc.stdout.readline, b""):
            self.on_line(child.name, raw)
        child.proc.stdout.close()

    def _wait(self, child: Child) -> None:
        code = child.proc.wait()
        self.events.put("exit", child.name, code)

    def entries(self) -> list[runstate.Entry]:
        return [child.entry() for child in self.children]

    def alive(self) -> list[str]:
        """Names of the processes with any live member left in their group."""
        live = runstate.live_groups(c.pgid for c in self.children)
        return [c.name for c in self.children if c.pgid in live]

    def signal_all(self, signum: int) -> None:
        for child in self.children:
            try:
                os.killpg(child.pgid, signum)
            except (ProcessLookupError, PermissionError):
                pass

    def stop(self, on_event: Callable[[tuple], None] | None = None) -> float:
        """SIGTERM every group; SIGKILL after the stop timeout or when a second signal arrives.

        Returns the seconds it took until no process of the run was left.
        """
        began = time.monotonic()
        self.signal_all(signal.SIGTERM)
        deadline = began + self.stop_timeout
        killed = False
        while self.alive():
            now = time.monotonic()
            if not killed and now >= deadline:
                self.signal_all(signal.SIGKILL)
                killed = True
            wait = 0.01 if killed else min(0.01, max(0.0, deadline - now))
            event = self.events.get(timeout=wait)
            if event is None:
                continue
            if event[0] == "signal" and not killed:
                self.signal_all(signal.SIGKILL)  # a second Ctrl-C: no more patience
                killed = True
            if on_event:
                on_event(event)
        for child in self.children:
            try:
                child.proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        if self._guardian:
            self._guardian.release()
            self._guardian = None
        return time.monotonic() - began
