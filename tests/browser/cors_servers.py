"""CORS configurations served side by side, for the browser-agreement test.

Run as a script: `python -m tests.browser.cors_servers PAGE_PORT` serves a blank page on
PAGE_PORT and every configuration below on a port of its own, then prints {name: port} as JSON.
Each configuration answers GET and POST on /api/color, the way its CORS setup makes it.
"""

from __future__ import annotations

import json
import sys
import threading

from flask import Flask, Response, jsonify, request
from flask_cors import CORS
from werkzeug.serving import make_server


def color_routes(app: Flask, strict_slash: bool = False, automatic_options: bool = True) -> Flask:
    rule = "/api/color/" if strict_slash else "/api/color"

    def get_color():
        return jsonify(color="teal")

    def set_color():
        return jsonify(color=(request.get_json(silent=True) or {}).get("color", "teal"))

    app.add_url_rule(rule, "get_color", get_color, methods=["GET"], provide_automatic_options=None if automatic_options else False)
    app.add_url_rule(rule, "set_color", set_color, methods=["POST"], provide_automatic_options=None if automatic_options else False)
    return app


def with_cors(**options) -> Flask:
    app = color_routes(Flask(__name__))
    CORS(app, **options)
    return app


def headers_app(headers: list[tuple[str, str]], preflight_headers: list[tuple[str, str]] | None = None, handle_options=True) -> Flask:
    """CORS headers added by hand, the way people do it without flask-cors."""
    app = color_routes(Flask(__name__), automatic_options=handle_options)

    @app.after_request
    def add(response: Response):
        if request.method == "OPTIONS" and not handle_options:
            return response
        for name, value in headers:
            response.headers.add(name, value)
        if request.method == "OPTIONS":
            for name, value in preflight_headers or []:
                response.headers.add(name, value)
        return response

    return app


PREFLIGHT_OK = [("Access-Control-Allow-Methods", "GET, POST"), ("Access-Control-Allow-Headers", "content-type")]


def configurations(page: str, alt: str) -> dict[str, Flask]:
    from flask_api.app import create_app

    api = {"resources": {r"/api/*": {}}}
    return {
        # The policy devtool recommends: exactly the UI origins.
        "correct": with_cors(origins=[page, alt], **api),
        "correct-credentials": with_cors(origins=[page, alt], supports_credentials=True, **api),
        # CORS(app) as the README of flask-cors starts: '*' for everyone.
        "flask-cors-defaults": with_cors(),
        # origins='*' with credentials: flask-cors echoes any origin, with credentials.
        "reflect-credentials": with_cors(supports_credentials=True),
        "restricted-methods": with_cors(origins=[page, alt], methods=["GET", "HEAD", "OPTIONS"], **api),
        "restricted-headers": with_cors(origins=[page, alt], allow_headers=["X-Requested-With"], **api),
        # /api/color/ with strict slashes: /api/color answers 308, preflights included.
        "redirecting-route": (lambda app: (CORS(app, origins=[page, alt]), app)[1])(color_routes(Flask(__name__), strict_slash=True)),
        "no-preflight-handler": headers_app([("Access-Control-Allow-Origin", page), ("Vary", "Origin")], handle_options=False),
        "two-acao": headers_app([("Access-Control-Allow-Origin", page), ("Access-Control-Allow-Origin", alt)], PREFLIGHT_OK),
        "trailing-slash": headers_app([("Access-Control-Allow-Origin", page + "/"), ("Vary", "Origin")], PREFLIGHT_OK),
        # A regex that flask-cors matches from the start only: it also accepts localhost:3000.evil.test.
        "prefix-regex": with_cors(origins=[r"http://localhost:\d+"], supports_credentials=True, **api),
        "null-allowed": with_cors(origins=[page, alt, "null"], **api),
        "wildcard-credentials": headers_app(
            [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")], PREFLIGHT_OK
        ),
        # The project's own API, as shipped.
        "project-api": create_app({"TESTING": False, "CORS_ORIGINS": (page, alt), "LOG_DIR": None}),
    }


def page_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def index():
        return "<!doctype html><title>cors probe page</title><p>probe</p>"

    return app


def main() -> None:
    page_port = int(sys.argv[1])
    page, alt = f"http://localhost:{page_port}", f"http://127.0.0.1:{page_port}"
    servers = {"page": make_server("127.0.0.1", page_port, page_app(), threaded=True)}
    for name, app in configurations(page, alt).items():
        servers[name] = make_server("127.0.0.1", 0, app, threaded=True)
    for server in servers.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({name: server.server_port for name, server in servers.items()}), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
