"""``voxxml rule``: the rule catalogue in the terminal."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from .catalog import rules


def show_rule(code: str, out: TextIO) -> bool:
    entry = rules().get(code)
    if entry is None:
        return False
    body = entry.body.replace("```xml triggers", "```xml").replace("```xml passes", "```xml")
    Console(file=out, soft_wrap=False).print(Markdown(body))
    return True


def list_rules(out: TextIO) -> None:
    table = Table("code", "name", "severity", "category", "fix", "summary", box=None, pad_edge=False)
    for entry in rules().values():
        table.add_row(entry.code, entry.name, entry.severity.value, entry.category, entry.fix or "-", entry.summary)
    Console(file=out, soft_wrap=True, width=200).print(table)
