"""`devtool serve`: the production shape on this machine. The UI build and the API behind one
nginx origin (no CORS), gunicorn for the API, the same readiness, logs and clean stop as `up`."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Mapping

from devtool import nginx, preflight, runstate
from devtool.errors import DevtoolError
from devtool.files import write_atomic
from devtool.output import Output
from devtool.readiness import Probe
from devtool.session import Plan, Session
from devtool.settings import Settings

UI = Path("react_ui")
BUILD_INPUTS = ("index.html", "vite.config.js", "package.json", "package-lock.json", "src", "public")
SBIN = ("/usr/sbin", "/usr/local/sbin", "/opt/homebrew/bin", "/usr/local/bin")
APP = "flask_api.app:create_app()"


def find_program(name: str, path: str, extra: tuple[str, ...] = ()) -> str | None:
    """`name` on PATH, else in the folders packages put servers in (nginx lives in /usr/sbin)."""
    return shutil.which(name, path=os.pathsep.join([path, *extra]))


def require_programs(
    environ: Mapping[str, str], sbin: tuple[str, ...] = SBIN, python_bin: str = str(Path(sys.executable).parent)
) -> tuple[str, str]:
    path = environ.get("PATH", "")
    found_nginx = find_program("nginx", path, sbin)
    if not found_nginx:
        raise DevtoolError(
            "nginx is not installed", "install it: `apt-get install -y nginx` (Debian/Ubuntu) or `brew install nginx` (macOS)"
        )
    found_gunicorn = find_program("gunicorn", python_bin + os.pathsep + path)
    if not found_gunicorn:
        raise DevtoolError("gunicorn is not installed", "run `make install`, or `pip install gunicorn` in devtool's environment")
    return found_nginx, found_gunicorn


def newest_source(root: Path) -> float:
    newest = 0.0
    for name in BUILD_INPUTS:
        path = root / UI / name
        if path.is_dir():
            for child in path.rglob("*"):
                if child.is_file():
                    newest = max(newest, child.stat().st_mtime)
        elif path.exists():
            newest = max(newest, path.stat().st_mtime)
    return newest


def build_is_stale(root: Path) -> bool:
    index = root / UI / "build" / "index.html"
    return not index.exists() or index.stat().st_mtime < newest_source(root)


def build_ui(root: Path, output: Output, environ: Mapping[str, str]) -> None:
    """`npm run build`, same origin (no VITE_API_URL); a failure shows the build's own error."""
    npm = preflight.npm_path()
    env = {k: v for k, v in environ.items() if k != "VITE_API_URL"}
    with output.status("building the UI (npm run build)…"):
        done = subprocess.run([npm, "run", "build", "--silent"], cwd=root / UI, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        text = (done.stdout + done.stderr).strip()
        for line in text.splitlines()[-25:]:
            output.plain(f"build | {line}")
        errors = [line.strip() for line in text.splitlines() if "error" in line.lower()]
        culprit = errors[0] if errors else (text.splitlines()[-1] if text else f"exit code {done.returncode}")
        raise DevtoolError(f"the UI build failed: {culprit[:200]}", "fix the error above, then run `devtool serve` again")
    output.info("built the UI into react_ui/build/")


def workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


def render_gunicorn_conf(bind: str, worker_count: int, graceful_timeout: int) -> str:
    """gunicorn's settings as a config file: gunicorn ignores names it does not know, so settings of
    newer releases (its control socket, which would live in ~/.gunicorn) are safe to name."""
    return (
        "# Rendered by `devtool serve`.\n"
        f"bind = {bind!r}\n"
        f"workers = {worker_count}\n"
        f"graceful_timeout = {graceful_timeout}\n"
        "accesslog = '-'\n"
        "errorlog = '-'\n"
        "control_socket_disable = True\n"
    )


def worker_user(path: Path) -> str | None:
    """As root, the user and group nginx's workers should read `path` as: its owner's."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    import grp
    import pwd

    stat = path.stat()
    try:
        return f"{pwd.getpwuid(stat.st_uid).pw_name} {grp.getgrgid(stat.st_gid).gr_name}"
    except KeyError:
        return None


def run_serve(settings: Settings, output: Output, environ: Mapping[str, str], port: int, guardian: bool = True) -> int:
    from devtool.ports import is_free

    root = settings.root
    run_dir = settings.run_dir / "serve"
    nginx_bin, gunicorn_bin = require_programs(environ)
    stopped = runstate.clean_leftovers(run_dir)
    if stopped:
        output.info(f"stopped leftovers of an earlier devtool serve: {', '.join(stopped)}")
    preflight.require(preflight.check_port("port", port))
    if build_is_stale(root):
        preflight.ensure_ui_toolchain(root, settings.run_dir, output)
        build_ui(root, output, environ)

    api_port = _free_port(is_free, avoid=port)
    prefix = run_dir / "nginx"
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / kind).mkdir(parents=True, exist_ok=True)
    build = root / UI / "build"
    site = nginx.Site(root=build, port=port, upstreams=(f"127.0.0.1:{api_port}",), listen_host="127.0.0.1")
    conf = prefix / "nginx.conf"
    write_atomic(conf, nginx.render_full(site, nginx.Runtime(prefix, worker_user(build))))
    count = workers()
    gunicorn_conf = run_dir / "gunicorn.conf.py"
    write_atomic(gunicorn_conf, render_gunicorn_conf(f"127.0.0.1:{api_port}", count, max(1, int(settings.stop_timeout))))

    origin = f"http://127.0.0.1:{port}"
    env = dict(environ)
    env.update(
        PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
        PYTHONUNBUFFERED="1",
        FLASK_DEBUG="0",
        TRUSTED_PROXIES="1",  # exactly one proxy hop: nginx
        CORS_ORIGINS=f"{origin},http://localhost:{port}",  # same origin; foreign origins get nothing
    )
    processes = {
        "api": " ".join([shlex.quote(gunicorn_bin), "-c", shlex.quote(str(gunicorn_conf)), shlex.quote(APP)]),
        "web": " ".join(
            [shlex.quote(nginx_bin), "-p", shlex.quote(str(prefix)), "-c", shlex.quote(str(conf)), "-e", shlex.quote(str(prefix / "error.log"))]
        ),
    }

    def summary(seconds: float) -> list[str]:
        return [
            f"serving {origin} in {seconds:.2f}s: nginx serves react_ui/build and proxies /api/ to gunicorn ({count} workers on 127.0.0.1:{api_port})",
            "one origin, so no CORS is involved · Ctrl-C stops nginx and gunicorn",
        ]

    plan = Plan(
        processes=processes,
        cwd=root,
        env=env,
        run_dir=run_dir,
        stop_timeout=settings.stop_timeout,
        probes=[
            Probe("api", "127.0.0.1", api_port, "/api/health"),
            Probe("web", "127.0.0.1", port, "/"),
            Probe("web", "127.0.0.1", port, "/api/health"),
        ],
        summary=summary,
    )
    return Session(plan, output, guardian)()


def _free_port(is_free, avoid: int) -> int:
    import socket

    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            candidate = sock.getsockname()[1]
        if candidate != avoid and is_free(candidate):
            return candidate
