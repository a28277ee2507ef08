"""A mock EnableX platform over real HTTP on loopback, and a ``voxxml serve`` runner in a subprocess.

    with MockPlatform(user, password) as platform, Runner([doc], platform) as runner:
        voice_id = platform.ring(CallerScript(inputs=[Input("dtmf", "1")]), to="15550001234")
        trace = platform.finished(voice_id)          # what the caller experienced

The platform is tests/enablex_mock.py's ``MockEnableX`` (one per call: the same documented
requests, responses and webhooks, the same harmless variations and the same ProtocolErrors),
served by uvicorn in a thread: the runner's REST requests arrive over HTTP (Basic auth checked),
and each call's webhooks are POSTed to the runner one at a time, in order, with the webhook
credentials, and again after a refused connection or a 5xx (as a platform redelivers), so a
runner killed and restarted gets them.

What the caller experiences of the runner's own actions (gather, pause, conference, redirect:
``Host.observe``) is in the runner's store; before handling a REST request of a call the mock
reads the call's trace from the runner (``GET /calls/ID``; the runner writes it before each
request) and records the new events first, so the caller's hang-up counts (``hangup_after``)
see events in the order the caller meets them, as in the in-process mock.

Time: timers run at ``TIME_SCALE`` of their length. Webhooks go out at once, so the input that
follows a prompt arrives well before the Gather's timeout, as the in-process mock orders it.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from voxxml.runtime.caller import CallerScript
from enablex_mock import MockEnableX, ProtocolError

ROOT = Path(__file__).absolute().parent.parent
APP_ID, APP_KEY = "test-app-id", "test-app-key-0123456789"
WEBHOOK_USER, WEBHOOK_PASSWORD = "enablex-hook", "s3cret-hook-password"
TIME_SCALE = 0.1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _ThreadServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # in a thread: the test process keeps its handlers
        pass


class MockCall:
    def __init__(self, mock: MockEnableX, event_url: str, call_ref: str) -> None:
        self.mock = mock
        self.event_url = event_url
        self.call_ref = call_ref  # the runner's id for the call: GET /calls/ID
        self.merged = 0  # observed events of the runner already recorded
        self.wake = asyncio.Event()
        self.done = asyncio.Event()
        self.statuses: list[int] = []  # the runner's answers to the webhooks
        self.ended_at: float | None = None


class MockPlatform:
    """EnableX on loopback, for many calls at once."""

    def __init__(self, webhook_user: str | None = WEBHOOK_USER, webhook_password: str | None = WEBHOOK_PASSWORD, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.webhook_auth = (webhook_user, webhook_password) if webhook_user else None
        self.calls: dict[str, MockCall] = {}
        self.outbound_scripts: dict[str, CallerScript] = {}
        self.errors: list[str] = []  # protocol errors and refused webhooks: a test asserts there are none
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status) of every REST request
        self.faults: list[tuple[Callable[[str, str], bool], int, list[int]]] = []  # (matches, status, [times left])
        self.runner_url: str | None = None
        self.deliver_hook: Callable[[MockCall, dict[str, Any]], list[dict[str, Any]]] | None = None  # duplicates, reordering
        self._stamps = itertools.count()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: _ThreadServer | None = None
        self._http: httpx.AsyncClient | None = None

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> MockPlatform:
        app = Starlette(routes=[Route("/voice/v1/call", self._rest, methods=["POST"]), Route("/voice/v1/call/{rest:path}", self._rest, methods=["PUT", "DELETE", "POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False, lifespan="off")
        self._server = _ThreadServer(config)
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            self._http = httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=400))
            loop.call_soon(ready.set)
            loop.run_until_complete(self._server.serve())  # type: ignore[union-attr]
            loop.run_until_complete(self._http.aclose())

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        ready.wait(10)
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)

    def _run(self, coroutine: Any, timeout: float = 60) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    # ------------------------------------------------------------------ test API
    def fail(self, matches: Callable[[str, str], bool], status: int, times: int = 1) -> None:
        """Answer the next ``times`` requests that match (method, path) with ``status``."""
        self.faults.append((matches, status, [times]))

    def expect_outbound(self, to: str, script: CallerScript) -> None:
        self.outbound_scripts[to] = script

    def ring(self, script: CallerScript, to: str = "15550001234", caller: str = "15550009999") -> str:
        """An inbound call to ``to``; its voice_id."""
        assert self.runner_url, "no runner to ring"
        voice_id = str(uuid.uuid4())

        async def start() -> None:
            mock = MockEnableX(script, "inbound", voice_id)
            mock.ring()
            webhook = mock.outbox[0][0]
            webhook["to"], webhook["from"] = to, caller
            call = MockCall(mock, f"{self.runner_url}/enablex/events", voice_id)
            self.calls[voice_id] = call
            asyncio.get_running_loop().create_task(self._deliver(call))

        self._run(start())
        return voice_id

    def finished(self, voice_id: str, timeout: float = 60) -> list[dict[str, Any]]:
        """Wait until the call is over on both sides; the caller's trace (with the runner's
        last observed events)."""
        call = self.calls[voice_id]

        async def wait() -> list[dict[str, Any]]:
            await asyncio.wait_for(call.done.wait(), timeout)
            deadline = time.monotonic() + timeout
            while True:  # the runner has ended the call too
                status = await self._status(call)
                if status.get("ended") or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.02)
            await self._merge(call, status)
            if not status.get("ended"):
                self.errors.append(f"{voice_id}: the runner did not end the call: {status}")
            return call.mock.trace

        return self._run(wait(), timeout * 2 + 5)

    def status(self, voice_id: str) -> dict[str, Any]:
        return self._run(self._status(self.calls[voice_id]))

    # ------------------------------------------------------------------ webhooks
    async def _deliver(self, call: MockCall) -> None:
        mock = call.mock
        while True:
            webhook = mock.deliver()
            if webhook is None:
                if mock.phase == "ended":
                    call.ended_at = time.monotonic()
                    call.done.set()
                    return
                call.wake.clear()
                try:
                    await asyncio.wait_for(call.wake.wait(), 0.5)
                except asyncio.TimeoutError:
                    pass
                continue
            webhook["timestamp"] = f"2026-01-01T00:00:00.{next(self._stamps):06d}Z"  # unique, as real times are
            batch = self.deliver_hook(call, webhook) if self.deliver_hook else [webhook]
            for item in batch:
                await self._post(call, item)

    async def _post(self, call: MockCall, webhook: dict[str, Any]) -> None:
        assert self._http is not None
        deadline = time.monotonic() + 60
        while True:
            try:
                response = await self._http.post(call.event_url, json=webhook, auth=self.webhook_auth)
            except httpx.HTTPError:
                status = None  # the runner is down: EnableX tries again
            else:
                status = response.status_code
                call.statuses.append(status)
                if status < 300:
                    return
                if status < 500:
                    self.errors.append(f"webhook {webhook} refused: {status} {response.text[:200]}")
                    return
            if time.monotonic() > deadline:
                self.errors.append(f"webhook {webhook} not delivered: {status}")
                return
            await asyncio.sleep(0.05)

    async def _status(self, call: MockCall) -> dict[str, Any]:
        assert self._http is not None and self.runner_url
        for _ in range(200):
            try:
                response = await self._http.get(f"{self.runner_url}/calls/{call.call_ref}", auth=self.webhook_auth)
                if response.status_code == 200:
                    return response.json()
                if response.status_code == 404:
                    return {}
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.05)  # the runner is restarting
        return {}

    async def _merge(self, call: MockCall, status: dict[str, Any]) -> None:
        """Record the runner's observed events not recorded yet (none once the caller has gone)."""
        trace = status.get("trace") or []
        for event in trace[call.merged :]:
            if call.mock.phase != "ended":
                call.mock.record(dict(event))
        call.merged = max(call.merged, len(trace))
        call.wake.set()

    # ------------------------------------------------------------------ REST
    async def _rest(self, request: Request) -> JSONResponse:
        method, path = request.method, request.url.path
        expected = "Basic " + base64.b64encode(f"{APP_ID}:{APP_KEY}".encode()).decode()
        if request.headers.get("authorization") != expected:
            self.requests.append((method, path, 401))
            self.errors.append(f"{method} {path} without the app's Basic auth")
            return JSONResponse({"result": 1401, "msg": "Authentication failed", "state": "failed"}, status_code=401)
        for matches, status, left in self.faults:
            if left[0] > 0 and matches(method, path):
                left[0] -= 1
                self.requests.append((method, path, status))
                return JSONResponse({"result": 5000, "msg": "Service Unavailable"}, status_code=status)
        raw = await request.body()
        try:
            body = (await request.json()) if raw else None
        except ValueError:
            self.requests.append((method, path, 400))
            return JSONResponse({"result": 1400, "msg": "invalid JSON"}, status_code=400)
        if method == "POST" and path == "/voice/v1/call":
            return await self._create(body)
        voice_id = path.split("/")[4] if len(path.split("/")) > 4 else ""
        call = self.calls.get(voice_id)
        if call is None:
            self.requests.append((method, path, 404))
            self.errors.append(f"{method} {path}: unknown voice_id")
            return JSONResponse({"result": 1404, "msg": "call not found", "state": "failed"}, status_code=404)
        await self._merge(call, await self._status(call))
        try:
            answer = call.mock.send({"method": method, "path": path, **({"body": body} if body is not None else {})})  # type: ignore[typeddict-item]
        except ProtocolError as error:
            self.requests.append((method, path, 409))
            self.errors.append(f"protocol error: {error}")
            return JSONResponse({"result": 1409, "msg": str(error)}, status_code=409)
        finally:
            call.wake.set()
        self.requests.append((method, path, 200))
        return JSONResponse(answer)

    async def _create(self, body: Any) -> JSONResponse:
        to = body.get("to") if isinstance(body, dict) else None
        script = self.outbound_scripts.pop(to, None) if isinstance(to, str) else None
        if script is None:
            self.requests.append(("POST", "/voice/v1/call", 400))
            self.errors.append(f"create-call to an unexpected number: {body}")
            return JSONResponse({"result": 1400, "msg": "unexpected number", "state": "failed"}, status_code=400)
        voice_id = str(uuid.uuid4())
        mock = MockEnableX(script, "outbound", voice_id)
        event_url = str(body.get("event_url"))
        ref = event_url.split("call=")[-1] if "call=" in event_url else voice_id
        call = MockCall(mock, event_url, ref)
        self.calls[voice_id] = call
        try:
            answer = mock.request("POST", "/voice/v1/call", body)
        except ProtocolError as error:
            self.errors.append(f"protocol error: {error}")
            return JSONResponse({"result": 1409, "msg": str(error)}, status_code=409)
        self.requests.append(("POST", "/voice/v1/call", 200))
        asyncio.get_running_loop().create_task(self._deliver(call))
        return JSONResponse(answer)

    def voice_id_for(self, to: str, timeout: float = 30) -> str:
        """The voice_id of the outbound call to ``to``, once created."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for voice_id, call in list(self.calls.items()):
                if call.mock.entry == "outbound" and any(r.get("body", {}) and r["body"].get("to") == to for r in call.mock.requests[:1]):
                    return voice_id
            time.sleep(0.01)
        raise AssertionError(f"no outbound call to {to}")


def wait_healthy(process: subprocess.Popen[bytes], url: str, why: Callable[[], str], seconds: float = 60) -> None:
    """Wait until a started ``voxxml serve`` answers /healthz; fail at once if it exits (``why``: its log)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the runner exited with {process.returncode}; {why()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError("the runner did not start")


class Runner:
    """``python -m voxxml serve`` in a subprocess (so that a test can kill -9 it)."""

    def __init__(self, files: list[str], platform: MockPlatform, store: str, *, routes: tuple[str, ...] = (), port: int | None = None, extra: tuple[str, ...] = (), env: dict[str, str] | None = None, log_path: Path | None = None, set_runner: bool = True, max_redirects: int = 0, time_scale: float = TIME_SCALE) -> None:
        self.files = files
        self.time_scale = time_scale
        self.platform = platform
        self.store = store
        self.routes = routes
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra = extra
        self.env = env
        self.log_path = log_path
        # 0 (the default here): a Redirect is not fetched and takes its fetch-failed path, so the
        # tests' documents (Redirects to example.com) never reach the network; test_serve_redirect sets it.
        self.max_redirects = max_redirects
        self.process: subprocess.Popen[bytes] | None = None
        if set_runner:
            platform.runner_url = self.url

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "voxxml", "serve", *self.files, "--port", str(self.port), "--store", self.store, "--enablex-url", self.platform.url]
        cmd += ["--public-url", self.url, "--time-scale", str(self.time_scale), "--timer-poll", "0.05", "--retry-backoff", "0.02", "--max-redirects", str(self.max_redirects)]
        for route in self.routes:
            cmd += ["--route", route]
        return cmd + list(self.extra)

    def start(self) -> Runner:
        env = {**os.environ, "ENABLEX_APP_ID": APP_ID, "ENABLEX_APP_KEY": APP_KEY, "VOXXML_WEBHOOK_USER": WEBHOOK_USER, "VOXXML_WEBHOOK_PASSWORD": WEBHOOK_PASSWORD, **(self.env or {})}
        env["PYTHONPATH"] = os.pathsep.join(p for p in [str(ROOT), env.get("PYTHONPATH", "")] if p)
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=env, stdout=log, stderr=log)
        wait_healthy(self.process, self.url, lambda: f"log: {self.log_path}")
        return self

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def __enter__(self) -> Runner:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def post_call(self, to: str, frm: str, plan: str | None) -> httpx.Response:
        return httpx.post(f"{self.url}/calls", json={"to": to, "from": frm, "plan": plan}, auth=(WEBHOOK_USER, WEBHOOK_PASSWORD), timeout=60)


__all__ = ["APP_ID", "APP_KEY", "MockPlatform", "Runner", "TIME_SCALE", "WEBHOOK_PASSWORD", "WEBHOOK_USER", "free_port", "wait_healthy"]
