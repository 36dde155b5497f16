"""Safe by default: loopback only, a warning for anything else, no secret in the repo, safe floors."""

from __future__ import annotations

import re
import subprocess
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.helpers import REPO

pytestmark = pytest.mark.integration


def listening_addresses(port: int) -> set[str]:
    """The local addresses something listens on for `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                if width == 8:
                    found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
                else:
                    found.add("ipv6:" + address)
    return found


def up_args(ports, *extra):
    api, ui = ports
    return ("--api-port", str(api), "--ui-port", str(ui), *extra)


def test_flask_and_vite_listen_on_loopback_only(shared_project, ports, devtool_up):
    run = devtool_up(shared_project, *up_args(ports))
    run.wait_for(" · mode ")
    assert listening_addresses(ports[0]) == {"127.0.0.1"}
    assert listening_addresses(ports[1]) == {"127.0.0.1"}
    assert "warning" not in run.output.lower().replace("warning: this is a development server", "")


def test_another_host_prints_a_warning_about_the_debugger(shared_project, ports, devtool_up):
    run = devtool_up(shared_project, *up_args(ports, "--host", "0.0.0.0"))
    run.wait_for(" · mode ")
    assert "warning: the API listens on 0.0.0.0: other machines can reach it (and the Werkzeug debugger)" in run.output
    assert "WARNING: the Werkzeug debugger runs any code for whoever reaches 0.0.0.0" in run.output
    assert listening_addresses(ports[0]) == {"0.0.0.0"}


def test_no_secret_is_tracked():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    assert "flask_api/.env" not in tracked and "flask_api/.env.example" in tracked
    assert "SECRET_KEY=change-me" in (REPO / "flask_api/.env.example").read_text()
    # A generated key is 64 hex digits (secrets.token_hex(32)); none may be committed anywhere.
    leaked = re.compile(r"SECRET_KEY\s*[=:]\s*[\"']?[0-9a-fA-F]{32,}")
    for name in tracked:
        path = REPO / name
        if path.is_file():
            assert not leaked.search(path.read_text(errors="replace")), name
    ignored = subprocess.run(["git", "check-ignore", "flask_api/.env"], cwd=REPO, capture_output=True, text=True)
    assert ignored.returncode == 0


def test_dependency_floors_exclude_vulnerable_flask_cors():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    floors = [d for d in pyproject["project"]["dependencies"] if d.startswith("flask-cors")]
    floors += [line for line in (REPO / "flask_api/requirements.txt").read_text().splitlines() if line.startswith("flask-cors")]
    assert len(floors) == 2
    for floor in floors:
        minimum = tuple(int(p) for p in re.search(r">=\s*([\d.]+)", floor).group(1).split("."))
        assert minimum >= (6, 0, 0), floor  # the 2024 CVE fixes landed in 6.0.0
    assert tuple(int(p) for p in version("flask-cors").split(".")[:2]) >= (6, 0)
