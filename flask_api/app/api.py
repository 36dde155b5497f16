"""The /api blueprint: health, the color, and one public endpoint."""

from __future__ import annotations

import threading

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from flask_api.app.colors import CSS_COLOR_NAMES, normalize_color

bp = Blueprint("api", __name__, url_prefix="/api")

# The color lives in memory per process, as the contract says; a lock keeps threaded servers honest.
_state = {"color": "rebeccapurple"}
_lock = threading.Lock()


@bp.get("/health")
def health():
    return {"status": "ok"}


@bp.get("/color")
def get_color():
    with _lock:
        return {"color": _state["color"]}


@bp.post("/color")
def set_color():
    if not request.is_json:
        raise UnsupportedMediaType("send the color as JSON: Content-Type: application/json")
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise BadRequest('the body must be a JSON object like {"color": "teal"}')
    color = normalize_color(payload.get("color"))
    with _lock:
        _state["color"] = color
    return {"color": color}


@bp.get("/public/palette")
def public_palette():
    """Readable from any origin (Access-Control-Allow-Origin: *): the explicit public opt-in."""
    return jsonify({"colors": sorted(CSS_COLOR_NAMES)})


def reset_color(color: str = "rebeccapurple") -> None:
    with _lock:
        _state["color"] = color
