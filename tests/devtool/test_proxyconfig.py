"""The proxy writer: only the managed bits change, every other byte stays, a second write is a no-op."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devtool import proxyconfig
from devtool.errors import ConfigError
from tests.helpers import REPO

TARGET = "http://127.0.0.1:5055"
VITE = (REPO / "react_ui/vite.config.js").read_text()


def test_vite_block_gets_the_new_target_and_nothing_else_changes():
    new = proxyconfig.render_vite_config(VITE, TARGET)
    assert "const API_TARGET = 'http://127.0.0.1:5055'" in new
    old_lines, new_lines = VITE.splitlines(), new.splitlines()
    assert len(old_lines) == len(new_lines)
    assert [a for a, b in zip(old_lines, new_lines, strict=True) if a != b] == ["const API_TARGET = 'http://127.0.0.1:5000'"]


def test_vite_user_edits_outside_the_block_survive():
    edited = VITE.replace("plugins: [react()],", "plugins: [react()], // my comment\n  clearScreen: false,")
    new = proxyconfig.render_vite_config(edited, TARGET)
    assert "clearScreen: false," in new and "// my comment" in new
    assert proxyconfig.render_vite_config(new, TARGET) == new


def test_vite_crlf_file_stays_crlf():
    crlf = VITE.replace("\n", "\r\n")
    new = proxyconfig.render_vite_config(crlf, TARGET)
    assert "\n" not in new.replace("\r\n", "")


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda t: t.replace(proxyconfig.BEGIN, "// gone"), "broken devtool proxy block"),  # begin removed
        (lambda t: t.replace(proxyconfig.END, "// gone"), "broken devtool proxy block"),  # end removed
        (lambda t: t.replace(proxyconfig.BEGIN, "// x").replace(proxyconfig.END, "// y"), "no devtool proxy block"),  # both
        (lambda t: t + f"\n{proxyconfig.BEGIN}\n{proxyconfig.END}\n", "broken devtool proxy block"),  # two blocks
        (lambda t: t.replace(": API_TARGET", ": 'http://127.0.0.1:9'"), "no longer uses API_TARGET"),  # target unused
    ],
)
def test_vite_config_that_cannot_be_managed_is_a_clear_error(mutate, fragment):
    with pytest.raises(ConfigError, match=fragment) as info:
        proxyconfig.render_vite_config(mutate(VITE), TARGET)
    assert "restore the managed block" in info.value.message


def test_package_json_proxy_value_replaced_in_place():
    text = '{\n  "name": "x",\n  "proxy": "http://localhost:5000",\n  "scripts": {"dev": "vite"}\n}\n'
    assert proxyconfig.render_package_json(text, TARGET) == text.replace("http://localhost:5000", TARGET)


def test_package_json_without_proxy_gets_one_in_its_own_indent():
    text = '{\n    "name": "x",\n    "private": true\n}\n'
    new = proxyconfig.render_package_json(text, TARGET)
    assert new == '{\n    "name": "x",\n    "private": true,\n    "proxy": "http://127.0.0.1:5055"\n}\n'


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('{"proxy": 5000}', "not a URL string"),  # number
        ('{"proxy": {"/api": "http://x"}}', "not a URL string"),  # the old object form
        ('{"name": "x",}', "not valid JSON"),  # trailing comma
        ("[1, 2]", "JSON object"),  # not an object
        ("", "not valid JSON"),  # empty file
    ],
)
def test_bad_package_json_is_a_clear_error(text, fragment):
    with pytest.raises(ConfigError, match=fragment):
        proxyconfig.render_package_json(text, TARGET)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


other_keys = st.text(max_size=10).filter(lambda key: key != "proxy")


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=st.dictionaries(other_keys, json_values, max_size=6),
    indent=st.sampled_from([None, 2, 4, "\t"]),
    proxy=st.none() | st.text(max_size=20),
)
def test_any_package_json_keeps_everything_but_proxy(document, indent, proxy):
    if proxy is not None:
        document = {**document, "proxy": proxy}
    text = json.dumps(document, indent=indent) + "\n"
    new = proxyconfig.render_package_json(text, TARGET)
    parsed = json.loads(new)
    assert parsed.pop("proxy") == TARGET
    assert parsed == {k: v for k, v in document.items() if k != "proxy"}
    assert list(parsed) == [k for k in document if k != "proxy"]  # key order kept
    assert proxyconfig.render_package_json(new, TARGET) == new  # a second write changes nothing


@settings(max_examples=100)
@given(
    document=st.dictionaries(other_keys, json_values, max_size=4),
    proxy=json_values.filter(lambda value: not isinstance(value, str)),
)
def test_any_non_string_proxy_is_our_error_and_nothing_else(document, proxy):
    text = json.dumps({**document, "proxy": proxy})
    with pytest.raises(ConfigError, match='"proxy" is'):
        proxyconfig.render_package_json(text, TARGET)


@settings(max_examples=100)
@given(text=st.text(max_size=40))
def test_any_text_renders_or_raises_our_error(text):
    try:
        new = proxyconfig.render_package_json(text, TARGET)
    except ConfigError:
        return
    assert json.loads(new)["proxy"] == TARGET


def test_plan_and_apply_write_only_what_changed(tmp_path):
    ui = tmp_path / "react_ui"
    ui.mkdir()
    shutil.copy(REPO / "react_ui/vite.config.js", ui)
    shutil.copy(REPO / "react_ui/package.json", ui)
    assert not any(c.changed for c in proxyconfig.plan(tmp_path, 5000))
    written = proxyconfig.apply(proxyconfig.plan(tmp_path, 5055))
    assert sorted(p.name for p in written) == ["package.json", "vite.config.js"]
    assert json.loads((ui / "package.json").read_text())["proxy"] == TARGET
    assert proxyconfig.apply(proxyconfig.plan(tmp_path, 5055)) == []


def test_bad_file_leaves_both_files_byte_identical(tmp_path):
    ui = tmp_path / "react_ui"
    ui.mkdir()
    shutil.copy(REPO / "react_ui/vite.config.js", ui)
    (ui / "package.json").write_text('{"proxy": 1}')
    before = {p.name: p.read_bytes() for p in ui.iterdir()}
    with pytest.raises(ConfigError):
        proxyconfig.apply(proxyconfig.plan(tmp_path, 5055))
    assert {p.name: p.read_bytes() for p in ui.iterdir()} == before


def test_interrupted_write_keeps_the_old_file_whole(tmp_path, monkeypatch):
    from devtool import files

    target = tmp_path / "package.json"
    target.write_text('{"proxy": "http://127.0.0.1:5000"}')

    def crash(src, dst):
        raise KeyboardInterrupt  # the process dies between writing the temp file and renaming it

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(target, '{"proxy": "http://127.0.0.1:5055"}')
    assert target.read_text() == '{"proxy": "http://127.0.0.1:5000"}'
    assert [p.name for p in tmp_path.iterdir()] == ["package.json"]  # no temp file left behind
