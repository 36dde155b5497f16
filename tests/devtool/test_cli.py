"""The CLI's contract: exit codes, one-line errors, fast help."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import child_env, copy_project, free_ports


def devtool(*args, cwd=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "devtool", *args], cwd=cwd, env=env or child_env(), capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


def test_version_and_help():
    assert devtool("--version").stdout.strip().startswith("devtool, version ")
    out = devtool("--help").stdout
    for command in ("up", "proxy", "doctor"):
        assert command in out


def test_help_does_not_import_the_heavy_modules():
    code = "import sys, devtool.cli; print(sorted(m for m in ('rich','httpx','honcho','dotenv') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


def test_proxy_check_reports_drift_then_write_fixes_it(project):
    package = project / "react_ui/package.json"
    checked = devtool("--root", str(project), "proxy", "--check", "--api-port", "5055")
    assert checked.returncode == 1
    assert "react_ui/package.json: proxy target is not http://127.0.0.1:5055" in checked.stdout
    assert "run `devtool proxy --api-port 5055`" in checked.stderr
    assert json.loads(package.read_text())["proxy"] == "http://127.0.0.1:5000"  # --check never writes

    written = devtool("--root", str(project), "proxy", "--api-port", "5055")
    assert written.returncode == 0 and "updated react_ui/vite.config.js" in written.stdout
    assert devtool("--root", str(project), "proxy", "--check", "--api-port", "5055").returncode == 0


def test_broken_vite_config_is_one_line_and_files_stay_identical(project):
    vite = project / "react_ui/vite.config.js"
    vite.write_text(vite.read_text().replace("// devtool:proxy:end", ""))
    before = {p: p.read_bytes() for p in (vite, project / "react_ui/package.json")}
    result = devtool("--root", str(project), "proxy", "--api-port", "5055")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: react_ui/vite.config.js has a broken")
    assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in before} == before


def test_doctor_reports_every_fact_and_passes_on_free_ports(project):
    api, ui = free_ports(2)
    result = devtool("--root", str(project), "doctor", env=child_env(API_PORT=str(api), UI_PORT=str(ui)))
    for name in ("python", "node", "npm", "node_modules", "api-port", "ui-port", ".env", "Procfile", "proxy"):
        assert name in result.stdout
    assert f"settings: api-port={api} (environment)" in result.stdout
    assert result.returncode == 0, result.stdout


def test_doctor_fails_on_a_taken_port_naming_the_holder(project):
    import socket

    api, ui = free_ports(2)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", api))
        holder.listen()
        result = devtool("--root", str(project), "doctor", env=child_env(API_PORT=str(api), UI_PORT=str(ui)))
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "is taken by pid" in result.stdout


def test_up_with_equal_ports_is_a_clear_error_and_starts_nothing(project):
    result = devtool("--root", str(project), "up", "--api-port", "4100", "--ui-port", "4100")
    assert result.returncode == 1
    assert "api-port and ui-port are both 4100" in result.stderr
    assert not (project / ".devtool/logs").exists()


def test_up_with_an_unknown_mode_is_a_usage_error(project):
    result = devtool("--root", str(project), "up", "--mode", "tunnel")
    assert result.returncode == 2
    assert "tunnel" in result.stderr


def test_up_without_npm_names_it(project, tmp_path):
    env = child_env()
    env["PATH"] = str(__import__("pathlib").Path(sys.executable).parent)  # a PATH without node and npm
    result = devtool("--root", str(project), "up", env=env)
    assert result.returncode == 1
    assert "npm: not found on PATH" in result.stderr
