"""CORS for /api/*: exactly the configured UI origins, and one explicit public endpoint."""

from __future__ import annotations

from flask import Flask, request
from flask_cors import CORS


def init_app(app: Flask) -> None:
    origins = list(app.config["CORS_ORIGINS"])
    credentials = bool(app.config.get("CORS_SUPPORTS_CREDENTIALS"))
    if "*" in origins:
        raise ValueError("CORS_ORIGINS must list origins; '*' is only for endpoints opted in as public")
    CORS(
        app,
        resources={
            # The public opt-in: any origin may read it, and never with credentials.
            r"/api/public/*": {"origins": "*", "send_wildcard": True, "supports_credentials": False},
            r"/api/*": {"origins": origins, "supports_credentials": credentials},
        },
        # Without an Origin header flask-cors would otherwise list every allowed origin,
        # one Access-Control-Allow-Origin header each, which no browser accepts.
        always_send=False,
        max_age=600,
    )

    @app.after_request
    def vary_on_origin(response):
        # flask-cors leaves Vary out with a single configured origin; a cache in front must
        # still never serve one origin's answer to another.
        if request.path.startswith("/api") and not request.path.startswith("/api/public/"):
            response.vary.add("Origin")
        return response
