"""The conversion machinery every target shares: the walk that applies a target's transform table,
the context that collects CV diagnostics with spans in the source, and the generic pass that reports
what the target's vocabulary has no place for.

Why a generic pass: the rules of one target handle what it says differently (v1's Gather loop is a
VoXML Do); everything else either maps field for field (the target's vocabulary names the same hub
field) or has no place in the target at all, and that is found from the vocabularies' data, not
listed by hand. So a setting a future vocabulary adds can never be dropped silently.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..core.diagnostics import Diagnostic, make
from ..core.source import Span
from ..dialects import Dialect, get_dialect, vocabulary_of
from ..hub.nodes import Dial, Node, Number, Pause, Response, settings

# Codes every conversion may report (rules/CV1xx.md). Errors by default: a conversion that reports one
# is refused unless --allow-approximate (or a suppression, or the configuration) accepts it.
# CV109-CV110 are the TwiML targets'; CV120-CV121 are found converting from TwiML (and what any source
# shares with it: a value the target's type cannot hold).
CODES = ("CV100", "CV101", "CV102", "CV103", "CV104", "CV105", "CV106", "CV107", "CV108", "CV109", "CV110", "CV111", "CV120", "CV121")

# Rules that run before the target's, by source dialect: what a source family says differently from the
# hub's other readers (TwiML's action URLs, formatted numbers, built-in voices), in terms of the target
# (a dict: target dialect -> Rules). The target's own rules then see a document in the hub's common terms.
SOURCES: dict[str, str] = {name: "voxxml.convert.from_twiml:RULES" for name in ("twiml", "texml", "cxml")}

# A transform: one node (its children already converted) and the context -> what replaces it (a list:
# a node may become several, or none).
Transform = Callable[[Any, "Context"], list[Node]]

_NOWHERE = Span(1, 1, 1, 2)


@dataclass(frozen=True)
class Rules:
    """A target dialect's transform table."""

    dialect: str  # the target dialect's registry name
    transforms: dict[type[Node], Transform]  # by hub class: applied after the node's children are converted
    # Called on every node before its children are converted (document order): what a rule needs to
    # know about what ran before (VoXML: which input kinds the Gathers so far take).
    enter: Callable[[Node, "Context"], None] | None = None
    # Called once on the source document before the walk (v1: which Gather output the document uses).
    prepare: Callable[[Response, "Context"], None] | None = None
    # By hub class, applied before the node's children are converted (a pattern read in the source's
    # own terms, such as the retry loop folded back into a v1 Gather); what they return is converted.
    before: dict[type[Node], Transform] = field(default_factory=dict)


@dataclass
class Context:
    """One conversion: the dialects, what the rules found so far, and the diagnostics."""

    source: Dialect
    target: Dialect
    diagnostics: list[Diagnostic] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)  # a target's rules keep what they learn here

    def report(self, code: str, node: Node, message: str, help: str | None = None, attribute: str | None = None, sub: tuple[int, int] | None = None) -> None:
        """A CV diagnostic on ``node`` in the source: the attribute's value (a source attribute name, or
        None for the element's name), or characters ``sub`` of that value (or of the text content)."""
        span: Span | None = None
        if node.source is not None:
            if attribute is not None and sub is not None:
                span = node.attribute_sub_span(attribute, sub)
            elif attribute is not None:
                span = node.attribute_span(attribute) or node.attribute_name_span(attribute)
            elif sub is not None:
                span = node.content_sub_span(sub)
            span = span or node.name_span or node.span
        self.diagnostics.append(make(code, message, span or _NOWHERE, help))


@dataclass
class Conversion:
    """What a conversion made: the target's text (with every approximation reported applied), the
    converted hub document, and the CV diagnostics (none: the conversion is exact)."""

    document: Response
    text: str
    diagnostics: list[Diagnostic]
    dialect: str  # the target dialect

    @property
    def exact(self) -> bool:
        return not self.diagnostics


# ------------------------------------------------------------------------------- helpers


def source_attribute(node: Node, hub_field: str) -> str | None:
    """The source dialect's attribute that holds a hub field of a node (None: none does)."""
    try:
        spec = vocabulary_of(node).spec_of(node)
    except KeyError:
        return None
    for name, attribute in spec.attributes.items():
        if attribute.field == hub_field and not attribute.extra:
            return name
    if hub_field == "condition" and spec.condition:
        return spec.condition[0]
    return None


def written(node: Node, hub_field: str) -> bool:
    """Whether the source wrote the attribute that holds a hub field (a node built in Python: whether the
    field is explicit). A reader's ``explicit`` also names fields whose dialect default differs from the
    hub's (TwiML's Say language en-US), so only the source text tells what the author wrote."""
    if node.source is None or node.index is None:
        return hub_field in node.explicit
    attribute = source_attribute(node, hub_field)
    return attribute is not None and node.source.attribute_tokens(node.index, attribute) is not None


def source_default(node: Node, hub_field: str) -> Any:
    """The source dialect's default for a hub field (the hub's when its vocabulary has no attribute for it):
    a setting at that value was not chosen by the author, so leaving it out loses nothing they wrote."""
    try:
        spec = vocabulary_of(node).spec_of(node)
    except KeyError:
        spec = None
    if spec is not None:
        for attribute in spec.attributes.values():
            if attribute.field == hub_field and not attribute.extra:
                return attribute.default
    return dict(settings(type(node))).get(hub_field)


def target_spec(vocabulary: Any, node: Node) -> Any:
    """The target's element for a node: KeyError when it has none, or when its element of that name reads
    into another hub class (TwiML's Connect is Opaque; VoXML's Connect hands the call to a Flow)."""
    spec = vocabulary.spec_of(node)
    if spec.node_class is not type(node):
        raise KeyError(spec.name)
    return spec


def reset(node: Any, **changes: Any) -> Any:
    """The node with fields changed; a field set back to its hub default is no longer explicit."""
    defaults = dict(settings(type(node)))
    explicit = frozenset(name for name in node.explicit if name not in changes or changes[name] != defaults.get(name, object()))
    return dataclasses.replace(node, **changes, explicit=explicit)


def number_as_dial(node: Number, context: "Context") -> list[Node]:
    """A top-level Number (VoxXML v1 dials it on its own) is a Dial of that one number in the dialects
    that dial only from a Dial; a Dial's own Numbers (``context.state["dialled"]``) stay."""
    if id(node) in context.state.get("dialled", ()):
        return [node]
    return [Dial([reset(node, caller_id=None)], caller_id=node.caller_id)]


UNROLL_LIMIT = 10  # repetitions of a Say/Play with repeatDelay written out one by one


def unrolled(node: Any, context: "Context", kind: str, target: str) -> list[Node]:
    """A Say or Play with a finite ``loop`` and a repeatDelay, for a dialect without repeatDelay: written
    as pairs of the element and a Pause; beyond UNROLL_LIMIT the delay is left out (CV104)."""
    if node.loop > UNROLL_LIMIT:
        context.report(
            "CV104", node,
            f"{kind} repeatDelay='{node.repeat_delay}' with loop='{node.loop}': {target} has no repeatDelay, and more than "
            f"{UNROLL_LIMIT} repetitions are not written out; the delay is left out",
            f"lower loop to {UNROLL_LIMIT} or less to have it written as {kind} and Pause pairs", source_attribute(node, "repeat_delay"),
        )
        return [reset(node, repeat_delay=0)]
    once = reset(node, loop=1, repeat_delay=0)
    pause = Pause(length=node.repeat_delay)
    return [item for _ in range(node.loop) for item in (once, pause)]


def children_fields(node: Node) -> list[str]:
    """The fields of a node that hold child nodes (a Response's verbs, an If's body, a Gather's prompts)."""
    return [name for name in node.CONTENT if isinstance(getattr(node, name), list)]


def walk(nodes: Iterable[Node]) -> Iterable[Node]:
    for node in nodes:
        yield from node.walk()


# ----------------------------------------------------------------------------- the walk


def _rewrite(nodes: list[Node], rules: Rules, context: Context) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        early = rules.before.get(type(node))
        if early is not None:
            replaced = early(node, context)
            if replaced != [node]:
                out.extend(_rewrite(replaced, rules, context))
                continue
        if rules.enter is not None:
            rules.enter(node, context)
        changes = {name: _rewrite(getattr(node, name), rules, context) for name in children_fields(node)}
        if changes:
            node = dataclasses.replace(node, **changes)
        transform = rules.transforms.get(type(node))
        out.extend(transform(node, context) if transform is not None else [node])
    return out


def unexpressible(nodes: list[Node], context: Context) -> list[Node]:
    """Every node, setting and dialect-only detail the target's vocabulary has no place for: reported
    (CV101 an element, CV102 a setting) and left out (the approximation written with
    --allow-approximate). A setting at its hub default means nothing to leave out."""
    vocabulary = context.target.vocabulary()
    out: list[Node] = []
    for node in nodes:
        try:
            spec = target_spec(vocabulary, node)
        except KeyError:
            what = _element_name(node)
            context.report(
                "CV101", node,
                f"<{what}> has no {context.target.summary} form; it is left out of the converted document",
                f"{context.target.name} has no element for it: rewrite this part of the call by hand, or accept the loss with --allow-approximate",
            )
            continue
        fields = {attribute.field for attribute in spec.attributes.values() if not attribute.extra}
        if spec.condition:
            fields.add("condition")
        dropped: dict[str, Any] = {}
        for name, default in settings(type(node)):
            if name in fields or getattr(node, name) == default or getattr(node, name) == source_default(node, name):
                continue
            attribute = source_attribute(node, name)
            shown = attribute or name
            context.report(
                "CV102", node,
                f"{_element_name(node)} {shown}={_shown(getattr(node, name))!r} has no {context.target.summary} form; it is left out",
                f"{context.target.name}'s <{spec.name}> has no such setting",
                attribute,
            )
            dropped[name] = default
        extras = {}
        for name, value in node.extras.items():
            target_attribute = spec.attributes.get(name)
            if target_attribute is not None and target_attribute.extra:
                why = None if value is None else _invalid(target_attribute.type, value)
                if why is None:
                    extras[name] = value
                    continue
                context.report(
                    "CV121", node,
                    f"{_element_name(node)} {name}={_shown(value)!r} has no {context.target.summary} form: it {why}; it is left out",
                    f"write a value {context.target.name}'s {name} takes in the source, or accept the loss with --allow-approximate",
                    name,
                )
                continue
            if value != _source_default(node, name):
                context.report(
                    "CV102", node,
                    f"{_element_name(node)} {name}={_shown(value)!r} has no {context.target.summary} form; it is left out",
                    f"{context.target.name}'s <{spec.name}> has no {name} attribute",
                    name,
                )
        if not _content_fits(node, spec, context) or not _has_required(node, spec, context):
            continue
        unfit = _values_that_do_not_fit(node, spec, context)
        if unfit is None:
            continue
        dropped.update(unfit)
        changes: dict[str, Any] = {name: unexpressible(getattr(node, name), context) for name in children_fields(node)}
        if dropped or changes or extras != dict(node.extras):
            node = dataclasses.replace(reset(node, **dropped) if dropped else node, **changes, extras=extras)
        out.append(node)
    return out


def _invalid(value_type: Any, value: Any) -> str | None:
    """Why the target's type cannot hold a value (None: it can): the value written as the target writes it,
    read back as the target reads it."""
    _, problems = value_type.parse(value_type.serialize(value))
    found = [problem.message for problem in problems if problem.kind == "invalid"]
    return found[0] if found else None


def _content_fits(node: Node, spec: Any, context: Context) -> bool:
    """A node whose content (a number, a URL, a room name) the target's type cannot hold is left out
    whole (CV121): the element means nothing without it."""
    if spec.content_field is None or spec.content_type is None or spec.content_node is not None:
        return True
    value = getattr(node, spec.content_field, None)
    if not isinstance(value, str):  # text with variables is the templates' business (CV106, CV108)
        return True
    if not value and not spec.content_required:  # no content where the target allows none (a VoXML Play of digits)
        return True
    why = _invalid(spec.content_type, value)
    if why is None:
        return True
    context.report(
        "CV121", node,
        f"<{_element_name(node)}> content {value!r} has no {context.target.summary} form: it {why}; the element is left out",
        f"write a value {context.target.name} takes in the source, or accept the loss with --allow-approximate",
    )
    return False


def _has_required(node: Node, spec: Any, context: Context) -> bool:
    """A node without a setting the target requires (TwiML's Prompt may leave out ``for``, VoXML's may not)
    is left out (CV121): no value can be made up for it."""
    for name in spec.required:
        attribute = spec.attributes.get(name)
        if attribute is None or attribute.extra or name in spec.condition:
            continue
        value = getattr(node, attribute.field)
        if value is None or value == "" or value == ():
            context.report(
                "CV121", node,
                f"{_element_name(node)} has no {source_attribute(node, attribute.field) or name}, which {context.target.summary}'s "
                f"<{spec.name}> requires; the element is left out",
                f"write {name} in the source, or accept the loss with --allow-approximate",
            )
            return False
    return True


def _values_that_do_not_fit(node: Node, spec: Any, context: Context) -> dict[str, Any] | None:
    """Settings the target has but whose value its type cannot hold (a TwiML language v1 lacks, a callerId
    that is a client name): reported (CV121) and written at the target's default; None when such a setting
    is one the target requires (the element is left out)."""
    dropped: dict[str, Any] = {}
    for name, attribute in spec.attributes.items():
        if attribute.extra or name in spec.condition:
            continue
        value = getattr(node, attribute.field)
        if value is None or value == () or (attribute.field not in node.explicit and value == attribute.default):
            continue  # None and an empty list are the hub's "none": the writer's to handle
        why = _invalid(attribute.type, value)
        if why is None:
            continue
        shown = source_attribute(node, attribute.field) or name
        required = name in spec.required
        context.report(
            "CV121", node,
            f"{_element_name(node)} {shown}={_shown(value)!r} has no {context.target.summary} form: it {why}; "
            + ("the element, which needs it, is left out" if required else "it is left out"),
            f"write a value {context.target.name}'s {name} takes in the source, or accept the loss with --allow-approximate",
            source_attribute(node, attribute.field),
        )
        if required:
            return None
        dropped[attribute.field] = attribute.default
    return dropped


def _element_name(node: Node) -> str:
    try:
        return vocabulary_of(node).spec_of(node).name
    except KeyError:
        return node.TAG


def _source_default(node: Node, name: str) -> Any:
    try:
        attribute = vocabulary_of(node).spec_of(node).attributes.get(name)
    except KeyError:
        return None
    return attribute.default if attribute is not None else None


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value)
    return str(value)


def convert(document: Response, target: str, source: str | Dialect) -> Conversion:
    """The document (read with ``source``) converted to the dialect ``target``: its rules, then the
    generic pass, then the target's writer."""
    from ..core.registry import load
    from . import TARGETS

    rules: Rules = load(TARGETS[target])
    context = Context(get_dialect(source), get_dialect(target))
    verbs = list(document.verbs)
    first = load(SOURCES[context.source.name]).get(target) if context.source.name in SOURCES else None
    if first is not None:  # the source family's own rules, in the target's terms
        if first.prepare is not None:
            first.prepare(document, context)
        verbs = _rewrite(verbs, first, context)
        document = Response(verbs)  # type: ignore[arg-type]
    if rules.prepare is not None:
        rules.prepare(document, context)
    verbs = _rewrite(verbs, rules, context)
    verbs = unexpressible(verbs, context)
    converted = Response(verbs)  # type: ignore[arg-type]
    return Conversion(converted, context.target.write(converted), context.diagnostics, context.target.name)


__all__ = [
    "CODES", "SOURCES", "Context", "Conversion", "Rules", "Transform", "children_fields", "convert", "reset", "source_attribute", "source_default",
    "target_spec", "unexpressible", "walk", "written",
]
