"""Side-by-side benchmarks, run by `make bench`: devtool against its peers in one run, as ratios.

- startup: spawn to both servers answering (API /api/health, UI / and /api/health through the
  proxy), `devtool up` against plain `honcho start` on the same Procfile;
- stop: SIGINT to the runner's process group (a terminal's Ctrl-C) to every process gone and both
  ports free;
- help: `devtool --help` against `honcho --help`, whole-process wall time.
Each figure is the median of several alternating runs. Results go to bench/results.json.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtool.runstate import processes  # noqa: E402
from tests.helpers import (  # noqa: E402
    child_env,
    copy_project,
    free_ports,
    http_get,
    port_is_free,
    session_members,
)

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
BIN = Path(sys.executable).parent


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for proc in processes():
        children.setdefault(proc.ppid, []).append(proc.pid)
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    return any(p.pid == pid and p.alive for p in processes())


def runner_command(tool: str, api: int, ui: int, root: Path) -> list[str]:
    if tool == "devtool":
        return [str(BIN / "devtool"), "--root", str(root), "up", "--api-port", str(api), "--ui-port", str(ui)]
    return [str(BIN / "honcho"), "start"]


def one_run(tool: str, root: Path, api: int, ui: int) -> tuple[float, float]:
    """(seconds to both servers answering, seconds from SIGINT to nothing left and ports free)."""
    env = child_env(API_PORT=str(api), UI_PORT=str(ui))
    urls = [f"http://127.0.0.1:{api}/api/health", f"http://127.0.0.1:{ui}/", f"http://127.0.0.1:{ui}/api/health"]
    began = time.monotonic()
    proc = subprocess.Popen(
        runner_command(tool, api, ui, root), cwd=root, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        pending = list(urls)
        while pending:
            pending = [u for u in pending if not (r := http_get(u, timeout=1)) or r[0] != 200]
            if proc.poll() is not None:
                raise RuntimeError(f"{tool} exited early with {proc.returncode}")
            if pending:
                time.sleep(0.005)
        ready = time.monotonic() - began

        tree = descendants(proc.pid) | {proc.pid}
        stop_began = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        deadline = stop_began + 30
        while time.monotonic() < deadline:
            proc.poll()
            if not any(alive(p) for p in tree) and port_is_free(api) and port_is_free(ui):
                break
            time.sleep(0.005)
        stopped = time.monotonic() - stop_began
        return ready, stopped
    finally:
        for pid in descendants(proc.pid) | {proc.pid} | set(session_members(proc.pid)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait()


def help_wall(command: list[str]) -> float:
    began = time.monotonic()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    return time.monotonic() - began


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    from rich.console import Console
    from rich.table import Table

    import compileall

    # honcho and CORScanner come with bytecode from pip; devtool's editable sources get theirs here,
    # so no runner is timed compiling itself (PYTHONDONTWRITEBYTECODE would otherwise prevent it).
    compileall.compile_dir(str(ROOT / "devtool"), quiet=1)
    compileall.compile_dir(str(ROOT / "flask_api"), quiet=1)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "project")
        # The same two ports all along, as in a developer's day. Warm both runners first (Vite's
        # dependency cache, Python's bytecode, devtool's caches) so neither pays first-run costs.
        api, ui = free_ports(2)
        one_run("devtool", root, api, ui)
        one_run("honcho", root, api, ui)
        samples: dict[str, list[tuple[float, float]]] = {"devtool": [], "honcho": []}
        for _ in range(RUNS):
            for tool in ("devtool", "honcho"):
                samples[tool].append(one_run(tool, root, api, ui))

    for index, name in ((0, "startup"), (1, "stop")):
        ours = median([s[index] for s in samples["devtool"]])
        peer = median([s[index] for s in samples["honcho"]])
        results[name] = {"devtool_s": round(ours, 4), "honcho_s": round(peer, 4), "ratio": round(ours / peer, 3)}
    results["startup"]["goal"] = "ratio <= 1.05"
    results["stop"]["goal"] = "devtool <= 0.5 s"

    for _ in range(2):  # warm the page cache
        help_wall([str(BIN / "devtool"), "--help"])
        help_wall([str(BIN / "honcho"), "--help"])
    ours = median([help_wall([str(BIN / "devtool"), "--help"]) for _ in range(RUNS * 2)])
    peer = median([help_wall([str(BIN / "honcho"), "--help"]) for _ in range(RUNS * 2)])
    results["help"] = {"devtool_s": round(ours, 4), "honcho_s": round(peer, 4), "ratio": round(ours / peer, 3), "goal": "ratio <= 1.2"}

    from bench import cors

    results.update(cors.run(RUNS))

    results["_meta"] = {"runs": RUNS, "python": sys.version.split()[0], "cpus": os.cpu_count()}
    (ROOT / "bench/results.json").write_text(json.dumps(results, indent=2) + "\n")

    table = Table(title="devtool vs peers, one run (median seconds; ratio = devtool / peer)")
    for column in ("benchmark", "devtool", "peer", "ratio", "goal"):
        table.add_column(column)
    for name in ("startup", "stop", "help"):
        row = results[name]
        table.add_row(name, f"{row['devtool_s']:.3f}s", f"{row['honcho_s']:.3f}s honcho", f"{row['ratio']:.2f}", row["goal"])
    row = results["check-cors"]
    table.add_row(
        "check-cors", f"{row['devtool_s']:.3f}s, {row['devtool_requests']} req", f"{row['peer_s']:.3f}s, {row['peer_requests']} req corscanner",
        f"{row['ratio']:.2f}", row["goal"],
    )
    row = results["cors-detection"]
    table.add_row(
        "dangerous found", f"{row['devtool_found']}/{row['dangerous']}", f"{row['peer_found']}/{row['dangerous']} corscanner", "", row["goal"]
    )
    Console().print(table)
    print(f"written to {ROOT / 'bench/results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
