"""EnableX's REST API over httpx: Basic auth on every request, retries only where they are safe.

Why the retry rules are these: a request that never reached EnableX (the connection could not be
made) is retried whatever it is. A request EnableX refused as too many (429) was not acted on, so
it is retried too. After a 5xx or a broken response the request may have been acted on: only a
play (a failed prompt plays nothing; EnableX answers 503 for a TTS engine error) and a DELETE
(ending an ended call changes nothing) are sent again. An accept, a connect or a create-call is
never sent a second time for one step: a second connect would dial a second party.
"""

from __future__ import annotations

import time
from typing import Any, Callable

import httpx

from ..targets.enablex.plan import Request

PRODUCTION_URL = "https://api.enablex.io"


class RestFailure(RuntimeError):
    """A request that failed for good: ``status`` is the HTTP status (None: no response)."""

    def __init__(self, request: Request, status: int | None, reason: str) -> None:
        super().__init__(f"{request['method']} {request['path']}: {reason}")
        self.request = request
        self.status = status
        self.reason = reason


def repeatable(request: Request) -> bool:
    """Whether sending the request twice is harmless (see the module's docstring)."""
    return request["method"] == "DELETE" or (request["method"] == "PUT" and request["path"].endswith("/play"))


class EnableXClient:
    """A ``Transport`` for the runtime (``send``), with ``observer(request, status, seconds, attempt)``
    called after every attempt (logs and metrics)."""

    def __init__(
        self,
        base_url: str,
        app_id: str,
        app_key: str,
        *,
        timeout: float = 10.0,
        attempts: int = 4,
        backoff: float = 0.25,
        observer: Callable[[Request, int | None, float, int], None] | None = None,
    ) -> None:
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            auth=(app_id, app_key),
            timeout=timeout,
            headers={"Content-Type": "application/json", "User-Agent": "voxxml-serve"},
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )
        self.attempts = attempts
        self.backoff = backoff
        self.observer = observer

    def send(self, request: Request) -> dict[str, Any]:
        """Send ``request``; its JSON response body. Raises ``RestFailure`` when it fails for good."""
        last = "no attempt"
        status: int | None = None
        for attempt in range(1, self.attempts + 1):
            started = time.perf_counter()
            retry = False
            try:
                response = self.http.request(request["method"], request["path"], json=request.get("body"))
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
                status, last, retry = None, f"not sent: {type(error).__name__}", True
            except httpx.HTTPError as error:
                status, last, retry = None, f"no response: {type(error).__name__}", repeatable(request)
            else:
                status = response.status_code
                if status < 300:
                    self._observed(request, status, started, attempt)
                    return self._body(request, response)
                last = f"HTTP {status}{self._reason(response)}"
                retry = status == 429 or (status >= 500 and repeatable(request))
            self._observed(request, status, started, attempt)
            if not retry or attempt == self.attempts:
                break
            time.sleep(self.backoff * 2 ** (attempt - 1))
        raise RestFailure(request, status, last)

    def _observed(self, request: Request, status: int | None, started: float, attempt: int) -> None:
        if self.observer is not None:
            self.observer(request, status, time.perf_counter() - started, attempt)

    @staticmethod
    def _reason(response: httpx.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return ""
        if isinstance(body, dict) and ("result" in body or "msg" in body):
            return f" (result {body.get('result')}: {str(body.get('msg'))[:200]})"
        return ""

    def _body(self, request: Request, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        if request["method"] == "POST" and (body.get("state") == "failed" or not isinstance(body.get("voice_id"), str)):
            # "If the call could not be initiated ... the state field will be 'failed'"
            raise RestFailure(request, response.status_code, f"the call was not created: {str(body)[:200]}")
        return body

    def close(self) -> None:
        self.http.close()


__all__ = ["EnableXClient", "PRODUCTION_URL", "RestFailure", "repeatable"]
