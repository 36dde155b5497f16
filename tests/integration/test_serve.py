"""`devtool serve` and the rendered nginx config with real nginx, gunicorn and the UI build."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from devtool import nginx
from devtool.errors import DevtoolError
from devtool.serve import build_is_stale, require_programs
from tests.conftest import require_program
from tests.helpers import DevtoolRun, Spawned, child_env, copy_project, free_port, free_ports, group_members, http_get, port_is_free, wait_until

pytestmark = pytest.mark.integration
NGINX = "/usr/sbin/nginx"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One `devtool serve` on a fresh project copy: it builds the UI first."""
    require_program("nginx", NGINX)
    root = copy_project(tmp_path_factory.mktemp("serve"))
    port = free_port()
    run = DevtoolRun(root, "--port", str(port), command="serve")
    try:
        run.wait_for("serving http://", timeout=180)
        yield root, port, run
    finally:
        run.cleanup()


def test_root_is_the_built_page_served_by_nginx(served):
    root, port, run = served
    status, headers, body = http_get(f"http://127.0.0.1:{port}/")
    assert status == 200 and headers["Server"] == "nginx"
    assert b'<div id="root">' in body and b"/assets/" in body  # the build, not the dev index.html
    assert "no-cache" in headers["Cache-Control"]
    assert "built the UI" in run.output


def test_deep_client_route_falls_back_to_index(served):
    _, port, _ = served
    root_page = http_get(f"http://127.0.0.1:{port}/")[2]
    status, _, body = http_get(f"http://127.0.0.1:{port}/settings/colors/42")
    assert status == 200 and body == root_page
    assert http_get(f"http://127.0.0.1:{port}/assets/missing-0000.js")[0] == 404  # a missing asset is no page


def test_hashed_assets_are_cached_for_a_year_and_gzipped(served):
    _, port, _ = served
    page = http_get(f"http://127.0.0.1:{port}/")[2].decode()
    asset = re.search(r'/assets/[^"]+\.js', page).group(0)
    status, headers, _ = http_get(f"http://127.0.0.1:{port}{asset}", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"


def test_api_answers_through_nginx_without_cors_for_foreign_origins(served):
    _, port, _ = served
    status, headers, body = http_get(f"http://127.0.0.1:{port}/api/color", {"Origin": "http://evil.test"})
    assert status == 200 and b'"color"' in body
    assert headers["Access-Control-Allow-Origin"] is None
    assert "gunicorn" in (headers["Server"] or "") or headers["Server"] == "nginx"


def test_ctrl_c_stops_nginx_and_gunicorn_with_every_worker(tmp_path):
    require_program("nginx", NGINX)
    root = copy_project(tmp_path / "project")
    port = free_port()
    run = DevtoolRun(root, "--port", str(port), command="serve")
    try:
        run.wait_for("serving http://", timeout=180)
        groups = run.groups()
        members = [pid for g in groups for pid in group_members(g)]
        assert len(members) >= 5  # gunicorn master + workers, nginx master + workers
        os.killpg(run.proc.pid, signal.SIGINT)
        assert run.wait() == 130
        assert [g for g in groups if group_members(g)] == []
        assert port_is_free(port)
        assert not list(Path("/var/log/nginx").glob("*devtool*"))
    finally:
        run.cleanup()


def conf_for(tmp_path: Path, port: int) -> Path:
    from devtool.serve import render_gunicorn_conf

    conf = tmp_path / f"gunicorn-{port}.conf.py"
    conf.write_text(render_gunicorn_conf(f"127.0.0.1:{port}", 1, 1).replace("accesslog = '-'\n", ""))
    return conf


def test_two_api_instances_behind_a_rendered_upstream_both_serve(tmp_path):
    nginx_bin = require_program("nginx", NGINX)
    api_ports = free_ports(2)
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    instances = [
        Spawned([gunicorn, "-w", "1", "-b", f"127.0.0.1:{p}", "--access-logfile", str(tmp_path / f"api-{p}.log"),
                 "-c", str(conf_for(tmp_path, p)), "flask_api.app:create_app()"], env=child_env(FLASK_DEBUG="0", TRUSTED_PROXIES="1"))
        for p in api_ports
    ]
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "tmp" / kind).mkdir(parents=True)
    conf = tmp_path / "nginx.conf"
    site = nginx.Site(tmp_path, port, "_", tuple(f"127.0.0.1:{p}" for p in api_ports), listen_host="127.0.0.1")
    conf.write_text(nginx.render_full(site, nginx.Runtime(tmp_path, "root root" if os.geteuid() == 0 else None)))
    server = Spawned([nginx_bin, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")])
    try:
        for p in api_ports:
            wait_until(lambda p=p: http_get(f"http://127.0.0.1:{p}/api/health"), what=f"gunicorn on {p}")
        wait_until(lambda: http_get(f"http://127.0.0.1:{port}/api/health"), what="nginx")
        for _ in range(12):
            assert http_get(f"http://127.0.0.1:{port}/api/color")[0] == 200
        def served():
            return {p: (tmp_path / f"api-{p}.log").read_text().count("/api/color") for p in api_ports}

        # gunicorn writes its access line just after the response: wait for all twelve.
        wait_until(lambda: sum(served().values()) == 12, timeout=10, what=f"12 access lines, have {served()}")
        assert all(count > 0 for count in served().values()), served()
    finally:
        server.kill_all()
        for instance in instances:
            instance.kill_all()


def test_missing_nginx_names_the_install_command(tmp_path):
    with pytest.raises(DevtoolError, match="apt-get install -y nginx"):
        require_programs({"PATH": str(tmp_path)}, sbin=(), python_bin=str(tmp_path))


def test_missing_gunicorn_names_the_install_command(tmp_path):
    fake = tmp_path / "nginx"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    with pytest.raises(DevtoolError, match="gunicorn is not installed; run `make install`"):
        require_programs({"PATH": str(tmp_path)}, sbin=(), python_bin=str(tmp_path))


def test_taken_port_is_a_clear_error_before_anything_starts(tmp_path):
    import socket

    require_program("nginx", NGINX)
    root = copy_project(tmp_path / "project")
    port = free_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        result = subprocess.run([sys.executable, "-m", "devtool", "--root", str(root), "serve", "--port", str(port)],
                                env=child_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"port: {port} is taken by pid {os.getpid()}" in result.stderr
    assert not (root / "react_ui/build").exists()


def test_failed_ui_build_shows_the_builds_own_error(tmp_path):
    require_program("nginx", NGINX)
    root = copy_project(tmp_path / "project")
    (root / "react_ui/src/App.jsx").write_text("export default function App( {\n")
    result = subprocess.run([sys.executable, "-m", "devtool", "--root", str(root), "serve", "--port", str(free_port())],
                            env=child_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "build | " in result.stdout and "App.jsx" in result.stdout  # Vite's own message, file named
    assert result.stderr.startswith("Error: the UI build failed")
    assert "Traceback" not in result.stderr


def test_build_is_stale_until_built_and_again_after_a_source_change(tmp_path):
    root = copy_project(tmp_path / "project")
    assert build_is_stale(root)
    build = root / "react_ui/build"
    build.mkdir()
    (build / "index.html").write_text("<!doctype html>")
    assert not build_is_stale(root)
    source = root / "react_ui/src/App.jsx"
    later = (build / "index.html").stat().st_mtime + 10
    os.utime(source, (later, later))
    assert build_is_stale(root)
