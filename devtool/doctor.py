"""`devtool doctor`: the preflight facts as a report, starting nothing."""

from __future__ import annotations

import platform
import sys

from devtool import preflight, procfile, proxyconfig
from devtool.errors import ConfigError
from devtool.preflight import Check
from devtool.settings import Settings


def diagnose(settings: Settings) -> list[Check]:
    root = settings.root
    checks = [Check("python", sys.version_info >= (3, 11), f"{platform.python_version()} ({sys.executable})", "use Python 3.11+")]
    checks.append(preflight.check_node(root, preflight.tool_version("node")))
    npm = preflight.tool_version("npm")
    checks.append(Check("npm", npm is not None, ".".join(map(str, npm)) if npm else "not found on PATH", "install npm with Node.js"))
    checks.append(preflight.node_modules_state(root))
    checks.append(preflight.check_vite_config(root, settings.run_dir))
    checks.append(preflight.check_port("api-port", settings.api_port, settings.api_host))
    checks.append(preflight.check_port("ui-port", settings.ui_port, settings.ui_host))
    env = root / "flask_api" / ".env"
    checks.append(
        Check(".env", True, "flask_api/.env present")
        if env.exists()
        else Check(".env", True, "flask_api/.env will be created from .env.example with a fresh SECRET_KEY on first start")
    )
    try:
        names = procfile.load(root)
        checks.append(Check("Procfile", True, ", ".join(names)))
    except ConfigError as exc:
        checks.append(Check("Procfile", False, exc.message))
    try:
        drift = [c.path.name for c in proxyconfig.plan(root, settings.api_port) if c.changed]
        detail = f"targets {proxyconfig.target_url(settings.api_port)}"
        checks.append(Check("proxy", True, detail if not drift else f"{', '.join(drift)} will be updated to {detail[8:]}"))
    except ConfigError as exc:
        checks.append(Check("proxy", False, exc.message))
    return checks


def render(checks: list[Check], settings: Settings, output) -> None:
    from rich.table import Table

    table = Table(title="devtool doctor", show_lines=False)
    table.add_column("check")
    table.add_column("")
    table.add_column("detail", overflow="fold")
    for check in checks:
        mark = "[green]ok[/]" if check.ok else "[red]FAIL[/]"
        detail = check.detail + (f" → {check.hint}" if check.hint and not check.ok else "")
        table.add_row(check.name, mark, detail)
    output.print(table)
    sources = ", ".join(f"{key}={getattr(settings, key.replace('-', '_'))} ({src})" for key, src in settings.sources.items())
    output.plain(f"settings: {sources}")
