"""VoXML expressions (``<If expression>``, ``<Do expression>``) read into hub expressions, and printed back.

The language is ``grammar/voxml/expression.lark``; the decisions it encodes (no parentheses, no
string escapes, '&&' over '||', a comparison required, unquoted patterns tolerated) are argued in
``grammar/voxml/README.md``. Reading is one LALR pass with a contextual lexer, so it is linear
and cannot hang; a bad expression yields one problem whose ``sub`` is the exact characters of the
attribute value at fault and whose message says what was expected there.

Most expressions are plain comparisons (``${menu.digits}=="1" || ${menu.digits}==""``): those are
read by ``_quick``, a tokenizer of the same terminals that gives the same hub expression, and lark
(and its import) is left for patterns and for what does not read (its errors say what was expected).
``tests/test_voxml_expression.py`` holds the two readings equal on generated expressions.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from ...core.resources import grammar_file
from ...hub.expressions import PATTERN_LIMIT, And, Compare, Expr, Literal, Or, Var
from ..voxxml_v1.values import Problem
from .template import DATA_FOLDER, DOTTED_NAME, bad_reference, shown

if TYPE_CHECKING:
    from lark import Lark, Token, Tree

OPERATORS = {"EQ": "==", "NE": "!=", "MATCH": "=~", "NOMATCH": "!~"}
MATCHING = ("=~", "!~")
COMPARISONS = "'==', '!=', '=~' or '!~'"
OPERAND = "a variable such as ${menu.digits}, a quoted string or a number"
EXAMPLE = '${menu.digits}=="1"'
_INTEGER = re.compile(r"[0-9]++")
NO_PARENTHESES = "VoXML expressions have no parentheses: '&&' binds tighter than '||', so 'a && b || c' is '(a && b) || c'"


class UnprintableExpression(ValueError):
    """An expression VoXML cannot write: the message says which part and why."""


@cache
def parser() -> Lark:
    from lark import Lark

    text = grammar_file(DATA_FOLDER, "expression.lark").read_text(encoding="utf-8")
    return Lark(text, parser="lalr", lexer="contextual", maybe_placeholders=False)


def parse_expression(text: str) -> tuple[Expr | None, list[Problem]]:
    """Read an expression. Returns the hub expression (None when unreadable) and its problems.

    Problem kinds: ``invalid`` (the expression cannot be read, or its regular expression cannot
    be compiled: an error), ``unquoted`` (a pattern written without quotes, which the docs call
    bad practice: a warning with a safe fix), ``limit`` (a pattern longer than the simulator
    evaluates). ``sub`` is (start, end) in ``text``.
    """
    if not text.strip():
        return None, [Problem("invalid", f"the expression is empty; expected a comparison such as {EXAMPLE}", None, (0, len(text)))]
    quick = _quick(text)
    if quick is not None:
        return quick, []  # no patterns: nothing for _pattern_problems to find
    return read_with_grammar(text)


def read_with_grammar(text: str) -> tuple[Expr | None, list[Problem]]:
    """``parse_expression`` by the grammar alone (lark), for any non-empty text."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

    interactive = parser().parse_interactive(text)
    previous: Token | None = None
    current: Token | None = None
    try:
        for token in interactive.iter_parse():
            previous, current = current, token
        tree = interactive.feed_eof(current)
    except UnexpectedToken as error:
        token = error.token
        fed = current is not None and token is current  # the parser refused a token the lexer gave it
        after = previous if fed else current
        return None, [_unexpected_token(text, token, set(error.expected), after)]
    except UnexpectedCharacters as error:
        return None, [_unexpected_character(text, error.pos_in_stream, set(error.allowed or ()), current)]
    except UnexpectedInput as error:  # any other refusal: still one problem, never a traceback
        position = max(0, min(getattr(error, "pos_in_stream", 0) or 0, len(text)))
        return None, [Problem("invalid", f"unexpected input; expected a comparison such as {EXAMPLE}", None, (position, len(text)))]
    expression = _build(tree)
    return expression, _pattern_problems(expression)


# ------------------------------------------------------------------ the quick reading

# The grammar's terminals (expression.lark), each after the white space it ignores: an operand, or an
# operator. Possessive and anchored by ``match`` at a position: linear, no backtracking.
_WHITE = "[ \t\r\n]*+"
_OPERAND = re.compile(_WHITE + r"""(?:(\$\{[A-Za-z_][A-Za-z0-9_]*+(?:\.[A-Za-z_][A-Za-z0-9_]*+)*+\})|("[^"]*+"|'[^']*+')|([0-9]++))""")
_OPERATOR = re.compile(_WHITE + r"(==|!=|&&|\|\|)")
_END = re.compile(_WHITE + r"\Z")


def _quick(text: str) -> Expr | None:
    """The expression when it is comparisons with '==' or '!=' joined by '&&' and '||' (what the grammar
    reads alike, with the same positions); None for anything else, which lark then reads."""
    position = 0
    alternatives: list[Expr] = []
    comparisons: list[Expr] = []
    while True:
        left = _OPERAND.match(text, position)
        if left is None:
            return None
        operator = _OPERATOR.match(text, left.end())
        if operator is None or operator.group(1) not in ("==", "!="):
            return None
        right = _OPERAND.match(text, operator.end())
        if right is None:
            return None
        first, second = _quick_operand(left), _quick_operand(right)
        comparisons.append(Compare(operator.group(1), first, second, at=(first.at[0], second.at[1])))  # type: ignore[index]
        position = right.end()
        if _END.match(text, position):
            break
        joint = _OPERATOR.match(text, position)
        if joint is None or joint.group(1) in ("==", "!="):
            return None
        if joint.group(1) == "||":
            alternatives.append(_joined(comparisons))
            comparisons = []
        position = joint.end()
    alternatives.append(_joined(comparisons))
    return _either(alternatives)


_TERMINALS = (None, "VAR", "STRING", "INT")  # _OPERAND's groups


def _quick_operand(match: re.Match[str]) -> Var | Literal:
    """The operand of the terminal the match found, as the grammar's reading makes it."""
    group = match.lastindex
    assert group is not None
    start, end = match.span(group)
    return _made_operand(_TERMINALS[group], match.group(group), start, end)  # type: ignore[arg-type]


def _joined(comparisons: list[Expr]) -> Expr:
    return comparisons[0] if len(comparisons) == 1 else And(tuple(comparisons), at=_span(comparisons))


def _either(alternatives: list[Expr]) -> Expr:
    return alternatives[0] if len(alternatives) == 1 else Or(tuple(alternatives), at=_span(alternatives))


# ------------------------------------------------------------------ building


def _operand(token: Token) -> Var | Literal:
    return _made_operand(token.type, token.value, token.start_pos, token.end_pos)  # type: ignore[arg-type]


def _made_operand(terminal: str, value: str, start: int, end: int) -> Var | Literal:
    """A terminal's operand: a variable without its ``${ }``, a string without its quotes, anything else
    (INT, BARE_PATTERN) as written."""
    if terminal == "VAR":
        return Var(value[2:-1], at=(start, end))
    if terminal == "STRING":
        return Literal(value[1:-1], at=(start, end))
    return Literal(value, at=(start, end))


def _build(tree: Tree) -> Expr:
    from lark import Token

    disjunction = tree.children[0]
    alternatives: list[Expr] = []
    for conjunction in disjunction.children:
        if isinstance(conjunction, Token):
            continue  # '||'
        comparisons: list[Expr] = []
        for comparison in conjunction.children:
            if isinstance(comparison, Token):
                continue  # '&&'
            left, op, right = comparison.children
            comparisons.append(
                Compare(OPERATORS[op.type], _operand(left), _operand(right), at=(left.start_pos, right.end_pos))  # type: ignore[arg-type]
            )
        alternatives.append(_joined(comparisons))
    return _either(alternatives)


def _span(parts: list[Expr]) -> tuple[int, int] | None:
    first, last = parts[0].at, parts[-1].at
    return (first[0], last[1]) if first and last else None


def comparisons(expr: Expr) -> list[Compare]:
    """The comparisons of an expression read by ``parse_expression``, left to right (flat: no nesting beyond Or/And)."""
    if isinstance(expr, Compare):
        return [expr]
    found: list[Compare] = []
    for operand in getattr(expr, "operands", ()):
        found.extend(comparisons(operand))
    return found


def _pattern_problems(expr: Expr) -> list[Problem]:
    """Patterns that are unquoted, too long to evaluate, or not regular expressions."""
    problems: list[Problem] = []
    for compare in comparisons(expr):
        pattern = compare.right
        if compare.op not in MATCHING or not isinstance(pattern, Literal) or pattern.at is None:
            continue
        start, end = pattern.at
        quoted = end - start == len(pattern.value) + 2
        if not quoted and not _INTEGER.fullmatch(pattern.value):
            problems.append(
                Problem(
                    "unquoted",
                    f"the pattern {shown(pattern.value)} is not quoted; the VoXML docs advise quoting it to avoid parsing errors",
                    "write it in single or double quotes",
                    (start, end),
                    f"'{pattern.value}'",
                    True,
                )
            )
        inner = start + 1 if quoted else start
        if len(pattern.value) > PATTERN_LIMIT:
            problems.append(
                Problem(
                    "limit",
                    f"the pattern is {len(pattern.value)} characters long; expected at most {PATTERN_LIMIT} "
                    "(longer patterns are not evaluated: the simulator treats them as never matching)",
                    None,
                    (start, end),
                )
            )
            continue
        try:
            re.compile(pattern.value)
        except re.error as error:
            at = inner + error.pos if error.pos is not None and error.pos < len(pattern.value) else None
            sub = (at, at + 1) if at is not None else (start, end)
            problems.append(
                Problem("invalid", f"'{shown(pattern.value)}' is not a regular expression ({error.msg}); expected a valid pattern", None, sub)
            )
    return problems


# ------------------------------------------------------------------ errors


def _expected(terminals: set[str]) -> str:
    """The words for what a parser state accepts (the grammar has four kinds of state)."""
    if terminals & {"VAR", "STRING", "INT"}:
        return OPERAND
    if terminals & {"EQ", "NE", "MATCH", "NOMATCH"}:
        return COMPARISONS
    if terminals & {"AND", "OR", "$END"}:
        return "'&&', '||' or the end of the expression"
    return f"a comparison such as {EXAMPLE}"



def _after(token: Token | None) -> str:
    if token is None:
        return "at the start"
    return f"after {shown(str(token.value))}" if token.type == "VAR" else f"after '{shown(str(token.value))}'"


def _unexpected_token(text: str, token: Token, expected: set[str], after: Token | None) -> Problem:
    wanted = _expected(expected)
    if token.type == "$END":
        if after is None:  # only white space: handled before parsing, kept for safety
            return Problem("invalid", f"the expression is empty; expected a comparison such as {EXAMPLE}", None, (0, len(text)))
        at = (after.start_pos, after.end_pos)
        if after.type in ("AND", "OR"):
            message = f"'{after.value}' ends the expression; expected a comparison such as {EXAMPLE} after it"
        else:
            message = f"expected {wanted} {_after(after)}"
        return Problem("invalid", message, None, at)
    found = str(token.value)
    at = (token.start_pos, token.end_pos)
    message = f"expected {wanted} {_after(after)}, found '{shown(found)}'"
    if token.type == "BARE_PATTERN":  # the root lexer's catch-all: explain by its first character
        if not (found[0].isalnum() or found[0] == "_"):
            return _unexpected_character(text, token.start_pos, expected, after)
        if expected & {"STRING"}:  # a word where a value belongs: it needs quotes
            return Problem("invalid", message, f'quote text: "{shown(found)}"', at, f'"{found}"', False)
        if ")" in found:
            return Problem("invalid", message, NO_PARENTHESES, at)
    if token.type in ("EQ", "NE", "MATCH", "NOMATCH") and expected & {"VAR"}:
        return Problem("invalid", f"expected {wanted} {_after(after)}, found the operator '{found}'", None, at)
    return Problem("invalid", message, None, at)


def _unexpected_character(text: str, position: int, allowed: set[str], after: Token | None) -> Problem:
    char = text[position] if position < len(text) else ""
    wanted = _expected(allowed)
    if char == "$":
        problem, _ = bad_reference(text, position)
        return problem
    if char in "\"'":
        return Problem(
            "invalid",
            f"unterminated string: expected a closing {char} after {char}{shown(text[position + 1:])}",
            None,
            (position, len(text)),
            text[position:] + char,
            False,
        )
    if char == "=" and allowed & {"EQ"}:
        return Problem("invalid", f"'=' is not an operator; expected {COMPARISONS} {_after(after)}", None, (position, position + 1), "==", False)
    if char == "!" and allowed & {"NE"}:
        return Problem("invalid", f"'!' is not an operator; expected {COMPARISONS} {_after(after)}", None, (position, position + 1))
    if char in "&|" and allowed & {"AND", "OR"}:
        return Problem("invalid", f"'{char}' is not an operator; expected '&&' or '||' {_after(after)}", None, (position, position + 1), char * 2, False)
    help_text = None
    if char in "()":
        help_text = NO_PARENTHESES
    elif char in "<>":
        help_text = "VoXML compares with '==', '!=', '=~' and '!~' only; there is no '<' or '>'"
    found = f"'{char}'" if char.isprintable() and char != "" else repr(char)
    return Problem("invalid", f"expected {wanted} {_after(after)}, found {found}", help_text, (position, position + 1))


# ------------------------------------------------------------------ printing


def print_expression(expr: Expr) -> str:
    """The canonical text of an expression: no spaces around comparisons, one around '&&' and '||',
    every value in double quotes (single when it holds a double quote), as the docs advise: so
    ``${do.n}==0`` prints as ``${do.n}=="0"``, the same comparison (values compare as strings).

    ``parse_expression(print_expression(e))`` gives back ``e``. Raises UnprintableExpression for what
    VoXML cannot write: a bare operand, an ``In`` (write it as comparisons), an ``Or`` inside an ``And``
    (no parentheses), an And/Or of fewer than two operands, a value holding both quote characters.
    """
    if isinstance(expr, Or):
        _check_operands(expr)
        return " || ".join(_conjunction(operand) for operand in expr.operands)
    return _conjunction(expr)


def _check_operands(expr: And | Or) -> None:
    if len(expr.operands) < 2:
        raise UnprintableExpression(f"{type(expr).__name__} of {len(expr.operands)} operand(s): VoXML writes it as its operand")


def _conjunction(expr: Expr) -> str:
    if isinstance(expr, And):
        _check_operands(expr)
        return " && ".join(_comparison(operand) for operand in expr.operands)
    return _comparison(expr)


def _comparison(expr: Expr) -> str:
    if isinstance(expr, Compare):
        return f"{_value(expr.left)}{expr.op}{_value(expr.right)}"
    if isinstance(expr, Or):
        raise UnprintableExpression(f"an Or inside an And needs parentheses, which VoXML has not: {NO_PARENTHESES}")
    if isinstance(expr, (Var, Literal)):
        raise UnprintableExpression("a bare operand is not a VoXML expression: compare it, e.g. ${name}!=\"\"")
    raise UnprintableExpression(f"{type(expr).__name__} has no VoXML form: write it as comparisons joined by '||' or '&&'")


def _value(expr: Expr) -> str:
    if isinstance(expr, Var):
        if not DOTTED_NAME.fullmatch(expr.name):
            raise UnprintableExpression(f"'{expr.name}' is not a VoXML variable name")
        return "${" + expr.name + "}"
    if isinstance(expr, Literal):
        value = expr.value
        if '"' not in value:
            return f'"{value}"'
        if "'" not in value:
            return f"'{value}'"
        raise UnprintableExpression(f"the value {value!r} holds both quote characters; VoXML strings have no escapes")
    raise UnprintableExpression(f"a comparison's operand must be a variable or a value, not {type(expr).__name__}")


__all__ = ["UnprintableExpression", "comparisons", "parse_expression", "parser", "print_expression"]
