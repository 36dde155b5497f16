"""The browser's CORS rules as a pure function of what was observed (Fetch standard, CORS protocol).

Given a request (page origin, URL, method, author headers, credentials mode) and the responses a
browser would see (a preflight per hop when one is needed, and the actual response at every hop of
a redirect chain), `decide` says whether the page may read the final response, and why not.
No I/O: the probes observe, this module judges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
SIMPLE_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
# Headers the page may set without a preflight (the CORS-safelisted request-headers), value rules aside.
SAFELISTED_HEADERS = frozenset({"accept", "accept-language", "content-language", "content-type", "range"})
# Never covered by a `*` in Access-Control-Allow-Headers.
NON_WILDCARD_HEADERS = frozenset({"authorization"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# fetch() upper-cases only these; any other method is sent, and compared, exactly as written.
NORMALIZED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})
TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


@dataclass(frozen=True)
class Request:
    origin: str  # the page's serialized origin, e.g. "http://localhost:3000" (or "null")
    url: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: str = "omit"  # "omit" or "include", as fetch() would send it cross-origin


@dataclass(frozen=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""  # kept for comparing the proxy with the API; CORS never looks at it

    def get(self, name: str) -> str | None:
        """The header's value as a browser reads it: repeated lines combined with ", "."""
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None

    @property
    def location(self) -> str | None:
        return self.get("location")


@dataclass(frozen=True)
class Hop:
    """One URL of a redirect chain: its preflight (when the request needs one) and its response."""

    url: str
    response: Response
    preflight: Response | None = None


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str
    preflighted: bool


def normalize_method(method: str) -> str:
    return method.upper() if method.upper() in NORMALIZED_METHODS else method


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{(parts.hostname or '').lower()}{port}"


def _essence(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def unsafe_header_names(headers: tuple[tuple[str, str], ...]) -> list[str]:
    """The author headers that need a preflight, lower-cased and sorted as Chromium lists them."""
    unsafe = set()
    total = 0
    for name, value in headers:
        lowered = name.lower()
        total += len(value)
        if lowered not in SAFELISTED_HEADERS or len(value) > 128:
            unsafe.add(lowered)
        elif lowered == "content-type" and _essence(value) not in SIMPLE_CONTENT_TYPES:
            unsafe.add(lowered)
    if total > 1024:  # the safelisted values together may not exceed 1024 bytes
        unsafe.update(n.lower() for n, _ in headers if n.lower() in SAFELISTED_HEADERS)
    return sorted(unsafe)


def needs_preflight(request: Request) -> bool:
    return normalize_method(request.method) not in SAFELISTED_METHODS or bool(unsafe_header_names(request.headers))


def cors_check(origin: str, credentials: str, response: Response) -> str | None:
    """None when the response passes the CORS check for `origin`, else the reason it fails."""
    allow_origin = response.get("Access-Control-Allow-Origin")
    if allow_origin is None:
        return "no Access-Control-Allow-Origin header"
    if allow_origin == "*" and credentials != "include":
        return None
    if allow_origin == "*":
        return "Access-Control-Allow-Origin is '*', which does not count with credentials"
    if allow_origin != origin:
        if "," in allow_origin:
            return f"Access-Control-Allow-Origin has several values ({allow_origin!r}); one origin only"
        return f"Access-Control-Allow-Origin is {allow_origin!r}, not the page's origin {origin!r}"
    if credentials != "include":
        return None
    allow_credentials = response.get("Access-Control-Allow-Credentials")
    if allow_credentials != "true":
        shown = "missing" if allow_credentials is None else repr(allow_credentials)
        return f"Access-Control-Allow-Credentials is {shown}; with credentials it must be exactly 'true'"
    return None


def _header_list(value: str | None, name: str) -> tuple[list[str] | None, str | None]:
    if value is None:
        return [], None
    items = [item.strip() for item in value.split(",") if item.strip()]
    bad = [item for item in items if not TOKEN.match(item)]
    if bad:
        return None, f"{name} cannot be parsed ({bad[0]!r} is not a token)"
    return items, None


def preflight_check(request: Request, preflight: Response) -> str | None:
    """None when the preflight lets the actual request go, else the reason it does not."""
    if preflight.status in REDIRECT_STATUSES:
        return f"the preflight was redirected ({preflight.status}); a preflight must not redirect"
    if not 200 <= preflight.status <= 299:
        return f"the preflight answered {preflight.status}; it must be 2xx"
    failure = cors_check(request.origin, request.credentials, preflight)
    if failure:
        return f"preflight: {failure}"
    methods, error = _header_list(preflight.get("Access-Control-Allow-Methods"), "Access-Control-Allow-Methods")
    if error:
        return f"preflight: {error}"
    headers, error = _header_list(preflight.get("Access-Control-Allow-Headers"), "Access-Control-Allow-Headers")
    if error:
        return f"preflight: {error}"
    method = normalize_method(request.method)
    wildcard_methods = "*" in methods and request.credentials != "include"
    if method not in SAFELISTED_METHODS and method not in methods and not wildcard_methods:
        return f"preflight: Access-Control-Allow-Methods ({', '.join(methods) or 'missing'}) does not list {method}"
    allowed = {h.lower() for h in headers}
    wildcard_headers = "*" in allowed and request.credentials != "include"
    for name in unsafe_header_names(request.headers):
        if name in NON_WILDCARD_HEADERS and name not in allowed:
            return f"preflight: Access-Control-Allow-Headers does not list {name} ('*' never covers it)"
        if name not in allowed and not wildcard_headers:
            listed = ", ".join(headers) or "missing"
            return f"preflight: Access-Control-Allow-Headers ({listed}) does not list {name}"
    return None


BODY_HEADERS = frozenset({"content-encoding", "content-language", "content-location", "content-type"})


def _after_redirect(request: Request, status: int, url: str) -> Request:
    """The request a browser sends to the next hop: 301/302 turn POST into GET, 303 anything but HEAD."""
    method = normalize_method(request.method)
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        headers = tuple((k, v) for k, v in request.headers if k.lower() not in BODY_HEADERS)
        return Request(request.origin, url, "GET", headers, request.credentials)
    return Request(request.origin, url, request.method, request.headers, request.credentials)


def decide(request: Request, hops: list[Hop]) -> Verdict:
    """Would the browser let the page read the final response of `hops`?"""
    preflighted = needs_preflight(request)
    if not hops:
        return Verdict(False, "no response was observed", preflighted)
    if origin_of(hops[0].url) == request.origin:
        return Verdict(True, "same origin: CORS does not apply", False)
    current = Request(request.origin, hops[0].url, request.method, request.headers, request.credentials)
    for index, hop in enumerate(hops):
        prefix = f"after {index} redirect(s): " if index else ""
        if needs_preflight(current):
            if hop.preflight is None:
                return Verdict(False, prefix + "no preflight response was observed", preflighted)
            failure = preflight_check(current, hop.preflight)
            if failure:
                return Verdict(False, prefix + failure, preflighted)
        failure = cors_check(current.origin, current.credentials, hop.response)
        if failure:
            return Verdict(False, prefix + failure, preflighted)
        location = hop.response.location if hop.response.status in REDIRECT_STATUSES else None
        if location is None:
            if index != len(hops) - 1:
                return Verdict(False, "the redirect chain does not match the responses", preflighted)
            detail = "'*'" if hop.response.get("Access-Control-Allow-Origin") == "*" else "the page's origin"
            creds = " with Access-Control-Allow-Credentials: true" if current.credentials == "include" else ""
            via = f" after {index} redirect(s)" if index else ""
            pre = "preflight passed; " if preflighted else ""
            return Verdict(True, f"{pre}Access-Control-Allow-Origin is {detail}{creds}{via}", preflighted)
        next_url = urljoin(hop.url, location)
        if urlsplit(next_url).username or urlsplit(next_url).password:
            return Verdict(False, prefix + "a redirect to a URL with credentials in it is refused", preflighted)
        origin = current.origin
        # A redirect to another origin, from a response of yet another origin, taints the request's
        # origin: from then on the browser sends (and expects) "null".
        if origin_of(next_url) != origin_of(hop.url) and origin_of(hop.url) != origin:
            origin = "null"
        current = _after_redirect(Request(origin, current.url, current.method, current.headers, current.credentials), hop.response.status, next_url)
    return Verdict(False, "the redirect chain was not followed to its end", preflighted)
