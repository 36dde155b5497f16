"""Readiness by HTTP: each known process is ready when its URLs answer 2xx.

The probe speaks just enough HTTP/1.1 over a socket to read the status line: http.client and
its email-parser imports would cost devtool more CPU at start than the probe ever needs, on a
machine where every millisecond of CPU is taken from Flask and Vite starting up.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable

from devtool.settings import Settings

POLL_INTERVAL = 0.02


@dataclass(frozen=True)
class Probe:
    process: str
    host: str
    port: int
    path: str

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.path}"


def probes_for(settings: Settings, names: list[str]) -> list[Probe]:
    """The API on /api/health; the UI on / and, in proxy mode, on /api/health through the proxy."""
    probes = []
    if "api" in names:
        probes.append(Probe("api", "127.0.0.1", settings.api_port, "/api/health"))
    if "web" in names:
        probes.append(Probe("web", "127.0.0.1", settings.ui_port, "/"))
        if settings.mode == "proxy":
            probes.append(Probe("web", "127.0.0.1", settings.ui_port, "/api/health"))
    return probes


def status_of(probe: Probe, timeout: float = 2.0) -> int | None:
    """The HTTP status `probe` answers with, or None when nothing answers properly."""
    request = (
        f"GET {probe.path} HTTP/1.1\r\nHost: {probe.host}:{probe.port}\r\n"
        "Accept: */*\r\nUser-Agent: devtool-readiness\r\nConnection: close\r\n\r\n"
    ).encode()
    try:
        with socket.create_connection((probe.host, probe.port), timeout=timeout) as sock:
            sock.sendall(request)
            received = b""
            while b"\r\n" not in received and len(received) < 4096:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                received += chunk
            while sock.recv(65536):  # drain, so the server never writes into a reset connection
                pass
    except OSError:
        return None
    parts = received.split(b"\r\n", 1)[0].split()
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
        return int(parts[1])
    return None


def http_ok(probe: Probe) -> bool:
    status = status_of(probe)
    return status is not None and 200 <= status < 300


class Readiness:
    """Polls every probe in its own thread, so neither server's start waits on the other's."""

    def __init__(self, probes: list[Probe], on_ready: Callable[[str, float], None], check=http_ok) -> None:
        self.probes = probes
        self.on_ready = on_ready
        self.check = check
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._pending = {p.process: sum(q.process == p.process for q in probes) for p in probes}

    def start(self, began: float) -> None:
        for probe in self.probes:
            threading.Thread(target=self._poll, args=(probe, began), name=f"probe-{probe.process}", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()

    def _poll(self, probe: Probe, began: float) -> None:
        while not self._stopped.is_set():
            if self.check(probe):
                with self._lock:
                    self._pending[probe.process] -= 1
                    done = self._pending[probe.process] == 0
                if done:
                    self.on_ready(probe.process, time.monotonic() - began)
                return
            self._stopped.wait(POLL_INTERVAL)
