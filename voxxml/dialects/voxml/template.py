"""VoXML text with variable references (``${menu.digits}``): the hub ``Template`` with VoXML's syntax.

Why a separate problem scan: a ``Template`` is a ``str`` that must always be readable, so a broken
``${`` is literal text in ``parse`` (the platform would speak it as written), and
``template_problems`` reports it with its offsets so that the reader can say where. The shape of a
reference is ``grammar/voxml/template.lark``; every scan here is one linear pass.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from ...core.resources import grammar_file
from ...hub.expressions import Template, VarRef
from ..voxxml_v1.values import Problem

if TYPE_CHECKING:
    from lark import Lark

DATA_FOLDER = "voxml"  # grammar/voxml/

# One name of a dotted variable name (also what <Set output> and <Gather output> may write).
NAME = "[A-Za-z_][A-Za-z0-9_]*+"
DOTTED_NAME = re.compile(f"{NAME}(?:\\.{NAME})*+")
_RUN = re.compile(r"[^\s}$'\"]*+")  # what a broken reference spans: up to white space, '}', '$' or a quote
SHOWN = 40  # characters of a value a message repeats


def shown(text: str) -> str:
    """How a message quotes a piece of a value: whole, unless it is long."""
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


@cache
def _lexer() -> Lark:
    """The grammar's lexer: the reference ``_segments`` is held equal to (tests), imported only there."""
    from lark import Lark

    return Lark(grammar_file(DATA_FOLDER, "template.lark").read_text(encoding="utf-8"), parser="lalr", lexer="basic")


def lexed_segments(text: str) -> tuple[str | VarRef, ...]:
    """``_segments`` by the grammar's lexer (lark): the reference, for tests."""
    segments: list[str | VarRef] = []
    for token in _lexer().lex(text):
        if token.type == "REFERENCE":
            segments.append(VarRef(token.value[2:-1], token.start_pos, len(token.value)))
        else:
            segments.append(str(token.value))
    return tuple(segments)


@lru_cache(maxsize=4096)
def _segments(text: str) -> tuple[str | VarRef, ...]:
    """Literal text and references, as the grammar lexes them. template.lark is a lexer only: every text
    is valid, REFERENCE is a complete reference and LITERAL the longest run that starts none, so the
    matches of its REFERENCE pattern, left to right, are its REFERENCE tokens and the text between them its
    LITERAL tokens (``lexed_segments`` is held equal in tests): read without lark, whose import and lexer
    cost a VoXML lint more than all its texts."""
    segments: list[str | VarRef] = []
    literal_start = 0
    for match in _REFERENCE.finditer(text):
        start, end = match.span()
        if start > literal_start:
            segments.append(text[literal_start:start])
        segments.append(VarRef(text[start + 2 : end - 1], start, end - start))
        literal_start = end
    if literal_start < len(text):
        segments.append(text[literal_start:])
    return tuple(segments)


class VoxmlTemplate(Template):
    """Text in which ``${name}`` and ``${name.field}`` read a variable; any other ``$`` is literal."""

    __slots__ = ()
    MARK = "${"  # every reference starts with it: text without it reads nothing, found without lexing

    @classmethod
    def parse(cls, text: str) -> tuple[str | VarRef, ...]:
        return _segments(text)


def reference(name: str) -> str:
    """How VoXML writes a read of the hub variable ``name``."""
    return "${" + name + "}"


def bad_reference(text: str, start: int) -> tuple[Problem, int]:
    """The problem with the ``$`` at ``start``, which does not begin a complete reference.

    Returns the problem and the index where scanning may resume (past what the problem covers), so
    that a caller walking a long text stays linear.
    """
    if not text.startswith("${", start):
        name = DOTTED_NAME.match(text, start + 1)
        if name:
            word, end = name.group(), name.end()
            return (
                Problem(
                    "invalid",
                    f"'${shown(word)}' is not a VoXML variable reference; expected '${{{shown(word)}}}'",
                    "VoXML reads variables as ${name}; '$NAME' is VoxXML v1's syntax",
                    (start, end),
                    reference(word),
                    False,
                ),
                end,
            )
        return Problem("invalid", "'$' does not start a variable reference; expected '${name}'", None, (start, start + 1)), start + 1
    run = _RUN.match(text, start + 2)
    body = run.group() if run else ""
    end = start + 2 + len(body)
    closed = end < len(text) and text[end] == "}"
    name = DOTTED_NAME.match(body)
    if closed and body:  # '${...}' with a malformed name: the braces are there, the name is wrong
        return (
            Problem(
                "invalid",
                f"'${{{shown(body)}}}' is not a variable reference; expected names of ASCII letters, digits and '_', "
                "not starting with a digit, joined by '.' (e.g. ${menu.digits})",
                None,
                (start, end + 1),
            ),
            end + 1,
        )
    if name:  # '${menu.digits' then something that is not '}'
        name_end = start + 2 + name.end()
        return (
            Problem(
                "invalid",
                f"unbalanced '${{': expected '}}' after '${{{shown(name.group())}'",
                None,
                (start, name_end),
                "${" + name.group() + "}",
                False,
            ),
            name_end,
        )
    following = start + 2
    what = "the end" if following >= len(text) else f"'{text[following]}'"
    span_end = following + 1 if closed else following
    return (
        Problem("invalid", f"'${{' is followed by {what}; expected a variable name such as ${{menu.digits}}", None, (start, span_end)),
        span_end,
    )


def template_problems(text: str) -> list[Problem]:
    """Every ``${`` in ``text`` that does not start a complete reference, with its offsets.

    A ``$`` not followed by ``{`` is literal in VoXML text ("$5 off") and is not reported.
    """
    problems: list[Problem] = []
    position = text.find("${")
    while position != -1:
        if DOTTED_NAME.match(text, position + 2) and _is_reference(text, position):
            position = text.find("${", position + 2)
            continue
        problem, resume = bad_reference(text, position)
        problems.append(problem)
        position = text.find("${", max(resume, position + 2))
    return problems


_REFERENCE = re.compile(f"\\$\\{{{NAME}(?:\\.{NAME})*+\\}}")


def _is_reference(text: str, position: int) -> bool:
    return _REFERENCE.match(text, position) is not None


__all__ = ["DATA_FOLDER", "DOTTED_NAME", "VoxmlTemplate", "bad_reference", "reference", "shown", "template_problems"]
