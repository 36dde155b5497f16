"""check-cors's input, audit origins and grading, with a fake HTTP client standing in for servers."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from devtool.corscheck import Check, Options, derived_origins, parse_base_url, parse_origin, parse_path
from devtool.errors import InputError, UnreachableError
from devtool.probes import Prober

PAGE = "http://localhost:3000"
API = "http://127.0.0.1:5000"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("http://localhost:3000", "http://localhost:3000"),
        ("http://localhost:3000/", "http://localhost:3000"),  # a trailing slash is not part of an origin
        ("HTTP://LOCALHOST:3000", "http://localhost:3000"),  # scheme and host are case-insensitive
        ("https://app.example:443", "https://app.example"),  # the default port is left out
        ("null", "null"),
    ],
)
def test_origins_are_serialized(value, expected):
    assert parse_origin(value) == expected


@pytest.mark.parametrize(
    "value",
    ["localhost:3000", "ftp://x", "http://localhost:3000/app", "http://", "http://localhost:99999", "http://x?y=1"],
)
def test_bad_origins_are_usage_errors(value):
    with pytest.raises(InputError) as info:
        parse_origin(value)
    assert info.value.exit_code == 2


@pytest.mark.parametrize("value", ["127.0.0.1:5000", "http://127.0.0.1:port", "mailto:x"])
def test_bad_urls_are_usage_errors(value):
    with pytest.raises(InputError):
        parse_base_url(value, "--api")


def test_bad_path_is_a_usage_error():
    with pytest.raises(InputError):
        parse_path("api/color")


def test_audit_origins_derive_from_the_ui_origin_not_the_api():
    derived = dict(derived_origins("http://localhost:3000"))
    assert derived == {
        "suffix": "http://localhost:3000.evil.test",
        "prefix": "http://evillocalhost:3000",
        "special-chars": "http://localhost_.evil.test:3000",
        "other-port": "http://localhost:3001",
        "scheme": "https://localhost:3000",
    }


def serve(policy):
    """A fake API: `policy(origin, is_preflight)` returns the CORS headers to send."""

    def handler(request: httpx.Request) -> httpx.Response:
        origin = request.headers.get("origin")
        preflight = request.method == "OPTIONS"
        headers = policy(origin, preflight) if origin else {}
        if preflight and headers:
            headers = {**headers, "Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": "content-type"}
        if request.url.path.startswith("/api/__devtool_probe_404__"):
            return httpx.Response(404, headers=headers, json={"error": "not found"})
        return httpx.Response(200, headers={**headers, "Vary": "Origin"}, json={"color": "teal"})

    return httpx.MockTransport(handler)


def run_check(policy, **options):
    async def go():
        async with httpx.AsyncClient(transport=serve(policy)) as client:
            return await Check(Options(API, (PAGE,), ("/api/color",), **options), Prober(client)).run()

    return asyncio.run(go())


def test_exact_list_is_clean():
    report = run_check(lambda origin, _: {"Access-Control-Allow-Origin": origin} if origin == PAGE else {})
    assert report.ok and report.findings == []
    assert [s.allowed for s in report.scenarios] == [True, False, True, False]  # GET/POST x omit/include
    assert report.requests >= 10


def test_reflecting_with_credentials_is_high():
    report = run_check(lambda origin, _: {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true"})
    ids = {f.id: f.severity for f in report.findings}
    assert ids["origin-reflected"] == "high" and ids["null-origin-allowed"] == "high"
    assert not report.ok


def test_prefix_match_is_high_even_without_credentials():
    report = run_check(lambda origin, _: {"Access-Control-Allow-Origin": origin} if origin.startswith(PAGE) else {})
    assert {f.id: f.severity for f in report.findings} == {"origin-suffix": "high"}
    assert not report.ok


def test_reflection_without_credentials_is_medium_and_not_a_failure():
    report = run_check(lambda origin, _: {"Access-Control-Allow-Origin": origin})
    assert {f.id: f.severity for f in report.findings} == {"origin-reflected": "medium", "null-origin-allowed": "medium"}
    assert report.ok


def test_blocked_needed_scenario_fails_and_credentials_make_include_needed():
    report = run_check(lambda origin, _: {"Access-Control-Allow-Origin": origin} if origin == PAGE else {}, credentials=True)
    assert not report.ok
    assert [s.needed for s in report.scenarios] == [True, True, True, True]


def test_nothing_listening_is_unreachable_exit_3():
    def refuse(request):
        raise httpx.ConnectError("All connection attempts failed", request=request)

    async def go():
        async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
            await Check(Options(API, (PAGE,)), Prober(client)).run()

    with pytest.raises(UnreachableError) as info:
        asyncio.run(go())
    assert info.value.exit_code == 3 and "cannot reach the API" in info.value.message


def test_check_runs_inside_a_running_event_loop():
    from devtool.corscheck import check
    from tests.helpers import free_port

    async def caller():
        return check(Options(f"http://127.0.0.1:{free_port()}", (PAGE,)))

    with pytest.raises(UnreachableError):  # it ran its probes, instead of refusing to start a loop
        asyncio.run(caller())
