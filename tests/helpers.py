"""Test support: free ports, waiting for a condition, and processes stopped by their group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from devtool.runstate import group_members, processes  # noqa: F401 (re-exported for the tests)

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


def wait_until(condition, timeout: float = 30.0, interval: float = 0.05, what: str = "condition"):
    """Poll `condition` until it returns a truthy value; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def http_get(url: str, headers: dict | None = None, timeout: float = 5.0):
    """(status, headers, body) or None when nothing answers."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout):
        return None


def port_is_free(port: int) -> bool:
    """Could a server bind it? Flask and Vite set SO_REUSEADDR, so TIME_WAIT does not count."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def session_members(sid: int) -> list[int]:
    """Live (non-zombie) processes in session `sid`."""
    return [p.pid for p in processes() if p.sid == sid and p.alive]


class Spawned:
    """A process started in its own session, so that it and all it starts can be stopped together."""

    def __init__(self, args, env=None, cwd=REPO, **kwargs):
        self.proc = subprocess.Popen(args, cwd=cwd, env=env, start_new_session=True, **kwargs)
        self.pid = self.proc.pid

    def kill_all(self) -> None:
        """SIGKILL everything left in the session; the session id is the leader's pid."""
        for pid in session_members(self.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    venv_bin = str(Path(os.sys.executable).parent)
    env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def copy_project(dest: Path) -> Path:
    """A copy of the repository a test may break, with react_ui/node_modules linked, not copied."""
    import shutil

    ignore = shutil.ignore_patterns("node_modules", "build", ".env", "logs", "__pycache__", ".vite")
    shutil.copytree(REPO / "flask_api", dest / "flask_api", ignore=ignore)
    shutil.copytree(REPO / "react_ui", dest / "react_ui", ignore=ignore)
    for name in ("Procfile", "pyproject.toml"):
        shutil.copy(REPO / name, dest / name)
    (dest / "react_ui/node_modules").symlink_to(REPO / "react_ui/node_modules")
    (dest / "flask_api/.env").write_text("SECRET_KEY=test-only\n")
    return dest


class DevtoolRun:
    """`devtool up` (or `serve`) as a user runs it: its own session, output collected line by line."""

    def __init__(self, root: Path, *args: str, env: dict | None = None, command: str = "up"):
        import sys
        import threading

        self.root = root
        self.run_dir = root / ".devtool" / ("serve" if command == "serve" else "")
        self.lines: list[str] = []
        self.spawned = Spawned(
            [sys.executable, "-m", "devtool", "--root", str(root), command, *args],
            env=env or child_env(),
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.proc = self.spawned.proc
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float = 60.0) -> None:
        def seen():
            if any(text in line for line in self.lines):
                return True
            if self.proc.poll() is not None:
                self._reader.join(timeout=2)
                if any(text in line for line in self.lines):
                    return True
                raise AssertionError(f"devtool exited {self.proc.returncode} before {text!r}:\n{self.output}")
            return False

        wait_until(seen, timeout=timeout, what=f"{text!r} in devtool's output:\n{self.output}")

    def run_state(self) -> dict:
        import json

        return json.loads((self.run_dir / "run.json").read_text())

    def groups(self) -> list[int]:
        return [child["pgid"] for child in self.run_state()["children"]]

    def wait(self, timeout: float = 30.0) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def cleanup(self) -> None:
        """Whatever happened in the test, nothing of this run stays alive."""
        import json

        try:
            state = json.loads((self.run_dir / "run.json").read_text())
            groups = [c["pgid"] for c in state["children"]]
        except (OSError, ValueError, KeyError):
            groups = []
        self.spawned.kill_all()
        for pgid in groups:
            for pid in group_members(pgid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
