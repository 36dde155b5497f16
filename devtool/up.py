"""`devtool up`: preflight, proxy config, then a session of every Procfile process."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Mapping

from devtool import preflight, procfile, proxyconfig, runstate
from devtool.output import Output
from devtool.session import Plan, Session
from devtool.settings import LOOPBACK, Settings


def child_environment(settings: Settings, base: Mapping[str, str], color: bool) -> dict[str, str]:
    """What every process of the run sees: the ports, the mode's wiring, devtool's own Python first."""
    env = dict(base)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    env["API_PORT"] = str(settings.api_port)
    env["UI_PORT"] = str(settings.ui_port)
    env["API_HOST"] = settings.api_host
    env["UI_HOST"] = settings.ui_host
    if settings.mode == "cors":
        env["VITE_API_URL"] = settings.api_url
        env["CORS_ORIGINS"] = ",".join(settings.ui_origins)
    else:
        env.pop("VITE_API_URL", None)
    if color:
        env.setdefault("FORCE_COLOR", "1")
    return env


def prepare(settings: Settings, output: Output) -> dict[str, str]:
    """Everything that must hold before a process starts; raises with nothing started."""
    processes = procfile.load(settings.root)
    # Reading both proxy files first: a broken package.json is named as such, before node (which
    # reads it too when checking vite.config.js) could report it as something else.
    changes = proxyconfig.plan(settings.root, settings.api_port)
    stopped = runstate.clean_leftovers(settings.run_dir)
    if stopped:
        output.info(f"stopped leftovers of an earlier devtool run: {', '.join(stopped)}")
    if "web" in processes:
        preflight.ensure_ui_toolchain(settings.root, settings.run_dir, output)
        preflight.require(preflight.check_vite_config(settings.root, settings.run_dir))
    for label, port, host, name in (
        ("api-port", settings.api_port, settings.api_host, "api"),
        ("ui-port", settings.ui_port, settings.ui_host, "web"),
    ):
        if name in processes:
            preflight.require(preflight.check_port(label, port, host))
    written = proxyconfig.apply(changes)
    for path in written:
        output.info(f"proxy target set to {proxyconfig.target_url(settings.api_port)} in {path.relative_to(settings.root)}")
    for host, label in ((settings.api_host, "API"), (settings.ui_host, "UI")):
        if host not in LOOPBACK:
            output.warn(f"the {label} listens on {host}: other machines can reach it (and the Werkzeug debugger)")
    return processes


def summary(settings: Settings):
    def lines(seconds: float) -> list[str]:
        s = settings
        wiring = (
            f"the page calls {s.api_url} directly; the API allows {', '.join(s.ui_origins)}"
            if s.mode == "cors"
            else f"the page calls /api on {s.ui_url}; Vite proxies it to {s.api_url}"
        )
        return [
            f"ready in {seconds:.2f}s · mode {s.mode} · UI {s.ui_url} · API {s.api_url}",
            wiring,
            f"logs in {s.run_dir.relative_to(s.root) / 'logs'}/ · Ctrl-C stops everything",
        ]

    return lines


def check_cors_once(settings: Settings, output: Output):
    def run() -> None:
        from devtool import corscheck, report
        from devtool.errors import DevtoolError

        try:
            result = corscheck.check(corscheck.options_for(settings))
        except DevtoolError as exc:
            output.warn(f"CORS check could not run: {exc.message}")
            return
        line = report.summary_line(result)
        if result.ok:
            output.success(line)
        else:
            output.warn(line)

    return run


def run_up(settings: Settings, output: Output, environ: Mapping[str, str], guardian: bool = True, check: bool = False) -> int:
    from devtool.readiness import probes_for

    processes = prepare(settings, output)
    plan = Plan(
        processes=processes,
        cwd=settings.root,
        env=child_environment(settings, environ, output.color),
        run_dir=settings.run_dir,
        stop_timeout=settings.stop_timeout,
        probes=probes_for(settings, list(processes)),
        summary=summary(settings),
        on_ready=check_cors_once(settings, output) if check else None,
    )
    return Session(plan, output, guardian)()
