"""The /api contract of DESIGN §3 through Flask's test client."""

from __future__ import annotations

import pytest


def test_health_is_ok(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_color_has_a_default(client):
    response = client.get("/api/color")
    assert response.status_code == 200
    assert response.get_json() == {"color": "rebeccapurple"}


@pytest.mark.parametrize(
    "sent, stored",
    [
        ("teal", "teal"),  # a plain CSS name
        ("  Tomato ", "tomato"),  # trimmed and lower-cased
        ("#336699", "#336699"),  # six-digit hex
        ("#ABC", "#abc"),  # three-digit hex
        ("#11223344", "#11223344"),  # hex with alpha
    ],
)
def test_post_color_stores_and_returns_it(client, sent, stored):
    response = client.post("/api/color", json={"color": sent})
    assert response.status_code == 200
    assert response.get_json() == {"color": stored}
    assert client.get("/api/color").get_json() == {"color": stored}


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({}, "missing"),  # no color key
        ({"color": "blurple"}, "not a CSS color"),  # not a CSS name
        ({"color": "#12345"}, "not a CSS color"),  # five hex digits
        ({"color": 42}, "must be a string"),  # wrong type
        ({"color": ""}, "not a CSS color"),  # empty
        (["teal"], "JSON object"),  # JSON, but not an object
    ],
)
def test_post_bad_color_is_a_json_400_and_keeps_the_old_one(client, body, fragment):
    response = client.post("/api/color", json=body)
    assert response.status_code == 400
    assert fragment in response.get_json()["error"]
    assert client.get("/api/color").get_json() == {"color": "rebeccapurple"}


def test_post_non_json_body_is_a_json_415(client):
    response = client.post("/api/color", data="color=teal", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert "application/json" in response.get_json()["error"]


def test_post_malformed_json_is_a_json_400(client):
    response = client.post("/api/color", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.is_json


def test_unknown_api_route_is_a_json_404(client):
    response = client.get("/api/nope")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_wrong_method_is_a_json_405_with_allow(client):
    response = client.delete("/api/color")
    assert response.status_code == 405
    assert response.is_json
    assert {"GET", "POST"} <= set(response.headers["Allow"].replace(" ", "").split(","))


def test_unhandled_exception_is_a_json_500_even_in_debug(app):
    app.config["TESTING"] = False  # let the error handler run instead of propagating
    app.debug = True

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = app.test_client().get("/api/boom")
    assert response.status_code == 500
    assert response.get_json()["error"].startswith("internal server error")
    assert "kaboom" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/color/", "/api/health/"])
def test_trailing_slash_is_served_not_redirected(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.headers.get("Location")
    assert "Location" not in response.headers


def test_doubled_slash_is_a_json_404_not_a_redirect(client):
    response = client.get("//api/color")
    assert response.status_code == 404
    assert "Location" not in response.headers


def test_no_api_rule_can_redirect(app):
    # A slash-terminated rule or merge_slashes makes Werkzeug answer 308: none may exist under /api.
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api"):
            assert not rule.rule.endswith("/") and not rule.strict_slashes and not rule.merge_slashes, rule
    assert adapter.match("/api/color/", method="GET")[0] == "api.get_color"
