"""All terminal output: rich on a terminal, plain text otherwise, NO_COLOR honoured.

Nothing else in devtool prints. Rich is imported on first use so `devtool --help` stays fast.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
import time
from typing import IO, Iterator, Mapping

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*(\x07|\x1b\\)")
PALETTE = ("cyan", "yellow", "green", "magenta", "blue", "bright_red")


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


class Output:
    def __init__(
        self,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._stdout = stdout or sys.stdout
        self._stderr = stderr or sys.stderr
        self.is_tty = bool(getattr(self._stdout, "isatty", lambda: False)())
        self.color = self.is_tty and "NO_COLOR" not in (environ or {})
        self._lock = threading.RLock()
        self._consoles: dict[str, object] = {}
        self._styles: dict[str, str] = {}
        self._width = 0

    def console(self, stream: str = "out"):
        if stream not in self._consoles:
            from rich.console import Console

            file = self._stdout if stream == "out" else self._stderr
            tty = bool(getattr(file, "isatty", lambda: False)())
            self._consoles[stream] = Console(
                file=file, no_color=not self.color, force_terminal=tty, highlight=False, soft_wrap=not tty
            )
        return self._consoles[stream]

    # -- process logs --------------------------------------------------------------------
    def register_names(self, names: list[str]) -> None:
        self._width = max([len(n) for n in names] + [len("devtool")])
        for index, name in enumerate(names):
            self._styles[name] = PALETTE[index % len(PALETTE)]

    def process_line(self, name: str, text: str) -> None:
        """One whole line of a process's output, prefixed with its time and name."""
        prefix = f"{time.strftime('%H:%M:%S')} {name.ljust(self._width)} | "
        with self._lock:
            if self.color:
                from rich.text import Text

                line = Text(prefix, style=self._styles.get(name, "white"))
                line.append_text(Text.from_ansi(text))
                self.console().print(line, soft_wrap=True)
            else:
                self._stdout.write(prefix + strip_ansi(text) + "\n")
                self._stdout.flush()

    # -- devtool's own messages ----------------------------------------------------------
    def info(self, message: str, style: str = "bold") -> None:
        self._own(message, style, "out")

    def success(self, message: str) -> None:
        self._own(message, "bold green", "out")

    def warn(self, message: str) -> None:
        self._own(f"warning: {message}", "bold yellow", "err")

    def _own(self, message: str, style: str, stream: str) -> None:
        prefix = f"{time.strftime('%H:%M:%S')} {'devtool'.ljust(self._width or 7)} | " if self._width else ""
        with self._lock:
            if self.color:
                from rich.text import Text

                self.console(stream).print(Text(prefix + message, style=style), soft_wrap=True)
            else:
                target = self._stdout if stream == "out" else self._stderr
                target.write(prefix + message + "\n")
                target.flush()

    def print(self, renderable) -> None:
        """A table or other rich renderable (plain text when not a terminal)."""
        with self._lock:
            self.console().print(renderable)

    def plain(self, text: str) -> None:
        with self._lock:
            self._stdout.write(text if text.endswith("\n") else text + "\n")
            self._stdout.flush()

    @contextlib.contextmanager
    def status(self, message: str) -> Iterator["StatusLine"]:
        """A live status line on a terminal; on a pipe, updates are printed as they come."""
        if not self.is_tty:
            yield StatusLine(None, self)
            return
        with self.console().status(message, spinner="dots") as live:
            yield StatusLine(live, self)


class StatusLine:
    def __init__(self, live, output: Output) -> None:
        self._live = live
        self._output = output

    def update(self, message: str) -> None:
        if self._live is not None:
            self._live.update(message)
