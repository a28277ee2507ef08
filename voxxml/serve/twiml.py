"""``voxxml serve --target twiml``: the handler that serves a branching document as TwiML states.

    GET|POST /twiml/{doc}/{state}   the TwiML of a state (``start`` first), for the call's variables
    GET      /healthz               200, with the documents served

Each document is read, checked and split once at start (``load``: the same steps as ``voxxml convert
-o DIR``, convert/split.py). A request names a state; its query carries the call's variables (``v``)
and, after a Gather or a Dial, which one posted its result (``g``, ``d``); the form (Twilio's
``application/x-www-form-urlencoded`` POST, or the query of a GET) holds ``Digits``, ``SpeechResult``,
``DialCallStatus``. The handler writes the result to the variables with the hub's semantics, walks
from the state taking every decision, and answers the TwiML up to the next input. It keeps nothing
between requests (split.py says why the variables travel in the URLs).

Authentication: with ``TWILIO_AUTH_TOKEN`` in the environment every request must carry a valid
``X-Twilio-Signature`` (HMAC-SHA1 over the URL Twilio requested, as ``--public-url`` spells it, and
the POST parameters sorted by name), compared in constant time; without it the handler is
unauthenticated (said at start), which only suits a private network or a test.

Starlette is imported by ``create_app`` only: ``voxxml convert`` uses ``load`` without the serve extra.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from ..convert.split import Machine, StateError, apply_result, render, split, state_index, unpack
from ..core.diagnostics import make
from ..core.source import Span
from ..hub.expressions import Environment

ENV_AUTH_TOKEN = "TWILIO_AUTH_TOKEN"
MAX_BODY = 64 * 1024
TWIML_TARGETS = ("twiml", "texml", "cxml")
ABSOLUTE_ONLY = ("cxml",)  # profiles whose URLs must be absolute (SignalWire's cXML): their links name the states' URL


@dataclass(frozen=True)
class Served:
    """A converted document the TwiML handler serves, as a state machine."""

    name: str  # the file's stem: /twiml/NAME/STATE
    path: str
    machine: Machine


@dataclass
class TwimlConfig:
    """The TwiML handler's documents, its public URL and its request signing."""

    documents: dict[str, Served]
    public_url: str  # this handler's URL as the platform requests it (the signature covers it)
    auth_token: str | None = None
    relative: list[str] = field(default_factory=list)  # relative URLs left as written (no --base-url)


def load(data: bytes, path: str, to: str, settings: Any, dialect: Any, base_url: str | None = None, states_url: str | None = None) -> tuple[Any, Machine | None]:
    """One document read and checked as lint does, then split into states for the TwiML dialect ``to``;
    every state's file is read back with ``to`` (an error there is CV100, as for one document). The
    CV codes are finalized with the checks' (suppressions, ignore, severities, --allow-approximate).
    ``base_url``: the document's own URL; ``states_url``: where the states are served (absolute links,
    which cXML requires; None: relative links).
    (result, machine); machine None when the document has errors."""
    from ..convert import CODES
    from ..convert.split import files
    from ..core.catalog import Severity
    from ..pipeline import check, checked, cyclic_gc_paused, finalize

    with cyclic_gc_paused():
        result, found = checked(data, path, settings, dialect)
        if result.document is None or result.error_count:
            return result, None
        machine = split(result.document, to, result.dialect, base_url, states_url)
        converted = list(machine.diagnostics)
        texts, manifest = files(machine, Path(path).name)
        for name, text in texts.items():
            for problem in check(text.encode("utf-8"), name, settings.context, dialect=to).diagnostics:
                if problem.severity is Severity.ERROR:
                    where = result.document.name_span or Span(1, 1, 1, 2)
                    converted.append(make("CV100", f"the state {name} is not valid {to}: {problem.code} {problem.message}", where, problem.help))
        result.diagnostics = finalize(found + converted, result.source, settings, path, frozenset(CODES))
        result.output, result.target = (texts, manifest), to
    return result, (None if result.error_count else machine)


def relative_urls(machine: Machine) -> list[str]:
    """URLs the document leaves relative: served from the handler, they would resolve against its URL."""
    from ..hub.semantics import is_absolute

    found = []
    for step in machine.steps:
        nodes = [step.node] + (list(step.node.prompts) if hasattr(step.node, "prompts") else [])
        for node in nodes:
            for name in ("url", "action"):
                value = getattr(node, name, None)
                if isinstance(value, str) and value and not is_absolute(value):
                    found.append(value)
    return found


def signature(token: str, url: str, params: list[tuple[str, str]]) -> str:
    """Twilio's X-Twilio-Signature: base64(HMAC-SHA1(token, URL + each POST parameter's name and value, sorted by name))."""
    payload = url + "".join(name + value for name, value in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), payload.encode("utf-8"), hashlib.sha1).digest()).decode()


def answer(config: TwimlConfig, doc: str, state: str, query: dict[str, str], form: dict[str, str]) -> tuple[int, str]:
    """(HTTP status, body): the TwiML of a state, or why not."""
    served = config.documents.get(doc)
    if served is None:
        return 404, f"no document {doc!r}; documents: {', '.join(sorted(config.documents)) or 'none'}"
    machine = served.machine
    try:
        index = state_index(state, machine)
        environment = unpack(query["v"]) if query.get("v") else Environment()
        gather = _step_number(query.get("g"), "g")
        dial = _step_number(query.get("d"), "d")
        apply_result(machine, index, environment, form, gather, dial)
        nodes = render(machine, index, environment)
    except StateError as error:
        return 400, str(error)
    return 200, machine.write(nodes)


def _step_number(text: str | None, name: str) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or len(text) > 9:
        raise StateError(f"{name}={text!r} is not a step number")
    return int(text)


def create_app(config: TwimlConfig) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    from .logs import log

    async def state(request: Request) -> Response:
        started = time.monotonic()
        doc, name = request.path_params["doc"], request.path_params["state"]
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            return PlainTextResponse(f"body larger than {MAX_BODY} bytes", status_code=413)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return PlainTextResponse(f"body larger than {MAX_BODY} bytes", status_code=413)
        try:
            posted = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=200) if request.method == "POST" else []
        except (UnicodeDecodeError, ValueError):
            return PlainTextResponse("the body is not a form (application/x-www-form-urlencoded, UTF-8)", status_code=400)
        if config.auth_token is not None:
            url = config.public_url.rstrip("/") + request.url.path + (f"?{request.url.query}" if request.url.query else "")
            given = request.headers.get("x-twilio-signature", "")
            if not hmac.compare_digest(given.encode(), signature(config.auth_token, url, posted).encode()):
                log("unauthorized", logging.WARNING, document=doc, state=name, status=403)
                return PlainTextResponse("X-Twilio-Signature does not match", status_code=403)
        query = dict(request.query_params)
        form = {**{k: v for k, v in query.items() if k[:1].isupper()}, **dict(posted)}  # a GET action carries them in the query
        status, text = answer(config, doc, name, query, form)
        log("twiml", logging.INFO if status == 200 else logging.WARNING, document=doc, state=name, call=form.get("CallSid"), status=status,
            reason=None if status == 200 else text, ms=round((time.monotonic() - started) * 1000, 2))
        if status != 200:
            return PlainTextResponse(text, status_code=status)
        return Response(text, media_type="application/xml")

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "target": "twiml", "documents": sorted(config.documents)})

    return Starlette(routes=[
        Route("/twiml/{doc}/{state}", state, methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ])


def auth_token() -> str | None:
    return os.environ.get(ENV_AUTH_TOKEN) or None


__all__ = ["ENV_AUTH_TOKEN", "Served", "TWIML_TARGETS", "TwimlConfig", "answer", "auth_token", "create_app", "load", "relative_urls", "signature"]
