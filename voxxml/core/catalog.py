"""The rule catalogue: one page per diagnostic code under rules/.

Each page starts with TOML front matter between ``+++`` lines (code, name,
severity, category) and goes on in Markdown. A page's ``xml`` code blocks
marked ``triggers`` and ``passes`` are executed by the tests.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import Enum
from functools import cache

from .resources import rules_dir


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        return 2 if self is Severity.ERROR else 1


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    category: str
    summary: str
    body: str  # the Markdown after the front matter
    examples: dict[str, list[str]]  # "triggers" / "passes" -> XML snippets
    fix: str | None = None  # "safe", "unsafe" or None: whether a fix exists and how safe it is
    dialect: str = "voxxml-v1"  # the dialect its examples are read with ("detect": chosen from each example)
    convert_to: str | None = None  # a conversion code's (CV1xx): the dialect its examples are converted to


_FRONT_MATTER = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n", re.S)
_EXAMPLE = re.compile(r"```xml[ \t]+(triggers|passes)[^\n]*\n(.*?)```", re.S)


def parse_page(text: str) -> Rule:
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise ValueError("rule page lacks +++ front matter")
    meta = tomllib.loads(match.group(1))
    body = text[match.end() :]
    examples: dict[str, list[str]] = {"triggers": [], "passes": []}
    for kind, snippet in _EXAMPLE.findall(body):
        examples[kind].append(snippet)
    return Rule(
        code=meta["code"],
        name=meta["name"],
        severity=Severity(meta["severity"]),
        category=meta["category"],
        summary=meta["summary"],
        body=body,
        examples=examples,
        fix=meta.get("fix"),
        dialect=meta.get("dialect", "voxxml-v1"),
        convert_to=meta.get("convert_to"),
    )


@cache
def rules() -> dict[str, Rule]:
    """Every rule, by code, in code order."""
    pages = sorted(rules_dir().glob("*.md"))
    loaded = [parse_page(page.read_text(encoding="utf-8")) for page in pages if page.stem != "README"]
    return {rule.code: rule for rule in sorted(loaded, key=lambda rule: rule.code)}


def rule(code: str) -> Rule:
    return rules()[code]
