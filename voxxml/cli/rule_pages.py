"""``voxxml rule``: the rule catalogue in the terminal, or as JSON.

A rule is found by code in any letter case (``vx102``) or by name
(``unreachable``). On a terminal a page is rendered with rich; piped, it is the
page's Markdown, with no trailing white space. ``--list`` fits 80 columns.
"""

from __future__ import annotations

import json
import textwrap
from difflib import get_close_matches
from typing import Any, TextIO

from ..core.catalog import Rule, rules

LIST_WIDTH = 80


def find_rule(key: str) -> Rule | None:
    """The rule whose code or name is ``key`` (case-insensitive)."""
    folded = key.strip().casefold()
    for entry in rules().values():
        if folded in (entry.code.casefold(), entry.name.casefold()):
            return entry
    return None


def suggestion(key: str) -> str:
    """``; did you mean 'unreachable' (VX102)?`` for a near miss of a code or name."""
    by_key = {e.code.casefold(): e for e in rules().values()} | {e.name.casefold(): e for e in rules().values()}
    match = get_close_matches(key.strip().casefold(), list(by_key), n=1, cutoff=0.6)
    if not match:
        return ""
    entry = by_key[match[0]]
    return f"; did you mean '{entry.name}' ({entry.code})?"


def as_dict(entry: Rule) -> dict[str, Any]:
    return {
        "code": entry.code,
        "name": entry.name,
        "severity": entry.severity.value,
        "category": entry.category,
        "fix": entry.fix,
        "summary": entry.summary,
        "explanation": entry.body,
    }


def rule_json(entry: Rule) -> str:
    return json.dumps(as_dict(entry), indent=2, ensure_ascii=False)


def markdown(entry: Rule) -> str:
    body = entry.body.replace("```xml triggers", "```xml").replace("```xml passes", "```xml")
    return body.strip("\n") + "\n"


def show_rule(entry: Rule, out: TextIO) -> None:
    from ..reporters.text import console

    output = console(out)
    if output.is_terminal:
        from rich.markdown import Markdown

        output.print(Markdown(markdown(entry)))
        return
    out.write("".join(line.rstrip() + "\n" for line in markdown(entry).splitlines()))


def list_rules(out: TextIO, as_json: bool = False) -> None:
    """One rule per row (code, name, severity, fix), its summary wrapped below it: 80 columns."""
    entries = list(rules().values())
    if as_json:
        json.dump([{k: v for k, v in as_dict(e).items() if k != "explanation"} for e in entries], out, indent=2)
        out.write("\n")
        return
    name_width = max(len(e.name) for e in entries)
    row = f"{{:<5}}  {{:<{name_width}}}  {{:<8}} {{}}"
    wrap = textwrap.TextWrapper(width=LIST_WIDTH, initial_indent=" " * 7, subsequent_indent=" " * 7, break_on_hyphens=False)
    lines = [row.format("code", "name", "severity", "fix")]
    for e in entries:
        lines.append(row.format(e.code, e.name, e.severity.value, e.fix or "-"))
        lines.extend(wrap.wrap(e.summary))
    out.write("".join(line.rstrip() + "\n" for line in lines))
