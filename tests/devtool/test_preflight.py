"""Preflight facts: node against Vite's engines range, node_modules against the lock."""

from __future__ import annotations

import json

import pytest

from devtool.preflight import check_node, node_modules_state, satisfies

VITE_RANGE = "^20.19.0 || >=22.12.0"


@pytest.mark.parametrize(
    "version, expression, expected",
    [
        ((20, 20, 2), VITE_RANGE, True),  # this machine's node
        ((20, 19, 0), VITE_RANGE, True),  # the floor
        ((20, 18, 9), VITE_RANGE, False),  # just below
        ((21, 0, 0), VITE_RANGE, False),  # odd major between the ranges
        ((22, 11, 0), VITE_RANGE, False),  # 22 below 22.12
        ((24, 1, 0), VITE_RANGE, True),  # newer
        ((18, 20, 0), ">=18", True),  # bare major
        ((16, 0, 0), ">=18", False),
        ((0, 2, 5), "^0.2.3", True),  # caret on 0.x keeps the minor
        ((0, 3, 0), "^0.2.3", False),
        ((1, 2, 9), "~1.2.3", True),  # tilde keeps the minor
        ((1, 3, 0), "~1.2.3", False),
        ((5, 0, 0), "*", True),  # anything
    ],
)
def test_engines_ranges(version, expression, expected):
    assert satisfies(version, expression) is expected


def write_ui(root, lock_packages, installed_packages=None):
    ui = root / "react_ui"
    (ui / "node_modules/vite").mkdir(parents=True)
    (ui / "package-lock.json").write_text(json.dumps({"packages": {"": {}, **lock_packages}}))
    (ui / "node_modules/vite/package.json").write_text(json.dumps({"version": "8.3.8", "engines": {"node": VITE_RANGE}}))
    if installed_packages is not None:
        (ui / "node_modules/.package-lock.json").write_text(json.dumps({"packages": installed_packages}))


def test_node_too_old_for_vite_names_both_versions(tmp_path):
    write_ui(tmp_path, {})
    check = check_node(tmp_path, (18, 19, 0))
    assert not check.ok and "18.19.0" in check.detail and "Vite 8.3.8 needs node ^20.19.0" in check.detail


def test_node_missing_says_how_to_install(tmp_path):
    check = check_node(tmp_path, None)
    assert not check.ok and "install Node.js" in check.hint


def test_node_modules_in_step(tmp_path):
    lock = {"node_modules/vite": {"version": "8.3.8"}, "node_modules/fsevents": {"version": "2.3.3", "optional": True}}
    write_ui(tmp_path, lock, {"node_modules/vite": {"version": "8.3.8"}})
    assert node_modules_state(tmp_path).ok


def test_node_modules_version_drift_is_named(tmp_path):
    write_ui(tmp_path, {"node_modules/vite": {"version": "8.3.8"}}, {"node_modules/vite": {"version": "8.0.0"}})
    check = node_modules_state(tmp_path)
    assert not check.ok and check.detail == "vite is 8.0.0, the lock wants 8.3.8"


def test_node_modules_not_installed(tmp_path):
    write_ui(tmp_path, {"node_modules/vite": {"version": "8.3.8"}})
    assert node_modules_state(tmp_path).detail == "not installed"


def test_node_modules_with_a_deleted_package_folder_is_out_of_step(tmp_path):
    # npm's own record (node_modules/.package-lock.json) still lists it; the folder is gone.
    lock = {"node_modules/vite": {"version": "8.3.8"}, "node_modules/react": {"version": "19.3.1"}}
    write_ui(tmp_path, lock, {"node_modules/vite": {"version": "8.3.8"}, "node_modules/react": {"version": "19.3.1"}})
    check = node_modules_state(tmp_path)
    assert not check.ok and check.detail == "react is missing"
