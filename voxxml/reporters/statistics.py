"""``voxxml lint --statistics`` (counts by code) and ``--show-fixes`` (fixes applied by file)."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from ..pipeline import Result
from . import ReportOptions, applicable


def statistics(results: list[Result], out: TextIO, options: ReportOptions, as_json: bool = False) -> None:
    """One line per code, most frequent first: count, code, ``[*]`` if any is fixable, name."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    fixable: set[str] = set()
    for result in results:
        for d in result.diagnostics:
            counts[d.code] += 1
            names[d.code] = d.name
            if applicable(d, options):
                fixable.add(d.code)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if as_json:
        records = [{"code": code, "name": names[code], "count": count, "fixable": code in fixable} for code, count in rows]
        import json  # only for --statistics with a machine format

        json.dump(records, out, indent=2)
        out.write("\n")
        return
    width = max((len(str(count)) for _, count in rows), default=1)
    for code, count in rows:
        out.write(f"{count:>{width}}  {code}  {'[*]' if code in fixable else '[ ]'} {names[code]}\n")


def show_fixes(applied: dict[str, list[tuple[str, str]]], out: TextIO) -> None:
    """``- path:`` then ``N × CODE (name)`` for each file a fix was applied to."""
    for path, fixes in applied.items():
        if not fixes:
            continue
        out.write(f"- {path}:\n")
        for (code, name), count in sorted(Counter(fixes).items()):
            label = f"{code} ({name})" if code else name
            out.write(f"    {count} × {label}\n")
