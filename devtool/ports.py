"""Is a port free, and if not, which process holds it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Holder:
    pid: int | None
    command: str

    def describe(self, port: int) -> str:
        who = f"pid {self.pid} ({self.command})" if self.pid else self.command
        if port == 5000 and sys.platform == "darwin" and ("ControlCe" in self.command or "AirPlay" in self.command):
            who += ": macOS AirPlay Receiver; turn it off in System Settings > General > AirDrop & Handoff"
        return who


def is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Can a server bind `host:port` the way Flask and Vite do (with SO_REUSEADDR)?"""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(inode)
    return inodes


def command_of(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:120] or "?"


def _holder_linux(port: int) -> Holder | None:
    inodes = _listening_inodes(port)
    if not inodes:
        return None
    targets = {f"socket:[{inode}]" for inode in inodes}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fds = os.listdir(entry / "fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(entry / "fd" / fd) in targets:
                    pid = int(entry.name)
                    return Holder(pid, command_of(pid))
            except OSError:
                continue
    return Holder(None, "a process devtool may not inspect (another user's?)")


def _holder_lsof(port: int) -> Holder | None:
    try:
        out = subprocess.run(
            ["lsof", "-nP", f"-iTCP:{port}", "-sTCP:LISTEN", "-Fpc"], capture_output=True, text=True, timeout=5
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    pid, command = None, "?"
    for line in out.splitlines():
        if line.startswith("p") and pid is None:
            pid = int(line[1:])
        elif line.startswith("c") and command == "?":
            command = line[1:]
    return Holder(pid, command) if pid else None


def holder(port: int) -> Holder | None:
    """The process listening on `port`, or None when nothing does (or it cannot be told)."""
    if Path("/proc/net/tcp").exists():
        return _holder_linux(port)
    return _holder_lsof(port)
