"""Prometheus text for ``GET /metrics``: counters and histograms kept in memory, per process.

Per process because each runner is scraped on its own (Prometheus sums them); the active calls
gauge is asked of the store, so every runner reports the deployment's figure.
"""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Histogram:
    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)
        self.total = 0.0
        self.n = 0

    def observe(self, seconds: float) -> None:
        self.counts[bisect.bisect_left(BUCKETS, seconds)] += 1
        self.total += seconds
        self.n += 1


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{key}="{_escape(value)}"' for key, value in labels)
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Metrics:
    """The runner's counters: calls started and ended, webhooks by outcome, REST requests by
    status and their latency, webhook handling latency."""

    HELP = {
        "voxxml_calls_active": ("gauge", "Calls not ended, in the store."),
        "voxxml_calls_started_total": ("counter", "Calls started by this runner."),
        "voxxml_calls_ended_total": ("counter", "Calls that ended on this runner, by reason."),
        "voxxml_webhooks_total": ("counter", "Webhooks received, by outcome."),
        "voxxml_timers_fired_total": ("counter", "Timers fired by this runner."),
        "voxxml_rest_requests_total": ("counter", "EnableX REST attempts, by method and status."),
        "voxxml_rest_request_seconds": ("histogram", "EnableX REST latency."),
        "voxxml_webhook_seconds": ("histogram", "Webhook handling time."),
    }

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counters: dict[str, dict[tuple[tuple[str, str], ...], float]] = defaultdict(lambda: defaultdict(float))
        self.histograms: dict[str, dict[tuple[tuple[str, str], ...], Histogram]] = defaultdict(dict)

    def count(self, name: str, amount: float = 1, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            self.counters[name][key] += amount

    def observe(self, name: str, seconds: float, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            histogram = self.histograms[name].get(key)
            if histogram is None:
                histogram = self.histograms[name][key] = Histogram()
            histogram.observe(seconds)

    def render(self, active_calls: int) -> str:
        lines: list[str] = []

        def header(name: str) -> None:
            kind, text = self.HELP[name]
            lines.append(f"# HELP {name} {text}")
            lines.append(f"# TYPE {name} {kind}")

        header("voxxml_calls_active")
        lines.append(f"voxxml_calls_active {active_calls}")
        with self._lock:
            for name in ("voxxml_calls_started_total", "voxxml_calls_ended_total", "voxxml_webhooks_total", "voxxml_timers_fired_total", "voxxml_rest_requests_total"):
                header(name)
                series = self.counters.get(name) or {(): 0.0}
                for labels, value in sorted(series.items()):
                    lines.append(f"{name}{_labels(labels)} {value:g}")
            for name in ("voxxml_rest_request_seconds", "voxxml_webhook_seconds"):
                header(name)
                for labels, histogram in sorted(self.histograms.get(name, {}).items()):
                    running = 0
                    for bound, count in zip((*BUCKETS, float("inf")), histogram.counts):
                        running += count
                        le = "+Inf" if bound == float("inf") else f"{bound:g}"
                        lines.append(f"{name}_bucket{_labels((*labels, ('le', le)))} {running}")
                    lines.append(f"{name}_sum{_labels(labels)} {histogram.total:.6f}")
                    lines.append(f"{name}_count{_labels(labels)} {histogram.n}")
        return "\n".join(lines) + "\n"


__all__ = ["BUCKETS", "Metrics"]
