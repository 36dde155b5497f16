"""The application factory: blueprints under /api, JSON errors, CORS, logging."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from flask_api.config import ensure_env_file, load_settings


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    if test_config is None:
        ensure_env_file()
        app.config.from_mapping(load_settings().flask_config())
    else:
        app.config.from_mapping(load_settings(environ={}).flask_config())
        app.config.from_mapping(test_config)

    # A redirect breaks a CORS preflight and, behind the dev proxy, points the browser at the
    # API's own port: /api/color/ and //api/color must be served, never redirected.
    app.url_map.strict_slashes = False
    app.url_map.merge_slashes = False

    if app.config.get("TRUSTED_PROXIES"):
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from flask_api.app import api, cors, errors

    app.register_blueprint(api.bp)
    errors.register(app)
    cors.init_app(app)
    _configure_logging(app)
    return app


def _configure_logging(app: Flask) -> None:
    log_dir = app.config.get("LOG_DIR")
    if not log_dir or app.testing:
        return
    try:
        Path(log_dir).mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(Path(log_dir) / "api.log", maxBytes=1_000_000, backupCount=3)
    except OSError as exc:
        # An unwritable log folder must not take the API down; the console still gets everything.
        app.logger.warning("file logging disabled: %s", exc)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    app.logger.addHandler(handler)
    app.logger.setLevel(logging.INFO)
