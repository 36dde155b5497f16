"""Every input a user can get wrong: one clear error line, files byte-identical, nothing started.

CASES is also the source of the README's "Bad input" table: test_readme_lists_every_case keeps
the two in step.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, child_env, copy_project, free_ports, port_is_free

pytestmark = pytest.mark.integration


def edit(path: str, old: str, new: str):
    def apply(root: Path, env: dict) -> None:
        target = root / path
        target.write_text(target.read_text().replace(old, new, 1))

    return apply


def write(path: str, text: str):
    def apply(root: Path, env: dict) -> None:
        (root / path).write_text(text)

    return apply


def remove(path: str):
    def apply(root: Path, env: dict) -> None:
        (root / path).unlink()

    return apply


def set_env(**values: str):
    def apply(root: Path, env: dict) -> None:
        env.update(values)

    return apply


def fake_node(version: str):
    """A `node` that reports `version`, first on PATH (npm stays where it is)."""

    def apply(root: Path, env: dict) -> None:
        bin_dir = root.parent / "fake-bin"
        bin_dir.mkdir(exist_ok=True)
        node = bin_dir / "node"
        node.write_text(f"#!/bin/sh\necho v{version}\n")
        node.chmod(node.stat().st_mode | stat.S_IEXEC)
        env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"

    return apply


def only_python_on_path(root: Path, env: dict) -> None:
    env["PATH"] = str(Path(sys.executable).parent)


# id, what the user did, the change, the command, exit code, what the error says
CASES = [
    ("package-json-malformed", "react_ui/package.json is not JSON", edit("react_ui/package.json", '"private": true,', '"private": true,,'),
     ["up"], 1, "react_ui/package.json is not valid JSON (line 3"),
    ("proxy-wrong-type", 'package.json "proxy" is a number', edit("react_ui/package.json", '"http://127.0.0.1:5000"', "5000"),
     ["up"], 1, 'react_ui/package.json: "proxy" is int, not a URL string'),
    ("vite-config-syntax", "vite.config.js does not parse", edit("react_ui/vite.config.js", "build: { outDir: 'build' },", "build: { outDir: 'build' ],"),
     ["up"], 1, "react_ui/vite.config.js cannot be parsed: SyntaxError"),
    ("vite-config-unmanaged", "the managed proxy block was deleted", edit("react_ui/vite.config.js", "// devtool:proxy:begin", "// gone"),
     ["up"], 1, "react_ui/vite.config.js has a broken devtool proxy block"),
    ("procfile-bad-line", "a Procfile line is not `name: command`", edit("Procfile", "web:", "web ="),
     ["up"], 1, "Procfile line 4 is not `name: command`"),
    ("procfile-duplicate", "two processes share a name", edit("Procfile", "web:", "api:"),
     ["up"], 1, "Procfile line 4: process 'api' is already defined on line 3"),
    ("procfile-empty", "the Procfile has no process", write("Procfile", "# nothing here\n"),
     ["up"], 1, "Procfile defines no processes"),
    ("procfile-missing", "there is no Procfile", remove("Procfile"),
     ["up"], 1, "no Procfile in"),
    ("env-line-malformed", "flask_api/.env has a line that is not KEY=value", write("flask_api/.env", "SECRET_KEY=x\nnot a setting\n"),
     ["up"], 1, ".env line 2: cannot parse 'not a setting'"),
    ("pyproject-wrong-type", "[tool.devtool] api-port is a word", edit("pyproject.toml", "api-port = 5000", 'api-port = "five"'),
     ["up"], 1, "api-port 'five' (from pyproject.toml [tool.devtool]) is not a port number 1-65535"),
    ("pyproject-unknown-key", "[tool.devtool] has a typo", edit("pyproject.toml", "api-port = 5000", "api_port = 5000"),
     ["up"], 1, "pyproject.toml: unknown key 'api_port' in [tool.devtool]"),
    ("port-out-of-range", "API_PORT=70000 in the environment", set_env(API_PORT="70000"),
     ["up"], 1, "api-port '70000' (from environment) is not a port number 1-65535"),
    ("port-not-a-number", "--ui-port abc", None,
     ["up", "--ui-port", "abc"], 2, "Invalid value for '--ui-port': 'abc' is not a valid integer range"),
    ("ports-equal", "--api-port and --ui-port the same", None,
     ["up", "--api-port", "4100", "--ui-port", "4100"], 1, "api-port and ui-port are both 4100"),
    ("mode-unknown", "--mode tunnel", None,
     ["up", "--mode", "tunnel"], 2, "Invalid value for '--mode': 'tunnel' is not one of 'proxy', 'cors'"),
    ("node-too-old", "node 18 on PATH", fake_node("18.19.0"),
     ["up"], 1, "node: 18.19.0, but Vite 8.3.8 needs node ^20.19.0 || >=22.12.0"),
    ("npm-missing", "neither node nor npm on PATH", only_python_on_path,
     ["up"], 1, "npm: not found on PATH"),
    ("origin-malformed", "check-cors --origin localhost:3000", None,
     ["check-cors", "--origin", "localhost:3000"], 2, "'localhost:3000' is not an origin"),
    ("url-malformed", "check-cors --api 127.0.0.1:5000", None,
     ["check-cors", "--api", "127.0.0.1:5000"], 2, "--api '127.0.0.1:5000' is not an http(s) URL"),
    ("nothing-listening", "check-cors with no API running", None,
     ["check-cors", "--no-ui", "--api", "http://127.0.0.1:{free}"], 3, "cannot reach the API at http://127.0.0.1:{free}/api/health"),
    ("upstream-malformed", "nginx --upstream localhost", None,
     ["nginx", "--upstream", "localhost"], 2, "--upstream 'localhost' is not HOST:PORT"),
]


def snapshot(root: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in (".devtool",) or "node_modules" in relative.parts or not path.is_file():
            continue
        files[str(relative)] = path.read_bytes()
    return files


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_clear_line_and_changes_nothing(tmp_path, case):
    case_id, _, change, command, code, message = case
    root = copy_project(tmp_path / "project")
    api, ui = free_ports(2)
    env = child_env(API_PORT=str(api), UI_PORT=str(ui))
    if change:
        change(root, env)
    before = snapshot(root)
    free = str(free_ports(1)[0])
    command = [part.replace("{free}", free) for part in command]
    message = message.replace("{free}", free)
    result = subprocess.run([sys.executable, "-m", "devtool", "--root", str(root), *command], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == code, result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr
    assert len([line for line in error_lines if line.startswith("Error:")]) == 1, result.stderr
    assert message in result.stderr, result.stderr
    assert snapshot(root) == before  # every user file byte-identical
    assert not (root / ".devtool/logs").exists()  # nothing was started
    assert port_is_free(api) and port_is_free(ui)


def test_debug_shows_the_traceback(tmp_path):
    root = copy_project(tmp_path / "project")
    result = subprocess.run([sys.executable, "-m", "devtool", "--root", str(root), "--debug", "up", "--api-port", "4100", "--ui-port", "4100"],
                            env=child_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ConfigError" in result.stderr


def test_readme_lists_every_case():
    readme = (REPO / "README.md").read_text()
    table = readme[readme.index("## Bad input and faults"):]
    for case_id, _, _, _, _code, message in CASES:
        row = next((line for line in table.splitlines() if f"`{case_id}`" in line), None)
        assert row is not None, f"README has no row for {case_id}"
        shown = message.replace("{free}", "N")
        assert shown in row.replace("\\|", "|"), f"README row for {case_id} does not show {shown!r}"
