"""The Procfile: the single source of the dev commands, parsed with honcho's own parser."""

from __future__ import annotations

from pathlib import Path

from devtool.errors import ConfigError

HINT = "each line is `name: command` (letters, digits, - and _), e.g. `api: python -m flask_api.run`"


def parse(text: str, name: str = "Procfile") -> dict[str, str]:
    """name -> command, in file order. Lines honcho would silently skip are errors here."""
    from honcho.environ import PROCFILE_LINE, parse_procfile

    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = PROCFILE_LINE.match(line)
        if not match:
            raise ConfigError(f"{name} line {number} is not `name: command`: {stripped[:60]!r}", HINT)
        process = match.group(1)
        if process in seen:
            raise ConfigError(
                f"{name} line {number}: process {process!r} is already defined on line {seen[process]}",
                "give every process its own name",
            )
        seen[process] = number
    processes = dict(parse_procfile(text).processes)
    if not processes:
        raise ConfigError(f"{name} defines no processes", HINT)
    return processes


def load(root: Path) -> dict[str, str]:
    path = root / "Procfile"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"no Procfile in {root}", "restore it (`git checkout -- Procfile`)") from None
    except UnicodeDecodeError:
        raise ConfigError("Procfile is not UTF-8 text", "save it as UTF-8") from None
    return parse(text)
