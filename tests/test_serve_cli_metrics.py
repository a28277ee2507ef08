"""voxxml call (through a runner with --wait, and --direct into the runners' store), the /metrics
a runner reports after a known set of calls, and secrets kept out of its logs and metrics, over
real HTTP (tests/enablex_server.py)."""

from __future__ import annotations

import base64
import collections
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install -e '.[test,serve]'")

import voxxml
from voxxml.runtime.caller import CallerScript, DialOutcome, Input
from voxxml.runtime.simulator import simulate
from voxxml.runtime.trace import comparable, describe

from enablex_server import APP_ID, APP_KEY, ROOT, WEBHOOK_PASSWORD, WEBHOOK_USER, MockPlatform, Runner

SIMPLE = str(ROOT / "examples" / "simple-ivr.voxxml")
AUTH = (WEBHOOK_USER, WEBHOOK_PASSWORD)
FORGED_PASSWORD = "forged-Pa55word-xyz"


def simulated(caller: CallerScript) -> list[dict[str, Any]]:
    """What the caller hears, inbound or outbound alike (the simulator has no entry)."""
    return comparable(simulate(voxxml.lint_file(SIMPLE).document, caller).trace)


def voxxml_call(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "ENABLEX_APP_ID": APP_ID, "ENABLEX_APP_KEY": APP_KEY, **(env or {})}
    return subprocess.run([sys.executable, "-m", "voxxml", "call", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)


def parse_metrics(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Prometheus text -> {(name, labels): value}."""
    series = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        head, value = line.rsplit(" ", 1)
        name, _, rest = head.partition("{")
        labels = frozenset(tuple(pair.split("=", 1)) for pair in rest.rstrip("}").split(",") if pair) if rest else frozenset()
        series[(name, frozenset((k, v.strip('"')) for k, v in labels))] = float(value)
    return series


def total(series: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(value for (n, ls), value in series.items() if n == name and wanted <= set(ls))


def test_voxxml_call_wait_prints_the_runners_trace_and_end(tmp_path: Path) -> None:
    caller = CallerScript(inputs=[Input("none"), Input("dtmf", "2")], dials=[DialOutcome("busy")])
    with MockPlatform() as platform, Runner([SIMPLE], platform, f"sqlite:///{tmp_path}/calls.db", log_path=tmp_path / "runner.log") as runner:
        platform.expect_outbound("15557770001", caller)
        done = voxxml_call("--to", "15557770001", "--from", "15550009999", SIMPLE, "--runner", runner.url, "--wait", "60", env={"VOXXML_WEBHOOK_USER": WEBHOOK_USER, "VOXXML_WEBHOOK_PASSWORD": WEBHOOK_PASSWORD})
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        voice_id = lines[0]
        trace = platform.finished(voice_id)
        status = platform.status(voice_id)
        assert platform.errors == []
        # A call that cannot end in time: exit 1, saying so.
        platform.expect_outbound("15557770002", CallerScript(inputs=[Input("none")], hangup_after=3))
        slow = voxxml_call("--to", "15557770002", "--from", "15550009999", SIMPLE, "--runner", runner.url, "--wait", "0.1", env={"VOXXML_WEBHOOK_USER": WEBHOOK_USER, "VOXXML_WEBHOOK_PASSWORD": WEBHOOK_PASSWORD})
        platform.finished(slow.stdout.split()[0])
        # Without the webhook credentials the runner refuses to start a call.
        refused = voxxml_call("--to", "15557770003", "--from", "15550009999", SIMPLE, "--runner", runner.url)
    assert comparable(trace) == simulated(caller)
    assert status["ended"] and lines[1:] == [f"{n}. {describe(e)}" for n, e in enumerate(status["trace"], 1)] + [f"ended: {status['end_reason']}"]
    assert [line.split(". ", 1)[1] for line in lines[1:-1] if "gather" in line] == ["gather -> no input", "gather -> '2'"]
    assert slow.returncode == 1 and "did not end within 0.1 s" in slow.stderr
    assert refused.returncode == 1 and "HTTP 401" in refused.stderr and refused.stdout == ""


def test_voxxml_call_direct_starts_the_call_in_the_runners_store(tmp_path: Path) -> None:
    """--direct: compiled here, created in the shared store and through EnableX; the runner on that
    store handles the call's webhooks as if it had started it."""
    store = f"sqlite:///{tmp_path}/calls.db"
    caller = CallerScript(inputs=[Input("dtmf", "1")], dials=[DialOutcome("answered", 2)])
    with MockPlatform() as platform, Runner([SIMPLE], platform, store, log_path=tmp_path / "runner.log") as runner:
        platform.expect_outbound("15557770009", caller)
        done = voxxml_call("--to", "15557770009", "--from", "15550009999", SIMPLE, "--direct", "--store", store, "--enablex-url", platform.url, "--public-url", runner.url)
        assert done.returncode == 0, done.stderr
        voice_id = done.stdout.strip()
        trace = platform.finished(voice_id)
        status = platform.status(voice_id)
        assert platform.errors == []
        # --direct without --public-url: a usage error, no call made.
        missing = voxxml_call("--to", "15557770010", "--from", "15550009999", SIMPLE, "--direct", "--store", store, "--enablex-url", platform.url)
        # --direct without the app credentials: refused before anything is sent.
        bare = {key: "" for key in ("ENABLEX_APP_ID", "ENABLEX_APP_KEY")}
        no_key = voxxml_call("--to", "15557770011", "--from", "15550009999", SIMPLE, "--direct", "--store", store, "--enablex-url", platform.url, "--public-url", runner.url, env=bare)
        created = [r for r in platform.requests if r[0] == "POST" and r[1] == "/voice/v1/call"]
    assert comparable(trace) == simulated(caller)
    assert status["ended"] and status["call_id"].startswith("out-") and status["voice_id"] == voice_id
    assert missing.returncode == 2 and "--public-url" in missing.stderr
    assert no_key.returncode == 2 and "ENABLEX_APP_KEY" in no_key.stderr
    assert created == [("POST", "/voice/v1/call", 200)]


@pytest.fixture(scope="module")
def troubled_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One runner through a known set of calls, with failures: three plain inbound calls, an
    outbound one, a play that fails twice with 503 then plays, an accept that fails for good,
    forged and malformed webhooks. What the platform saw, the runner's /metrics and its log."""
    tmp = tmp_path_factory.mktemp("metrics")
    log = tmp / "runner.log"
    callers = [CallerScript(inputs=[Input("dtmf", str(1 + i % 2))], dials=[DialOutcome("answered", 2)]) for i in range(3)]
    with MockPlatform() as platform, Runner([SIMPLE], platform, f"sqlite:///{tmp}/calls.db", log_path=log, extra=("--log-level", "debug")) as runner:
        voice_ids = [platform.ring(caller) for caller in callers]
        platform.expect_outbound("15557770020", callers[0])
        created = runner.post_call("15557770020", "15550009999", "simple-ivr")
        voice_ids.append(created.json()["voice_id"])
        for voice_id in voice_ids:
            platform.finished(voice_id)
        platform.fail(lambda method, path: path.endswith("/play"), 503, times=2)
        voice_ids.append(platform.ring(callers[1]))
        platform.finished(voice_ids[-1])
        platform.fail(lambda method, path: path.endswith("/accept"), 503, times=5)
        voice_ids.append(platform.ring(CallerScript()))
        platform.finished(voice_ids[-1])
        forged = [httpx.post(f"{runner.url}/enablex/events", json={"voice_id": voice_ids[0], "state": "disconnected"}, auth=auth) for auth in ((WEBHOOK_USER, FORGED_PASSWORD), None)]
        malformed = httpx.post(f"{runner.url}/enablex/events", content=b"{oops", auth=AUTH, headers={"content-type": "application/json"})
        statuses = [platform.status(voice_id) for voice_id in voice_ids]
        metrics = httpx.get(f"{runner.url}/metrics").text
        delivered = sum(len(call.statuses) for call in platform.calls.values())
        requests = list(platform.requests)
        errors = list(platform.errors)
    return {
        "statuses": statuses,
        "metrics": metrics,
        "log": log.read_text(),
        "delivered": delivered,
        "requests": requests,
        "errors": errors,
        "forged": [r.status_code for r in forged],
        "malformed": malformed.status_code,
    }


def test_metrics_count_calls_webhooks_and_rest_requests(troubled_run: dict[str, Any]) -> None:
    run = troubled_run
    assert run["errors"] == [] and run["forged"] == [401, 401] and run["malformed"] == 400
    series = parse_metrics(run["metrics"])
    # Calls: started by entry, ended by reason (as each call's status says), none active.
    assert total(series, "voxxml_calls_started_total", entry="inbound") == 5
    assert total(series, "voxxml_calls_started_total", entry="outbound") == 1
    reasons = collections.Counter(status["end_reason"] for status in run["statuses"])
    assert all(status["ended"] for status in run["statuses"]) and reasons["failed"] == 1
    for reason, count in reasons.items():
        assert total(series, "voxxml_calls_ended_total", reason=reason) == count, reason
    assert total(series, "voxxml_calls_ended_total") == 6
    assert series[("voxxml_calls_active", frozenset())] == 0
    # Webhooks by outcome: every delivery the platform made, and the forged and malformed ones.
    assert total(series, "voxxml_webhooks_total", outcome="unauthorized") == 2
    assert total(series, "voxxml_webhooks_total", outcome="malformed") == 1
    assert total(series, "voxxml_webhooks_total", outcome="handled") >= 6
    assert total(series, "voxxml_webhooks_total") == run["delivered"] + 3
    assert total(series, "voxxml_webhook_seconds_count") == run["delivered"]
    # REST: every attempt the platform answered, by method and status, and its latency.
    sent = collections.Counter((method, str(status)) for method, path, status in run["requests"])
    for (method, status), count in sent.items():
        assert total(series, "voxxml_rest_requests_total", method=method, status=status) == count, (method, status)
    assert total(series, "voxxml_rest_requests_total", status="503") == 2 + 1  # two plays, one accept (never repeated)
    for method in {m for m, _ in sent}:
        count = sum(c for (m, _), c in sent.items() if m == method)
        assert total(series, "voxxml_rest_request_seconds_count", method=method) == count
        assert total(series, "voxxml_rest_request_seconds_bucket", method=method, le="+Inf") == count
        assert 0 < total(series, "voxxml_rest_request_seconds_sum", method=method) < 60 * count


def test_secrets_never_reach_the_logs_or_the_metrics(troubled_run: dict[str, Any]) -> None:
    run = troubled_run
    assert '"msg": "request failed for good"' in run["log"] and '"msg": "unauthorized"' in run["log"]  # the failures were logged
    secrets = {
        "app key": APP_KEY,
        "webhook password": WEBHOOK_PASSWORD,
        "forged password": FORGED_PASSWORD,
        "app Basic header": base64.b64encode(f"{APP_ID}:{APP_KEY}".encode()).decode(),
        "webhook Basic header": base64.b64encode(f"{WEBHOOK_USER}:{WEBHOOK_PASSWORD}".encode()).decode(),
        "forged Basic header": base64.b64encode(f"{WEBHOOK_USER}:{FORGED_PASSWORD}".encode()).decode(),
    }
    for where in ("log", "metrics"):
        for name, secret in secrets.items():
            assert secret not in run[where], f"the {name} is in the {where}"
        assert "Basic " not in run[where] and "authorization" not in run[where].lower()
