"""One supervised run: start the processes, wait for their probes, stream logs, stop on a signal
or on the first process to die. `devtool up` and `devtool serve` differ only in what they start."""

from __future__ import annotations

import signal
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from devtool import runstate
from devtool.errors import ExitCode
from devtool.logs import LogRouter
from devtool.output import Output
from devtool.supervisor import Events, Supervisor, describe_exit

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
SIGNAL_EXIT = {signal.SIGINT: ExitCode.SIGINT, signal.SIGTERM: ExitCode.SIGTERM, signal.SIGHUP: ExitCode.SIGHUP}


@dataclass
class Plan:
    """What a session runs: processes (name -> shell command), where, and how readiness is told."""

    processes: dict[str, str]
    cwd: Path
    env: dict[str, str]
    run_dir: Path
    stop_timeout: float
    probes: list = field(default_factory=list)
    summary: Callable[[float], list[str]] = lambda seconds: [f"ready in {seconds:.2f}s"]
    on_ready: Callable[[], None] | None = None


class Session:
    def __init__(self, plan: Plan, output: Output, guardian: bool = True) -> None:
        self.plan = plan
        self.output = output
        self.guardian = guardian
        self.events = Events()

    def __call__(self) -> int:
        plan = self.plan
        previous = {s: signal.signal(s, self._on_signal) for s in STOP_SIGNALS}
        router = LogRouter(self.output, plan.run_dir / "logs", list(plan.processes))
        supervisor = Supervisor(
            plan.processes,
            cwd=plan.cwd,
            env=plan.env,
            events=self.events,
            on_line=router.line,
            stop_timeout=plan.stop_timeout,
            guardian=self.guardian,
        )
        try:
            began = time.monotonic()
            supervisor.start()
            runstate.write(plan.run_dir, supervisor.entries())
            if router.problem:
                self.output.warn(router.problem)
            return self._loop(supervisor, began)
        finally:
            if supervisor.alive():  # only after an unexpected error: the loop stops them itself
                supervisor.stop()
            router.close()
            runstate.remove(plan.run_dir)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self.events.close()

    def _on_signal(self, signum, frame) -> None:
        self.events.put("signal", signum)

    def _loop(self, supervisor: Supervisor, began: float) -> int:
        from devtool import readiness  # imported once the processes run: its CPU is off their critical path

        waiting = {p.process for p in self.plan.probes}
        probe_runner = readiness.Readiness(self.plan.probes, lambda name, secs: self.events.put("ready", name, secs))
        probe_runner.start(began)
        with ExitStack() as stack:
            status = stack.enter_context(self.output.status(self._waiting_text(waiting))) if waiting else None
            if not waiting:
                self._ready(time.monotonic() - began)
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
                        self._ready(seconds)
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

    def _ready(self, seconds: float) -> None:
        first, *rest = self.plan.summary(seconds)
        self.output.success(first)
        for line in rest:
            self.output.info(line, style="")
        if self.plan.on_ready:
            self.plan.on_ready()

    def _stop(self, supervisor: Supervisor) -> None:
        seconds = supervisor.stop()
        self.output.info(f"stopped in {seconds:.2f}s; no process of the run is left", style="")
