"""The ASGI app (Starlette): EnableX's webhooks in, calls started, health and metrics out.

    POST /enablex/events   every EnableX webhook (Basic auth: VOXXML_WEBHOOK_USER/PASSWORD)
    POST /calls            {"to", "from", "plan"} -> {"voice_id", "call_id"} (same auth)
    GET  /calls/{id}       a call's state and trace, by call id or voice_id (same auth)
    GET  /healthz          200 when the store answers
    GET  /metrics          Prometheus text

Handlers parse and authenticate on the event loop and hand the call's work to a worker thread
(the engine is synchronous, as the plan runtime is).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hmac
import json
import logging
from typing import Any, AsyncIterator

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .config import ServeConfig
from .engine import Engine, Reply
from .logs import log
from .metrics import Metrics
from .store import Store, open_store
from .timers import TimerLoop

MAX_BODY = 64 * 1024
THREADS = 64


def _authorised(config: ServeConfig, header: str | None) -> bool:
    """Basic auth against the webhook credentials, compared in constant time (both parts, always)."""
    user, password = config.credentials.webhook_user, config.credentials.webhook_password
    if user is None or password is None:
        return True  # --insecure-no-webhook-auth
    given_user, given_password = b"", b""
    ok_scheme = False
    if header and header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
        given_user, sep, given_password = decoded.partition(b":")
        ok_scheme = bool(sep)
    same_user = hmac.compare_digest(given_user, user.encode())
    same_password = hmac.compare_digest(given_password, password.encode())
    return ok_scheme and same_user and same_password


def _reply(reply: Reply) -> JSONResponse:
    return JSONResponse(dict(reply), status_code=reply.status)


async def _json_body(request: Request) -> Any | Reply:
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
        return Reply(413, outcome="malformed", reason=f"body larger than {MAX_BODY} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return Reply(413, outcome="malformed", reason=f"body larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        return Reply(400, outcome="malformed", reason=f"not JSON: {str(error)[:120]}")


def create_app(config: ServeConfig, store: Store | None = None) -> Starlette:
    store = store or open_store(config.store_url)
    metrics = Metrics()
    engine = Engine(config, store, metrics)
    timers = TimerLoop(engine, config.timer_poll)
    # Reads (call status, health, metrics) get their own threads: they must answer even when every
    # worker waits on a call's lock or on EnableX.
    readers: list[anyio.CapacityLimiter] = []

    def refused(where: str) -> JSONResponse:
        metrics.count("voxxml_webhooks_total", outcome="unauthorized") if where == "webhook" else None
        log("unauthorized", logging.WARNING, endpoint=where, status=401)
        return JSONResponse({"outcome": "unauthorized"}, status_code=401, headers={"WWW-Authenticate": 'Basic realm="voxxml"'})

    async def events(request: Request) -> Response:
        if not _authorised(config, request.headers.get("authorization")):
            return refused("webhook")
        body = await _json_body(request)
        if isinstance(body, Reply):
            metrics.count("voxxml_webhooks_total", outcome="malformed")
            log("webhook", logging.WARNING, outcome="malformed", reason=body.get("reason"), status=body.status)
            return _reply(body)
        hint = request.query_params.get("call")
        return _reply(await anyio.to_thread.run_sync(engine.handle_webhook, body, hint))

    async def start_call(request: Request) -> Response:
        if not _authorised(config, request.headers.get("authorization")):
            return refused("calls")
        body = await _json_body(request)
        if isinstance(body, Reply):
            return _reply(body)
        if not isinstance(body, dict) or not all(isinstance(body.get(k), str) and body.get(k) for k in ("to", "from")):
            return _reply(Reply(400, outcome="malformed", reason='give {"to": NUMBER, "from": CLI, "plan": NAME} (plan: optional with one plan)'))
        plan = body.get("plan")
        if plan is not None and not isinstance(plan, str):
            return _reply(Reply(400, outcome="malformed", reason="plan must be a string"))
        reply = await anyio.to_thread.run_sync(engine.start_outbound, plan, body["to"], body["from"])
        log("outbound call", call=reply.get("call_id"), voice_id=reply.get("voice_id"), outcome=reply.get("outcome"), status=reply.status)
        return _reply(reply)

    async def call_status(request: Request) -> Response:
        if not _authorised(config, request.headers.get("authorization")):
            return refused("calls")
        return _reply(await anyio.to_thread.run_sync(engine.status, request.path_params["call_id"], limiter=readers[0]))

    async def healthz(request: Request) -> Response:
        try:
            await anyio.to_thread.run_sync(store.active_calls, limiter=readers[0])
        except Exception as error:  # reported, not raised: a health check answers
            return JSONResponse({"status": "unavailable", "reason": type(error).__name__}, status_code=503)
        return JSONResponse({"status": "ok", "instance": config.instance, "plans": sorted(p.name for p in config.plans.values())})

    async def prometheus(request: Request) -> Response:
        active = await anyio.to_thread.run_sync(store.active_calls, limiter=readers[0])
        return PlainTextResponse(metrics.render(active), media_type="text/plain; version=0.0.4")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        readers.append(anyio.CapacityLimiter(8))
        await anyio.to_thread.run_sync(store.setup)
        task = asyncio.create_task(timers.run())
        log("started", instance=config.instance, plans=sorted(p.key for p in config.plans.values()), public_url=config.public_url)
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            engine.close()
            store.close()

    app = Starlette(
        routes=[
            Route("/enablex/events", events, methods=["POST"]),
            Route("/calls", start_call, methods=["POST"]),
            Route("/calls/{call_id}", call_status, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", prometheus, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.engine = engine
    return app


__all__ = ["MAX_BODY", "create_app"]
