"""The nginx renderer: every variant passes real `nginx -t`; bad input is a usage error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from devtool import nginx
from devtool.errors import InputError
from tests.conftest import require_program
from tests.helpers import REPO


@pytest.fixture
def nginx_bin():
    return require_program("nginx", "/usr/sbin/nginx")


def nginx_test(nginx_bin: str, conf: Path, prefix: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [nginx_bin, "-t", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")], capture_output=True, text=True
    )


def runtime(tmp_path: Path) -> nginx.Runtime:
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "tmp" / kind).mkdir(parents=True)
    return nginx.Runtime(tmp_path)


# nginx resolves upstream names when it loads the config, so the test uses addresses.
UPSTREAMS = [("127.0.0.1:8000",), ("127.0.0.1:8000", "127.0.0.1:8001", "127.0.0.2:8000", "[::1]:8000")]


@pytest.mark.parametrize("upstreams", UPSTREAMS, ids=["one", "several"])
def test_server_block_passes_nginx_t_inside_an_http_block(nginx_bin, tmp_path, upstreams):
    site = nginx.Site(REPO / "react_ui/build", 8080, "example.com www.example.com", upstreams)
    (tmp_path / "site.conf").write_text(nginx.render_site(site))
    # The block as a sites-available file: included by the http block of a main nginx.conf.
    main = f"""pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\nhttp {{\n    access_log off;\n
    client_body_temp_path {tmp_path}/tmp/client_body;\n    proxy_temp_path {tmp_path}/tmp/proxy;\n
    fastcgi_temp_path {tmp_path}/tmp/fastcgi;\n    uwsgi_temp_path {tmp_path}/tmp/uwsgi;\n    scgi_temp_path {tmp_path}/tmp/scgi;\n
    include {tmp_path}/site.conf;\n}}\n"""
    runtime(tmp_path)
    (tmp_path / "nginx.conf").write_text(main)
    result = nginx_test(nginx_bin, tmp_path / "nginx.conf", tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("upstreams", UPSTREAMS, ids=["one", "several"])
def test_full_config_with_private_runtime_passes_nginx_t(nginx_bin, tmp_path, upstreams):
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx.render_full(nginx.Site(REPO / "react_ui/build", 8080, "_", upstreams), runtime(tmp_path)))
    result = nginx_test(nginx_bin, conf, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "/var/" not in conf.read_text() and "/run/" not in conf.read_text()  # nothing in system paths


@pytest.mark.parametrize("upstreams", UPSTREAMS, ids=["one", "several"])
def test_full_config_for_a_server_passes_nginx_t(nginx_bin, tmp_path, upstreams):
    if not Path("/var/log/nginx").is_dir():
        pytest.skip(reason="the system nginx's log folder is missing (nginx is not installed as a package)")
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx.render_full(nginx.Site(REPO / "react_ui/build", 80, "example.com", upstreams)))
    result = nginx_test(nginx_bin, conf, tmp_path)
    assert result.returncode == 0, result.stderr


def test_rendered_site_has_the_production_essentials():
    text = nginx.render_site(nginx.Site(Path("/srv/app/build"), 80, "example.com", ("10.0.0.2:8000", "10.0.0.3:8000")))
    for line in (
        "server 10.0.0.2:8000", "server 10.0.0.3:8000",  # both instances in the upstream
        "root /srv/app/build;", "try_files $uri $uri/ /index.html;",  # SPA fallback
        'add_header Cache-Control "public, max-age=31536000, immutable";',  # hashed assets
        "location = /index.html", 'add_header Cache-Control "no-cache";',  # index never cached
        "gzip on;", "proxy_set_header Host $host;", "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;", "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_read_timeout 30s;", "client_max_body_size 1m;",
    ):
        assert line in text, line


@pytest.mark.parametrize("value", ["localhost", "127.0.0.1:0", "127.0.0.1:70000", "http://x:1", "a b:1"])
def test_bad_upstream_is_a_usage_error(value):
    with pytest.raises(InputError, match="HOST:PORT"):
        nginx.parse_upstream(value)


def test_bad_server_name_is_a_usage_error():
    with pytest.raises(InputError):
        nginx.parse_server_name("example.com; evil")


def test_cli_prints_the_block_and_writes_the_full_config(tmp_path):
    cmd = [sys.executable, "-m", "devtool", "--root", str(REPO), "nginx", "--server-name", "example.com"]
    block = subprocess.run(cmd + ["--upstream", "127.0.0.1:8000", "--upstream", "127.0.0.1:8001"], capture_output=True, text=True)
    assert block.returncode == 0 and "server 127.0.0.1:8001" in block.stdout and "events {" not in block.stdout
    out = tmp_path / "nginx.conf"
    full = subprocess.run(cmd + ["--full", "-o", str(out)], capture_output=True, text=True)
    assert full.returncode == 0 and "events {" in out.read_text()
    bad = subprocess.run(cmd + ["--upstream", "nope"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("Error: --upstream 'nope' is not HOST:PORT")
