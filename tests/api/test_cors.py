"""CORS on /api/*: the headers decide, not the status (flask-cors answers a refused origin 200)."""

from __future__ import annotations

import pytest

from flask_api.app import create_app

ALLOWED = "http://localhost:3000"


def test_allowed_origin_gets_its_own_origin_back(client):
    response = client.get("/api/color", headers={"Origin": ALLOWED})
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert response.headers.getlist("Access-Control-Allow-Origin") == [ALLOWED]
    assert "Origin" in response.vary
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.test",  # arbitrary
        "null",  # sandboxed frames, file://
        "http://localhost:3000.evil.test",  # suffix
        "http://evillocalhost:3000",  # prefix
        "http://localhost:4000",  # another port
        "https://localhost:3000",  # another scheme
    ],
)
def test_refused_origin_gets_no_cors_headers(client, origin):
    response = client.get("/api/color", headers={"Origin": origin})
    assert response.status_code == 200  # flask-cors does not refuse; the browser does
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Origin" in response.vary


def test_no_origin_gets_no_allow_origin(client):
    response = client.get("/api/color")
    assert "Access-Control-Allow-Origin" not in response.headers


def test_preflight_for_json_post_allows_method_and_content_type(client):
    response = client.options(
        "/api/color",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert 200 <= response.status_code < 300
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


@pytest.mark.parametrize(
    "method, path, kwargs, status",
    [
        ("get", "/api/nope", {}, 404),  # unknown route
        ("post", "/api/color", {"json": {"color": "blurple"}}, 400),  # validation error
        ("delete", "/api/color", {}, 405),  # wrong method
    ],
)
def test_error_responses_carry_cors_for_allowed_origins(client, method, path, kwargs, status):
    response = getattr(client, method)(path, headers={"Origin": ALLOWED}, **kwargs)
    assert response.status_code == status
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_500_carries_cors_for_allowed_origin(app):
    app.config["TESTING"] = False

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = app.test_client().get("/api/boom", headers={"Origin": ALLOWED})
    assert response.status_code == 500
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_single_configured_origin_still_varies_on_origin():
    app = create_app({"TESTING": True, "CORS_ORIGINS": ("http://localhost:3000",)})
    response = app.test_client().get("/api/color", headers={"Origin": "http://localhost:3000"})
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "Origin" in response.vary


def test_credentials_only_when_configured():
    app = create_app({"TESTING": True, "CORS_ORIGINS": ("http://localhost:3000",), "CORS_SUPPORTS_CREDENTIALS": True})
    response = app.test_client().get("/api/color", headers={"Origin": "http://localhost:3000"})
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    refused = app.test_client().get("/api/color", headers={"Origin": "http://evil.test"})
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_wildcard_in_default_policy_is_refused():
    with pytest.raises(ValueError, match="public"):
        create_app({"TESTING": True, "CORS_ORIGINS": ("*",)})


def test_public_endpoint_is_readable_from_any_origin_without_credentials():
    app = create_app({"TESTING": True, "CORS_ORIGINS": ("http://localhost:3000",), "CORS_SUPPORTS_CREDENTIALS": True})
    response = app.test_client().get("/api/public/palette", headers={"Origin": "http://anyone.test"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "teal" in response.get_json()["colors"]
