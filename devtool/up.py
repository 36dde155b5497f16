"""`devtool up`: preflight, proxy config, start every Procfile process, wait until ready, stream, stop."""

from __future__ import annotations

import os
import signal
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Mapping

from devtool import preflight, procfile, proxyconfig, runstate
from devtool.errors import ExitCode
from devtool.logs import LogRouter
from devtool.output import Output
from devtool.settings import LOOPBACK, Settings
from devtool.supervisor import Events, Supervisor, describe_exit

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
SIGNAL_EXIT = {signal.SIGINT: ExitCode.SIGINT, signal.SIGTERM: ExitCode.SIGTERM, signal.SIGHUP: ExitCode.SIGHUP}


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
    stopped = runstate.clean_leftovers(settings.run_dir)
    if stopped:
        output.info(f"stopped leftovers of an earlier devtool run: {', '.join(stopped)}")
    if "web" in processes:
        preflight.require(preflight.check_npm_present())
        preflight.require(preflight.check_node(settings.root, preflight.cached_node_version(settings.run_dir)))
        if not preflight.node_modules_state(settings.root).ok:
            preflight.npm_ci(settings.root, output)
            preflight.require(preflight.check_node(settings.root, preflight.cached_node_version(settings.run_dir)))
    for label, port, host, name in (
        ("api-port", settings.api_port, settings.api_host, "api"),
        ("ui-port", settings.ui_port, settings.ui_host, "web"),
    ):
        if name in processes:
            preflight.require(preflight.check_port(label, port, host))
    written = proxyconfig.apply(proxyconfig.plan(settings.root, settings.api_port))
    for path in written:
        output.info(f"proxy target set to {proxyconfig.target_url(settings.api_port)} in {path.relative_to(settings.root)}")
    for host, label in ((settings.api_host, "API"), (settings.ui_host, "UI")):
        if host not in LOOPBACK:
            output.warn(f"the {label} listens on {host}: other machines can reach it (and the Werkzeug debugger)")
    return processes


class Run:
    """One `devtool up`: owns the event loop that ties processes, probes and signals together."""

    def __init__(self, settings: Settings, output: Output, environ: Mapping[str, str], guardian: bool = True, check: bool = False):
        self.check = check
        self.settings = settings
        self.output = output
        self.environ = environ
        self.guardian = guardian
        self.events = Events()

    def __call__(self) -> int:
        processes = prepare(self.settings, self.output)
        previous = {s: signal.signal(s, self._on_signal) for s in STOP_SIGNALS}
        router = LogRouter(self.output, self.settings.run_dir / "logs", list(processes))
        supervisor = Supervisor(
            processes,
            cwd=self.settings.root,
            env=child_environment(self.settings, self.environ, self.output.color),
            events=self.events,
            on_line=router.line,
            stop_timeout=self.settings.stop_timeout,
            guardian=self.guardian,
        )
        try:
            began = time.monotonic()
            supervisor.start()
            runstate.write(self.settings.run_dir, supervisor.entries())
            if router.problem:
                self.output.warn(router.problem)
            return self._loop(supervisor, processes, began)
        finally:
            if supervisor.alive():  # only after an unexpected error: the loop stops them itself
                supervisor.stop()
            router.close()
            runstate.remove(self.settings.run_dir)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self.events.close()

    def _on_signal(self, signum, frame) -> None:
        self.events.put("signal", signum)

    def _loop(self, supervisor: Supervisor, processes: dict[str, str], began: float) -> int:
        from devtool import readiness  # imported once the processes run: its CPU is off their critical path

        probes = readiness.probes_for(self.settings, list(processes))
        waiting = {p.process for p in probes}
        probe_runner = readiness.Readiness(probes, lambda name, secs: self.events.put("ready", name, secs))
        probe_runner.start(began)
        with ExitStack() as stack:
            status = stack.enter_context(self.output.status(self._waiting_text(waiting))) if waiting else None
            if not waiting:
                self._summary(time.monotonic() - began)
            while True:
                event = self.events.get()
                if event[0] == "ready":
                    _, name, seconds = event
                    waiting.discard(name)
                    if not self.output.is_tty:
                        self.output.info(f"{name} ready in {seconds:.2f}s")
                    if waiting:
                        status.update(self._waiting_text(waiting))
                    else:
                        stack.close()
                        self._summary(seconds)
                        if self.check:
                            self._check_cors()
                elif event[0] == "exit":
                    _, name, code = event
                    probe_runner.stop()
                    stack.close()
                    self.output.warn(f"{name} {describe_exit(code)}; stopping the others")
                    self._stop(supervisor)
                    return ExitCode.FAILED if code != 0 else ExitCode.OK
                elif event[0] == "signal":
                    signum = event[1]
                    probe_runner.stop()
                    stack.close()
                    self.output.info(f"{signal.Signals(signum).name} received, stopping (again to kill at once)")
                    self._stop(supervisor)
                    return SIGNAL_EXIT.get(signum, ExitCode.FAILED)

    def _waiting_text(self, waiting: set[str]) -> str:
        return f"waiting for {', '.join(sorted(waiting))} to answer…"

    def _summary(self, seconds: float) -> None:
        s = self.settings
        self.output.success(f"ready in {seconds:.2f}s · mode {s.mode} · UI {s.ui_url} · API {s.api_url}")
        if s.mode == "cors":
            self.output.info(f"the page calls {s.api_url} directly; the API allows {', '.join(s.ui_origins)}", style="")
        else:
            self.output.info(f"the page calls /api on {s.ui_url}; Vite proxies it to {s.api_url}", style="")
        self.output.info(f"logs in {s.run_dir.relative_to(s.root) / 'logs'}/ · Ctrl-C stops everything", style="")

    def _check_cors(self) -> None:
        from devtool import corscheck, report
        from devtool.errors import DevtoolError

        try:
            result = corscheck.check(corscheck.options_for(self.settings))
        except DevtoolError as exc:
            self.output.warn(f"CORS check could not run: {exc.message}")
            return
        line = report.summary_line(result)
        if result.ok:
            self.output.success(line)
        else:
            self.output.warn(line)

    def _stop(self, supervisor: Supervisor) -> None:
        seconds = supervisor.stop()
        self.output.info(f"stopped in {seconds:.2f}s; no process of the run is left", style="")


def run_up(settings: Settings, output: Output, environ: Mapping[str, str], guardian: bool = True, check: bool = False) -> int:
    return Run(settings, output, environ, guardian, check)()
