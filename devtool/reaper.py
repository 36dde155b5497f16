"""The guardian: stops the run's process groups if devtool dies without stopping them itself.

devtool starts this file as a separate process (in its own session, so a terminal's signals do
not reach it) and keeps a pipe to its stdin open. Lines `+<pgid>` register a group, `done` means
devtool stopped everything itself. End of file without `done` means devtool died, even under
`kill -9`: the guardian then sends SIGTERM to every group, and SIGKILL after the stop timeout.
PR_SET_PDEATHSIG alone would reach only the direct children, not Flask's reloader child or node.
Standard library only: it runs with `python -I -S` and must start in milliseconds.
"""

from __future__ import annotations

import os
import signal
import sys
import time


def alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A group of zombies only (waiting for a parent that is gone) counts as stopped.
    try:
        for name in os.listdir("/proc"):
            if name.isdigit():
                with open(f"/proc/{name}/stat") as handle:
                    stat = handle.read()
                fields = stat[stat.rindex(")") + 2 :].split()
                if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                    return True
        return False
    except OSError:
        return True


def stop_groups(groups: list[int], timeout: float) -> None:
    for pgid in groups:
        try:
            os.killpg(pgid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
    deadline = time.monotonic() + timeout
    while any(alive(g) for g in groups) and time.monotonic() < deadline:
        time.sleep(0.02)
    for pgid in groups:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def main(argv: list[str]) -> int:
    for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_IGN)
    timeout = float(argv[1]) if len(argv) > 1 else 3.0
    groups: list[int] = []
    for line in sys.stdin:
        line = line.strip()
        if line == "done":
            return 0
        if line.startswith("+"):
            groups.append(int(line[1:]))
    stop_groups(groups, timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
