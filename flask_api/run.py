"""Development entry point: `python -m flask_api.run` serves on API_HOST:API_PORT with the reloader."""

from __future__ import annotations

import sys

from flask_api.app import create_app
from flask_api.config import load_settings

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def main() -> None:
    settings = load_settings()
    app = create_app()
    if settings.debug and settings.host not in LOOPBACK:
        print(
            f"WARNING: the Werkzeug debugger runs any code for whoever reaches {settings.host}:{settings.port}; "
            "set API_HOST=127.0.0.1 or FLASK_DEBUG=0",
            file=sys.stderr,
        )
    app.run(host=settings.host, port=settings.port, debug=settings.debug, use_reloader=settings.debug)


if __name__ == "__main__":
    main()
