"""The run's pidfile: what a previous devtool run started, so its leftovers can be stopped
without ever touching a stranger that reused one of its pids."""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from devtool.errors import DevtoolError
from devtool.files import write_atomic

PIDFILE = "run.json"


def start_time(pid: int) -> int | None:
    """The kernel's start time of `pid` (clock ticks since boot); with the pid it names one process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2 :].split()[19])


@dataclass(frozen=True)
class Proc:
    pid: int
    state: str
    ppid: int
    pgid: int
    sid: int

    @property
    def alive(self) -> bool:
        return self.state not in ("Z", "X")  # a zombie has stopped; it only waits to be reaped


def processes() -> list[Proc]:
    """Every process on a Linux machine, from /proc (empty elsewhere)."""
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state = fields[0]
        if state == "Z" and _other_threads_live(name):
            # The main thread of a multi-threaded process (node) can be a zombie while its other
            # threads still exit, holding the process's sockets: it is not gone yet.
            state = "D"
        found.append(Proc(int(name), state, int(fields[1]), int(fields[2]), int(fields[3])))
    return found


def _other_threads_live(pid: str) -> bool:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    for task in tasks:
        if task == pid:
            continue
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        if stat[stat.rindex(")") + 2] not in "ZX":
            return True
    return False


def group_members(pgid: int) -> list[int]:
    """Live processes in process group `pgid`; zombies count as gone."""
    if not Path("/proc/self/stat").exists():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return []
        except PermissionError:
            pass
        return [pgid]
    return [p.pid for p in processes() if p.pgid == pgid and p.alive]


def live_groups(pgids) -> set[int]:
    """Which of `pgids` still have a live member, from one look at /proc for all of them."""
    wanted = set(pgids)
    if not Path("/proc/self/stat").exists():
        return {g for g in wanted if group_members(g)}
    return {p.pgid for p in processes() if p.pgid in wanted and p.alive}


@dataclass(frozen=True)
class Entry:
    name: str
    pid: int
    pgid: int
    started: int | None

    def is_ours(self) -> bool:
        """Still the very process we started: same pid, same group, same start time."""
        if self.started is None or start_time(self.pid) != self.started:
            return False
        try:
            return os.getpgid(self.pid) == self.pgid
        except ProcessLookupError:
            return False

    def leftovers(self) -> list[int]:
        """Live members of the group we started, or [] when that cannot be proven.

        Linux never hands out a pid that is still some process's group id, so while any member
        of our group lives, our leader's pid cannot belong to a stranger. A live process with
        that pid but another start time therefore means the group is gone and the pid reused.
        """
        if self.started is None or self.pgid != self.pid:
            return []
        now = start_time(self.pid)
        if now is not None and now != self.started:
            return []
        return group_members(self.pgid)


def write(run_dir: Path, entries: list[Entry]) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    me = Entry("devtool", os.getpid(), os.getpgid(0), start_time(os.getpid()))
    data = {"devtool": asdict(me), "children": [asdict(e) for e in entries]}
    write_atomic(run_dir / PIDFILE, json.dumps(data, indent=2) + "\n")


def remove(run_dir: Path) -> None:
    try:
        (run_dir / PIDFILE).unlink()
    except FileNotFoundError:
        pass


def read(run_dir: Path) -> tuple[Entry | None, list[Entry]]:
    try:
        data = json.loads((run_dir / PIDFILE).read_text())
        return Entry(**data["devtool"]), [Entry(**e) for e in data["children"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None, []


def clean_leftovers(run_dir: Path) -> list[str]:
    """Stop what a crashed earlier run left behind; return the names stopped.

    Only groups whose leader is provably the process we started are signalled.
    """
    owner, entries = read(run_dir)
    if owner is None and not entries:
        remove(run_dir)
        return []
    if owner and owner.pid != os.getpid() and owner.is_ours():
        raise DevtoolError(
            f"devtool is already running here (pid {owner.pid})",
            f"stop it with Ctrl-C in its terminal, or `kill {owner.pid}`",
        )
    stopped = []
    for entry in entries:
        if entry.leftovers():
            try:
                os.killpg(entry.pgid, signal.SIGKILL)
                stopped.append(entry.name)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 3
    while live_groups(e.pgid for e in entries if e.name in stopped) and time.monotonic() < deadline:
        time.sleep(0.02)
    remove(run_dir)
    return stopped


