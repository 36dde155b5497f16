"""The dev proxy's target, kept in two user files without disturbing anything else in them.

vite.config.js: one managed block between marker comments holds `const API_TARGET = '...'`; the
rest of the file is the user's and is never rewritten. package.json: only the value of the
top-level "proxy" field (the CRA convention) is replaced, byte for byte in place.
Rendering is pure (text in, text out); `apply` writes atomically.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from devtool.errors import ConfigError
from devtool.files import write_atomic

BEGIN = "// devtool:proxy:begin"
END = "// devtool:proxy:end"
VITE_CONFIG = Path("react_ui/vite.config.js")
PACKAGE_JSON = Path("react_ui/package.json")
MARKER_HINT = (
    f"restore the managed block: a line '{BEGIN} ...', the line \"const API_TARGET = 'http://127.0.0.1:5000'\", "
    f"a line '{END}', and use API_TARGET as server.proxy's target (see react_ui/README.md)"
)


def target_url(api_port: int) -> str:
    # 127.0.0.1, never localhost: Node 17+ may resolve localhost to ::1 where Flask does not listen.
    return f"http://127.0.0.1:{api_port}"


def render_vite_config(text: str, target: str, name: str = "vite.config.js") -> str:
    """`text` with the managed block set to `target`; ConfigError when the block cannot be managed."""
    lines = text.splitlines(keepends=True)
    begins = [i for i, line in enumerate(lines) if line.strip().startswith(BEGIN)]
    ends = [i for i, line in enumerate(lines) if line.strip().startswith(END)]
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        found = "no" if not begins and not ends else "a broken"
        raise ConfigError(f"{name} has {found} devtool proxy block, so the proxy target cannot be managed", MARKER_HINT)
    begin, end = begins[0], ends[0]
    outside = "".join(lines[:begin] + lines[end + 1 :])
    if not re.search(r"\bAPI_TARGET\b", outside):
        raise ConfigError(f"{name} no longer uses API_TARGET outside the devtool proxy block", MARKER_HINT)
    newline = "\r\n" if lines[begin].endswith("\r\n") else "\n"
    indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
    block = f"{indent}const API_TARGET = {json.dumps(target).replace(chr(34), chr(39))}{newline}"
    return "".join(lines[: begin + 1]) + block + "".join(lines[end:])


def _top_level_members(text: str, name: str) -> tuple[dict[str, tuple[int, int]], int, str]:
    """Spans of each top-level value, where the object's closing brace is, and the members' indent."""
    decoder = json.JSONDecoder()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            "fix the file, e.g. `node -e \"require('./react_ui/package.json')\"` shows where",
        ) from None
    if not isinstance(document, dict):
        raise ConfigError(f"{name} must hold a JSON object", "restore the package.json object")

    spans: dict[str, tuple[int, int]] = {}
    ws = re.compile(r"\s*")
    pos = ws.match(text, text.index("{") + 1).end()
    indent = "  "
    while text[pos] != "}":
        line_start = text.rfind("\n", 0, pos) + 1
        if not spans:
            indent = text[line_start:pos] if text[line_start:pos].strip() == "" else ""
        key, pos = json.decoder.scanstring(text, pos + 1)
        pos = ws.match(text, pos).end() + 1  # past ':'
        pos = ws.match(text, pos).end()
        _, end = decoder.raw_decode(text, pos)
        spans[key] = (pos, end)
        pos = ws.match(text, end).end()
        if text[pos] == ",":
            pos = ws.match(text, pos + 1).end()
    return spans, pos, indent


def render_package_json(text: str, target: str, name: str = "package.json") -> str:
    """`text` with the top-level "proxy" set to `target`, every other byte unchanged."""
    spans, close, indent = _top_level_members(text, name)
    value = json.dumps(target)
    if "proxy" in spans:
        start, end = spans["proxy"]
        current = json.loads(text[start:end])
        if not isinstance(current, str):
            raise ConfigError(
                f'{name}: "proxy" is {type(current).__name__}, not a URL string',
                f'set it to a string like "{target}" (devtool manages it)',
            )
        return text[:start] + value + text[end:]
    if not spans:  # an empty object
        return text[:close] + f'\n  "proxy": {value}\n' + text[close:]
    last_end = max(end for _, end in spans.values())
    newline = "\r\n" if "\r\n" in text else "\n"
    separator = f",{newline}{indent}" if indent else ", "
    return text[:last_end] + f'{separator}"proxy": {value}' + text[last_end:]


@dataclass(frozen=True)
class Change:
    path: Path
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _read(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        raise ConfigError(f"{path} is missing", "restore it from git (`git checkout -- react_ui/`)") from None


def plan(root: Path, api_port: int) -> list[Change]:
    """What the two files would become for `api_port`; raises before anything is written."""
    target = target_url(api_port)
    vite, package = root / VITE_CONFIG, root / PACKAGE_JSON
    vite_text, package_text = _read(vite), _read(package)
    return [
        Change(vite, vite_text, render_vite_config(vite_text, target, str(VITE_CONFIG))),
        Change(package, package_text, render_package_json(package_text, target, str(PACKAGE_JSON))),
    ]


def apply(changes: list[Change]) -> list[Path]:
    """Write the files that changed, atomically; return their paths."""
    written = []
    for change in changes:
        if change.changed:
            write_atomic(change.path, change.new)
            written.append(change.path)
    return written


@dataclass(frozen=True)
class SyncResult:
    target: str
    drift: list[Path]  # files whose proxy target differs (before any write)
    written: list[Path]


def sync(root: Path, api_port: int, check: bool) -> SyncResult:
    """Compare both files with the target for `api_port`; unless `check`, write what differs."""
    changes = plan(root, api_port)
    drift = [c.path for c in changes if c.changed]
    written = [] if check else apply(changes)
    return SyncResult(target_url(api_port), drift, written)
