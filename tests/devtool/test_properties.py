"""Property tests for every parser and writer: valid input round-trips, anything else raises the
project's own error type (a DevtoolError), never anything else."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from devtool import nginx, procfile, proxyconfig
from devtool.cors_model import Hop, Request, Response, decide
from devtool.corscheck import parse_base_url, parse_origin, parse_path
from devtool.errors import DevtoolError
from devtool.settings import _coerce, _parse_env_file, resolve
from tests.helpers import REPO

names = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=12)
commands = st.text(string.ascii_letters + string.digits + " -./=_'\"", min_size=1, max_size=40).map(str.strip).filter(bool)
SETTLE = settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@SETTLE
@given(st.dictionaries(names, commands, min_size=1, max_size=5), st.sampled_from(["\n", "\r\n"]))
def test_procfile_round_trips(processes, newline):
    text = newline.join(f"{name}: {command}" for name, command in processes.items()) + newline
    assert procfile.parse(text) == processes


@SETTLE
@given(st.text(max_size=200))
def test_procfile_any_text_parses_or_raises_our_error(text):
    try:
        processes = procfile.parse(text)
    except DevtoolError:
        return
    assert processes and all(processes.values())


@SETTLE
@given(st.dictionaries(st.from_regex(r"[A-Z][A-Z0-9_]{0,10}", fullmatch=True), st.text(string.ascii_letters + string.digits + ":/._-", max_size=20), max_size=5))
def test_env_file_round_trips(tmp_path_factory, values):
    path = tmp_path_factory.mktemp("env") / ".env"
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    assert _parse_env_file(path) == values


@SETTLE
@given(st.text(max_size=120))
def test_env_file_any_text_parses_or_raises_our_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("env") / ".env"
    path.write_text(text, encoding="utf-8")
    try:
        assert isinstance(_parse_env_file(path), dict)
    except DevtoolError:
        pass


any_value = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12), st.lists(st.integers(), max_size=2))


@SETTLE
@given(st.sampled_from(["api-port", "ui-port", "mode", "stop-timeout", "api-host", "ui-host"]), any_value)
def test_any_setting_value_is_accepted_or_our_error(key, value):
    try:
        _coerce(key, value, "test")
    except DevtoolError:
        pass


@SETTLE
@given(st.integers(1, 65535), st.integers(1, 65535), st.sampled_from(["proxy", "cors"]))
def test_valid_settings_resolve_to_themselves(tmp_path_factory, api, ui, mode):
    assume(api != ui)
    root = tmp_path_factory.mktemp("root")
    (root / "flask_api").mkdir()
    s = resolve(root, {"api-port": api, "ui-port": ui, "mode": mode}, {})
    assert (s.api_port, s.ui_port, s.mode) == (api, ui, mode)


@SETTLE
@given(st.sampled_from(["http", "https"]), st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5})?", fullmatch=True), st.integers(1, 65535))
def test_origins_round_trip(scheme, host, port):
    origin = parse_origin(f"{scheme}://{host}:{port}")
    assert parse_origin(origin) == origin
    assert parse_origin(origin + "/") == origin


@SETTLE
@given(st.text(max_size=40))
def test_any_text_as_origin_url_or_path_is_parsed_or_our_error(text):
    for parser in (parse_origin, lambda t: parse_base_url(t, "--api"), parse_path):
        try:
            parser(text)
        except DevtoolError:
            pass


@SETTLE
@given(st.text(max_size=30))
def test_any_text_as_nginx_input_is_parsed_or_our_error(text):
    for parser in (nginx.parse_upstream, nginx.parse_server_name):
        try:
            assert parser(text)
        except DevtoolError:
            pass


VITE = (REPO / "react_ui/vite.config.js").read_text()


@SETTLE
@given(st.text(max_size=80).filter(lambda t: "devtool:proxy" not in t and "API_TARGET" not in t), st.integers(1, 65535))
def test_vite_config_keeps_any_user_text_outside_the_block(extra, port):
    text = VITE + "\n// " + extra.replace("\n", " ").replace("\r", " ") + "\n"
    new = proxyconfig.render_vite_config(text, proxyconfig.target_url(port))
    assert new.replace(f"http://127.0.0.1:{port}'", "http://127.0.0.1:5000'") == text
    assert proxyconfig.render_vite_config(new, proxyconfig.target_url(port)) == new


@SETTLE
@given(st.text(max_size=300))
def test_vite_config_any_text_renders_or_raises_our_error(text):
    try:
        proxyconfig.render_vite_config(text, "http://127.0.0.1:5000")
    except DevtoolError:
        pass


header_names = st.sampled_from(["Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
                                "Access-Control-Allow-Headers", "Vary", "Location", "X-Other"])
headers = st.lists(st.tuples(header_names, st.text(max_size=30)), max_size=6).map(tuple)


@SETTLE
@given(st.integers(100, 599), headers, st.one_of(st.none(), st.tuples(st.integers(100, 599), headers)),
       st.sampled_from(["GET", "POST", "PUT", "patch"]), st.sampled_from(["omit", "include"]), st.booleans())
def test_the_model_always_gives_a_verdict(status, response_headers, preflight, method, credentials, json_body):
    url = "http://127.0.0.1:5000/api/color"
    request = Request("http://localhost:3000", url, method, (("Content-Type", "application/json"),) if json_body else (), credentials)
    pre = Response(*preflight) if preflight else None
    verdict = decide(request, [Hop(url, Response(status, response_headers), pre)])
    assert isinstance(verdict.allowed, bool) and verdict.reason
    if verdict.allowed:  # never allowed without an Access-Control-Allow-Origin that passes
        assert any(k == "Access-Control-Allow-Origin" for k, _ in response_headers)
