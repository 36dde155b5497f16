"""What must hold before anything starts: node and npm, node_modules, free ports, .env."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from devtool import ports
from devtool.errors import ConfigError, DevtoolError

UI = Path("react_ui")
Version = tuple[int, int, int]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    hint: str = ""


def parse_version(text: str) -> Version | None:
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(part) for part in match.groups()) if match else None  # type: ignore[return-value]


def satisfies(version: Version, expression: str) -> bool:
    """npm-style engines range: `||` of space-separated comparators (^, ~, >=, >, <=, <, =, x)."""
    for alternative in expression.split("||"):
        comparators = alternative.split()
        if comparators and all(_compare(version, c) for c in comparators):
            return True
    return False


def _compare(version: Version, comparator: str) -> bool:
    match = re.fullmatch(r"(\^|~|>=|<=|>|<|=)?v?(\d+|x|\*)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?", comparator)
    if not match:
        return False
    op = match.group(1) or "="
    parts = [int(p) if p and p.isdigit() else None for p in match.groups()[1:]]
    wanted = tuple(p or 0 for p in parts)
    if op == "^":
        major = wanted[0]
        return version >= wanted and (version[0] == major if major else version[:2] == wanted[:2])
    if op == "~":
        return version >= wanted and version[:2] == wanted[:2]
    if op == "=":
        return all(w is None or v == w for v, w in zip(version, parts, strict=True))
    return {">=": version >= wanted, ">": version > wanted, "<=": version <= wanted, "<": version < wanted}[op]


def tool_version(program: str, run=subprocess.run) -> Version | None:
    path = shutil.which(program)
    if not path:
        return None
    try:
        done = run([path, "--version"], capture_output=True, text=True, timeout=15)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_version(done.stdout)


def cached_node_version(run_dir: Path | None) -> Version | None:
    """`node --version`, remembered per node binary: it costs a process start."""
    from devtool.cache import cached, file_key

    path = shutil.which("node")
    if not path:
        return None
    version = cached(run_dir, "node-version", file_key(Path(path)), lambda: tool_version("node"))
    return tuple(version) if version else None  # type: ignore[return-value]


def check_vite_config(root: Path, run_dir: Path | None) -> Check:
    """`node --check` on vite.config.js, remembered per version of the user's part of the file: a
    syntax error there would otherwise surface only as Vite dying after everything started. The
    managed block is left out of the key: devtool renders that line, and a new API port must not
    cost another node start."""
    import hashlib

    from devtool.cache import cached
    from devtool.errors import ConfigError
    from devtool.proxyconfig import render_vite_config

    path = root / UI / "vite.config.js"
    node = shutil.which("node")
    if not path.exists() or not node:
        return Check("vite.config.js", True, "not checked (no file or no node)")
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        text = render_vite_config(text, "http://127.0.0.1:0")
    except ConfigError:
        pass  # an unmanageable block is reported by the proxy check; the syntax check still runs
    key = f"{node}:{hashlib.sha256(text.encode()).hexdigest()}"

    def syntax() -> str:
        done = subprocess.run([node, "--check", str(path)], capture_output=True, text=True, timeout=30)
        if done.returncode == 0:
            return ""
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        where = next((line for line in lines if line.startswith(str(path))), "")
        message = next((line for line in lines if "Error" in line), lines[-1] if lines else "syntax error")
        return f"{message.strip()} at line {where.rsplit(':', 1)[-1]}" if where else message.strip()

    error = cached(run_dir, "vite-config-syntax", key, syntax)
    if error:
        return Check("vite.config.js", False, f"react_ui/vite.config.js cannot be parsed: {error}", "fix the syntax error (`node --check react_ui/vite.config.js` shows it)")
    return Check("vite.config.js", True, "parses")


def vite_engines(root: Path) -> tuple[str, str] | None:
    """(vite version, its engines.node range) from node_modules, or None when Vite is not installed."""
    try:
        data = json.loads((root / UI / "node_modules/vite/package.json").read_text())
    except (OSError, ValueError):
        return None
    return data.get("version", "?"), data.get("engines", {}).get("node", "*")


def check_node(root: Path, version: Version | None) -> Check:
    if version is None:
        return Check("node", False, "not found on PATH", "install Node.js 20.19+ or 22.12+ (nodejs.org or your package manager)")
    shown = ".".join(map(str, version))
    engines = vite_engines(root)
    if engines is None:
        return Check("node", True, f"{shown} (Vite not installed yet)")
    vite, needed = engines
    if not satisfies(version, needed):
        return Check("node", False, f"{shown}, but Vite {vite} needs node {needed}", f"install a node that matches {needed}")
    return Check("node", True, f"{shown} (Vite {vite} needs {needed})")


def check_npm_present() -> Check:
    if shutil.which("npm"):
        return Check("npm", True, "on PATH")
    return Check("npm", False, "not found on PATH", "install npm (it ships with Node.js 20.19+), then run again")


def node_modules_state(root: Path) -> Check:
    """Compare package-lock.json with the lock npm keeps inside node_modules."""
    lock_path = root / UI / "package-lock.json"
    installed_path = root / UI / "node_modules/.package-lock.json"
    try:
        lock = json.loads(lock_path.read_text())["packages"]
    except FileNotFoundError:
        return Check("node_modules", False, "react_ui/package-lock.json is missing", "run `npm install` in react_ui/ and commit the lock")
    except (ValueError, KeyError, TypeError):
        return Check("node_modules", False, "react_ui/package-lock.json is not a valid npm lockfile", "regenerate it with `npm install` in react_ui/")
    try:
        installed = json.loads(installed_path.read_text())["packages"]
    except (OSError, ValueError, KeyError, TypeError):
        return Check("node_modules", False, "not installed", "devtool up runs `npm ci`; or run it in react_ui/")
    for key, entry in lock.items():
        if not key or not isinstance(entry, dict) or entry.get("link"):
            continue
        have = installed.get(key)
        if have is None or not (root / UI / key / "package.json").exists():
            if entry.get("optional"):
                continue  # platform-specific binaries for other systems are never installed
            return Check("node_modules", False, f"{key.removeprefix('node_modules/')} is missing", "run `npm ci` in react_ui/")
        if have.get("version") != entry.get("version"):
            name = key.removeprefix("node_modules/")
            return Check(
                "node_modules", False, f"{name} is {have.get('version')}, the lock wants {entry.get('version')}", "run `npm ci` in react_ui/"
            )
    return Check("node_modules", True, "in step with package-lock.json")


def check_port(label: str, port: int, host: str = "127.0.0.1") -> Check:
    if ports.is_free(port, host if host not in ("localhost",) else "127.0.0.1"):
        return Check(label, True, f"{port} free")
    holder = ports.holder(port)
    who = holder.describe(port) if holder else "another process"
    return Check(label, False, f"{port} is taken by {who}", f"stop it, or pick another port with --{label} N")


def npm_path() -> str:
    """npm's path, or the same error `check_npm_present` reports."""
    require(check_npm_present())
    return shutil.which("npm") or "npm"


def npm_ci(root: Path, output) -> None:
    """Install react_ui/node_modules from the lock, showing npm's progress."""
    npm = npm_path()
    with output.status("installing react_ui/node_modules (npm ci)…"):
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=root / UI, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise DevtoolError(f"npm ci failed in react_ui/: {last[0]}", "run `npm ci` in react_ui/ to see the whole error")
    output.info("installed react_ui/node_modules (npm ci)")


def require(check: Check) -> None:
    if not check.ok:
        raise ConfigError(f"{check.name}: {check.detail}", check.hint or None)


def ensure_ui_toolchain(root: Path, run_dir: Path, output) -> None:
    """npm present, node new enough for the installed Vite, node_modules in step with the lock
    (`npm ci` when not, then node checked again against the Vite it installed)."""
    require(check_npm_present())
    require(check_node(root, cached_node_version(run_dir)))
    if not node_modules_state(root).ok:
        npm_ci(root, output)
        require(check_node(root, cached_node_version(run_dir)))
