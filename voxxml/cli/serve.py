"""``voxxml serve`` and ``voxxml call``: the live EnableX runner's commands.

Starlette, uvicorn, httpx and psycopg (the ``serve`` extra) are imported inside the commands, so
``voxxml lint`` never loads them.
"""

from __future__ import annotations

import os
import sys
import time

import click

from .options import absolute_url

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
PRODUCTION_URL = "https://api.enablex.io"  # voxxml.serve.client.PRODUCTION_URL, written out: no httpx import here
DEFAULT_STORE = "sqlite:///voxxml-serve.db"


def _fail(message: str, status: int = EXIT_USAGE) -> None:
    click.echo(f"voxxml: error: {message}", err=True)
    sys.exit(status)


def _need_extra() -> None:
    try:
        import httpx, starlette, uvicorn  # noqa: F401,E401
    except ImportError as error:
        _fail(f"voxxml serve needs the serve extra ({error.name} is missing): pip install 'voxxml[serve]'")


@click.command()
@click.argument("files", nargs=-1, metavar="DOC_OR_PLAN...")
@click.option("--target", type=click.Choice(["enablex", "twiml", "texml", "cxml"]), default="enablex", show_default=True, help="enablex: run plans on EnableX (webhooks, REST). twiml (texml, cxml): serve the documents as TwiML states, answering the platform's requests (docs/serve.md).")
@click.option("--allow-approximate", is_flag=True, help="--target twiml: serve even when the conversion is not exact (CV1xx as warnings).")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="The port to listen on.")
@click.option("--store", "store_url", default=DEFAULT_STORE, show_default=True, metavar="URL", help="sqlite:///PATH (one runner) or postgresql://... (any number of runners).")
@click.option("--enablex-url", default=PRODUCTION_URL, show_default=True, metavar="URL", help="EnableX's REST base URL.")
@click.option("--public-url", metavar="URL", help="This runner's URL as EnableX reaches it (event_url of outbound calls). Default: http://HOST:PORT.")
@click.option("--route", "routes", multiple=True, metavar="NUMBER=FILE", help="The plan for calls to NUMBER (*=FILE: every other number). Repeatable; needed with several plans.")
@click.option("--insecure-no-webhook-auth", is_flag=True, help="Start without VOXXML_WEBHOOK_USER/PASSWORD: any webhook is accepted.")
@click.option("--loop-cap", type=click.IntRange(min=1), default=10, show_default=True, metavar="N", help="How many times a loop='0' plays (as in voxxml compile).")
@click.option("--base-url", metavar="URL", callback=absolute_url, help="The documents' URL: relative URLs (Play, Redirect) are resolved against it, at start and when a Redirect is followed.")
@click.option("--max-redirects", type=click.IntRange(min=0), default=10, show_default=True, metavar="N", help="Redirects one call follows (fetched and run); after N a Redirect takes its fetch-failed path. 0: never fetch.")
@click.option("--allow-private-fetch", is_flag=True, help="Let a Redirect fetch from loopback, private and link-local addresses (refused by default).")
@click.option("--fetch-timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, metavar="SECONDS", help="Time for one Redirect's fetch, HTTP redirects included.")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]), default="info", show_default=True)
@click.option("--time-scale", type=click.FloatRange(min=0.0001), default=1.0, hidden=True, help="Timers run this many times their length (tests and demos).")
@click.option("--timer-poll", type=click.FloatRange(min=0.005), default=0.25, hidden=True, help="Seconds between looks at the store for due timers.")
@click.option("--retry-backoff", type=click.FloatRange(min=0.0), default=0.25, hidden=True, help="The first REST retry's delay in seconds (doubled each time).")
@click.option("--rest-timeout", type=click.FloatRange(min=0.1), default=10.0, hidden=True, help="Seconds to wait for one EnableX answer (benchmarks against a slow mock).")
def serve(files: tuple[str, ...], target: str, allow_approximate: bool, host: str, port: int, store_url: str, enablex_url: str, public_url: str | None, routes: tuple[str, ...], insecure_no_webhook_auth: bool, loop_cap: int, base_url: str | None, max_redirects: int, allow_private_fetch: bool, fetch_timeout: float, log_level: str, time_scale: float, timer_poll: float, retry_backoff: float, rest_timeout: float) -> None:
    """Run DOC_OR_PLAN... live on EnableX: answer its webhooks and drive each call through its plan.

    Each document is compiled at start (errors refuse to start, with the diagnostics);
    plans (.json, from voxxml compile) are loaded as they are. Credentials come from the
    environment only: ENABLEX_APP_ID and ENABLEX_APP_KEY (EnableX's REST API),
    VOXXML_WEBHOOK_USER and VOXXML_WEBHOOK_PASSWORD (the Basic auth every webhook and
    POST /calls must carry).

    A Redirect is followed: its document (http or https, public addresses only unless
    --allow-private-fetch) is fetched, compiled and run on the call, at most
    --max-redirects times per call; a fetch that fails takes the Redirect's fetch-failed path.

    Endpoints: POST /enablex/events, POST /calls, GET /calls/ID, GET /healthz, GET /metrics.

    --target twiml (texml, cxml): each document (VoxXML or VoXML) is split into TwiML states
    as `voxxml convert -o DIR` writes them, and served at /twiml/NAME/start (NAME: the file's
    stem; point the number's voice URL there); the handler takes the branches from the
    call's input. With TWILIO_AUTH_TOKEN set every request must carry a valid
    X-Twilio-Signature (over --public-url); without it requests are not authenticated.
    --base-url is the documents' own URL (their relative URLs are resolved against it).
    The store, EnableX and redirect options do not apply (given, they are refused).

    Exit status: 1 a document has errors, 2 usage or configuration error.
    """
    _not_for_target(target)
    _need_extra()
    if target != "enablex":
        _serve_twiml(files, target, allow_approximate, host, port, public_url, base_url, log_level)
        return
    import uvicorn

    from ..serve import logs
    from ..serve.app import create_app
    from ..serve.config import ConfigurationError, Credentials, build_config
    from ..serve.store import StoreError, open_store, redact

    logs.configure(log_level)
    try:
        credentials = Credentials.from_environment(insecure_no_webhook_auth=insecure_no_webhook_auth)
        config, warnings = build_config(
            list(files), routes, credentials, enablex_url=enablex_url, public_url=public_url or f"http://{host}:{port}",
            store_url=store_url, loop_cap=loop_cap, base_url=base_url, max_redirects=max_redirects, allow_private_fetch=allow_private_fetch, fetch_timeout=fetch_timeout, time_scale=time_scale, timer_poll=timer_poll, retry_backoff=retry_backoff, rest_timeout=rest_timeout,
        )
        store = open_store(store_url)
        store.setup()
    except ConfigurationError as error:
        message = str(error)
        _fail(message, EXIT_PROBLEMS if "did not compile" in message else EXIT_USAGE)
    except StoreError as error:
        _fail(str(error))
    if warnings:
        click.echo(warnings, err=True, nl=False)
    if credentials.webhook_user is None:
        logs.log("webhooks are accepted without authentication (--insecure-no-webhook-auth)", 30)
    logs.log("serving", host=host, port=port, store=redact(store_url), enablex_url=enablex_url, plans=sorted(p.key for p in config.plans.values()))
    uvicorn.run(create_app(config, store), host=host, port=port, log_level="warning", access_log=False, lifespan="on")


# The options each kind of target reads; given on the command line for the other, they would be ignored.
_TWIML_ONLY = frozenset({"allow_approximate"})
_SHARED = frozenset({"files", "target", "host", "port", "public_url", "base_url", "log_level"})


def _not_for_target(target: str) -> None:
    """Refuse an option the target does not read (a user who writes --store for TwiML expects it to matter)."""
    context = click.get_current_context()
    enablex = target == "enablex"
    ignored = [
        parameter.opts[0]
        for parameter in context.command.params
        if parameter.name not in _SHARED
        and (parameter.name in _TWIML_ONLY) == enablex
        and context.get_parameter_source(parameter.name) not in (None, click.core.ParameterSource.DEFAULT)  # type: ignore[arg-type]
    ]
    if ignored:
        which = "--target enablex" if not enablex else "--target twiml, texml or cxml"
        _fail(f"{', '.join(ignored)} {'applies' if len(ignored) == 1 else 'apply'} only with {which}", EXIT_USAGE)


def _serve_twiml(files: tuple[str, ...], target: str, allow_approximate: bool, host: str, port: int, public_url: str | None, base_url: str | None, log_level: str) -> None:
    """--target twiml: load and split every document (errors refuse to start, with the diagnostics), then serve."""
    import io
    from dataclasses import replace
    from pathlib import Path

    import uvicorn

    from ..config import ConfigError, Resolver
    from ..convert import CODES
    from ..core.catalog import Severity
    from ..reporters import REPORTERS
    from ..serve import logs
    from ..serve.twiml import ABSOLUTE_ONLY, Served, TwimlConfig, auth_token, create_app, load, relative_urls
    from .commands import reading

    logs.configure(log_level)
    if not files:
        _fail("--target twiml needs at least one document to serve")
    documents: dict[str, Served] = {}
    relative: list[str] = []
    for name in files:
        path = Path(name)
        try:
            settings = Resolver().for_path(path)
            data = path.read_bytes()
        except ConfigError as error:
            _fail(str(error))
        except OSError as error:
            _fail(f"{name}: {error.strerror or error}")
        if allow_approximate:
            settings = replace(settings, severity={**settings.severity, **dict.fromkeys(CODES, Severity.WARNING)})
        served_at = f"{(public_url or f'http://{host}:{port}').rstrip('/')}/twiml/{path.stem}/" if target in ABSOLUTE_ONLY else None
        result, machine = load(data, str(path), target, settings, reading(path, settings, None), base_url, served_at)
        if result.diagnostics:
            text = io.StringIO()
            REPORTERS["text"]([result], text)
            click.echo(text.getvalue(), err=True, nl=False)
        if machine is None:
            _fail(f"{name} was not converted (errors above; --allow-approximate serves an approximate conversion)", EXIT_PROBLEMS)
        if path.stem in documents:
            _fail(f"two documents named {path.stem!r}: each is served at /twiml/NAME/start")
        documents[path.stem] = Served(path.stem, str(path), machine)
        relative += relative_urls(machine)
    token = auth_token()
    config = TwimlConfig(documents, public_url or f"http://{host}:{port}", token, relative)
    if token is None:
        logs.log("requests are accepted without authentication (no TWILIO_AUTH_TOKEN: X-Twilio-Signature is not checked)", 30)
    if relative and base_url is None:
        logs.log("relative URLs resolve against the handler's URL, not the documents' (give --base-url)", 30, urls=sorted(set(relative))[:10])
    logs.log("serving", target=target, host=host, port=port, documents={n: f"{config.public_url.rstrip('/')}/twiml/{n}/start" for n in sorted(documents)})
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", access_log=False, lifespan="off")


@click.command()
@click.argument("file", metavar="DOC_OR_PLAN")
@click.option("--to", "to", required=True, metavar="NUMBER", help="The number to call.")
@click.option("--from", "cli", required=True, metavar="CLI", help="A number of the EnableX project, shown as the caller ID.")
@click.option("--runner", default="http://127.0.0.1:8080", show_default=True, metavar="URL", help="The running `voxxml serve` to start the call through.")
@click.option("--direct", is_flag=True, help="Start the call from here, in --store, without asking a runner: a runner on that store (at --public-url) handles its webhooks.")
@click.option("--store", "store_url", default=DEFAULT_STORE, show_default=True, metavar="URL", help="With --direct: the runners' store.")
@click.option("--enablex-url", default=PRODUCTION_URL, show_default=True, metavar="URL", help="With --direct: EnableX's REST base URL.")
@click.option("--public-url", metavar="URL", help="With --direct: the runner's URL as EnableX reaches it.")
@click.option("--wait", "wait_seconds", type=click.FloatRange(min=0), default=0, metavar="SECONDS", help="Wait up to SECONDS for the call to end; print what the runner observed of it (gathers, pauses, redirects, in voxxml simulate's words) and how it ended.")
def call(file: str, to: str, cli: str, runner: str, direct: bool, store_url: str, enablex_url: str, public_url: str | None, wait_seconds: float) -> None:
    """Start one outbound call to --to running DOC_OR_PLAN; print its voice_id.

    Through a runner (POST RUNNER/calls, with VOXXML_WEBHOOK_USER/PASSWORD), which must
    have loaded DOC_OR_PLAN; or --direct: compiled here, created in the shared store and
    through EnableX's REST API (ENABLEX_APP_ID/KEY).
    """
    _need_extra()
    from pathlib import Path

    import httpx

    from ..serve.config import ENV_WEBHOOK_PASSWORD, ENV_WEBHOOK_USER, ConfigurationError, Credentials, build_config

    auth = None
    if os.environ.get(ENV_WEBHOOK_USER):
        auth = (os.environ[ENV_WEBHOOK_USER], os.environ.get(ENV_WEBHOOK_PASSWORD, ""))
    if direct:
        from ..serve.engine import Engine
        from ..serve.store import StoreError, open_store

        if not public_url:
            _fail("--direct needs --public-url: the runner's URL, where EnableX sends the call's webhooks")
        try:
            credentials = Credentials.from_environment(insecure_no_webhook_auth=True)
            config, warnings = build_config([file], (), credentials, enablex_url=enablex_url, public_url=public_url or "", store_url=store_url)
            store = open_store(store_url)
            store.setup()
        except (ConfigurationError, StoreError) as error:
            _fail(str(error), EXIT_PROBLEMS if "did not compile" in str(error) else EXIT_USAGE)
        reply = Engine(config, store).start_outbound(None, to, cli)
        if reply.status >= 300:
            _fail(f"the call was not started: {reply.get('reason')}", EXIT_PROBLEMS)
        click.echo(reply["voice_id"])
        return
    base = runner.rstrip("/")
    try:
        response = httpx.post(f"{base}/calls", json={"to": to, "from": cli, "plan": Path(file).stem}, auth=auth, timeout=30)
    except httpx.HTTPError as error:
        _fail(f"cannot reach the runner at {base}: {type(error).__name__}")
    try:
        reply = response.json()
    except ValueError:
        reply = {}
    if response.status_code >= 300:
        _fail(f"the runner refused the call (HTTP {response.status_code}): {reply.get('reason') or reply.get('outcome') or response.text[:200]}", EXIT_PROBLEMS)
    click.echo(reply["voice_id"])
    if wait_seconds:
        from ..runtime.trace import describe

        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            status = httpx.get(f"{base}/calls/{reply['call_id']}", auth=auth, timeout=30).json()
            if status.get("ended"):
                for number, event in enumerate(status["trace"], 1):
                    click.echo(f"{number}. {describe(event)}")
                click.echo(f"ended: {status.get('end_reason')}")
                return
            time.sleep(0.2)
        _fail(f"the call did not end within {wait_seconds:g} s", EXIT_PROBLEMS)


__all__ = ["call", "serve"]
