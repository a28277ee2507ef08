"""Variables, conditions and text templates of the hub, and the environment that evaluates them.

Every dialect reads its conditions into these nodes: VoxXML v1's
``<If variable='$GATHER' test='NOTEQUAL' value='1|2'>`` is ``In(Var("GATHER"), ("1", "2"), negated=True)``;
VoXML's ``${menu.digits}=="1" || ${menu.speech}=~"sales"`` is an ``Or`` of a ``Compare`` and a
``Compare``. The analysis, the simulator and the targets evaluate them through one ``Environment``.

Values are strings: every platform in scope passes variables as strings, and an unset variable reads
as ``""`` (VoXML's demo relies on it; v1's ``$GATHER`` is empty before any Gather). Positions
(``at``: characters of the attribute value or text the node was read from) never take part in
equality, so a re-read document equals the original.
"""

from __future__ import annotations

import re
from ..core.records import dataclass, field
from typing import ClassVar, Iterator, Literal as TypingLiteral, Union

Position = tuple[int, int] | None  # (start, end) in the value the node was read from


@dataclass(frozen=True, slots=True)
class Var:
    """A variable read: ``GATHER`` (v1's ``$GATHER``), ``menu.digits``, ``do.n``."""

    name: str
    at: Position = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant. Numbers written unquoted are kept as written: values compare as strings."""

    value: str
    at: Position = field(default=None, compare=False)


Operator = TypingLiteral["==", "!=", "=~", "!~"]


@dataclass(frozen=True, slots=True)
class Compare:
    """``left op right``: equality, or a regular-expression match (``=~``, ``!~``) against ``right``."""

    op: Operator
    left: "Expr"
    right: "Expr"
    at: Position = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class In:
    """Whether ``operand`` is one of ``values`` (``negated``: none of them). v1's If, and SQL's IN."""

    operand: "Expr"
    values: tuple[str, ...]
    negated: bool = False
    at: Position = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class And:
    """True when every operand is."""

    operands: tuple["Expr", ...]
    at: Position = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Or:
    """True when any operand is."""

    operands: tuple["Expr", ...]
    at: Position = field(default=None, compare=False)


Expr = Union[Var, Literal, Compare, In, And, Or]


def variables(expr: Expr) -> Iterator[Var]:
    """Every variable an expression reads, left to right (iterative: deep expressions do not recurse)."""
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Var):
            yield node
        elif isinstance(node, Compare):
            stack.extend((node.right, node.left))
        elif isinstance(node, In):
            stack.append(node.operand)
        elif isinstance(node, (And, Or)):
            stack.extend(reversed(node.operands))


@dataclass(frozen=True, slots=True)
class VarRef:
    """A variable read inside a template: its hub name and where the reference is written in the text."""

    name: str  # the hub variable name: "GATHER" for v1's '$GATHER', "menu.digits" for '${menu.digits}'
    offset: int  # index of the reference in the template text
    length: int  # characters the reference takes in the text ('$GATHER': 7)


class Template(str):
    """Text with variable references (Say text, a Set value). A ``str``: free to make, compares as text.

    The base class has no references: each dialect subclasses it with its own syntax for
    them (``$GATHER`` in v1, ``${name}`` in VoXML) by overriding ``parse``. The hub only
    reads ``segments``.
    """

    __slots__ = ()
    MARK: ClassVar[str | None] = None  # text every reference contains ("$", "${"): a cheap test before parsing

    @classmethod
    def parse(cls, text: str) -> tuple[str | VarRef, ...]:
        """Literal strings and references, in order. The base syntax has no references."""
        return (text,) if text else ()

    @property
    def may_reference(self) -> bool:
        """False when the text certainly reads no variable (without parsing it, when the syntax has a MARK)."""
        mark = type(self).MARK
        return mark in self if mark is not None else bool(self.variables)

    @property
    def text(self) -> str:
        return str.__str__(self)

    @property
    def segments(self) -> tuple[str | VarRef, ...]:
        return type(self).parse(str.__str__(self))

    @property
    def variables(self) -> tuple[VarRef, ...]:
        return tuple(segment for segment in self.segments if isinstance(segment, VarRef))

    def reads(self, name: str) -> bool:
        return any(reference.name == name for reference in self.variables)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str.__str__(self)!r})"


# A regular expression from a document runs against a short input (digits, a transcript); both are
# bounded so that a hostile pattern cannot hang the simulator or the runtime (Python's re backtracks).
PATTERN_LIMIT = 200
SUBJECT_LIMIT = 1000


class Environment:
    """The variables of one call: names to string values. Unset variables read as ``""``."""

    __slots__ = ("values",)

    def __init__(self, values: dict[str, str] | None = None) -> None:
        self.values: dict[str, str] = dict(values or {})

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def set(self, name: str, value: str) -> None:
        self.values[name] = value

    def unset(self, name: str) -> None:
        """Removes a variable and its fields (``menu`` takes ``menu.digits`` with it)."""
        prefix = name + "."
        for key in [key for key in self.values if key == name or key.startswith(prefix)]:
            del self.values[key]

    def value(self, expr: Expr) -> str:
        """The string an operand stands for (a condition used as an operand is "true" or "false")."""
        if isinstance(expr, Var):
            return self.get(expr.name)
        if isinstance(expr, Literal):
            return expr.value
        return "true" if self.holds(expr) else "false"

    def holds(self, expr: Expr) -> bool:
        """Whether a condition is true now. A bare operand holds when it is not empty."""
        if isinstance(expr, In):
            return (self.value(expr.operand) in expr.values) != expr.negated
        if isinstance(expr, Compare):
            left, right = self.value(expr.left), self.value(expr.right)
            if expr.op == "==":
                return left == right
            if expr.op == "!=":
                return left != right
            found = matches(right, left)
            return found if expr.op == "=~" else not found
        if isinstance(expr, And):
            return all(self.holds(operand) for operand in expr.operands)
        if isinstance(expr, Or):
            return any(self.holds(operand) for operand in expr.operands)
        return self.value(expr) != ""

    def render(self, text: Template | str) -> str:
        """Template text with every reference replaced by the variable's value."""
        if not isinstance(text, Template):
            return str(text)
        return "".join(self.get(s.name) if isinstance(s, VarRef) else s for s in text.segments)

    def copy(self) -> "Environment":
        return Environment(self.values)


def matches(pattern: str, subject: str) -> bool:
    """``subject =~ pattern`` (a search, as the VoXML docs' examples use it); an unusable pattern never matches."""
    if len(pattern) > PATTERN_LIMIT:
        return False
    try:
        return re.search(pattern, subject[:SUBJECT_LIMIT]) is not None
    except re.error:
        return False


__all__ = ["And", "Compare", "Environment", "Expr", "In", "Literal", "Or", "Template", "Var", "VarRef", "matches", "variables"]
