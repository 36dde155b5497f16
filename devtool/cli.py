"""The command line: each command parses options, calls one core function, maps the result to an exit code.

Heavy modules (rich, httpx, honcho) are imported inside the commands so `devtool --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from devtool import __version__
from devtool.errors import DevtoolError, ExitCode

PORT = click.IntRange(1, 65535)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="devtool")
@click.option("--root", type=click.Path(file_okay=False, exists=True, path_type=Path), help="Repository root (default: found by walking up).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, root: Path | None, debug: bool) -> None:
    """Run the Flask API and the React UI together, wired correctly, and check the wiring."""
    ctx.obj = {"root": root, "debug": debug}


def _settings(ctx: click.Context, **flags):
    from devtool import settings

    root = ctx.obj["root"] or settings.find_root(Path.cwd())
    return settings.resolve(Path(root).resolve(), flags, os.environ)


def _output():
    from devtool.output import Output

    return Output(environ=os.environ)


@cli.command()
@click.option("--api-port", type=PORT, help="Port of the Flask API [5000].")
@click.option("--ui-port", type=PORT, help="Port of the Vite dev server [3000].")
@click.option("--mode", type=click.Choice(["proxy", "cors"]), help="How the page reaches the API [proxy].")
@click.option("--host", "api_host", help="Address Flask binds [127.0.0.1]; anything else is reachable from other machines.")
@click.option("--stop-timeout", type=click.FloatRange(0, 3600), help="Seconds between SIGTERM and SIGKILL [3].")
@click.option("--check", is_flag=True, help="Once ready, run check-cors against the stack and report it.")
@click.pass_context
def up(ctx: click.Context, check: bool, **flags) -> None:
    """Start every Procfile process, wait until ready, stream the logs; Ctrl-C stops everything."""
    from devtool.up import run_up

    flags = {key.replace("_", "-"): value for key, value in flags.items()}
    ctx.exit(run_up(_settings(ctx, **flags), _output(), os.environ, check=check))


@cli.command()
@click.option("--api-port", type=PORT, help="Port the proxy forwards /api to [5000].")
@click.option("--check", is_flag=True, help="Only compare; exit 1 when a file would change.")
@click.pass_context
def proxy(ctx: click.Context, api_port: int | None, check: bool) -> None:
    """Write (or with --check compare) the Vite and package.json proxy config."""
    from devtool import proxyconfig

    settings = _settings(ctx, **{"api-port": api_port})
    result = proxyconfig.sync(settings.root, settings.api_port, check)
    output = _output()
    for path in result.drift if check else result.written:
        relative = path.relative_to(settings.root)
        output.plain(f"{relative}: proxy target is not {result.target}" if check else f"updated {relative}: proxy target {result.target}")
    if check and result.drift:
        raise DevtoolError(f"{len(result.drift)} file(s) out of step", f"run `devtool proxy --api-port {settings.api_port}`")
    if not result.drift:
        output.plain(f"proxy config already targets {result.target}")


@cli.command("check-cors")
@click.option("--api", help="The API's base URL [http://127.0.0.1:<api-port>].")
@click.option("--ui", help="The UI dev server, to check /api through its proxy [http://127.0.0.1:<ui-port> in proxy mode].")
@click.option("--no-ui", is_flag=True, help="Do not check the proxy.")
@click.option("--origin", "origins", multiple=True, help="A page origin that must be allowed (repeatable) [the UI origins].")
@click.option("--path", "paths", multiple=True, help="An API path to check (repeatable) [/api/health, /api/color].")
@click.option("--credentials", is_flag=True, help="Requests with credentials are needed too.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def check_cors(ctx: click.Context, api, ui, no_ui, origins, paths, credentials, as_json) -> None:
    """Predict what a browser allows, request by request, and audit the CORS policy."""
    from devtool import corscheck, report

    if ui and no_ui:
        raise click.UsageError("--ui and --no-ui exclude each other")
    settings = _settings(ctx)
    options = corscheck.options_for(settings, api=api, ui=ui, no_ui=no_ui, origins=origins, paths=paths, credentials=credentials)
    result = corscheck.check(options)
    output = _output()
    if as_json:
        output.plain(report.to_json(result))
    else:
        report.render(result, output)
    ctx.exit(ExitCode.OK if result.ok else ExitCode.FAILED)


@cli.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Report the environment: Python, node/npm for Vite, ports and their holders, node_modules, .env."""
    from devtool.doctor import diagnose, render

    settings = _settings(ctx)
    checks = diagnose(settings)
    render(checks, settings, _output())
    ctx.exit(ExitCode.OK if all(c.ok for c in checks) else ExitCode.FAILED)


@cli.command("nginx")
@click.option("--port", type=PORT, default=80, show_default=True, help="Port nginx listens on.")
@click.option("--server-name", default="_", show_default=True, help="server_name (your domain).")
@click.option("--upstream", "upstreams", multiple=True, help="An API instance HOST:PORT (repeatable) [127.0.0.1:8000].")
@click.option("--full", is_flag=True, help="A complete nginx.conf instead of a server block for sites-available/.")
@click.option("--build-dir", type=click.Path(path_type=Path), help="The UI build nginx serves [react_ui/build].")
@click.option("--output", "-o", "output_file", type=click.Path(dir_okay=False, path_type=Path), help="Write it to this file (atomically).")
@click.pass_context
def nginx_command(ctx: click.Context, port, server_name, upstreams, full, build_dir, output_file) -> None:
    """Print the production nginx config: the UI build and /api/ on one origin."""
    from devtool import nginx
    from devtool.files import write_atomic

    text = nginx.render_for(_settings(ctx).root, port, server_name, upstreams, full, build_dir)
    if output_file:
        write_atomic(output_file, text)
        _output().plain(f"wrote {output_file}; check it with `nginx -t`")
    else:
        _output().plain(text)


@cli.command()
@click.option("--port", type=PORT, default=8080, show_default=True, help="Port nginx listens on (127.0.0.1).")
@click.option("--stop-timeout", type=click.FloatRange(0, 3600), help="Seconds between SIGTERM and SIGKILL [3].")
@click.pass_context
def serve(ctx: click.Context, port: int, stop_timeout: float | None) -> None:
    """Build the UI, run the API under gunicorn and nginx in front on one port; Ctrl-C stops all."""
    from devtool.serve import run_serve

    ctx.exit(run_serve(_settings(ctx, **{"stop-timeout": stop_timeout}), _output(), os.environ, port))


def main() -> None:
    debug = "--debug" in sys.argv[1:]
    try:
        # Without standalone mode click returns ctx.exit()'s code instead of raising it.
        code = cli.main(prog_name="devtool", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(ExitCode.SIGINT)
    except click.ClickException as exc:
        if debug:
            raise
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(ExitCode.SIGINT)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
        if debug:
            raise
        click.echo(f"Error: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", err=True)
        sys.exit(ExitCode.FAILED)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)
