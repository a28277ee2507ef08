"""What every variable can hold at each point of the walk: one history per variable, O(n log n) in all.

The analysis (analysis/states.py) walks the document once, in execution order, with a clock that
ticks at every change. Each variable keeps the list of its values with the clock at which each
began, so the value of any variable at any earlier point is one binary search: the checks ask
after the walk, at the clock their verb's state recorded (``State.clock``).

A value (``Value``) says whether the variable may be unset there (nothing has set it on some path,
or an Unset removed it) and which strings it may hold when set: a finite set (a Set's constant, a
Loop counter's passes), what a Gather can produce (``InputSummary``: its digits), or anything.

Joins stay cheap. Execution is structured (an If's body runs or not, then execution goes on after
it), so the only join is at the end of an If or a Loop: after = join(entry, end of body). Each
change is logged (one list of names); a body's *segment* is where its changes start in the log. At
the body's end, only the variables logged since are joined, each once, with its value at the entry
(a binary search), and the log is cut back. A variable not logged was not changed, and its value is
already right. A joined value needs no logging for the enclosing body: the enclosing join of
``join(S, T)`` with ``S`` is ``join(S, T)`` again (joins are idempotent and associative). So each
change is logged and joined once: O(n log n) for n changes, however deep the nesting, and no state
is ever copied.

Loops are walked once. For the "may be unset" facts that is exact on the first pass and an
under-approximation after it (a read that a later pass finds unset is not reported: no false
alarms). For values, reads inside a Loop of a variable that the Loop's body changes are not trusted
(``State.loop`` and ``Variables.written_within``): a later pass may see another value.
"""

from __future__ import annotations

from bisect import bisect_right

from ..core.records import NamedTuple

from .inputs import InputSummary

FINITE_LIMIT = 64  # strings remembered per variable; beyond it, anything


class Value(NamedTuple):
    """What one variable can be at one point."""

    unset: bool  # on some path nothing has set it (or an Unset removed it): it reads ""
    values: frozenset[str] | InputSummary | None  # when set: these strings, a Gather's digits, or anything (None)
    source: object | None = None  # the node that set it, when one node did on every path (for messages)

    @property
    def never_set(self) -> bool:
        """Unset on every path here."""
        return self.unset and self.values == frozenset()

    def strings(self) -> frozenset[str] | None:
        """Every string it can read as here, or None when they are too many to list."""
        values = self.values
        if not isinstance(values, frozenset):
            return None
        return values | {""} if self.unset else values

    def can_be(self, text: str) -> str | None:
        """None if it can read as ``text`` here; else why not."""
        if text == "" and self.unset:
            return None
        values = self.values
        if values is None:
            return None
        if isinstance(values, frozenset):
            return None if text in values else "not one of its values"
        if text == "":
            return None  # a Gather's field is "" when the caller entered nothing
        return values.impossible(text)


UNSET = Value(True, frozenset())
ANYTHING = Value(False, None)


def join(a: Value, b: Value) -> Value:
    """Where two paths meet."""
    if a == b:
        return a
    values_a, values_b = a.values, b.values
    values: frozenset[str] | InputSummary | None
    if values_a is None or values_b is None:
        values = None
    elif isinstance(values_a, frozenset) and isinstance(values_b, frozenset):
        values = values_a | values_b
        if len(values) > FINITE_LIMIT:
            values = None
    elif isinstance(values_a, InputSummary) and isinstance(values_b, InputSummary):
        values = values_a.join(values_b)
    else:  # a Gather's digits and constants: keep the summary when it can produce every constant
        summary, constants = (values_a, values_b) if isinstance(values_a, InputSummary) else (values_b, values_a)
        assert isinstance(summary, InputSummary) and isinstance(constants, frozenset)
        values = summary if all(c == "" or summary.impossible(c) is None for c in constants) else None
    return Value(a.unset or b.unset, values, a.source if a.source is b.source else None)


class Segment(NamedTuple):
    """The body of an If or a Loop being walked: the clock at its entry, and where its changes start in the
    log of changed names (``Variables.changed``)."""

    clock: int
    mark: int


class Variables:
    """Every variable's history of values over the walk's clock."""

    def __init__(self) -> None:
        self.clock = 0
        # name -> (the clocks at which its value changed, its values from then on): one lookup per read
        self.history: dict[str, tuple[list[int], list[Value]]] = {}
        self.writes: dict[str, list[int]] = {}  # clocks at which a verb wrote it (Set, Unset, Gather, Dial)
        self.writers: dict[str, object] = {}  # the first node that writes it (for "did you mean" and messages)
        self.fields: dict[str, list[str]] = {}  # "menu" -> ["menu.digits", ...]: what an Unset of "menu" removes
        # The names changed in the bodies being walked, in order: a body's changes are the log from its
        # Segment's mark on (the log is cut back there when the body ends). A list, so that entering a body
        # (every If) costs a length, and a change an append.
        self.changed: list[str] = []

    # ------------------------------------------------------------------ reading
    def current(self, name: str) -> Value:
        found = self.history.get(name)
        return found[1][-1] if found is not None else UNSET

    def at(self, name: str, clock: int) -> Value:
        """The value of ``name`` when the walk's clock read ``clock``."""
        found = self.history.get(name)
        if found is None:
            return UNSET
        position = bisect_right(found[0], clock) - 1
        return found[1][position] if position >= 0 else UNSET

    def written(self, name: str) -> bool:
        """Whether any verb of the document (that the walk reached) writes ``name``."""
        return name in self.writes

    def written_within(self, name: str, start: int, end: int) -> bool:
        """Whether a verb writes ``name`` between these clocks (start excluded): inside a Loop's body."""
        clocks = self.writes.get(name)
        if not clocks:
            return False
        position = bisect_right(clocks, start)
        return position < len(clocks) and clocks[position] <= end

    # ------------------------------------------------------------------ changing
    def tick(self) -> int:
        self.clock += 1
        return self.clock

    def _store(self, name: str, value: Value) -> None:
        found = self.history.get(name)
        if found is None:
            self.history[name] = ([self.clock], [value])
            if "." in name:
                self.fields.setdefault(name.split(".", 1)[0], []).append(name)
        elif found[0][-1] == self.clock:
            found[1][-1] = value
        else:
            found[0].append(self.clock)
            found[1].append(value)

    def assign(self, name: str, value: Value, writer: object | None = None) -> None:
        """A change at the current clock (tick first), logged for the body being walked."""
        clock = self.clock
        found = self.history.get(name)  # _store, inline: every write of the walk comes here
        if found is None:
            self._store(name, value)
        elif found[0][-1] == clock:
            found[1][-1] = value
        else:
            found[0].append(clock)
            found[1].append(value)
        self.changed.append(name)
        if writer is not None:
            clocks = self.writes.get(name)
            if clocks is None:  # its first writer
                self.writes[name] = [clock]
                self.writers[name] = writer
            else:
                clocks.append(clock)

    def unset(self, name: str, writer: object) -> None:
        """An Unset: the variable and its fields."""
        self.assign(name, UNSET, writer)
        for field in self.fields.get(name, ()):
            if self.current(field) != UNSET:
                self.assign(field, UNSET, writer)

    def open(self) -> Segment:
        return Segment(self.clock, len(self.changed))

    def close(self, segment: Segment, falls_through: bool, runs: bool = False, restore: tuple[str, ...] = ()) -> None:
        """The end of a body: each variable it changed takes join(entry, end) (``falls_through`` False:
        no path leaves the body, the entry's value; ``runs``: the body certainly ran, its end's value).
        ``restore`` names variables that take their entry value whatever happened (a Loop's counter).

        Its changes leave the log: the enclosing body need not join them again (join(S, join(S, T)) is
        join(S, T)), except when the body surely ran (join(S, T) is not T): those are logged again for it."""
        log = self.changed
        mark = segment.mark
        if len(log) == mark:
            return  # the body changed nothing (most If bodies): nothing to join, and no new point in time
        names = log[mark:]
        del log[mark:]
        if len(names) > 1:
            names = list(dict.fromkeys(names))  # a variable changed twice in the body is joined once
        self.tick()
        clock = self.clock
        start = segment.clock
        history = self.history
        for name in names:
            times, values = history[name]
            end = values[-1]
            position = bisect_right(times, start) - 1
            entry = values[position] if position >= 0 else UNSET
            if name in restore or not falls_through:
                value = entry
            elif runs:
                value = end
            else:
                value = join(entry, end)
            # value != end, the cheap way first: a join of two Gathers' values names no source (None: the Gathers
            # differ), and comparing the values with their sources would compare the Gather nodes field by field.
            if value is not end and ((value.source is None) is not (end.source is None) or value != end):
                times.append(clock)
                values.append(value)
            if runs and value is not entry:
                # The enclosing body's join must see this change. A value equal to the entry's, logged too, joins to
                # an equal value there and changes nothing; telling them apart would compare the Gathers they name.
                log.append(name)


__all__ = ["ANYTHING", "FINITE_LIMIT", "UNSET", "Segment", "Value", "Variables", "join"]
