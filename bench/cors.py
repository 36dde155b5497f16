"""check-cors against CORScanner, in the same run.

- wall: whole-process time of `devtool check-cors --json` and of `corscanner -u` against the
  running dev stack, and the requests each sent, counted in Flask's own request log (devtool's
  proxy probes reach Flask through Vite and are counted there too);
- detection: which dangerous configurations of the browser-test matrix each one reports.
"""

from __future__ import annotations

import json
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.helpers import DevtoolRun, Spawned, child_env, copy_project, free_port, free_ports

BIN = Path(sys.executable).parent
REQUEST_LINE = re.compile(r'"(GET|POST|OPTIONS|HEAD|PUT|DELETE|PATCH) \S+ HTTP/1\.[01]"')
DANGEROUS = ("reflect-credentials", "flask-cors-defaults", "prefix-regex", "null-allowed")


def devtool_check(root: Path, api: str, origin: str | None = None, path: str | None = None) -> list[str]:
    command = [str(BIN / "devtool"), "--root", str(root), "check-cors", "--json", "--no-ui", "--api", api]
    if origin:
        command += ["--origin", origin]
    if path:
        command += ["--path", path]
    return command


def corscanner(url: str, out: Path | None = None) -> list[str]:
    return [str(BIN / "corscanner"), "-u", url] + (["-o", str(out)] if out else [])


def request_lines(log: Path) -> int:
    return sum(1 for line in log.read_text(errors="replace").splitlines() if REQUEST_LINE.search(line))


def settled_count(log: Path) -> int:
    """Flask's request lines once they stop growing (they reach the file through devtool's pipe)."""
    last = -1
    while True:
        now = request_lines(log)
        if now == last:
            return now
        last = now
        time.sleep(0.1)


def timed(command: list[str], log: Path, env: dict) -> tuple[float, int]:
    before = settled_count(log)
    began = time.monotonic()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wall = time.monotonic() - began
    return wall, settled_count(log) - before


def wall_and_requests(runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "project")
        api_port, ui_port = free_ports(2)
        stack = DevtoolRun(root, "--api-port", str(api_port), "--ui-port", str(ui_port))
        try:
            stack.wait_for(" · mode ")
            api = f"http://127.0.0.1:{api_port}"
            log = root / ".devtool/logs/api.log"
            # Plain `devtool check-cors --json`, as a user runs it beside `devtool up`: the defaults
            # (both UI origins, the proxy check) come from the same settings, here the environment.
            env = child_env(API_PORT=str(api_port), UI_PORT=str(ui_port))
            ours = [[str(BIN / "devtool"), "--root", str(root), "check-cors", "--json"], corscanner(f"{api}/api/color")]
            for command in ours:  # warm both
                timed(command, log, env)
            samples: dict[str, list[tuple[float, int]]] = {"devtool": [], "corscanner": []}
            for _ in range(runs):
                samples["devtool"].append(timed(ours[0], log, env))
                samples["corscanner"].append(timed(ours[1], log, env))
        finally:
            stack.proc.send_signal(signal.SIGINT)
            stack.wait()
            stack.cleanup()
    devtool_s = statistics.median(s[0] for s in samples["devtool"])
    peer_s = statistics.median(s[0] for s in samples["corscanner"])
    return {
        "devtool_s": round(devtool_s, 4),
        "peer_s": round(peer_s, 4),
        "peer": "corscanner",
        "ratio": round(devtool_s / peer_s, 3),
        "devtool_requests": max(s[1] for s in samples["devtool"]),
        "peer_requests": max(s[1] for s in samples["corscanner"]),
        "goal": "more requests (preflights included) in less wall time",
    }


def detection() -> dict:
    page_port = free_port()
    servers = Spawned([sys.executable, "-m", "tests.browser.cors_servers", str(page_port)], env=child_env(), stdout=subprocess.PIPE, text=True, stderr=subprocess.DEVNULL)
    root = Path(__file__).resolve().parent.parent
    found: dict[str, dict[str, bool]] = {}
    try:
        ports = json.loads(servers.proc.stdout.readline())
        with tempfile.TemporaryDirectory() as tmp:
            for name in DANGEROUS:
                api = f"http://127.0.0.1:{ports[name]}"
                ours = subprocess.run(devtool_check(root, api, f"http://localhost:{page_port}", "/api/color"), capture_output=True, text=True, env=child_env())
                report = json.loads(ours.stdout)
                out = Path(tmp) / f"{name}.json"
                subprocess.run(corscanner(f"{api}/api/color", out), capture_output=True, env=child_env())
                peer = json.loads(out.read_text()) if out.exists() and out.read_text().strip() else []
                found[name] = {
                    "devtool": any(f["severity"] in ("high", "medium") for f in report["findings"]),
                    "corscanner": bool(peer),
                }
    finally:
        servers.kill_all()
    return {
        "devtool_found": sum(v["devtool"] for v in found.values()),
        "peer_found": sum(v["corscanner"] for v in found.values()),
        "dangerous": len(DANGEROUS),
        "peer": "corscanner",
        "cases": found,
        "goal": "every dangerous configuration found; CORScanner finds fewer",
    }


def run(runs: int = 7) -> dict:
    return {"check-cors": wall_and_requests(runs), "cors-detection": detection()}
