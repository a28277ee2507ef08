"""Following a Redirect at run time: fetch the document it names and compile it to a plan.

    url = target_url(action["url"], config.base_url)          # in the turn: no I/O
    loaded = fetch_plan(url, "GET", None, policy, loop_cap)   # outside the call's lock

Why the rules are these (docs/serve.md, "Following redirects"):

- The runner fetches only what the plan it runs says (the user's own IVR, or a document that IVR
  led to): this is the runner doing its job, not the linter reading a URL because a document says so.
- Only ``http`` and ``https``; a relative URL is resolved against ``--base-url`` (the documents'
  URL, as in ``voxxml compile``), and without one the fetch fails: the runner does not serve
  documents, so its own ``--public-url`` is no base. No credentials in URLs.
- The host must resolve to public addresses only (no loopback, private, link-local, reserved or
  multicast address: a document must not make the runner probe its own network or a cloud
  metadata service) unless ``--allow-private-fetch``. The connection goes to the address that was
  checked (the URL's host kept in the Host header and the TLS server name), so a DNS answer that
  changes between the check and the connection cannot slip a private address in.
- HTTP redirects (3xx) are followed by hand, each hop checked the same way, at most ``MAX_HOPS``.
- At most ``MAX_BYTES`` read, within ``timeout`` seconds in all; anything but 200 fails.
- The document is compiled as ``voxxml compile --target enablex --base-url URL`` would (no local
  configuration file applies to a fetched document): errors fail the fetch, with the first ones
  in the reason.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import json
import re
import socket
import time
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from .config import LoadedPlan

MAX_BYTES = 1024 * 1024
MAX_HOPS = 3
SCHEMES = ("http", "https")


class FetchFailed(RuntimeError):
    """The document could not be fetched or compiled: ``reason`` says why (logged with the call)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FetchPolicy:
    """What a Redirect's fetch may reach, and how long and how much it may read."""

    timeout: float = 10.0  # seconds for the whole fetch, every hop included
    allow_private: bool = False  # --allow-private-fetch: loopback and private addresses too
    max_bytes: int = MAX_BYTES


def loggable(url: str) -> str:
    """A URL fit for logs: without its query and fragment (they may carry tokens)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if not parts.scheme:
        return url.split("?")[0].split("#")[0][:200]
    try:
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        port = ""
    host = parts.hostname or ""
    return urlunsplit((parts.scheme, (f"[{host}]" if ":" in host else host) + port, parts.path, "", ""))[:300]


def target_url(url: str, base_url: str | None) -> str:
    """The absolute http(s) URL to fetch: ``url`` resolved against ``base_url``; FetchFailed when
    it cannot be one (checked in the turn, before anything is scheduled)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchFailed(f"{url[:100]!r} is not a URL") from None
    if not parts.scheme:
        if base_url is None:
            raise FetchFailed(f"{url[:100]!r} is relative and the runner has no --base-url to resolve it against")
        url = urljoin(base_url, url)
        parts = urlsplit(url)
    _check_url(parts)
    return url


def _check_url(parts: Any) -> None:
    if parts.scheme.lower() not in SCHEMES:
        raise FetchFailed(f"scheme {parts.scheme[:20]!r} is not fetched; the schemes are: http, https")
    if not parts.hostname:
        raise FetchFailed("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise FetchFailed("the URL carries credentials: the runner does not send them")


def _address(host: str, port: int, allow_private: bool) -> str:
    """The address to connect to: every address the host resolves to must be allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchFailed(f"cannot resolve {host[:100]!r}: {error}") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchFailed(f"{host[:100]!r} resolves to no address")
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise FetchFailed(f"{host[:100]!r} resolves to {address}, not a public address (--allow-private-fetch to allow)")
    return addresses[0]


def fetch_document(url: str, method: str, variables: Mapping[str, str] | None, policy: FetchPolicy) -> tuple[str, bytes]:
    """GET or POST ``url`` (an action's variables as the query or the form); (the final URL, the body)."""
    deadline = time.monotonic() + policy.timeout
    method = method.upper() if method.upper() in ("GET", "POST") else "GET"
    with httpx.Client(follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_HOPS + 1):
            parts = urlsplit(url)
            _check_url(parts)
            scheme, host = parts.scheme.lower(), parts.hostname or ""
            port = parts.port or (443 if scheme == "https" else 80)
            address = _address(host, port, policy.allow_private)
            pinned = urlunsplit((scheme, f"[{address}]:{port}" if ":" in address else f"{address}:{port}", parts.path or "/", parts.query, ""))
            left = deadline - time.monotonic()
            if left <= 0:
                raise FetchFailed(f"no answer within {policy.timeout:g} s")
            headers = {"Host": host if parts.port is None else f"{host}:{parts.port}", "User-Agent": "voxxml-serve", "Accept": "application/xml, text/xml;q=0.9, */*;q=0.1"}
            fields = dict(variables or {})
            try:
                with client.stream(
                    method,
                    pinned,
                    headers=headers,
                    params=fields if method == "GET" and fields else None,
                    data=fields if method == "POST" else None,
                    timeout=httpx.Timeout(left),
                    extensions={"sni_hostname": host} if scheme == "https" else {},
                ) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        if response.status_code in (301, 302, 303):
                            method, variables = "GET", None
                        continue
                    if response.status_code != 200:
                        raise FetchFailed(f"HTTP {response.status_code}")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > policy.max_bytes:
                            raise FetchFailed(f"the document is larger than {policy.max_bytes} bytes")
                        if time.monotonic() > deadline:
                            raise FetchFailed(f"not read within {policy.timeout:g} s")
                    return url, bytes(body)
            except httpx.HTTPError as error:
                raise FetchFailed(f"{type(error).__name__}: {str(error)[:200]}") from None
    raise FetchFailed(f"more than {MAX_HOPS} HTTP redirects")


_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def plan_name(url: str) -> str:
    """A fetched plan's name (the key is name@hash): the last path segment's stem, as a file's."""
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    stem = last.rsplit(".", 1)[0] if "." in last else last
    return _NAME.sub("-", stem)[:60].strip("-") or "fetched"


def compile_fetched(data: bytes, url: str, loop_cap: int) -> LoadedPlan:
    """The document compiled for EnableX with its own URL as the base; FetchFailed on errors."""
    from ..config import Settings
    from ..pipeline import run
    from ..reporters import REPORTERS

    result = run(data, url, Settings(), "enablex", loop_cap=loop_cap, base_url=url)
    if result.error_count or result.output is None:
        text = io.StringIO()
        errors = [d for d in result.diagnostics if d.severity.value == "error"] or result.diagnostics
        result.diagnostics = errors[:3]
        REPORTERS["text"]([result], text)
        summary = " | ".join(line.strip() for line in text.getvalue().splitlines() if line.strip())[:500]
        raise FetchFailed(f"the document does not compile: {summary or 'it has errors'}")
    plan = result.output
    digest = hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()[:12]
    name = plan_name(url)
    return LoadedPlan(name, url, plan, f"{name}@{digest}")


def fetch_plan(url: str, method: str, variables: Mapping[str, str] | None, policy: FetchPolicy, loop_cap: int) -> LoadedPlan:
    """Fetch and compile; FetchFailed with the reason."""
    final, data = fetch_document(url, method, variables, policy)
    return compile_fetched(data, final, loop_cap)


__all__ = ["FetchFailed", "FetchPolicy", "MAX_BYTES", "MAX_HOPS", "compile_fetched", "fetch_document", "fetch_plan", "loggable", "plan_name", "target_url"]
