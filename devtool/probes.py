"""Observing what a browser would see: preflights and actual requests, redirects followed hop by hop.

One httpx.AsyncClient sends everything concurrently; it never follows redirects itself, so every
hop's headers reach the model. The actual request of a preflighted scenario is sent only when
the preflight lets it through, as a browser would, and carries `{}`, which an API that validates
its input refuses without changing anything.
"""

from __future__ import annotations

from urllib.parse import urljoin

from devtool.cors_model import REDIRECT_STATUSES, Hop, Request, Response, needs_preflight, preflight_check, unsafe_header_names
from devtool.errors import UnreachableError

MAX_REDIRECTS = 5
PROBE_BODY = b"{}"


class Prober:
    """Sends probes through one client and counts them."""

    def __init__(self, client) -> None:
        self.client = client
        self.sent = 0
        self.failures: dict[str, str] = {}

    async def send(self, method: str, url: str, headers: dict[str, str], body: bytes | None = None) -> Response | None:
        from devtool.http import load

        httpx = load()

        self.sent += 1
        try:
            reply = await self.client.request(method, url, headers=headers, content=body)
        except httpx.HTTPError as exc:
            self.failures[url] = f"{type(exc).__name__}: {exc}".rstrip(": ")
            return None
        return Response(reply.status_code, tuple(reply.headers.multi_items()), reply.content)

    async def preflight(self, request: Request, url: str, extra: dict[str, str] | None = None) -> Response | None:
        headers = {"Origin": request.origin, "Access-Control-Request-Method": request.method}
        unsafe = unsafe_header_names(request.headers)
        if unsafe:
            headers["Access-Control-Request-Headers"] = ",".join(unsafe)
        headers.update(extra or {})
        return await self.send("OPTIONS", url, headers)

    async def hops(self, request: Request) -> list[Hop]:
        """The chain a browser would walk for `request`, stopping where the browser would stop."""
        hops: list[Hop] = []
        url, method, headers = request.url, request.method, dict(request.headers)
        for _ in range(MAX_REDIRECTS + 1):
            current = Request(request.origin, url, method, tuple(headers.items()), request.credentials)
            preflight = None
            if needs_preflight(current):
                preflight = await self.preflight(current, url)
                if preflight is None:
                    break
                if preflight_check(Request(request.origin, url, method, current.headers, "omit"), preflight):
                    hops.append(Hop(url, Response(0), preflight))  # the browser stops here
                    return hops
            body = PROBE_BODY if method not in ("GET", "HEAD") else None
            response = await self.send(method, url, {"Origin": request.origin, **headers}, body)
            if response is None:
                break
            hops.append(Hop(url, response, preflight))
            location = response.location if response.status in REDIRECT_STATUSES else None
            if location is None:
                return hops
            url = urljoin(url, location)
            if (response.status in (301, 302) and method == "POST") or (response.status == 303 and method != "HEAD"):
                method = "GET"
                headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        return hops


def require_reachable(prober: Prober, url: str, what: str, hint: str) -> None:
    if url in prober.failures:
        raise UnreachableError(f"cannot reach the {what} at {url} ({prober.failures[url]})", hint)
