"""Settings resolved once, with visible precedence: flags, environment, flask_api/.env,
[tool.devtool] in pyproject.toml, built-in defaults."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from devtool.errors import ConfigError

MODES = ("proxy", "cors")
DEFAULTS: dict[str, Any] = {
    "api-port": 5000,
    "ui-port": 3000,
    "mode": "proxy",
    "stop-timeout": 3.0,
    "api-host": "127.0.0.1",
    "ui-host": "127.0.0.1",
}
# The environment variables each setting answers to; the children read the same names.
ENV_NAMES = {
    "api-port": "API_PORT",
    "ui-port": "UI_PORT",
    "mode": "DEVTOOL_MODE",
    "stop-timeout": "DEVTOOL_STOP_TIMEOUT",
    "api-host": "API_HOST",
    "ui-host": "UI_HOST",
}
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Settings:
    root: Path
    api_port: int = 5000
    ui_port: int = 3000
    mode: str = "proxy"
    stop_timeout: float = 3.0
    api_host: str = "127.0.0.1"
    ui_host: str = "127.0.0.1"
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.ui_port}"

    @property
    def ui_origins(self) -> tuple[str, str]:
        """The origins a browser may load the dev UI from; the API allows exactly these."""
        return (f"http://localhost:{self.ui_port}", f"http://127.0.0.1:{self.ui_port}")

    @property
    def run_dir(self) -> Path:
        return self.root / ".devtool"


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds flask_api/ and react_ui/."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "flask_api").is_dir() and (folder / "react_ui").is_dir():
            return folder
    raise ConfigError(
        f"no devtool project at or above {start} (a folder with flask_api/ and react_ui/)",
        "cd into the repository or pass --root",
    )


def read_pyproject(root: Path) -> dict[str, Any]:
    path = root / "pyproject.toml"
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"pyproject.toml is not valid TOML: {exc}", "fix the file and run again") from None
    table = data.get("tool", {}).get("devtool", {})
    if not isinstance(table, dict):
        raise ConfigError("pyproject.toml: [tool.devtool] must be a table", "write it as a [tool.devtool] section")
    unknown = sorted(set(table) - set(DEFAULTS))
    if unknown:
        raise ConfigError(
            f"pyproject.toml: unknown key {unknown[0]!r} in [tool.devtool]",
            f"use one of: {', '.join(DEFAULTS)}",
        )
    return table


def read_env_file(path: Path, cache_dir: Path | None = None) -> dict[str, str]:
    """KEY=value pairs of a .env file; a line python-dotenv cannot parse is an error, not a skip."""
    if not path.exists():
        return {}
    from devtool.cache import cached, file_key

    return cached(cache_dir, "env-file", file_key(path), lambda: _parse_env_file(path))


def _parse_env_file(path: Path) -> dict[str, str]:
    from dotenv.parser import parse_stream

    values: dict[str, str] = {}
    with path.open(encoding="utf-8") as stream:
        for binding in parse_stream(stream):
            if binding.error:
                line = binding.original.line
                raise ConfigError(
                    f"{path.name} line {line}: cannot parse {binding.original.string.strip()[:60]!r}",
                    "write it as KEY=value (quote values with spaces)",
                )
            if binding.key is not None and binding.value is not None:
                values[binding.key] = binding.value
    return values


def _coerce(key: str, value: Any, source: str) -> Any:
    def fail(expected: str) -> ConfigError:
        return ConfigError(f"{key} {value!r} (from {source}) is not {expected}", f"set {key} to {expected}")

    if key in ("api-port", "ui-port"):
        if isinstance(value, bool):
            raise fail("a port number 1-65535")
        try:
            port = int(str(value).strip())
        except ValueError:
            raise fail("a port number 1-65535") from None
        if not 1 <= port <= 65535 or (isinstance(value, float) and value != port):
            raise fail("a port number 1-65535")
        return port
    if key == "stop-timeout":
        if isinstance(value, bool):
            raise fail("a number of seconds")
        try:
            seconds = float(str(value).strip())
        except ValueError:
            raise fail("a number of seconds") from None
        if not 0 <= seconds <= 3600:
            raise fail("a number of seconds from 0 to 3600")
        return seconds
    if key == "mode":
        if value not in MODES:
            raise fail(" or ".join(MODES))
        return value
    if not isinstance(value, str) or not value.strip():
        raise fail("a host name or address")
    return value.strip()


def resolve(
    root: Path,
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Merge the layers, lowest first, so each later layer overrides the one before."""
    env_file = read_env_file(root / "flask_api" / ".env", root / ".devtool")
    environ = environ or {}
    layers: list[tuple[str, Mapping[str, Any]]] = [
        ("default", DEFAULTS),
        ("pyproject.toml [tool.devtool]", read_pyproject(root)),
        ("flask_api/.env", {k: env_file[n] for k, n in ENV_NAMES.items() if n in env_file}),
        ("environment", {k: environ[n] for k, n in ENV_NAMES.items() if n in environ}),
        ("command line", {k: v for k, v in (flags or {}).items() if v is not None}),
    ]
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for source, layer in layers:
        for key, value in layer.items():
            label = f"--{key}" if source == "command line" else source
            values[key] = _coerce(key, value, label)
            sources[key] = label
    if values["api-port"] == values["ui-port"]:
        raise ConfigError(
            f"api-port and ui-port are both {values['api-port']} "
            f"(from {sources['api-port']} and {sources['ui-port']})",
            "give them different ports, e.g. --api-port 5000 --ui-port 3000",
        )
    return Settings(
        root=root,
        api_port=values["api-port"],
        ui_port=values["ui-port"],
        mode=values["mode"],
        stop_timeout=values["stop-timeout"],
        api_host=values["api-host"],
        ui_host=values["ui-host"],
        sources=sources,
    )
