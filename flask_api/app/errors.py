"""Every error under /api is JSON, so the browser sees the real error rather than a CORS one."""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError


def _json_error(status: int, message: str):
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if not request.path.startswith("/api"):
            return exc
        response = _json_error(exc.code or 500, exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):
        # Registered for Exception, this runs in debug mode too: Werkzeug's debugger page would
        # carry no CORS headers and the browser would report a CORS error instead of this one.
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if not request.path.startswith("/api"):
            return InternalServerError()
        return _json_error(500, "internal server error; see the API log for the traceback")
