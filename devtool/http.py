"""httpx, imported without its command-line interface.

`import httpx` also imports httpx's own CLI (httpx._main: rich, pygments, click), about 55 ms
that devtool never uses and that check-cors pays on every run. httpx guards that import with
`except ImportError`, which a None entry in sys.modules triggers. Should a future httpx import it
unguarded, the entry is removed and httpx imported as usual.
"""

from __future__ import annotations

import sys


def load():
    if "httpx" in sys.modules:
        return sys.modules["httpx"]
    placed = sys.modules.setdefault("httpx._main", None) is None
    try:
        import httpx
    except ImportError:
        if placed:
            del sys.modules["httpx._main"]
        import httpx
    return httpx
