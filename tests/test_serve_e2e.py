"""voxxml serve end to end over real HTTP: a runner subprocess, the mock EnableX platform on
loopback (tests/enablex_server.py), and scripted callers. The caller's trace through the runner
equals voxxml simulate's, for every example script (inbound and outbound, all at once: the
concurrency test) and for Hypothesis-generated documents and callers."""

from __future__ import annotations

import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install -e '.[test,serve]'")

import voxxml
from voxxml.runtime.trace import comparable
from voxxml.targets.enablex import compile_document

from enablex_server import MockPlatform, Runner
from serve_fixtures import expected_trace
from test_equivalence import EXAMPLES, LOOP_CAP, SCRIPTS, any_documents, approximated, calls, script

NUMBERS = {name: f"1555100{index:04d}" for index, name in enumerate(sorted(EXAMPLES))}


def _run_calls(platform: MockPlatform, runner: Runner, jobs: list[tuple[str, str, Any, str]]) -> list[list[dict[str, Any]]]:
    """jobs: (entry, number or plan name, script, unique id); the traces, in order, all calls at once."""

    def one(job: tuple[str, str, Any, str]) -> list[dict[str, Any]]:
        entry, target, caller, unique = job
        if entry == "inbound":
            voice_id = platform.ring(caller, to=target)
        else:
            to = "1666" + unique.rjust(7, "0")
            platform.expect_outbound(to, caller)
            response = runner.post_call(to, "15550009999", target)
            assert response.status_code == 201, response.text
            voice_id = response.json()["voice_id"]
        return platform.finished(voice_id, timeout=90)

    with ThreadPoolExecutor(max_workers=min(len(jobs), 40)) as pool:  # 40 calls at a time
        return list(pool.map(one, jobs))


def test_every_example_script_runs_through_serve_as_simulated(tmp_path: Path) -> None:
    documents = {name: voxxml.lint_file(path).document for name, path in EXAMPLES.items()}
    codes = {name: {d.code for d in compile_document(doc, str(EXAMPLES[name])).diagnostics} & {"EX203"} for name, doc in documents.items()}
    routes = tuple(f"{NUMBERS[name]}={path}" for name, path in EXAMPLES.items())
    jobs, expected = [], []
    for index, (name, inputs, dials, hangup_after) in enumerate(SCRIPTS):
        caller = script(inputs, dials, hangup_after)
        for entry in ("inbound", "outbound"):
            jobs.append((entry, NUMBERS[name] if entry == "inbound" else name, caller, f"{index}{entry[0] == 'o' and 1 or 0}"))
            expected.append(expected_trace(documents[name], caller, entry, 10, codes[name], approximated))
    # Over 100 calls at once on one runner and one SQLite file: a webhook can wait its turn longer than a
    # Gather's timeout at a tenth of real time (an input then arrives after the timer has ended the
    # Gather: seen once in CI). Timers at 0.3 of real time leave the slack real calls have.
    with MockPlatform() as platform, Runner([], platform, f"sqlite:///{tmp_path}/calls.db", routes=routes, log_path=tmp_path / "runner.log", time_scale=0.3) as runner:
        traces = _run_calls(platform, runner, jobs)
        assert platform.errors == []
    log = (tmp_path / "runner.log").read_text()
    assert "Traceback" not in log
    assert len(jobs) >= 100  # every script, both entries, at once
    for job, trace, wanted in zip(jobs, traces, expected):
        assert comparable(trace) == wanted, job


@settings(max_examples=1, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_generated_documents_run_through_serve_as_simulated(data: st.DataObject, tmp_path_factory: pytest.TempPathFactory) -> None:
    """One runner for a batch of generated documents (a runner compiles its plans at start): each
    is compiled to a plan file, routed to its own number, and called inbound and outbound."""
    tmp = tmp_path_factory.mktemp("generated")
    batch = [data.draw(calls(any_documents()), label=f"call {i}") for i in range(12)]
    routes, jobs, expected = [], [], []
    for index, (document, caller) in enumerate(batch):
        compilation = compile_document(document, f"g{index}.voxxml", LOOP_CAP)
        plan_file = tmp / f"g{index}.json"
        plan_file.write_text(json.dumps(compilation.plan))
        number = f"1555200{index:04d}"
        routes.append(f"{number}={plan_file}")
        codes = {d.code for d in compilation.diagnostics}
        note(f"{index}: {document.to_xml()} {caller.to_json()} {sorted(codes)}")
        for entry in ("inbound", "outbound"):
            jobs.append((entry, number if entry == "inbound" else f"g{index}", caller, f"{index}{entry[0] == 'o' and 1 or 0}"))
            expected.append(expected_trace(document, caller, entry, LOOP_CAP, codes, approximated))
    with MockPlatform() as platform, Runner([], platform, f"sqlite:///{tmp}/calls.db", routes=tuple(routes), extra=("--loop-cap", str(LOOP_CAP)), log_path=tmp / "runner.log") as runner:
        traces = _run_calls(platform, runner, jobs)
        assert platform.errors == []
    for job, trace, wanted in zip(jobs, traces, expected):
        assert comparable(trace) == wanted, job
