"""voxxml serve under untrusted and unreliable input, over real HTTP: forged and malformed
webhooks, duplicates and stale events, EnableX answering 5xx, and a runner killed with -9 and
started again on the same store (SQLite, PostgreSQL), and two runners on one PostgreSQL."""

from __future__ import annotations

import collections
import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install -e '.[test,serve]'")

import voxxml
from voxxml.runtime.caller import CallerScript, DialOutcome, Input
from voxxml.runtime.simulator import simulate
from voxxml.runtime.trace import comparable

from enablex_server import WEBHOOK_PASSWORD, WEBHOOK_USER, MockCall, MockPlatform, Runner
from serve_fixtures import fresh_database, postgres_url  # noqa: F401 (a fixture)

ROOT = Path(__file__).absolute().parent.parent
SIMPLE = str(ROOT / "examples" / "simple-ivr.voxxml")
AUTH = (WEBHOOK_USER, WEBHOOK_PASSWORD)


def simulated(caller: CallerScript) -> list[dict[str, Any]]:
    return comparable(simulate(voxxml.lint_file(SIMPLE).document, caller).trace)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("robust")
    with MockPlatform() as platform, Runner([SIMPLE], platform, f"sqlite:///{tmp}/calls.db", log_path=tmp / "runner.log") as runner:
        yield platform, runner, tmp / "runner.log"


def post(runner: Runner, body: Any, auth: Any = AUTH, raw: bytes | None = None) -> httpx.Response:
    if raw is not None:
        return httpx.post(f"{runner.url}/enablex/events", content=raw, auth=auth, headers={"content-type": "application/json"})
    return httpx.post(f"{runner.url}/enablex/events", json=body, auth=auth)


def test_forged_webhooks_get_401_and_change_nothing(served: Any) -> None:
    platform, runner, _ = served
    ring = {"voice_id": "forged-1", "state": "incomingcall", "from": "1", "to": "2", "timestamp": "t"}
    for auth in (None, ("enablex-hook", "wrong"), ("someone", WEBHOOK_PASSWORD)):
        assert post(runner, ring, auth=auth).status_code == 401
    assert httpx.post(f"{runner.url}/enablex/events", json=ring, headers={"authorization": "Basic !!!"}).status_code == 401
    assert httpx.get(f"{runner.url}/calls/forged-1", auth=AUTH).status_code == 404  # no call was made
    assert httpx.post(f"{runner.url}/calls", json={"to": "1", "from": "2"}).status_code == 401
    assert not [r for r in platform.requests if "forged-1" in r[1]]  # nothing sent to EnableX


@pytest.mark.parametrize(
    "raw, status",
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'"text"', 400),
        (json.dumps({"state": "connected"}).encode(), 400),  # no voice_id
        (json.dumps({"voice_id": 5, "state": "connected"}).encode(), 400),
        (json.dumps({"voice_id": "v", "digit": {"a": 1}, "playstate": "digitcollected"}).encode(), 400),
        (json.dumps({"voice_id": "v", "state": "dancing"}).encode(), 422),
        (json.dumps({"voice_id": "v", "note": "no event"}).encode(), 422),
        (json.dumps({"voice_id": "nobody", "state": "connected"}).encode(), 404),  # unknown voice_id
        (b"[" * 100_000, 413),
        (b"\xff\xfe\x00", 400),
    ],
)
def test_malformed_webhooks_get_4xx_never_a_traceback(served: Any, raw: bytes, status: int) -> None:
    _, runner, log = served
    response = post(runner, None, raw=raw)
    assert response.status_code == status, response.text
    assert response.json()["outcome"] in ("malformed", "unknown_call")
    assert httpx.get(f"{runner.url}/healthz").status_code == 200
    assert "Traceback" not in log.read_text()


def test_duplicate_and_stale_webhooks_change_nothing(served: Any) -> None:
    platform, runner, _ = served
    first: list[dict[str, Any]] = []

    def hook(call: MockCall, webhook: dict[str, Any]) -> list[dict[str, Any]]:
        if webhook.get("playstate") and not first:
            first.append(dict(webhook, timestamp="2026-01-01T00:00:00.999999Z"))  # a late copy of the first play event
        return [webhook, webhook] + first  # every webhook twice, then the stale one

    platform.deliver_hook = hook
    try:
        caller = CallerScript(inputs=[Input("none"), Input("dtmf", "2")], dials=[DialOutcome("answered", 4)])
        voice_id = platform.ring(caller, to="15550001234")
        trace = platform.finished(voice_id)
    finally:
        platform.deliver_hook = None
    assert comparable(trace) == simulated(caller)
    assert platform.errors == []
    status = platform.status(voice_id)
    assert status["ended"] and status["ignored"] >= 2  # the stale event (at least once handled as late), the disconnected after the hangup
    statuses = collections.Counter(platform.calls[voice_id].statuses)
    assert set(statuses) == {200}
    metrics = httpx.get(f"{runner.url}/metrics").text
    assert 'voxxml_webhooks_total{outcome="duplicate"}' in metrics


def test_enablex_5xx_then_200_is_retried_for_a_play_only(served: Any) -> None:
    platform, runner, _ = served
    platform.fail(lambda method, path: method == "PUT" and path.endswith("/play"), 503, times=2)
    caller = CallerScript(inputs=[Input("dtmf", "1")], dials=[DialOutcome("answered", 2)])
    voice_id = platform.ring(caller, to="15550001234")
    assert comparable(platform.finished(voice_id)) == simulated(caller)
    plays = [status for method, path, status in platform.requests if voice_id in path and path.endswith("/play")]
    assert plays[:3] == [503, 503, 200]
    # A connect that fails with 500 is never sent again: the plan takes its failure transition.
    platform.fail(lambda method, path: path.endswith("/connect"), 500, times=1)
    voice_id = platform.ring(caller, to="15550001234")
    trace = comparable(platform.finished(voice_id))
    connects = [status for method, path, status in platform.requests if voice_id in path and path.endswith("/connect")]
    assert connects == [500]
    kinds = [e["event"] for e in trace]
    assert "dial" not in kinds and kinds[-3:] == ["pause", "say", "hangup"]  # no dial: it failed; the plan went on
    assert platform.status(voice_id)["failures"][0]["status"] == 500


def test_a_failed_accept_is_not_repeated_and_the_call_is_refused(served: Any) -> None:
    platform, runner, log = served
    platform.fail(lambda method, path: path.endswith("/accept"), 503, times=5)
    voice_id = platform.ring(CallerScript(), to="15550001234")
    trace = platform.finished(voice_id)
    accepts = [status for method, path, status in platform.requests if voice_id in path and path.endswith("/accept")]
    assert accepts == [503]
    assert trace == [{"event": "reject"}]  # the runner hung up the unanswered call
    assert voice_id in log.read_text() and "request failed for good" in log.read_text()
    platform.faults.clear()


def _kill_and_restart(platform: MockPlatform, runner: Runner, after: int, restarts: list[threading.Thread]) -> None:
    """Kill -9 the runner just before the ``after``-th webhook of a call; start it again meanwhile."""
    count = [0]

    def hook(call: MockCall, webhook: dict[str, Any]) -> list[dict[str, Any]]:
        count[0] += 1
        if count[0] == after:
            runner.kill9()
            thread = threading.Thread(target=runner.start)
            thread.start()
            restarts.append(thread)
        return [webhook]

    platform.deliver_hook = hook


def _restart_case(tmp: Path, store: str) -> None:
    caller = CallerScript(inputs=[Input("none"), Input("none"), Input("dtmf", "2")], dials=[DialOutcome("busy")])
    expected = simulated(caller)
    for after in (3, 6, 9):
        with MockPlatform() as platform, Runner([SIMPLE], platform, store, log_path=tmp / "runner.log") as runner:
            restarts: list[threading.Thread] = []
            _kill_and_restart(platform, runner, after, restarts)
            voice_id = platform.ring(caller, to="15550001234")
            trace = platform.finished(voice_id)
            for thread in restarts:
                thread.join()
            assert restarts, "the runner was not killed"
            assert comparable(trace) == expected, after
            assert platform.errors == []
            accepts = [r for r in platform.requests if voice_id in r[1] and r[1].endswith("/accept")]
            assert len(accepts) == 1  # no completed step sent twice
            # every request went out once per step: plays are the trace's says, one connect, one hangup
            sent = [(m, p.rsplit("/", 1)[-1]) for m, p, s in platform.requests if voice_id in p]
            assert sum(1 for m, p in sent if p == "play") == sum(1 for e in trace if e["event"] == "say")
            assert sum(1 for m, p in sent if m == "DELETE") == 1


def test_kill_9_and_restart_mid_call_on_sqlite(tmp_path: Path) -> None:
    _restart_case(tmp_path, f"sqlite:///{tmp_path}/calls.db")


def test_kill_9_and_restart_mid_call_on_postgresql(tmp_path: Path, postgres_url: str) -> None:  # noqa: F811
    _restart_case(tmp_path, fresh_database(postgres_url))


def test_two_runners_on_one_postgresql(tmp_path: Path, postgres_url: str) -> None:  # noqa: F811
    """Webhooks of one call alternate between the runners; each timer fires once (on either)."""
    store = fresh_database(postgres_url)
    callers = [CallerScript(inputs=[Input("none")] * (i % 3) + [Input("dtmf", str(1 + i % 2))], dials=[DialOutcome("answered", 3)]) for i in range(12)]
    with MockPlatform() as platform, Runner([SIMPLE], platform, store, log_path=tmp_path / "a.log") as a, Runner([SIMPLE], platform, store, log_path=tmp_path / "b.log", set_runner=False) as b:
        flip = [0]

        def alternate(call: MockCall, webhook: dict[str, Any]) -> list[dict[str, Any]]:
            flip[0] += 1
            call.event_url = f"{(a if flip[0] % 2 else b).url}/enablex/events"
            return [webhook]

        platform.deliver_hook = alternate
        voice_ids = [platform.ring(caller, to="15550001234") for caller in callers]
        traces = [platform.finished(v) for v in voice_ids]
        assert platform.errors == []
    for caller, trace in zip(callers, traces):
        assert comparable(trace) == simulated(caller)
    fired: collections.Counter[tuple[str, int]] = collections.Counter()
    per_runner = collections.Counter()
    for name in ("a.log", "b.log"):
        for line in (tmp_path / name).read_text().splitlines():
            if line.startswith("{") and '"msg": "timer"' in line:
                record = json.loads(line)
                fired[(record["call"], record["timer"])] += 1
                per_runner[name] += 1
    assert fired and max(fired.values()) == 1  # each timer fired once
    pauses = sum(1 for trace in traces for e in trace if e["event"] == "pause")
    assert len(fired) >= pauses  # every Pause's timer fired (and the Gathers' timeouts that ran out)
    webhook_lines = {name: sum('"msg": "webhook"' in line for line in (tmp_path / name).read_text().splitlines()) for name in ("a.log", "b.log")}
    assert min(webhook_lines.values()) > 20  # both runners handled webhooks
