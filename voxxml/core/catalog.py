"""The rule catalogue: one page per diagnostic code under rules/.

Each page starts with TOML front matter between ``+++`` lines (code, name,
severity, category) and goes on in Markdown. A page's ``xml`` code blocks
marked ``triggers`` and ``passes`` are executed by the tests.
"""

from __future__ import annotations

import os
import re
from .records import dataclass
from enum import Enum
from functools import cache

from .datacache import parse_toml
from .resources import data_folder, rules_dir


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        return 2 if self is Severity.ERROR else 1


@dataclass(frozen=True)
class Rule:
    """A diagnostic code's page (``rules/<CODE>.md``): its name, default severity, category and summary."""

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


# Patterns, compiled (and kept by re's cache) when a page is first read, not at every start.
_PAGE_NAME = r"[A-Z]{2}[0-9]{3}"  # a code, the name of its page
_FRONT_MATTER = r"(?s)\A\+\+\+\n(.*?)\n\+\+\+\n"
_EXAMPLE = r"(?s)```xml[ \t]+(triggers|passes)[^\n]*\n(.*?)```"


def parse_page(text: str) -> Rule:
    match = re.match(_FRONT_MATTER, text)
    if match is None:
        raise ValueError("rule page lacks +++ front matter")
    meta = parse_toml(match.group(1).encode("utf-8"), "rule")
    body = text[match.end() :]
    examples: dict[str, list[str]] = {"triggers": [], "passes": []}
    for kind, snippet in re.findall(_EXAMPLE, body):
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


@cache
def rule(code: str) -> Rule:
    """One rule: its own page (``rules/<CODE>.md``) is read, not all of them, when nothing else needed them.

    A lint that reports two codes reads two pages; reading the whole catalogue cost more than the lint
    of a small file."""
    if rules.cache_info().currsize:
        return rules()[code]
    page = os.path.join(data_folder("rules"), f"{code}.md")  # a string: a Path would import pathlib (core/paths.py)
    if re.fullmatch(_PAGE_NAME, code) and os.path.isfile(page):
        with open(page, encoding="utf-8") as file:  # Path.read_text
            found = parse_page(file.read())
        if found.code == code:
            return found
    return rules()[code]
