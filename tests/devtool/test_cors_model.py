"""The CORS model, case by case against the Fetch standard's CORS protocol."""

from __future__ import annotations

import pytest

from devtool.cors_model import Hop, Request, Response, cors_check, decide, needs_preflight, preflight_check, unsafe_header_names

PAGE = "http://localhost:3000"
API = "http://127.0.0.1:5000/api/color"
JSON = (("Content-Type", "application/json"),)


def response(status=200, **headers):
    return Response(status, tuple((k.replace("_", "-"), v) for k, v in headers.items()))


def acao(value, **more):
    return response(**{"Access-Control-Allow-Origin": value}, **more)


@pytest.mark.parametrize(
    "method, headers, expected",
    [
        ("GET", (), False),  # plain GET
        ("HEAD", (), False),  # safelisted method
        ("POST", (("Content-Type", "text/plain;charset=UTF-8"),), False),  # simple content type, with a parameter
        ("POST", (("Content-Type", "application/x-www-form-urlencoded"),), False),
        ("POST", (("Content-Type", "multipart/form-data; boundary=x"),), False),
        ("POST", JSON, True),  # JSON is not a simple content type
        ("GET", (("Authorization", "Bearer x"),), True),  # custom/credential header
        ("GET", (("X-CSRF-Token", "t"),), True),  # custom header
        ("PUT", (), True),  # non-safelisted method
        ("DELETE", (), True),
        ("GET", (("Accept", "x" * 129),), True),  # a safelisted header with a value over 128 bytes
    ],
)
def test_which_requests_are_preflighted(method, headers, expected):
    assert needs_preflight(Request(PAGE, API, method, headers)) is expected


def test_unsafe_header_names_are_lowercased_and_sorted():
    headers = (("X-B", "1"), ("Content-Type", "application/json"), ("Accept", "*/*"), ("Authorization", "x"))
    assert unsafe_header_names(headers) == ["authorization", "content-type", "x-b"]


@pytest.mark.parametrize(
    "resp, credentials, fragment",
    [
        (acao(PAGE), "omit", None),  # exact origin
        (acao("*"), "omit", None),  # wildcard without credentials
        (acao("*"), "include", "does not count with credentials"),  # wildcard with credentials
        (acao(PAGE), "include", "Access-Control-Allow-Credentials is missing"),  # credentials not allowed
        (acao(PAGE, Access_Control_Allow_Credentials="true"), "include", None),  # credentials allowed
        (acao(PAGE, Access_Control_Allow_Credentials="True"), "include", "exactly 'true'"),  # case-sensitive
        (acao(PAGE + "/"), "omit", "not the page's origin"),  # trailing slash
        (acao("http://LOCALHOST:3000"), "omit", "not the page's origin"),  # byte-exact comparison
        (acao("http://localhost:3001"), "omit", "not the page's origin"),  # another port
        (response(), "omit", "no Access-Control-Allow-Origin"),  # nothing
        (Response(200, (("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Origin", PAGE))), "omit", "several values"),
        (acao(f"{PAGE}, http://127.0.0.1:3000"), "omit", "several values"),  # a list in one line
        (acao("null"), "omit", "not the page's origin"),  # null is no wildcard
    ],
)
def test_cors_check(resp, credentials, fragment):
    failure = cors_check(PAGE, credentials, resp)
    if fragment is None:
        assert failure is None
    else:
        assert fragment in failure


def preflight(status=200, **headers):
    base = {"Access-Control-Allow-Origin": PAGE, "Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": "content-type"}
    base.update({k.replace("_", "-"): v for k, v in headers.items()})
    return Response(status, tuple((k, v) for k, v in base.items() if v is not None))


@pytest.mark.parametrize(
    "request_, resp, fragment",
    [
        (Request(PAGE, API, "POST", JSON), preflight(), None),  # the happy path
        (Request(PAGE, API, "POST", JSON), preflight(204), None),  # any 2xx
        (Request(PAGE, API, "POST", JSON), preflight(308, Location="/api/color/"), "must not redirect"),
        (Request(PAGE, API, "POST", JSON), preflight(405), "must be 2xx"),
        (Request(PAGE, API, "POST", JSON), preflight(Access_Control_Allow_Headers=None), "does not list content-type"),
        (Request(PAGE, API, "POST", JSON), preflight(Access_Control_Allow_Headers="*"), None),  # * without credentials
        (Request(PAGE, API, "POST", JSON, "include"), preflight(Access_Control_Allow_Headers="*", Access_Control_Allow_Credentials="true"), "does not list content-type"),
        (Request(PAGE, API, "GET", (("Authorization", "x"),)), preflight(Access_Control_Allow_Headers="*"), "never covers it"),
        (Request(PAGE, API, "PUT"), preflight(), "does not list PUT"),
        (Request(PAGE, API, "PUT"), preflight(Access_Control_Allow_Methods="*"), None),  # * without credentials
        (Request(PAGE, API, "PUT", (), "include"), preflight(Access_Control_Allow_Methods="*", Access_Control_Allow_Credentials="true"), "does not list PUT"),
        (Request(PAGE, API, "put"), preflight(Access_Control_Allow_Methods="put"), "does not list PUT"),  # put is sent as PUT
        (Request(PAGE, API, "patch"), preflight(Access_Control_Allow_Methods="PATCH"), "does not list patch"),  # patch is not normalized
        (Request(PAGE, API, "patch"), preflight(Access_Control_Allow_Methods="patch"), None),  # and compared as sent
        (Request(PAGE, API, "POST", JSON), preflight(Access_Control_Allow_Methods=None), None),  # POST is safelisted
        (Request(PAGE, API, "POST", JSON, "include"), preflight(), "Access-Control-Allow-Credentials is missing"),
        (Request(PAGE, API, "POST", JSON), preflight(Access_Control_Allow_Origin=None), "preflight: no Access-Control-Allow-Origin"),
        (Request(PAGE, API, "POST", JSON), preflight(Access_Control_Allow_Headers="content type"), "cannot be parsed"),
    ],
)
def test_preflight_check(request_, resp, fragment):
    failure = preflight_check(request_, resp)
    if fragment is None:
        assert failure is None
    else:
        assert fragment in failure


def test_simple_get_allowed_with_exact_origin():
    verdict = decide(Request(PAGE, API), [Hop(API, acao(PAGE))])
    assert verdict.allowed and not verdict.preflighted


def test_json_post_blocked_by_preflight_even_when_the_post_itself_would_pass():
    verdict = decide(Request(PAGE, API, "POST", JSON), [Hop(API, acao(PAGE), preflight(405))])
    assert not verdict.allowed and verdict.preflighted and "2xx" in verdict.reason


def test_same_origin_needs_no_cors():
    url = "http://localhost:3000/api/color"
    assert decide(Request(PAGE, url, "POST", JSON), [Hop(url, response())]).allowed


def test_redirect_is_checked_at_every_hop():
    first = "http://127.0.0.1:5000/api/color"
    second = "http://127.0.0.1:5000/api/color/"
    bare_redirect = response(308, Location="/api/color/")
    assert not decide(Request(PAGE, first), [Hop(first, bare_redirect), Hop(second, acao(PAGE))]).allowed
    good_redirect = response(308, Location="/api/color/", **{"Access-Control-Allow-Origin": PAGE})
    verdict = decide(Request(PAGE, first), [Hop(first, good_redirect), Hop(second, acao(PAGE))])
    assert verdict.allowed and "after 1 redirect" in verdict.reason
    assert not decide(Request(PAGE, first), [Hop(first, good_redirect), Hop(second, response())]).allowed


def test_cross_origin_redirect_taints_the_origin_to_null():
    first = "http://127.0.0.1:5000/a"
    other = "http://127.0.0.1:6000/b"
    redirect = response(302, Location=other, **{"Access-Control-Allow-Origin": PAGE})
    assert not decide(Request(PAGE, first), [Hop(first, redirect), Hop(other, acao(PAGE))]).allowed
    assert decide(Request(PAGE, first), [Hop(first, redirect), Hop(other, acao("null"))]).allowed
    assert decide(Request(PAGE, first), [Hop(first, redirect), Hop(other, acao("*"))]).allowed


def test_302_turns_a_json_post_into_a_get_without_preflight():
    first, second = "http://127.0.0.1:5000/a", "http://127.0.0.1:5000/b"
    redirect = response(302, Location="/b", **{"Access-Control-Allow-Origin": PAGE})
    verdict = decide(Request(PAGE, first, "POST", JSON), [Hop(first, redirect, preflight()), Hop(second, acao(PAGE))])
    assert verdict.allowed


def test_307_keeps_the_post_and_needs_a_preflight_at_the_next_hop():
    first, second = "http://127.0.0.1:5000/a", "http://127.0.0.1:5000/b"
    redirect = response(307, Location="/b", **{"Access-Control-Allow-Origin": PAGE})
    hops = [Hop(first, redirect, preflight()), Hop(second, acao(PAGE))]
    assert "no preflight" in decide(Request(PAGE, first, "POST", JSON), hops).reason


def test_redirect_to_url_with_userinfo_is_refused():
    first = "http://127.0.0.1:5000/a"
    redirect = response(302, Location="http://user:pw@127.0.0.1:5000/b", **{"Access-Control-Allow-Origin": PAGE})
    assert "credentials in it" in decide(Request(PAGE, first), [Hop(first, redirect), Hop(first, acao(PAGE))]).reason
