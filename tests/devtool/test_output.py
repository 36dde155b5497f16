"""Terminal output: colour only on a terminal and never with NO_COLOR; whole lines, prefixed."""

from __future__ import annotations

import io
import threading

import pytest

from devtool.output import Output


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    "stream, environ, coloured",
    [
        (Terminal(), {}, True),  # a terminal
        (Terminal(), {"NO_COLOR": "1"}, False),  # NO_COLOR honoured
        (io.StringIO(), {}, False),  # a pipe or file
    ],
)
def test_colour_only_on_a_terminal_without_no_color(stream, environ, coloured):
    output = Output(stdout=stream, stderr=stream, environ=environ)
    output.register_names(["api", "web"])
    output.process_line("api", "\x1b[31mred from the child\x1b[0m")
    output.success("ready")
    text = stream.getvalue()
    assert ("\x1b[" in text) is coloured
    assert "api     | " in text and "red from the child" in text and "devtool | ready" in text


def test_lines_from_many_threads_are_never_interleaved():
    stream = io.StringIO()
    output = Output(stdout=stream, environ={})
    output.register_names(["a", "b"])

    def spam(name):
        for i in range(300):
            output.process_line(name, f"{name}-{i}-" + "x" * 50)

    threads = [threading.Thread(target=spam, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 600
    for line in lines:
        name = line.split("|")[0].split()[-1]
        assert line.endswith("x" * 50) and f"| {name}-" in line
