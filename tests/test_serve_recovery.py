"""A runner killed with -9 while a REST request is in flight, over real HTTP: the runner kills
itself at the exact moment (VOXXML_SERVE_TEST_DIE_BEFORE: after storing the request as
``sending``, before sending it, or once it is answered, before storing it ``sent``) and is started
again on the same store. A play is sent again; an accept, a connect or a create-call never is: a
webhook since shows it went out, and with none it is taken as failed (docs/serve.md)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install -e '.[test,serve]'")

import voxxml
from voxxml.runtime.caller import CallerScript, DialOutcome, Input
from voxxml.runtime.simulator import simulate
from voxxml.runtime.trace import comparable
from voxxml.serve.engine import DIE_BEFORE_ENV

from enablex_server import ROOT, MockPlatform, Runner

SIMPLE = str(ROOT / "examples" / "simple-ivr.voxxml")
CALLER = CallerScript(inputs=[Input("dtmf", "1")], dials=[DialOutcome("answered", 2)])


def simulated(caller: CallerScript) -> list[dict[str, Any]]:
    return comparable(simulate(voxxml.lint_file(SIMPLE).document, caller).trace)


def dying(platform: MockPlatform, tmp: Path, when: str, scale: str = "0.05") -> Runner:
    """A runner that kills itself at ``when`` (the hook's spec); started. Its timers run at ``scale``
    of their length, and so does the wait before a request in doubt is taken as failed (30 s: 1.5 s
    at 0.05)."""
    runner = Runner([SIMPLE], platform, f"sqlite:///{tmp}/calls.db", env={DIE_BEFORE_ENV: when}, log_path=tmp / "runner.log", extra=("--time-scale", scale))
    return runner.start()


def restart_after_death(runner: Runner) -> None:
    assert runner.process is not None
    assert runner.process.wait(30) == -9, "the runner did not die at the hook"
    runner.env = {DIE_BEFORE_ENV: ""}
    runner.start()


def sent(platform: MockPlatform, voice_id: str, suffix: str) -> list[int]:
    return [status for method, path, status in platform.requests if voice_id in path and path.endswith(suffix)]


def test_a_play_in_doubt_is_sent_again(tmp_path: Path) -> None:
    with MockPlatform() as platform:
        runner = dying(platform, tmp_path, "PUT /play 2")
        try:
            voice_id = platform.ring(CALLER)
            restart_after_death(runner)
            trace = platform.finished(voice_id)
            status = platform.status(voice_id)
        finally:
            runner.stop()
        assert platform.errors == []
    assert comparable(trace) == simulated(CALLER)
    # It had not left: sent once in all, after the restart; every play once per say.
    assert len(sent(platform, voice_id, "/play")) == sum(1 for e in trace if e["event"] == "say")
    assert status["ended"] and status["pending"] is None and status["failures"] == []
    assert "request in doubt after a restart: sent again" in (tmp_path / "runner.log").read_text()


def test_a_connect_in_doubt_is_never_sent_again_and_without_a_webhook_fails(tmp_path: Path) -> None:
    with MockPlatform() as platform:
        runner = dying(platform, tmp_path, "PUT /connect 1")
        try:
            voice_id = platform.ring(CALLER)
            restart_after_death(runner)
            trace = platform.finished(voice_id)
            status = platform.status(voice_id)
        finally:
            runner.stop()
        assert platform.errors == []
    assert sent(platform, voice_id, "/connect") == []  # it never left, and was not sent again
    failed_dial = simulated(CallerScript(inputs=CALLER.inputs, dials=[DialOutcome("failed")]))
    assert comparable(trace) == [e for e in failed_dial if e["event"] != "dial"]  # the plan's failure transition
    assert status["ended"] and [f["path"].rsplit("/", 1)[1] for f in status["failures"]] == ["connect"]
    assert "in doubt" in status["failures"][0]["reason"]


def test_a_connect_answered_before_the_runner_died_goes_on_with_its_webhooks(tmp_path: Path) -> None:
    """Killed after EnableX answered the connect but before it was stored as sent: the bridge's
    webhooks show it went out; it is not sent again and the call goes on as simulated."""
    with MockPlatform() as platform:
        # The webhooks must beat the in-doubt wait after a restart, which takes over a second on a
        # loaded machine: 6 s here (0.2), not 1.5 s, so the test checks the runner, not the load.
        runner = dying(platform, tmp_path, "PUT /connect 1 after", scale="0.2")
        try:
            voice_id = platform.ring(CALLER)
            restart_after_death(runner)
            trace = platform.finished(voice_id)
            status = platform.status(voice_id)
        finally:
            runner.stop()
        assert platform.errors == []
    assert sent(platform, voice_id, "/connect") == [200]
    assert comparable(trace) == simulated(CALLER)
    assert status["ended"] and status["failures"] == []
    assert "a webhook shows it went out" in (tmp_path / "runner.log").read_text()


def test_an_accept_in_doubt_without_a_webhook_refuses_the_call(tmp_path: Path) -> None:
    with MockPlatform() as platform:
        runner = dying(platform, tmp_path, "PUT /accept 1")
        try:
            voice_id = platform.ring(CALLER)
            restart_after_death(runner)
            trace = platform.finished(voice_id)
            status = platform.status(voice_id)
        finally:
            runner.stop()
        assert platform.errors == []
    assert sent(platform, voice_id, "/accept") == []
    assert trace == [{"event": "reject"}]  # hung up unanswered
    assert status["ended"] and status["end_reason"] == "failed"


def test_a_create_call_in_doubt_is_never_sent_again(tmp_path: Path) -> None:
    with MockPlatform() as platform:
        runner = dying(platform, tmp_path, "POST /voice/v1/call 1")
        try:
            platform.expect_outbound("15557770030", CALLER)
            with pytest.raises(httpx.HTTPError):
                runner.post_call("15557770030", "15550009999", "simple-ivr")
            restart_after_death(runner)
            with sqlite3.connect(tmp_path / "calls.db") as db:
                (call_id,) = db.execute("SELECT call_id FROM voxxml_calls").fetchone()
            deadline = time.monotonic() + 30
            while not (status := httpx.get(f"{runner.url}/calls/{call_id}", auth=("enablex-hook", "s3cret-hook-password")).json())["ended"]:
                assert time.monotonic() < deadline, status
                time.sleep(0.1)
        finally:
            runner.stop()
        assert platform.errors == []
    assert [r for r in platform.requests if r[0] == "POST"] == []  # never sent, never sent again
    assert status["end_reason"] == "failed" and status["voice_id"] is None
