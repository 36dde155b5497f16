"""`devtool check-cors`: predict, request by request, what a browser allows; then audit the policy.

Scenarios: for each origin x path, a simple GET and a JSON POST (preflighted), each with
credentials omitted and included, judged by the CORS model from what the probes observed.
Audit: origins derived from each configured UI origin (not from the API host) that must not be
allowed, plus the header mistakes that break browsers or leak data.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from devtool.cors_model import Hop, Request, Response, cors_check, decide
from devtool.errors import InputError
from devtool.probes import Prober, require_reachable

JSON = (("Content-Type", "application/json"),)
SEVERITIES = ("high", "medium", "low", "info")
DEFAULT_PATHS = ("/api/health", "/api/color")
ARBITRARY = "http://devtool-probe.evil.test"


@dataclass(frozen=True)
class Options:
    api: str
    origins: tuple[str, ...]
    paths: tuple[str, ...] = DEFAULT_PATHS
    ui: str | None = None
    credentials: bool = False
    timeout: float = 5.0


@dataclass(frozen=True)
class Scenario:
    origin: str
    url: str
    method: str
    content_type: str | None
    credentials: str
    allowed: bool
    reason: str
    needed: bool

    def as_json(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Finding:
    id: str
    severity: str
    message: str
    evidence: dict
    fix: str = ""

    def as_json(self) -> dict:
        return {"id": self.id, "severity": self.severity, "message": self.message, "evidence": self.evidence}


@dataclass
class Report:
    api: str = ""
    scenarios: list[Scenario] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    proxy_problems: list[str] = field(default_factory=list)
    requests: int = 0

    @property
    def ok(self) -> bool:
        blocked = any(s.needed and not s.allowed for s in self.scenarios)
        high = any(f.severity == "high" for f in self.findings)
        return not blocked and not high and not self.proxy_problems

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "scenarios": [s.as_json() for s in self.scenarios],
            "findings": [f.as_json() for f in self.findings],
        }


# -- input -------------------------------------------------------------------------------------


def parse_origin(value: str) -> str:
    """The serialized origin, or InputError: scheme://host[:port], no path, no trailing slash."""
    if value == "null":
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError(f"{value!r} is not an origin", "write it as scheme://host[:port], e.g. http://localhost:3000")
    try:
        port = parts.port
    except ValueError:
        raise InputError(f"{value!r} has a port that is not a number 1-65535", "e.g. http://localhost:3000") from None
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port and port != default else "")


def parse_base_url(value: str, what: str) -> str:
    parts = urlsplit(value)
    try:
        _ = parts.port  # urlsplit validates the port only when it is read
    except ValueError:
        raise InputError(f"{what} {value!r} has a port that is not a number", "e.g. http://127.0.0.1:5000") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{what} {value!r} is not an http(s) URL", "e.g. http://127.0.0.1:5000")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def parse_path(value: str) -> str:
    if not value.startswith("/") or " " in value:
        raise InputError(f"path {value!r} must start with / and have no spaces", "e.g. --path /api/color")
    return value


# -- the audit's origins -----------------------------------------------------------------------


def derived_origins(origin: str) -> list[tuple[str, str]]:
    """(kind, origin) pairs an attacker could use against a policy meant for `origin`."""
    parts = urlsplit(origin)
    scheme, host = parts.scheme, parts.hostname or ""
    default = {"http": 80, "https": 443}[scheme]
    port = parts.port or default
    suffix = f":{port}" if port != default else ""
    other_port = port + 1 if port < 65535 else port - 1
    flipped = "https" if scheme == "http" else "http"
    return [
        ("suffix", f"{origin}.evil.test"),
        ("prefix", f"{scheme}://evil{host}{suffix}"),
        ("special-chars", f"{scheme}://{host}_.evil.test{suffix}"),
        ("other-port", f"{scheme}://{host}:{other_port}"),
        ("scheme", f"{flipped}://{host}{suffix}"),
    ]


FIXES = {
    "origin-reflected": "list the UI origins: CORS(app, resources={r'/api/*': {'origins': [...]}}); never origins='*' "
    "with supports_credentials=True, which makes flask-cors echo any origin",
    "origin-suffix": "anchor or drop the regex: flask-cors matches regex origins from the start only, so "
    "r'http://localhost:\\d+' also accepts http://localhost:3000.evil.test; list exact origins",
    "origin-prefix": "list exact origins instead of a pattern that accepts other hosts",
    "origin-special-chars": "escape dots and anchor the regex, or list exact origins",
    "null-origin-allowed": "remove 'null' from origins: sandboxed iframes and file:// pages send it",
    "origin-other-port": "list only the UI's own port",
    "origin-scheme": "list only the UI's own scheme; an http page can be tampered with on the network",
    "wildcard-origin": "fine for a public endpoint without credentials; otherwise list the UI origins",
    "wildcard-with-credentials": "drop supports_credentials for the public endpoint, or list origins instead of '*'",
    "multiple-allow-origin": "send one Access-Control-Allow-Origin: keep flask-cors' always_send=False and do not add your own",
    "missing-vary-origin": "send Vary: Origin whenever the answer depends on Origin (flask-cors vary_header=True, or add it "
    "in an after_request) so caches never serve one origin's answer to another",
    "no-cors-on-errors": "return JSON errors through Flask error handlers so flask-cors adds its headers to 4xx/5xx too",
    "redirect-under-api": "set app.url_map.strict_slashes = False (and merge_slashes = False): a redirect breaks preflights",
    "private-network-allowed": "keep flask-cors allow_private_network=False unless public sites must reach this API",
    "preflight-not-handled": "let flask-cors answer OPTIONS (automatic_options=True) with a 2xx",
}


def _finding(fid: str, severity: str, message: str, evidence: dict) -> Finding:
    return Finding(fid, severity, message, evidence, FIXES.get(fid, ""))


def _headers_of(response: Response | None) -> dict:
    if response is None:
        return {}
    keep = ("access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods",
            "access-control-allow-headers", "access-control-allow-private-network", "vary", "location")
    shown: dict[str, str] = {}
    for name, value in response.headers:
        if name.lower() in keep:
            shown[name.lower()] = f"{shown[name.lower()]}, {value}" if name.lower() in shown else value
    return {"status": response.status, "headers": shown}


# -- the check ---------------------------------------------------------------------------------


class Check:
    def __init__(self, options: Options, prober: Prober) -> None:
        self.options = options
        self.prober = prober
        self.report = Report(api=options.api)
        self._accepted: list[tuple[str, str, bool, dict]] = []

    async def run(self) -> Report:
        o = self.options
        # Reachability first: one GET tells whether anything listens, before a hundred probes do.
        first = await self.prober.send("GET", o.api + o.paths[0], {})
        if first is None:
            require_reachable(self.prober, o.api + o.paths[0], "API", "start it (devtool up) or pass --api URL")
        if o.ui:
            ui_first = await self.prober.send("GET", o.ui + "/", {})
            if ui_first is None:
                require_reachable(self.prober, o.ui + "/", "UI dev server", "start it (devtool up), pass --ui URL, or --no-ui")
        await asyncio.gather(
            *(self._scenarios(origin, path) for origin in o.origins for path in o.paths),
            *(self._audit_origin(kind, origin, path) for kind, origin in self._audit_origins() for path in o.paths),
            *(self._errors_carry_cors(origin) for origin in o.origins),
            *(self._no_redirects(path) for path in o.paths),
            *(self._without_origin(path) for path in o.paths),
            self._private_network(),
            *([self._proxy(path) for path in o.paths] if o.ui else []),
        )
        self._grade_audit()
        self.report.requests = self.prober.sent
        # The probes finish in any order; the report reads in the order the user gave.
        order = {(origin, o.api + path): i for i, (origin, path) in enumerate((a, b) for a in o.origins for b in o.paths)}
        self.report.scenarios.sort(key=lambda s: (order[(s.origin, s.url)], s.method != "GET", s.credentials != "omit"))
        self.report.findings = self._merge(self.report.findings)
        return self.report

    def _audit_origins(self) -> list[tuple[str, str]]:
        configured = set(self.options.origins)
        seen: dict[str, str] = {ARBITRARY: "arbitrary", "null": "null"}
        for origin in self.options.origins:
            if origin == "null":
                continue
            for kind, derived in derived_origins(origin):
                seen.setdefault(derived, kind)
        return [(kind, origin) for origin, kind in seen.items() if origin not in configured]

    async def _scenarios(self, origin: str, path: str) -> None:
        url = self.options.api + path
        get, post = await asyncio.gather(
            self.prober.hops(Request(origin, url, "GET")),
            self.prober.hops(Request(origin, url, "POST", JSON)),
        )
        for method, content_type, hops, headers in (("GET", None, get, ()), ("POST", "application/json", post, JSON)):
            for credentials in ("omit", "include"):
                verdict = decide(Request(origin, url, method, headers, credentials), hops)
                needed = credentials == "omit" or self.options.credentials
                self.report.scenarios.append(
                    Scenario(origin, url, method, content_type, credentials, verdict.allowed, verdict.reason, needed)
                )
            self._inspect(origin, hops)

    def _inspect(self, origin: str, hops: list[Hop]) -> None:
        """Header mistakes visible on any response to an expected origin."""
        for hop in hops:
            for response in (hop.response, hop.preflight):
                if response is None or response.status == 0:
                    continue
                values = [v for k, v in response.headers if k.lower() == "access-control-allow-origin"]
                evidence = {"origin": origin, "url": hop.url, **_headers_of(response)}
                if len(values) > 1 or any("," in v for v in values):
                    self._add("multiple-allow-origin", "low", "Access-Control-Allow-Origin carries several values; browsers refuse it", evidence)
                if values and values[0] == "*" and response.get("Access-Control-Allow-Credentials") == "true":
                    self._add("wildcard-with-credentials", "low", "'*' is sent with Access-Control-Allow-Credentials: true; browsers refuse credentialed reads", evidence)
                if values and values[0] == origin and "origin" not in (response.get("Vary") or "").lower():
                    self._add("missing-vary-origin", "low", "the allowed origin is echoed without Vary: Origin; a cache may serve it to another origin", evidence)
                if response.status in (301, 302, 303, 307, 308):
                    self._add("redirect-under-api", "low", f"{hop.url} redirects ({response.status}); a redirect breaks preflights", evidence)
                if hop.preflight is response and not 200 <= response.status <= 299:
                    self._add("preflight-not-handled", "low", f"the preflight to {hop.url} answers {response.status}; JSON requests are blocked", evidence)

    async def _audit_origin(self, kind: str, probe: str, path: str) -> None:
        url = self.options.api + path
        get, preflight = await asyncio.gather(
            self.prober.send("GET", url, {"Origin": probe}),
            self.prober.preflight(Request(probe, url, "POST", JSON), url),
        )
        for how, response in (("GET", get), ("preflight", preflight)):
            if response is None:
                continue
            if response.get("Access-Control-Allow-Origin") == "*":
                if kind == "arbitrary" and how == "GET":
                    self._add("wildcard-origin", "info", f"any origin may read {path} (Access-Control-Allow-Origin: *), without credentials", {"origin": probe, "url": url, **_headers_of(response)})
                continue
            if cors_check(probe, "omit", response) is None:
                credentials = cors_check(probe, "include", response) is None
                evidence = {"origin": probe, "url": url, "probe": how, "credentials": credentials, **_headers_of(response)}
                self._accepted.append((kind, probe, credentials, evidence))

    def _grade_audit(self) -> None:
        """Findings for the untrusted origins that were let in, judged together.

        When an arbitrary origin is let in, the policy reflects every origin, and the suffix,
        prefix and other-port probes passing is that same reflection, not a pattern mistake.
        """
        reflects_any = any(kind == "arbitrary" for kind, *_ in self._accepted)
        for kind, probe, credentials, evidence in self._accepted:
            creds = " with credentials" if credentials else ""
            if kind == "arbitrary" or (reflects_any and kind != "null"):
                self._add("origin-reflected", "high" if credentials else "medium", f"any origin is allowed{creds}: the policy reflects the Origin header (e.g. {probe})", evidence)
            elif kind == "null":
                self._add("null-origin-allowed", "high" if credentials else "medium", f"the 'null' origin is allowed{creds} (sandboxed iframes, file:// pages)", evidence)
            elif kind in ("suffix", "prefix", "special-chars"):
                how = {"suffix": "the configured origin is matched as a prefix", "prefix": "the configured host is matched as a suffix", "special-chars": "the origin pattern is too loose"}[kind]
                self._add(f"origin-{kind}", "high", f"{probe} is allowed{creds}: {how}", evidence)
            else:
                self._add(f"origin-{kind}", "medium" if credentials else "low", f"{probe} is allowed{creds}, though only the UI's own origin should be", evidence)

    async def _errors_carry_cors(self, origin: str) -> None:
        url = self.options.api + "/api/__devtool_probe_404__"
        response = await self.prober.send("GET", url, {"Origin": origin})
        if response is not None and response.status >= 400 and response.get("Access-Control-Allow-Origin") is None:
            ok = await self.prober.send("GET", self.options.api + self.options.paths[0], {"Origin": origin})
            if ok is not None and cors_check(origin, "omit", ok) is None:
                self._add("no-cors-on-errors", "low", f"a {response.status} carries no CORS headers: the page sees a CORS error instead of the {response.status}", {"origin": origin, "url": url, **_headers_of(response)})

    async def _no_redirects(self, path: str) -> None:
        variant = path[:-1] if path.endswith("/") else path + "/"
        url = self.options.api + variant
        response = await self.prober.send("GET", url, {"Origin": self.options.origins[0]})
        if response is not None and response.status in (301, 302, 303, 307, 308):
            self._add("redirect-under-api", "low", f"{url} redirects ({response.status}); a redirect breaks preflights, and through the dev proxy it points the browser at the API's port", {"url": url, **_headers_of(response)})

    async def _without_origin(self, path: str) -> None:
        response = await self.prober.send("GET", self.options.api + path, {})
        if response is not None:
            values = [v for k, v in response.headers if k.lower() == "access-control-allow-origin"]
            if len(values) > 1:
                self._add("multiple-allow-origin", "low", "a request without Origin gets several Access-Control-Allow-Origin lines", {"url": self.options.api + path, **_headers_of(response)})

    async def _private_network(self) -> None:
        url = self.options.api + self.options.paths[0]
        response = await self.prober.preflight(Request(ARBITRARY, url, "GET"), url, {"Access-Control-Request-Private-Network": "true"})
        if response is not None and response.get("Access-Control-Allow-Private-Network") == "true":
            passes = cors_check(ARBITRARY, "omit", response) is None
            self._add("private-network-allowed", "medium" if passes else "low", "public websites may reach this local API (Access-Control-Allow-Private-Network: true)", {"origin": ARBITRARY, "url": url, **_headers_of(response)})

    async def _proxy(self, path: str) -> None:
        """Through the dev server, /api must reach Flask exactly as direct: a GET and a JSON POST."""
        o = self.options
        direct_get, proxied_get, direct_post, proxied_post = await asyncio.gather(
            self.prober.send("GET", o.api + path, {}),
            self.prober.send("GET", o.ui + path, {}),
            self.prober.send("POST", o.api + path, {"Content-Type": "application/json"}, b"{}"),
            self.prober.send("POST", o.ui + path, {"Content-Type": "application/json"}, b"{}"),
        )
        for method, direct, proxied in (("GET", direct_get, proxied_get), ("POST", direct_post, proxied_post)):
            if proxied is None:
                self.report.proxy_problems.append(f"{method} {o.ui}{path}: the UI dev server did not answer")
            elif direct is not None and (proxied.status, proxied.body) != (direct.status, direct.body):
                self.report.proxy_problems.append(
                    f"{method} {o.ui}{path} answered {proxied.status} ({proxied.get('content-type') or 'no type'}), "
                    f"the API answers {direct.status}: /api does not reach Flask through the proxy"
                )

    def _add(self, fid: str, severity: str, message: str, evidence: dict) -> None:
        self.report.findings.append(_finding(fid, severity, message, evidence))

    @staticmethod
    def _merge(findings: list[Finding]) -> list[Finding]:
        """One finding per id at its worst severity, with every piece of evidence, sorted by severity."""
        merged: dict[str, Finding] = {}
        evidence: dict[str, list] = {}
        for finding in findings:
            evidence.setdefault(finding.id, [])
            if finding.evidence not in evidence[finding.id]:
                evidence[finding.id].append(finding.evidence)
            kept = merged.get(finding.id)
            if kept is None or SEVERITIES.index(finding.severity) < SEVERITIES.index(kept.severity):
                merged[finding.id] = finding
        result = [
            Finding(f.id, f.severity, f.message, {"cases": evidence[f.id]} if len(evidence[f.id]) > 1 else evidence[f.id][0], f.fix)
            for f in merged.values()
        ]
        return sorted(result, key=lambda f: (SEVERITIES.index(f.severity), f.id))


def options_for(settings, api=None, ui=None, no_ui=False, origins=(), paths=(), credentials=False) -> Options:
    """check-cors's options: flags first, else the same settings `devtool up` uses."""
    default_ui = settings.ui_url if settings.mode == "proxy" else None
    return Options(
        api=parse_base_url(api, "--api") if api else settings.api_url,
        origins=tuple(dict.fromkeys(parse_origin(o) for o in origins)) or settings.ui_origins,
        paths=tuple(dict.fromkeys(parse_path(p) for p in paths)) or DEFAULT_PATHS,
        ui=None if no_ui else (parse_base_url(ui, "--ui") if ui else default_ui),
        credentials=credentials,
    )


async def _check(options: Options) -> Report:
    from devtool.http import load

    httpx = load()

    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(timeout=options.timeout, follow_redirects=False, limits=limits, trust_env=False) as client:
        return await Check(options, Prober(client)).run()


def check(options: Options) -> Report:
    """Run every probe concurrently and return the report; raises UnreachableError (exit 3)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_check(options))
    # Called from code that already runs an event loop on this thread (a notebook, a test
    # harness): asyncio.run() refuses that, so the probes get a thread and a loop of their own.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _check(options)).result()
