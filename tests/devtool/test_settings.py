"""Settings precedence (flags > environment > flask_api/.env > [tool.devtool] > defaults) and validation."""

from __future__ import annotations

import pytest

from devtool.errors import ConfigError
from devtool.settings import find_root, resolve


@pytest.fixture
def project(tmp_path):
    (tmp_path / "flask_api").mkdir()
    (tmp_path / "react_ui").mkdir()
    return tmp_path


def test_defaults_when_nothing_is_set(project):
    s = resolve(project, {}, {})
    assert (s.api_port, s.ui_port, s.mode, s.stop_timeout, s.api_host) == (5000, 3000, "proxy", 3.0, "127.0.0.1")
    assert s.ui_origins == ("http://localhost:3000", "http://127.0.0.1:3000")
    assert s.sources["api-port"] == "default"


def test_each_layer_overrides_the_one_below(project):
    (project / "pyproject.toml").write_text('[tool.devtool]\napi-port = 5001\nui-port = 3001\nmode = "cors"\n')
    (project / "flask_api/.env").write_text("API_PORT=5002\nUI_PORT=3002\n")
    s = resolve(project, {"api-port": 5004}, {"UI_PORT": "3003"})
    assert (s.api_port, s.ui_port, s.mode) == (5004, 3003, "cors")
    assert s.sources == {
        "api-port": "--api-port",
        "ui-port": "environment",
        "mode": "pyproject.toml [tool.devtool]",
        "stop-timeout": "default",
        "api-host": "default",
        "ui-host": "default",
    }


def test_env_file_overrides_pyproject(project):
    (project / "pyproject.toml").write_text("[tool.devtool]\napi-port = 5001\n")
    (project / "flask_api/.env").write_text("API_PORT=5002\n")
    assert resolve(project, {}, {}).api_port == 5002


@pytest.mark.parametrize(
    "flags, environ, fragment",
    [
        ({"api-port": 70000}, {}, "api-port 70000 (from --api-port) is not a port"),  # out of range
        ({}, {"UI_PORT": "abc"}, "ui-port 'abc' (from environment)"),  # not a number
        ({}, {"UI_PORT": "0"}, "not a port number"),  # zero
        ({"api-port": 4000, "ui-port": 4000}, {}, "both 4000"),  # equal ports
        ({}, {"DEVTOOL_MODE": "tunnel"}, "proxy or cors"),  # unknown mode
        ({}, {"DEVTOOL_STOP_TIMEOUT": "-1"}, "seconds"),  # negative timeout
    ],
)
def test_bad_values_name_the_setting_and_its_source(project, flags, environ, fragment):
    with pytest.raises(ConfigError) as info:
        resolve(project, flags, environ)
    assert fragment in info.value.message


@pytest.mark.parametrize(
    "toml, fragment",
    [
        ('[tool.devtool]\napi-port = "five"\n', "from pyproject.toml"),  # wrong type
        ("[tool.devtool]\napi-port = true\n", "not a port"),  # a boolean is no port
        ("[tool.devtool]\nports = 1\n", "unknown key 'ports'"),  # typo
        ("[tool.devtool\n", "not valid TOML"),  # broken TOML
        ("[tool]\ndevtool = 3\n", "must be a table"),  # not a table
    ],
)
def test_bad_pyproject_table_is_a_clear_error(project, toml, fragment):
    (project / "pyproject.toml").write_text(toml)
    with pytest.raises(ConfigError, match=fragment):
        resolve(project, {}, {})


def test_unparsable_env_line_names_the_line(project):
    (project / "flask_api/.env").write_text("SECRET_KEY=x\nthis is not a setting\n")
    with pytest.raises(ConfigError, match=r"\.env line 2"):
        resolve(project, {}, {})


def test_root_is_found_from_a_subfolder(project):
    sub = project / "react_ui" / "src"
    sub.mkdir()
    assert find_root(sub) == project.resolve()


def test_no_root_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="--root"):
        find_root(tmp_path)
