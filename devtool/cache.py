"""Remembered answers that cost a process start or a heavy import, keyed on a file's identity.

`devtool up` runs a hundred times a day, and every millisecond of CPU spent before the servers
start is taken from their start: `node --version` and parsing flask_api/.env are done again
only when the node binary or the .env file changed (path, inode, size, modification time).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from devtool.files import write_atomic


def file_key(path: Path) -> str:
    stat = path.stat()
    return f"{path.resolve()}:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"


def cached(cache_dir: Path | None, name: str, key: str, compute: Callable[[], Any]) -> Any:
    """compute(), or its remembered JSON value for the same key. Errors are never remembered."""
    if cache_dir is None:
        return compute()
    path = cache_dir / f"{name}.json"
    try:
        data = json.loads(path.read_text())
        if data.get("key") == key:
            return data["value"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    value = compute()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps({"key": key, "value": value}))
    except OSError:
        pass  # a read-only checkout still runs, only slower
    return value
