"""The production nginx config, rendered as text: one origin for the page and the API, no CORS.

nginx serves the UI build with a single-page-app fallback, caches Vite's hashed assets for a
year and index.html never, compresses text, and proxies /api/ to one or more API instances.
`render_site` gives a server block for a sites directory; `render_full` a complete nginx.conf,
optionally with every runtime path (pid, temp files, logs) inside a private folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from devtool.errors import InputError

UPSTREAM = "devtool_api"
# Enough types for a Vite build; a full nginx.conf must not depend on the system's mime.types.
TYPES = {
    "text/html": "html htm",
    "text/css": "css",
    "application/javascript": "js mjs",
    "application/json": "json map",
    "image/svg+xml": "svg svgz",
    "image/png": "png",
    "image/jpeg": "jpg jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/x-icon": "ico",
    "font/woff2": "woff2",
    "font/woff": "woff",
    "text/plain": "txt",
    "application/wasm": "wasm",
}
GZIP_TYPES = "text/plain text/css application/javascript application/json image/svg+xml application/wasm"
SERVER_NAME = re.compile(r"^[A-Za-z0-9.*_-]+$")


@dataclass(frozen=True)
class Site:
    root: Path  # the UI build (react_ui/build)
    port: int = 80
    server_name: str = "_"
    upstreams: tuple[str, ...] = ("127.0.0.1:8000",)
    listen_host: str | None = None  # None: every address, as a public server listens
    max_body: str = "1m"


@dataclass(frozen=True)
class Runtime:
    """Where a private nginx keeps its pid, temp files and logs (nothing in system paths).

    `user`: started as root, nginx runs its workers as `nobody` unless told otherwise, and nobody
    cannot read a project under a private home; the workers then read as the files' owner.
    """

    prefix: Path
    user: str | None = None


def parse_upstream(value: str) -> str:
    match = re.fullmatch(r"(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.-]+):(\d{1,5})", value)
    if not match or not 1 <= int(match.group(2)) <= 65535:
        raise InputError(f"--upstream {value!r} is not HOST:PORT", "e.g. --upstream 127.0.0.1:8000 (repeat it for more instances)")
    return value


def parse_server_name(value: str) -> str:
    names = value.split()
    if not names or not all(SERVER_NAME.match(n) for n in names):
        raise InputError(f"--server-name {value!r} is not a host name", "e.g. --server-name example.com")
    return " ".join(names)


def _quote(path: Path) -> str:
    text = str(path)
    if re.search(r'[\s;{}"\'$\\]', text):
        raise InputError(f"path {text!r} has characters nginx would misread", "move the project to a path without spaces or quotes")
    return text


def render_site(site: Site) -> str:
    """The upstream and server blocks, for sites-available/ (the http block of nginx.conf includes it)."""
    listen = f"{site.listen_host}:{site.port}" if site.listen_host else str(site.port)
    servers = "\n".join(f"    server {u} max_fails=3 fail_timeout=10s;" for u in site.upstreams)
    return f"""# Rendered by `devtool nginx`: the UI build and the API on one origin, so no CORS is needed.
upstream {UPSTREAM} {{
{servers}
    keepalive 16;
}}

server {{
    listen {listen};
    server_name {site.server_name};
    root {_quote(site.root)};
    index index.html;

    gzip on;
    gzip_vary on;
    gzip_min_length 256;
    gzip_types {GZIP_TYPES};

    client_max_body_size {site.max_body};

    location /api/ {{
        proxy_pass http://{UPSTREAM};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_connect_timeout 5s;
        proxy_send_timeout 30s;
        proxy_read_timeout 30s;
        proxy_next_upstream error timeout http_502 http_503;
    }}

    # Vite names these files by their content hash: a changed file gets a new name.
    location /assets/ {{
        add_header Cache-Control "public, max-age=31536000, immutable";
        try_files $uri =404;
    }}

    location = /index.html {{
        add_header Cache-Control "no-cache";
    }}

    # Client-side routes: any path that is not a file is the app.
    location / {{
        add_header Cache-Control "no-cache";
        try_files $uri $uri/ /index.html;
    }}
}}
"""


def render_full(site: Site, runtime: Runtime | None = None) -> str:
    """A complete nginx.conf around the site; with `runtime`, self-contained and in the foreground."""
    types = "\n".join(f"        {kind} {exts};" for kind, exts in TYPES.items())
    body = "\n".join(f"    {line}" if line else "" for line in render_site(site).splitlines())
    if runtime is None:
        head = "worker_processes auto;\npid /run/nginx.pid;\nerror_log /var/log/nginx/error.log warn;\n"
        logs = "    access_log /var/log/nginx/access.log;\n"
        temps = ""
    else:
        p = runtime.prefix
        user = f"user {runtime.user};\n" if runtime.user else ""
        head = f"daemon off;\n{user}worker_processes 2;\npid {_quote(p / 'nginx.pid')};\nerror_log {_quote(p / 'error.log')} warn;\n"
        logs = f"    access_log {_quote(p / 'access.log')};\n"
        temps = "".join(
            f"    {kind}_temp_path {_quote(p / 'tmp' / kind)};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
    return f"""# Rendered by `devtool nginx --full`.
{head}
events {{
    worker_connections 1024;
}}

http {{
    types {{
{types}
    }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    server_tokens off;
{logs}{temps}
{body}
}}
"""


def render_for(root: Path, port: int, server_name: str, upstreams: tuple[str, ...], full: bool, build_dir: Path | None) -> str:
    """`devtool nginx`: validate the options and render the block (or, with `full`, nginx.conf)."""
    site = Site(
        root=(build_dir or root / "react_ui" / "build").resolve(),
        port=port,
        server_name=parse_server_name(server_name),
        upstreams=tuple(parse_upstream(u) for u in upstreams) or ("127.0.0.1:8000",),
    )
    return render_full(site) if full else render_site(site)
