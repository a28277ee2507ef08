"""What a runner serves: the plans (compiled at start), the routes from called numbers to plans,
and the credentials (from the environment only, so they never show in ``ps`` or a shell history).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..targets.enablex.plan import Plan

ENV_APP_ID, ENV_APP_KEY = "ENABLEX_APP_ID", "ENABLEX_APP_KEY"
ENV_WEBHOOK_USER, ENV_WEBHOOK_PASSWORD = "VOXXML_WEBHOOK_USER", "VOXXML_WEBHOOK_PASSWORD"


class ConfigurationError(ValueError):
    """The runner cannot start: the message says what to change."""


@dataclass(frozen=True)
class LoadedPlan:
    """A compiled plan the runner serves, under the name calls and routes use."""

    name: str  # the file's stem: what POST /calls and --route name
    path: str
    plan: Plan
    key: str  # name@hash: a call keeps running the plan it started with, and a runner with another plan of that name says so

    @staticmethod
    def of(path: str, plan: Plan) -> LoadedPlan:
        digest = hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()[:12]
        name = Path(path).stem
        return LoadedPlan(name, path, plan, f"{name}@{digest}")


def load_plan(path: str, loop_cap: int = 10, base_url: str | None = None) -> tuple[LoadedPlan | None, str]:
    """A plan file (``.json``) as it is, or a document compiled for EnableX (relative URLs resolved
    against ``base_url``, as ``voxxml compile --base-url``). (None, the diagnostics as text) when
    the document has errors: the runner refuses to start."""
    import io

    from ..config import ConfigError, Resolver
    from ..pipeline import run
    from ..reporters import REPORTERS

    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise ConfigurationError(f"{path}: {error.strerror or error}") from None
    if file.suffix == ".json":
        try:
            plan = json.loads(data)
        except ValueError as error:
            raise ConfigurationError(f"{path}: not a JSON plan: {error}") from None
        if not isinstance(plan, dict) or plan.get("format") != "voxxml.enablex-plan" or plan.get("version") != 2:
            raise ConfigurationError(f"{path}: not a voxxml EnableX plan (format voxxml.enablex-plan, version 2)")
        return LoadedPlan.of(path, plan), ""  # type: ignore[arg-type]
    try:
        settings = Resolver().for_path(file)
    except ConfigError as error:
        raise ConfigurationError(str(error)) from None
    result = run(data, str(file), settings, "enablex", loop_cap=loop_cap, base_url=base_url)
    text = io.StringIO()
    if result.diagnostics:
        REPORTERS["text"]([result], text)
    if result.error_count or result.output is None:
        return None, text.getvalue()
    return LoadedPlan.of(path, result.output), text.getvalue()


_NUMBER = re.compile(r"[^0-9A-Za-z*#]")


def normalise_number(number: Any) -> str:
    """Numbers compared without '+', spaces, dashes or brackets (EnableX sends E.164, portals show it with '+')."""
    return _NUMBER.sub("", str(number))


def parse_routes(values: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``NUMBER=FILE`` pairs (``*=FILE``: every other number)."""
    routes: dict[str, str] = {}
    for value in values:
        number, sep, file = value.partition("=")
        if not sep or not number.strip() or not file.strip():
            raise ConfigurationError(f"--route {value!r}: write NUMBER=FILE, e.g. --route +15550001234=ivr.voxxml")
        key = "*" if number.strip() == "*" else normalise_number(number)
        if key in routes:
            raise ConfigurationError(f"--route {value!r}: number {number} is routed twice")
        routes[key] = file.strip()
    return routes


@dataclass
class Credentials:
    """The EnableX application's keys and the webhooks' basic authentication."""

    app_id: str
    app_key: str
    webhook_user: str | None
    webhook_password: str | None

    @staticmethod
    def from_environment(environ: Mapping[str, str] | None = None, insecure_no_webhook_auth: bool = False, need_app: bool = True) -> Credentials:
        env = os.environ if environ is None else environ
        app_id, app_key = env.get(ENV_APP_ID, ""), env.get(ENV_APP_KEY, "")
        if need_app and not (app_id and app_key):
            raise ConfigurationError(f"set {ENV_APP_ID} and {ENV_APP_KEY} (the EnableX project's App ID and App Key) in the environment")
        user, password = env.get(ENV_WEBHOOK_USER) or None, env.get(ENV_WEBHOOK_PASSWORD) or None
        if (user is None) != (password is None):
            raise ConfigurationError(f"set both {ENV_WEBHOOK_USER} and {ENV_WEBHOOK_PASSWORD}, or neither")
        if user is None and not insecure_no_webhook_auth:
            raise ConfigurationError(
                f"set {ENV_WEBHOOK_USER} and {ENV_WEBHOOK_PASSWORD} (the Basic auth configured for the webhook in the EnableX portal),"
                " or pass --insecure-no-webhook-auth to accept unauthenticated webhooks"
            )
        return Credentials(app_id, app_key, user, password)


@dataclass
class ServeConfig:
    """Everything the runner needs: its plans, routes, credentials and URLs."""

    plans: dict[str, LoadedPlan]  # by key
    routes: dict[str, str]  # normalised number (or '*') -> plan key
    credentials: Credentials
    enablex_url: str
    public_url: str
    store_url: str
    time_scale: float = 1.0  # timers run this much faster (tests and demos only)
    timer_poll: float = 0.25  # seconds between looks at the store for due timers
    retry_backoff: float = 0.25
    rest_timeout: float = 10.0  # seconds to wait for one EnableX answer
    resolve_after: float = 30.0  # seconds (times time_scale) before a request in doubt with no webhook since is taken as failed
    base_url: str | None = None  # the documents' URL: relative URLs (a Redirect's) are resolved against it
    loop_cap: int = 10  # fetched documents are compiled with it too
    max_redirects: int = 10  # Redirects followed per call (fetched documents run); then a fetch fails
    allow_private_fetch: bool = False  # fetch from loopback and private addresses (tests, intranets)
    fetch_timeout: float = 10.0  # seconds for one document fetch, HTTP redirects included
    instance: str = field(default_factory=lambda: f"{os.uname().nodename}:{os.getpid()}")

    def plan_for_number(self, number: Any) -> LoadedPlan | None:
        if len(self.plans) == 1 and not self.routes:
            return next(iter(self.plans.values()))
        key = self.routes.get(normalise_number(number)) or self.routes.get("*")
        return self.plans.get(key) if key else None

    def plan_named(self, name: str | None) -> LoadedPlan | None:
        if name is None:
            return next(iter(self.plans.values())) if len(self.plans) == 1 else None
        for plan in self.plans.values():
            if name in (plan.key, plan.name, plan.path, Path(plan.path).name):
                return plan
        return None


def build_config(
    files: list[str],
    routes: list[str] | tuple[str, ...],
    credentials: Credentials,
    *,
    enablex_url: str,
    public_url: str,
    store_url: str,
    loop_cap: int = 10,
    base_url: str | None = None,
    **options: Any,
) -> tuple[ServeConfig, str]:
    """Compile or load every file (and every file a route names); (config, the warnings as text)."""
    wanted = parse_routes(routes)
    paths = list(dict.fromkeys([*files, *wanted.values()]))
    if not paths:
        raise ConfigurationError("give at least one document or plan")
    if len(paths) > 1 and not wanted:
        raise ConfigurationError("several plans: say which number each serves with --route NUMBER=FILE (or *=FILE for every other number)")
    plans: dict[str, LoadedPlan] = {}
    by_path: dict[str, LoadedPlan] = {}
    reports: list[str] = []
    failed: list[str] = []
    for path in paths:
        loaded, report = load_plan(path, loop_cap, base_url)
        if report:
            reports.append(report)
        if loaded is None:
            failed.append(path)
            continue
        if any(p.name == loaded.name for p in plans.values()):
            raise ConfigurationError(f"{path}: another plan is named {loaded.name!r}; plans are named by their file's stem")
        plans[loaded.key] = loaded
        by_path[path] = loaded
    if failed:
        raise ConfigurationError("not started: " + ", ".join(failed) + " did not compile:\n" + "".join(reports))
    resolved = {number: by_path[path].key for number, path in wanted.items()}
    config = ServeConfig(plans, resolved, credentials, enablex_url, public_url.rstrip("/"), store_url, base_url=base_url, loop_cap=loop_cap, **options)
    return config, "".join(reports)


__all__ = [
    "ConfigurationError",
    "Credentials",
    "ENV_APP_ID",
    "ENV_APP_KEY",
    "ENV_WEBHOOK_PASSWORD",
    "ENV_WEBHOOK_USER",
    "LoadedPlan",
    "ServeConfig",
    "build_config",
    "load_plan",
    "normalise_number",
    "parse_routes",
]
