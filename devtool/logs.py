"""Routes each process's output: whole lines to the terminal, and to one ANSI-free file per process."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import IO

from devtool.output import Output, strip_ansi


class LogRouter:
    def __init__(self, output: Output, log_dir: Path | None, names: list[str]) -> None:
        self.output = output
        self.log_dir = log_dir
        self._files: dict[str, IO[str]] = {}
        self._lock = threading.Lock()
        self.problem: str | None = None
        output.register_names(names)
        if log_dir is not None:
            try:
                log_dir.mkdir(parents=True, exist_ok=True)
                for name in names:
                    self._files[name] = (log_dir / f"{name}.log").open("w", encoding="utf-8")
            except OSError as exc:
                self.problem = f"cannot write process logs in {log_dir} ({exc.strerror}); the run goes on without them"
                self._close_files()

    def line(self, name: str, raw: bytes) -> None:
        """Called by each process's reader thread with one line, newline included."""
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        self.output.process_line(name, text)
        handle = self._files.get(name)
        if handle is None:
            return
        try:
            with self._lock:
                handle.write(strip_ansi(text) + "\n")
                handle.flush()
        except OSError as exc:  # disk full mid-run: keep the terminal going, drop the file
            self._files.pop(name, None)
            self.output.warn(f"stopped writing {self.log_dir / (name + '.log')}: {exc.strerror}")

    def _close_files(self) -> None:
        for handle in self._files.values():
            try:
                handle.close()
            except OSError:
                pass
        self._files.clear()

    def close(self) -> None:
        with self._lock:
            self._close_files()
