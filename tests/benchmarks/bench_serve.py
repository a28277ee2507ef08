"""How fast does one ``voxxml serve`` handle many calls at once, over real HTTP?

A benchmark script, not a test: run it by hand (pytest does not collect it).

    python tests/benchmarks/bench_serve.py                       # 200 calls at once, SQLite
    python tests/benchmarks/bench_serve.py --calls 50 --store postgresql://postgres@127.0.0.1/bench
    python tests/benchmarks/bench_serve.py --json /tmp/serve-bench.json

One runner (``python -m voxxml serve examples/simple-ivr.voxxml``, a subprocess) and the mock
EnableX platform of tests/enablex_server.py on loopback (uvicorn in this process). All calls
ring at once (inbound, and every fourth outbound through ``POST /calls``), each with its own
scripted caller (timeouts, keys 1 and 2, answered, busy and unanswered dials), and every trace is
checked against ``voxxml simulate``'s: a wrong trace fails the run (exit 1), whatever the figures.

Figures: webhook handling latency as the runner measures it (the ``ms`` of each ``webhook`` line
of its JSON log: from the parsed body to the stored answer, REST requests included), the part of
it that was the runner's own (``ms - rest_ms``: without waiting on EnableX), the REST latency the
runner saw, and the wall time from the first ring to the last call's end. Timers run at their
real length (``--time-scale 1``: a repeatDelay of 5 s waits 5 s), so the wall time is mostly the
callers' pauses: at the tests' 0.1, a half-second repeatDelay races the platform's webhooks that
the load delays by seconds, and the scripted callers' order (input before timeout) no longer holds.

The mock platform runs in this process on the same machine, and at 200 calls at once it is the
slow side (it is Python serving every REST request and posting every webhook on one event loop):
its answers can take longer than the runner's 10 s REST timeout, which would fail calls for the
mock's sake. The runner is therefore given ``--rest-timeout 60`` here; the runner's own time is
the figure that measures the runner.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TESTS = Path(__file__).absolute().parent.parent
sys.path.insert(0, str(TESTS))

import httpx  # noqa: E402

import voxxml  # noqa: E402
from voxxml.runtime.caller import CallerScript, DialOutcome, Input  # noqa: E402
from voxxml.runtime.simulator import simulate  # noqa: E402
from voxxml.runtime.trace import comparable  # noqa: E402

from enablex_server import ROOT, MockPlatform, Runner  # noqa: E402

SIMPLE = str(ROOT / "examples" / "simple-ivr.voxxml")
SCALE = 1.0
DIALS = (DialOutcome("answered", 3), DialOutcome("busy"), DialOutcome("no-answer"), DialOutcome("answered", 1))


def caller(index: int) -> CallerScript:
    """The index-th caller: 0 to 2 timeouts, then key 1 or 2, then one of four dial outcomes."""
    timeouts = [Input("none")] * (index % 3)
    return CallerScript(inputs=[*timeouts, Input("dtmf", str(1 + index % 2))], dials=[DIALS[(index // 2) % len(DIALS)]])


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (no interpolation: a figure that was measured)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))]


def log_lines(path: Path, message: str) -> list[dict[str, Any]]:
    lines = []
    for line in path.read_text().splitlines():
        if line.startswith("{") and f'"msg": "{message}"' in line:
            lines.append(json.loads(line))
    return lines


def run(calls: int, store: str | None, workdir: Path) -> dict[str, Any]:
    document = voxxml.lint_file(SIMPLE).document
    scripts = [caller(i) for i in range(calls)]
    expected = [comparable(simulate(document, script).trace) for script in scripts]
    log = workdir / "runner.log"
    store = store or f"sqlite:///{workdir}/calls.db"
    with MockPlatform() as platform, Runner([SIMPLE], platform, store, log_path=log, extra=("--rest-timeout", "60", "--time-scale", str(SCALE))) as runner:
        started = time.perf_counter()
        voice_ids = []
        for index, script in enumerate(scripts):
            if index % 4 == 3:
                to = f"1666{index:07d}"
                platform.expect_outbound(to, script)
                response = runner.post_call(to, "15550009999", None)
                response.raise_for_status()
                voice_ids.append(response.json()["voice_id"])
            else:
                voice_ids.append(platform.ring(script, to="15550001234"))
        traces = [platform.finished(voice_id, timeout=120) for voice_id in voice_ids]
        wall = time.perf_counter() - started
        metrics = httpx.get(f"{runner.url}/metrics", timeout=30).text
        errors = list(platform.errors)
    wrong = [i for i, (trace, wanted) in enumerate(zip(traces, expected)) if comparable(trace) != wanted]
    webhooks = log_lines(log, "webhook")
    rest = log_lines(log, "rest")
    handled = [line["ms"] for line in webhooks if line.get("outcome") == "handled"]
    every = [line["ms"] for line in webhooks]
    rest_ms = [line["ms"] for line in rest]
    own = [round(line["ms"] - line.get("rest_ms", 0.0), 2) for line in webhooks]
    counted = sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines() if line.startswith("voxxml_webhook_seconds_count"))
    return {
        "calls": calls,
        "store": store.split("://")[0],
        "wrong_traces": wrong,
        "platform_errors": errors[:5],
        "tracebacks": "Traceback" in log.read_text(),
        "wall_seconds": round(wall, 2),
        "webhooks": len(every),
        "webhooks_in_metrics": int(counted),
        "webhook_ms": {"p50": percentile(every, 0.5), "p99": percentile(every, 0.99), "max": max(every), "mean": round(statistics.fmean(every), 2)},
        "handled_webhook_ms": {"p50": percentile(handled, 0.5), "p99": percentile(handled, 0.99)},
        "runner_own_webhook_ms": {"p50": percentile(own, 0.5), "p99": percentile(own, 0.99), "max": max(own)},
        "rest_requests": len(rest_ms),
        "rest_ms": {"p50": percentile(rest_ms, 0.5), "p99": percentile(rest_ms, 0.99)},
        "time_scale": SCALE,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200, help="calls at once (default 200)")
    parser.add_argument("--store", help="the runner's store URL (default: SQLite in a temporary directory)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", type=Path, help="keep the runner's log and store in this directory")
    options = parser.parse_args()
    if options.keep:
        options.keep.mkdir(parents=True, exist_ok=True)
        figures = run(options.calls, options.store, options.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="voxxml-bench-serve-") as tmp:
            figures = run(options.calls, options.store, Path(tmp))
    print(json.dumps(figures, indent=2))
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2) + "\n")
    ok = not figures["wrong_traces"] and not figures["platform_errors"] and not figures["tracebacks"] and figures["webhooks"] == figures["webhooks_in_metrics"]
    print(f"{figures['calls']} calls, {'all traces correct' if ok else 'FAILED'}: webhook handling p50 {figures['webhook_ms']['p50']} ms,"
          f" p99 {figures['webhook_ms']['p99']} ms (the runner's own: p50 {figures['runner_own_webhook_ms']['p50']} ms, p99 {figures['runner_own_webhook_ms']['p99']} ms); REST p50 {figures['rest_ms']['p50']} ms; wall {figures['wall_seconds']} s", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
