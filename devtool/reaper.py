"""The guardian: stops the run's process groups if devtool dies without stopping them itself.

devtool forks it before starting anything (no thread exists yet, so the fork is safe) and keeps
a pipe to it. It leaves devtool's session, so a terminal's signals do not reach it. Lines
`+<pgid>` register a group, `done` means devtool stopped everything itself. End of file without
`done` means devtool died, even under `kill -9`: the guardian then sends SIGTERM to every group,
and SIGKILL after the stop timeout. PR_SET_PDEATHSIG alone would reach only the direct children,
not Flask's reloader child or node. A fork costs no interpreter start, and CPU at start-up is
taken from Flask and Vite starting beside it.
"""

from __future__ import annotations

import os
import signal
import time

from devtool.runstate import live_groups


class Guardian:
    def __init__(self, stop_timeout: float) -> None:
        read, self._write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the guardian
            code = 0
            try:
                os.close(self._write)
                _guard(read, stop_timeout)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(read)

    def register(self, pgid: int) -> None:
        self._send(f"+{pgid}\n")

    def release(self) -> None:
        """devtool stopped everything itself: the guardian exits without touching anything."""
        self._send("done\n")
        try:
            os.close(self._write)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass

    def _send(self, line: str) -> None:
        try:
            os.write(self._write, line.encode())
        except OSError:
            pass


def _guard(read: int, stop_timeout: float) -> None:
    for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_IGN)
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.closerange(3, read)
    os.closerange(read + 1, 65536)
    groups: list[int] = []
    buffer = b""
    while True:
        chunk = os.read(read, 4096)
        if not chunk:
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            if line == b"done":
                return
            if line.startswith(b"+"):
                groups.append(int(line[1:]))
    stop_groups(groups, stop_timeout)


def stop_groups(groups: list[int], timeout: float) -> None:
    for pgid in groups:
        try:
            os.killpg(pgid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
    deadline = time.monotonic() + timeout
    while live_groups(groups) and time.monotonic() < deadline:
        time.sleep(0.02)
    for pgid in groups:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
