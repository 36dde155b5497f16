"""`devtool up` with the real Flask and Vite processes, on free ports."""

from __future__ import annotations

import json
import subprocess
import os
import signal
import sys


import pytest

from tests.helpers import REPO, Spawned, child_env, group_members, http_get, port_is_free, wait_until

pytestmark = pytest.mark.integration


def up_args(ports, *extra):
    api, ui = ports
    return ("--api-port", str(api), "--ui-port", str(ui), *extra)


def test_proxy_mode_serves_the_api_through_the_ui_port(shared_project, ports, devtool_up):
    api, ui = ports
    run = devtool_up(shared_project, *up_args(ports))
    run.wait_for(" · mode ")

    direct = http_get(f"http://127.0.0.1:{api}/api/color")
    proxied = http_get(f"http://127.0.0.1:{ui}/api/color")
    assert direct[0] == proxied[0] == 200
    assert json.loads(direct[2]) == json.loads(proxied[2])

    # A JSON POST through the proxy reaches Flask, which now answers the new color directly.
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{ui}/api/color", data=b'{"color": "teal"}', headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read()) == {"color": "teal"}
    assert json.loads(http_get(f"http://127.0.0.1:{api}/api/color")[2]) == {"color": "teal"}

    # Both proxy configs now target the chosen API port, on 127.0.0.1.
    target = f"http://127.0.0.1:{api}"
    assert json.loads((shared_project / "react_ui/package.json").read_text())["proxy"] == target
    assert f"const API_TARGET = '{target}'" in (shared_project / "react_ui/vite.config.js").read_text()
    assert "mode proxy" in run.output
    # Every line of the processes is prefixed with its name, and kept ANSI-free in a file per process.
    assert any(line.split("|")[0].split()[-1] == "web" for line in run.lines if "VITE" in line)
    assert "VITE" in (shared_project / ".devtool/logs/web.log").read_text()
    assert "\x1b[" not in (shared_project / ".devtool/logs/api.log").read_text()


@pytest.mark.parametrize(
    "signum, code",
    [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)],
)
def test_signal_stops_every_process_and_frees_the_ports(shared_project, ports, devtool_up, signum, code):
    api, ui = ports
    run = devtool_up(shared_project, *up_args(ports))
    run.wait_for(" · mode ")
    groups = run.groups()
    assert all(group_members(g) for g in groups)
    if signum == signal.SIGINT:
        os.killpg(run.proc.pid, signum)  # Ctrl-C reaches the terminal's whole foreground group
    else:
        run.proc.send_signal(signum)
    assert run.wait() == code
    assert [g for g in groups if group_members(g)] == []
    assert port_is_free(api) and port_is_free(ui)
    assert "no process of the run is left" in run.output
    assert not (shared_project / ".devtool/run.json").exists()


def test_kill_9_of_devtool_leaves_no_child_behind(shared_project, ports, devtool_up):
    api, ui = ports
    run = devtool_up(shared_project, *up_args(ports))
    run.wait_for(" · mode ")
    groups = run.groups()
    members = [pid for g in groups for pid in group_members(g)]
    assert len(members) >= 4  # sh + Flask reloader + its child; npm + sh + node
    run.proc.kill()
    wait_until(lambda: not any(group_members(g) for g in groups), timeout=1.0, what="children gone after kill -9")
    wait_until(lambda: port_is_free(api) and port_is_free(ui), timeout=2, what="ports free")


def test_api_failing_at_start_ends_the_run_naming_it(project, ports, devtool_up):
    (project / "flask_api/app/api.py").write_text("import this_module_does_not_exist\n")
    api, ui = ports
    run = devtool_up(project, *up_args(ports))
    assert run.wait(timeout=60) == 1
    assert "api exited with code 1" in run.output
    assert "ModuleNotFoundError" in run.output
    assert port_is_free(ui) and port_is_free(api)


def test_port_held_by_a_stranger_names_it_and_starts_nothing(project, ports, devtool_up):
    api, ui = ports
    code = f"import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',{api}))\ns.listen()\nprint('up',flush=True)\ntime.sleep(120)"
    stranger = Spawned([sys.executable, "-c", code], stdout=-1)
    try:
        stranger.proc.stdout.readline()
        before = (project / "react_ui/package.json").read_bytes()
        run = devtool_up(project, *up_args(ports))
        assert run.wait() == 1
        assert f"api-port: {api} is taken by pid {stranger.pid}" in run.output
        assert "--api-port" in run.output
        assert "Traceback" not in run.output
        assert stranger.proc.poll() is None  # never killed
        assert port_is_free(ui)
        assert (project / "react_ui/package.json").read_bytes() == before
        assert not (project / ".devtool/logs").exists()  # nothing started
    finally:
        stranger.kill_all()


def test_cors_mode_sets_the_api_url_and_origins(shared_project, ports, devtool_up):
    api, ui = ports
    run = devtool_up(shared_project, *up_args(ports, "--mode", "cors"))
    run.wait_for(" · mode ")
    assert "mode cors" in run.output
    allowed = http_get(f"http://127.0.0.1:{api}/api/color", {"Origin": f"http://localhost:{ui}"})
    assert allowed[1]["Access-Control-Allow-Origin"] == f"http://localhost:{ui}"
    refused = http_get(f"http://127.0.0.1:{api}/api/color", {"Origin": "http://localhost:3999"})
    assert refused[1]["Access-Control-Allow-Origin"] is None
    # Vite inlines VITE_API_URL into the page's modules.
    status, _, body = http_get(f"http://127.0.0.1:{ui}/src/api.js")
    assert status == 200 and f"http://127.0.0.1:{api}".encode() in body


def test_stale_pidfile_of_a_stranger_does_not_stop_the_run(project, ports, devtool_up):
    sleeper = Spawned([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        (project / ".devtool").mkdir()
        stale = {"name": "api", "pid": sleeper.pid, "pgid": sleeper.pid, "started": 1}
        owner = {"name": "devtool", "pid": sleeper.pid, "pgid": sleeper.pid, "started": 1}
        (project / ".devtool/run.json").write_text(json.dumps({"devtool": owner, "children": [stale]}))
        run = devtool_up(project, *up_args(ports))
        run.wait_for(" · mode ")
        assert sleeper.proc.poll() is None
        run.proc.send_signal(signal.SIGTERM)
        assert run.wait() == 143
        assert sleeper.proc.poll() is None
    finally:
        sleeper.kill_all()


@pytest.mark.parametrize("mode", ["proxy", "cors"])
def test_up_check_gives_the_shipped_stack_a_clean_bill(shared_project, ports, devtool_up, mode):
    run = devtool_up(shared_project, *up_args(ports, "--mode", mode, "--check"))
    run.wait_for("CORS check")
    assert "CORS check clean: 16 scenarios" in run.output, run.output


def test_check_cors_against_the_running_stack_in_json(shared_project, ports, devtool_up):
    api, ui = ports
    run = devtool_up(shared_project, *up_args(ports))
    run.wait_for(" · mode ")
    result = subprocess.run(
        [sys.executable, "-m", "devtool", "--root", str(shared_project), "check-cors", "--json"],
        env=child_env(API_PORT=str(api), UI_PORT=str(ui)), capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"ok", "scenarios", "findings"}
    assert report["ok"] is True
    assert [f for f in report["findings"] if f["severity"] in ("high", "medium", "low")] == []
    assert {(s["origin"], s["method"], s["credentials"]) for s in report["scenarios"]} == {
        (o, m, c) for o in (f"http://localhost:{ui}", f"http://127.0.0.1:{ui}") for m in ("GET", "POST") for c in ("omit", "include")
    }
    for scenario in report["scenarios"]:
        assert set(scenario) == {"origin", "url", "method", "content_type", "credentials", "allowed", "reason", "needed"}


def test_check_cors_with_nothing_listening_exits_3(shared_project, ports):
    api, _ = ports
    result = subprocess.run(
        [sys.executable, "-m", "devtool", "--root", str(shared_project), "check-cors", "--api", f"http://127.0.0.1:{api}", "--no-ui"],
        env=child_env(), capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 3
    assert result.stderr.startswith("Error: cannot reach the API") and "Traceback" not in result.stderr


def test_check_cors_fails_when_the_proxy_does_not_reach_flask(project, ports, devtool_up):
    api, ui = ports
    env = child_env(API_PORT=str(api), UI_PORT=str(ui))
    command = [sys.executable, "-m", "devtool", "--root", str(project), "check-cors"]
    run = devtool_up(project, *up_args(ports))
    run.wait_for(" · mode ")
    assert subprocess.run(command, env=env, capture_output=True, text=True, timeout=60).returncode == 0

    # Edit vite.config.js so /api is no longer proxied: Vite answers /api itself (its SPA fallback).
    vite = project / "react_ui/vite.config.js"
    vite.write_text(vite.read_text().replace("'/api': { target: apiTarget }", "'/nothing': { target: apiTarget }"))

    def proxy_broken():
        answer = http_get(f"http://127.0.0.1:{ui}/api/health")
        return answer is not None and b'"status"' not in answer[2]

    wait_until(proxy_broken, timeout=30, what="Vite restarted without the /api proxy")
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "does not reach Flask through the proxy" in result.stdout


def test_proxy_aimed_at_ipv6_loopback_fails_and_devtool_proxy_fixes_it(project, ports):
    """What Node 17+ does when localhost resolves to ::1 while Flask listens on 127.0.0.1."""
    api, ui = ports
    vite = project / "react_ui/vite.config.js"
    vite.write_text(vite.read_text().replace("'http://127.0.0.1:5000'", f"'http://[::1]:{api}'"))
    env = child_env(UI_PORT=str(ui))
    env.pop("API_PORT", None)  # let the managed API_TARGET decide, as a plain `npm run dev` does
    flask = Spawned([sys.executable, "-m", "flask_api.run"], env=child_env(API_PORT=str(api), FLASK_DEBUG="0"), cwd=project)
    web = Spawned(["npm", "run", "dev"], env=env, cwd=project / "react_ui", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: http_get(f"http://127.0.0.1:{api}/api/health"), what="Flask")
        wait_until(lambda: http_get(f"http://127.0.0.1:{ui}/"), what="Vite")
        broken = http_get(f"http://127.0.0.1:{ui}/api/health")
        assert broken is not None and broken[0] >= 500  # the proxy cannot reach Flask on ::1

        fixed = subprocess.run([sys.executable, "-m", "devtool", "--root", str(project), "proxy", "--api-port", str(api)],
                               env=child_env(), capture_output=True, text=True, timeout=60)
        assert fixed.returncode == 0 and f"http://127.0.0.1:{api}" in vite.read_text()

        def proxied():  # Vite restarts on the config change and then reaches Flask
            answer = http_get(f"http://127.0.0.1:{ui}/api/health")
            return answer is not None and answer[0] == 200

        wait_until(proxied, timeout=30, what="the proxy to reach Flask on 127.0.0.1")
    finally:
        web.kill_all()
        flask.kill_all()
    assert "ECONNREFUSED ::1" in web.proc.stdout.read()


def test_leftovers_of_a_crashed_run_are_stopped_by_the_next_one(project, ports, devtool_up):
    from tests.helpers import processes

    first = devtool_up(project, *up_args(ports))
    first.wait_for(" · mode ")
    groups = first.groups()
    guardian = next(p for p in processes() if p.ppid == first.proc.pid and p.sid == p.pid and p.pgid not in groups)
    os.kill(guardian.pid, signal.SIGKILL)  # a crash that takes the guardian too (say, the OOM killer)
    first.proc.kill()
    first.wait()
    # PR_SET_PDEATHSIG stops the direct children; what they started (Flask, node) remains.
    wait_until(lambda: first.proc.poll() is not None, what="devtool gone")
    assert any(group_members(g) for g in groups), "nothing was left over: the premise of this test no longer holds"
    second = devtool_up(project, *up_args(ports))
    second.wait_for(" · mode ")
    assert "stopped leftovers of an earlier devtool run: api, web" in second.output
    assert all(not group_members(g) for g in groups)


def test_node_modules_out_of_step_is_reinstalled_before_start(project, ports, devtool_up):
    import shutil

    modules = project / "react_ui/node_modules"
    modules.unlink()  # this copy gets node_modules of its own, so npm ci cannot touch the shared one
    shutil.copytree(REPO / "react_ui/node_modules", modules, symlinks=True)
    shutil.rmtree(modules / "react-dom")  # a package gone missing: out of step with the lock
    run = devtool_up(project, *up_args(ports))
    run.wait_for(" · mode ", timeout=180)
    assert "installed react_ui/node_modules (npm ci)" in run.output
    assert (modules / "react-dom/package.json").exists()
    assert http_get(f"http://127.0.0.1:{ports[1]}/")[0] == 200
