"""Readiness by HTTP: each known process is ready when its URLs answer 2xx."""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from devtool.settings import Settings

POLL_INTERVAL = 0.02


@dataclass(frozen=True)
class Probe:
    process: str
    url: str


def probes_for(settings: Settings, names: list[str]) -> list[Probe]:
    """The API on /api/health; the UI on / and, in proxy mode, on /api/health through the proxy."""
    probes = []
    if "api" in names:
        probes.append(Probe("api", f"{settings.api_url}/api/health"))
    if "web" in names:
        probes.append(Probe("web", f"{settings.ui_url}/"))
        if settings.mode == "proxy":
            probes.append(Probe("web", f"{settings.ui_url}/api/health"))
    return probes


def http_ok(url: str, timeout: float = 2.0) -> bool:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", parts.path or "/", headers={"Accept": "*/*"})
        return 200 <= connection.getresponse().status < 300
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


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
            if self.check(probe.url):
                with self._lock:
                    self._pending[probe.process] -= 1
                    done = self._pending[probe.process] == 0
                if done:
                    self.on_ready(probe.process, time.monotonic() - began)
                return
            self._stopped.wait(POLL_INTERVAL)
