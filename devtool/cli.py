"""The command line: each command parses options, calls one core function, maps the result to an exit code.

Heavy modules (rich, httpx, honcho) are imported inside the commands so `devtool --help` stays fast.
"""

from __future__ import annotations

import click

from devtool import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="devtool")
@click.option("--root", type=click.Path(file_okay=False, exists=True), help="Repository root (default: found by walking up).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, root: str | None, debug: bool) -> None:
    """Run the Flask API and the React UI together, wired correctly, and check the wiring."""
    ctx.obj = {"root": root, "debug": debug}


def main() -> None:
    cli(prog_name="devtool")
