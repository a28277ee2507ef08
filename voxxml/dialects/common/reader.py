"""The generic reader of an XML dialect: an lxml tree to the hub AST, validating as it goes.

One walk driven by the dialect's vocabulary checks every element, attribute and value
(VX002-VX011, the codes every XML dialect shares for the same problems). It never stops at
the first problem: a node with a bad value still gets built (with the default), so later
checks still run. Each element becomes the hub class its vocabulary entry names (``node``);
``explicit`` gets the hub fields of the attributes written; attributes with no hub field go
to the node's ``extras``. A dialect subclasses ``Reader`` and sets its hooks: its vocabulary,
its name in messages, the codes of its value problems, how condition attributes become a
hub condition (v1's If) and how a voice and a language are checked together.

Children of an unknown element are read as if they stood in its place, so they are
validated (their attributes, values and children), but they do not join the document:
an unknown wrapper may be a loop, a condition or anything, so placing its children in the
flow would have the flow checks guess, and the document has an error anyway (it is never
compiled). They are not in ``by_tag`` either, so no VX1xx check sees them.
"""

from __future__ import annotations

from functools import cache
from operator import itemgetter
from typing import Any, Callable, ClassVar, Iterable

from lxml import etree

from ...core import fixes
from ...core.records import NamedTuple, mypyc_attr
from . import values
from ...core.diagnostics import Diagnostic, make
from ...core.fixes import Edit, Fix
from ...core.source import SourceMap, Span, content_offsets
from ...hub.expressions import Expr
from ...hub.nodes import NO_EXTRAS, Extras, Node, Response
from .vocabulary import ElementSpec, Grammar

# The codes this module reports (the test of the rule catalogue checks them against rules/).
CODES = ("VX002", "VX003", "VX004", "VX005", "VX006", "VX007", "VX008", "VX009", "VX010", "VX011")

# Which code a value problem gets, for attributes and for element content (a dialect may add kinds).
ATTRIBUTE_CODES = {"invalid": "VX007", "clamped": "VX008", "voice": "VX010", "variable": "VX011"}
CONTENT_CODES = {"invalid": "VX009", "clamped": "VX008", "voice": "VX010", "variable": "VX011"}


def _abbreviate(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Finding(NamedTuple):
    """A problem found in an element's attributes, before it has a position."""

    code: str
    message: str
    help: str | None
    where: str  # "value" | "attribute" (its name) | "element" (its name)
    attribute: str
    sub: tuple[int, int] | None = None
    replacement: str | None = None  # new text for the value or the attribute name: the fix
    safe: bool | None = True  # None: only a suggestion (see values.Problem)


class AttributeReading(NamedTuple):
    fields: dict[str, Any]  # typed values of every attribute (defaults applied) plus "explicit"
    findings: tuple[Finding, ...]


_NAME = itemgetter(0)  # an attribute's name, of its (name, value) pair

# Readings by attributes are kept per element of a vocabulary (Grammar.readings), at most this many in all.
_READINGS_LIMIT = 20_000


# Above this many attributes, read them with XPath: el.items() finds each value by a
# search of the element's attribute list (lxml's xmlGetNsProp), so it takes time
# quadratic in their number; '@*' walks the list once.
_MANY_ATTRIBUTES = 16
_ALL_ATTRIBUTES = etree.XPath("@*")
# Every attribute is written with an '=', so a text with at most this many has no element
# with more attributes: el.items() on all its elements together costs at most about
# 512**2 / 2 name comparisons (well under a millisecond), and the reader asks no element
# for its count (``len(el.attrib)`` makes a proxy object per element).
_FEW_EQUALS = 512


def _few_attributes(text: str, well_formed: bool) -> bool:
    """Whether no element of the text can hold more than ``_FEW_EQUALS`` attributes (see above). In a
    well-formed text an attribute's '=' never touches another '=' (a name or white space before it, white
    space or a quote after it), so the '=' of each '==' are values' text (VoXML's comparisons), not attributes."""
    equals = text.count("=")
    return equals <= _FEW_EQUALS or (well_formed and equals - 2 * text.count("==") <= _FEW_EQUALS)


def attribute_items(el: etree._Element) -> tuple[tuple[str, str], ...]:
    """The element's attributes as (name, value), as ``el.items()`` gives them, in linear time."""
    if len(el.attrib) <= _MANY_ATTRIBUTES:  # counts them without making their names (``keys()`` does)
        return tuple(el.items())
    return tuple((value.attrname, str(value)) for value in _ALL_ATTRIBUTES(el))  # type: ignore[union-attr]


# The shapes of element the reader's loop builds inline (``Reader.read_elements``); the rest is _OTHER.
_LEAF = 0  # a content field: its text is the content (when it holds no elements)
_CONTAINER = 1  # a children field: its elements are the children
_EMPTY = 2  # neither: built as is when it holds nothing
_OTHER = 3  # text or children (VoXML's Dial)

# What the loop needs of an element's spec: the spec, its shape, its loader (``ElementSpec.load_with``),
# its attribute readings by attributes (``Remembered``), its clean content (``ElementSpec.clean_content``);
# a reader adds its ``by_tag`` list.
StaticPlan = tuple[ElementSpec, int, Any, dict, dict]
Plan = tuple[ElementSpec, int, Any, dict, dict, list]
# An attribute reading as the loop keeps it: the row its loader takes (the values of the spec's
# ``row_fields``; None for _OTHER, built from the fields), the findings, the fields.
Remembered = tuple[tuple | None, tuple[Finding, ...], dict[str, Any]]


def _static_plans(grammar: Grammar) -> dict[str, StaticPlan]:
    """The vocabulary's plans, made by its first reader."""
    if not grammar.plans:
        for name, spec in grammar.elements.items():
            if spec.content_node is not None:
                shape = _OTHER
            elif spec.content_field is not None:
                shape = _LEAF
            elif spec.children_field is not None:
                shape = _CONTAINER
            else:
                shape = _EMPTY
            memo = grammar.readings.setdefault(name, {})
            grammar.plans[name] = (spec, shape, spec.load_with, memo, spec.clean_content)
    return grammar.plans


@cache
def _voice_pair(spec: ElementSpec) -> tuple[str, str] | None:
    """An element with both a voice and a language attribute has the two checked together."""
    voice = [a.name for a in spec.attributes.values() if a.type_name == "voice"]
    language = [a.name for a in spec.attributes.values() if a.type_name == "say_language"]
    return (voice[0], language[0]) if voice and language else None


class Hooks(NamedTuple):
    """What a dialect's attribute reading needs besides its vocabulary."""

    codes: dict[str, str]  # problem kind -> code, for attribute values
    condition: Callable[..., Expr | None] | None  # an element's ``condition`` attributes' values -> the hub condition
    voice_language: Callable[[Any, Any], values.Problem | None] | None  # a voice and a language checked together


def read_attributes(spec: ElementSpec, items: tuple[tuple[str, str], ...], hooks: Hooks) -> AttributeReading:
    """Type every attribute of one element and find what is wrong with them (VX005-VX008, VX010)."""
    fields, findings = _read_attributes(spec, items, hooks)
    return AttributeReading(fields, findings)


def _read_attributes(spec: ElementSpec, items: tuple[tuple[str, str], ...], hooks: Hooks) -> tuple[dict[str, Any], tuple[Finding, ...]]:
    """``read_attributes``' fields and findings, as the reader's loop takes them (no named tuple to make).
    ``fields`` always holds ``extras`` (``NO_EXTRAS`` when none were written), so a row is one itemgetter."""
    fields: dict[str, Any] = dict(spec.defaults)
    if spec.unmapped:  # read here, not kept: a dialect may complete them after the vocabulary is built (TwiML)
        fields.update(spec.unmapped)
    extras: dict[str, Any] | None = None
    explicit: set[str] = set()
    findings: list[Finding] = []
    attributes = spec.attributes
    written: set[str] | None = None  # the names written, made once when needed: an element may have thousands
    for name, raw in items:
        attribute = attributes.get(name)
        if attribute is None:
            valid = tuple(attributes)
            if written is None:
                written = {name for name, _ in items}
            listing = f"valid attributes: {values.quote_list(valid)}" if valid else f"<{spec.name}> takes no attributes"
            match = values.near(name, valid) if valid else None
            suggestion = f"did you mean '{match}'?" if match else None
            rename = match if match and match not in written else None
            safe = rename is not None and rename.casefold() == name.casefold()
            message = f"unknown attribute '{name}' on <{spec.name}>; {listing}"
            findings.append(Finding("VX005", message, suggestion, "attribute", name, None, rename, safe))
            continue
        parsed = attribute._cache.get(raw)  # AttributeSpec.parse's memo, looked up here first
        value, problems = parsed if parsed is not None else attribute.parse(raw)
        if value is not None:  # an unusable value is reported and treated as absent
            if attribute.extra:
                if extras is None:
                    extras = {}
                extras[name] = value
            else:
                fields[attribute.field] = value
                explicit.add(attribute.field)
        if problems:
            subject = attribute.subject(raw)  # once: a long value may have many problems
            for problem in problems:
                message = problem.message if problem.kind == "variable" else f"{subject} {problem.message}"
                code = hooks.codes[problem.kind]
                findings.append(Finding(code, message, problem.help, "value", name, problem.sub, problem.replacement, problem.safe))
    pair = _voice_pair(spec) if hooks.voice_language is not None else None
    if pair is not None and hooks.voice_language is not None and (spec.attributes[pair[0]].field in explicit or spec.attributes[pair[1]].field in explicit):
        voice_name, language_name = pair
        voice, language = fields[spec.attributes[voice_name].field], fields[spec.attributes[language_name].field]
        mismatch = hooks.voice_language(voice, language)
        if mismatch is not None:
            subject = spec.attributes[language_name].subject(str(language))
            findings.append(Finding("VX010", f"{subject} {mismatch.message}", mismatch.help, "value", language_name))
    if spec.required and written is None:
        written = set(map(_NAME, items))
    for name in spec.required:
        if written is not None and name not in written:
            attribute = spec.attributes[name]
            message = f"<{spec.name}> is missing required attribute '{name}' ({attribute.type.describe()})"
            findings.append(Finding("VX006", message, None, "element", name))
    if spec.condition and hooks.condition is not None:  # v1's If: its variable, test and value are one hub field
        parts = spec.condition_fields
        condition = hooks.condition(*map(fields.pop, parts))
        explicit.difference_update(parts)
        if condition is not None:
            explicit.add("condition")
        fields["condition"] = condition
    fields["explicit"] = frozenset(explicit)
    fields["extras"] = Extras(extras) if extras else NO_EXTRAS
    return fields, tuple(findings)


@mypyc_attr(allow_interpreted_subclasses=True)  # each dialect subclasses it (when compiled with mypyc)
class Reader:
    """The generic reader; a dialect subclasses it and sets the hooks below."""

    LANGUAGE: ClassVar[str] = "VoxXML"  # the dialect's name in messages
    ATTRIBUTE_CODES: ClassVar[dict[str, str]] = ATTRIBUTE_CODES
    CONTENT_CODES: ClassVar[dict[str, str]] = CONTENT_CODES

    def vocabulary(self) -> Grammar:  # pragma: no cover - every dialect names its own
        raise NotImplementedError

    def hooks(self) -> Hooks:
        """The attribute reading's hooks (``read_condition``, ``check_voice_language`` when the dialect has them)."""
        return Hooks(self.ATTRIBUTE_CODES, None, None)

    def __init__(self, source: SourceMap, diagnostics: list[Diagnostic], check_content: bool = True) -> None:
        """``check_content=False`` for trees libxml2 recovered: their text may have lost pieces."""
        self.source = source
        self.check_content = check_content
        self.out = diagnostics
        self.index = -1
        self.grammar = self.vocabulary()
        self.attribute_hooks = self.hooks()
        self.elements = self.grammar.elements
        source.vocabulary = self.grammar  # how the nodes map back onto elements (checks, writer, spans)
        self.by_tag: dict[str, list[Node]] = {name: [] for name in self.elements}  # nodes built, by tag
        self.plans: dict[str, Plan] = self.make_plans(self.by_tag)
        self.few_attributes = _few_attributes(source.text, check_content)
        self.value_places: dict[tuple[int, str], tuple[int, int, bool] | None] = {}

    def make_plans(self, by_tag: dict[str, list[Node]]) -> dict[str, Plan]:
        """Each element's plan for ``read_elements``, with the list its nodes join in ``by_tag``."""
        return {name: (*plan, by_tag[name]) for name, plan in _static_plans(self.grammar).items()}

    def remember(self, memo: dict[tuple[tuple[str, str], ...], Remembered], items: tuple[tuple[str, str], ...], spec: ElementSpec, shape: int, reading: tuple[dict[str, Any], tuple[Finding, ...]]) -> Remembered:
        """Keep an attribute reading (``_read_attributes``) with its row; the vocabulary's readings start over when they reach the limit."""
        fields, findings = reading
        remembered = (None if shape == _OTHER else spec.row_of(fields), findings, fields)
        grammar = self.grammar
        if grammar.remembered >= _READINGS_LIMIT:
            for kept in grammar.readings.values():
                kept.clear()
            grammar.remembered = 0
        grammar.remembered += 1
        memo[items] = remembered
        return remembered

    # ----------------------------------------------------------------- entry
    def read(self, root: etree._Element) -> Response | None:
        tag = root.tag
        if tag != "Response":
            hint = "wrap the verbs in <Response>...</Response>" if tag in self.elements else f"a {self.LANGUAGE} document is one <Response> that holds the verbs"
            if isinstance(tag, str) and tag.casefold() == "response":
                hint = "element names are case-sensitive: write <Response>"
            fix = self.rename_fix(0, tag) if isinstance(tag, str) and tag.casefold() == "response" else None
            message = f"the root element must be <Response>, found <{tag}>"
            self.out.append(make("VX002", message, self.source.name_span(0), hint, fix))
            if tag not in self.elements:  # read what it holds as if it were a Response
                self.index += 1
                self.read_children(root, 0, self.elements["Response"])
                return None
        nodes = self.read_elements((root,), None, -1)
        return nodes[0] if nodes and isinstance(nodes[0], Response) else None

    # ------------------------------------------------------------- elements
    def read_children(self, el: etree._Element, index: int, spec: ElementSpec) -> list[Node]:
        """The child nodes of a container element (stray text inside it is reported)."""
        text = el.text
        if text and not text.isspace():
            self.stray_text(index, None, text, spec)
        return self.read_elements(el, spec, index)

    def read_elements(self, elements: Iterable[etree._Element], parent: ElementSpec | None, parent_index: int) -> list[Node]:
        """Read a run of sibling elements: the hot loop every element of every file goes through.

        Leaves and empty elements are read inline; containers recurse. Each element's tag finds its
        plan (``plans``: what this loop needs of its spec, prepared once per document); attribute
        readings are memoized by the element's attributes, content by its raw text. The element
        count is kept in a local and handed over through ``self.index`` around every call that may
        read elements itself.
        """
        kids: list[Node] = []
        allowed = parent.child_set if parent is not None else None
        tags = parent.child_tags if parent is not None else None  # child tag -> element, where they differ
        plans = self.plans
        source = self.source
        hooks = self.attribute_hooks
        few = self.few_attributes
        stray = parent is not None and parent_index >= 0  # text after an element is reported
        counter = self.index
        index = -1  # the index of the last element read here (stray text after an element names it)
        for el in elements:
            tag = el.tag
            if tag.__class__ is str:
                counter += 1
                index = counter
                if tags:
                    tag = tags.get(tag, tag)
                plan = plans.get(tag)
                if plan is None:
                    self.index = counter
                    self.unknown_element(el, index, parent, parent_index)
                    counter = self.index
                else:
                    spec, shape, load_with, memo, clean, built = plan
                    placed = allowed is None or tag in allowed
                    if not placed:
                        self.invalid_child(index, tag, parent)  # type: ignore[arg-type]
                    # el.items() is quadratic in the element's attribute count (see attribute_items)
                    items = tuple(el.items()) if few else attribute_items(el)
                    reading = memo.get(items)
                    if reading is None:
                        reading = self.remember(memo, items, spec, shape, _read_attributes(spec, items, hooks))
                    row, findings, fields = reading
                    if findings:
                        for finding in findings:
                            self.emit(index, finding)
                    # The common shapes pass the shared reading uncopied (``load_with``); the rare ones
                    # build their own field dict.
                    if shape == _LEAF and not len(el):
                        raw = el.text
                        value = clean.get(raw) if raw is not None else None  # a clean value seen before (never blank)
                        if value is None:
                            value = self.content(el, index, spec, raw or "")
                        node = load_with(row, source, index, value)
                    elif shape == _CONTAINER:  # read_children, inline (a call per container)
                        text = el.text
                        if text and not text.isspace():
                            self.stray_text(index, None, text, spec)
                        self.index = counter
                        children = self.read_elements(el, spec, index)
                        counter = self.index
                        node = load_with(row, source, index, children)
                    elif shape == _EMPTY and el.text is None and not len(el):
                        node = load_with(row, source, index)
                    else:
                        self.index = counter
                        node = self.read_other(el, index, spec, fields)
                        counter = self.index
                    built.append(node)
                    if placed:
                        kids.append(node)
            if stray:
                tail = el.tail
                if tail and not tail.isspace():
                    after = index if el.tag.__class__ is str else None  # text after a comment: no element to name
                    self.stray_text(parent_index, after, tail, parent)  # type: ignore[arg-type]
        self.index = counter
        return kids

    def read_other(self, el: etree._Element, index: int, spec: ElementSpec, fields: dict[str, Any]) -> Node:
        """An element of the rare shapes: text beside elements, text or children (VoXML's Dial), or
        content where none is taken; its own copy of the shared reading is completed and loaded."""
        fields = fields.copy()
        if spec.content_node is not None:  # text or children (VoXML's Dial): one shape in the hub
            if len(el) or el.text is None or el.text.isspace():
                fields[spec.children_field] = self.read_children(el, index, spec)  # type: ignore[index]
            else:
                fields[spec.children_field] = [self.content_child(el, index, spec)]  # type: ignore[index]
        elif spec.content_field is not None:
            self.mixed_content(el, index, spec, fields)
        elif el.text is not None or len(el):
            self.unplaced_children(el, index, spec, fields)
        fields["source"] = self.source
        fields["index"] = index
        return spec.load(fields)

    def emit(self, index: int, finding: "Finding") -> None:
        code, message, help, where, attribute, sub, replacement, safe = finding
        fix = None
        if where == "value":
            span = self.value_span(index, attribute, sub)
            if replacement is not None:
                fix = self.value_fix(index, attribute, sub, replacement, safe)
        elif where == "attribute":
            span = self.source.attribute_name_span(index, attribute)
            if replacement is not None:
                fix = Fix(f"Rename '{attribute}' to '{replacement}'", fixes.rename_attribute(self.source, index, attribute, replacement), bool(safe))
        else:
            span = self.source.name_span(index)
        if fix is not None and safe is None:  # only a guess: editors offer it, --fix never applies it
            self.out.append(make(code, message, span, help, None, Fix(fix.title, fix.edits, False)))
            return
        self.out.append(make(code, message, span, help, fix))

    def value_place(self, index: int, attribute: str) -> tuple[int, int, bool] | None:
        """Where an attribute's value is written (start, end) and whether offsets into its parsed
        value map 1:1 onto the text (no references, no CR). Found once per attribute: a long
        value can have thousands of problems."""
        key = (index, attribute)
        if key not in self.value_places:
            tokens = self.source.attribute_tokens(index, attribute)
            if tokens is None:
                self.value_places[key] = None
            else:
                start, end = tokens.value_start, tokens.value_end
                text = self.source.text
                plain = text.find("&", start, end) < 0 and text.find("\r", start, end) < 0
                self.value_places[key] = (start, end, plain)
        return self.value_places[key]

    def value_span(self, index: int, attribute: str, sub: tuple[int, int] | None) -> Span | None:
        """The value inside its quotes; ``sub`` narrows it to characters of the parsed value."""
        place = self.value_place(index, attribute)
        if place is None:
            return self.source.name_span(index)
        start, end, plain = place
        if sub is not None and plain:
            start, end = min(start + sub[0], end), min(start + sub[1], end)
        return self.source.span(start, end)

    def value_fix(self, index: int, attribute: str, sub: tuple[int, int] | None, replacement: str, safe: bool | None) -> Fix | None:
        """Write ``replacement`` over characters ``sub`` of an attribute's value (the whole value if None)."""
        if sub is None:
            return Fix(f"Write {attribute}='{replacement}'", fixes.replace_value(self.source, index, attribute, replacement), bool(safe))
        place = self.value_place(index, attribute)
        if place is None or not place[2] or place[0] + sub[1] > place[1]:
            return None  # offsets into the parsed value do not map onto the text
        start = place[0]
        old = self.source.text[start + sub[0] : start + sub[1]]
        return Fix(f"Replace '{old}' with '{replacement}' in {attribute}", (Edit(start + sub[0], start + sub[1], replacement),), bool(safe))

    def rename_fix(self, index: int, tag: str) -> Fix | None:
        """A safe fix for an element name written in the wrong case."""
        match = {name.casefold(): name for name in self.elements}.get(tag.casefold())
        if match is None or match == tag:
            return None
        return Fix(f"Rename <{tag}> to <{match}>", fixes.rename_element(self.source, index, match), True)

    def unplaced_children(self, el: etree._Element, index: int, spec: ElementSpec, fields: dict[str, Any]) -> None:
        """What an element whose hub node has no content nor children field holds: only reported, as what an
        empty verb should not hold. A dialect whose such elements take children (TwiML's Hangup with
        Parameters) overrides it to keep them."""
        self.read_children(el, index, spec)

    def mixed_content(self, el: etree._Element, index: int, spec: ElementSpec, fields: dict[str, Any]) -> None:
        """The content of an element with text that also holds elements: its text (the elements are
        reported). A dialect whose elements mix text and children (TwiML's Say with SSML) overrides it."""
        fields[spec.content_field] = self.content(el, index, spec, self.mixed_text(el, spec))  # type: ignore[index]

    def mixed_text(self, el: etree._Element, spec: ElementSpec) -> str:
        """The text of an element that also holds elements or comments (which are reported)."""
        parts = [el.text or ""]
        for child in el:
            if child.tag.__class__ is str:
                self.read_elements((child,), spec, -1)  # reported: this element takes no elements
            parts.append(child.tail or "")
        return "".join(parts)

    def content(self, el: etree._Element, index: int, spec: ElementSpec, raw: str) -> Any:
        if spec.content_trim:
            raw = raw.strip()
        content_type = spec.content_type
        assert content_type is not None
        if not self.check_content:
            value = spec.parse_content(raw)[0]
            return content_type.empty() if value is None else value
        if not raw or raw.isspace():
            if spec.content_required:
                self.report("VX009", f"<{spec.name}> is empty; expected {content_type.describe()}", self.source.element_span(index))
            return content_type.empty()
        value, problems = spec.parse_content(raw)
        if problems:
            self.content_problems(index, spec, raw, problems)
        return content_type.empty() if value is None else value

    def content_problems(self, index: int, spec: ElementSpec, raw: str, problems: tuple[values.Problem, ...]) -> None:
        """Report content problems; the text is abbreviated and mapped onto the source once for all."""
        source = self.source
        offsets = content_offsets(source, index, spec.content_trim)
        whole = source.content_span(index)
        subject = f"<{spec.name}> content '{_abbreviate(raw)}'" if any(p.kind != "variable" for p in problems) else ""
        for problem in problems:
            span, fix, sub = whole, None, problem.sub
            mapped = offsets.span(sub) if sub is not None and offsets is not None else None
            if sub is not None and mapped is not None:
                start, end = mapped
                span = source.span(start, end)
                if problem.replacement is not None:
                    title = f"Replace '{raw[sub[0]:sub[1]]}' with '{problem.replacement}'"
                    fix = Fix(title, (Edit(start, end, problem.replacement),), bool(problem.safe))
            message = problem.message if problem.kind == "variable" else f"{subject} {problem.message}"
            code = self.CONTENT_CODES[problem.kind]
            if problem.safe is None:  # only a guess: editors offer it, --fix never applies it
                self.out.append(make(code, message, span, problem.help, None, fix))
                continue
            self.out.append(make(code, message, span, problem.help, fix))

    # ------------------------------------------------------------- problems
    def report(self, code: str, message: str, span: Span | None, help: str | None = None) -> None:
        self.out.append(make(code, message, span, help))

    def content_child(self, el: etree._Element, index: int, spec: ElementSpec) -> Node:
        """An element's text read as its one child (VoXML's ``<Dial>+1555...</Dial>`` as a Number): the
        child's spec types the text, and its position is the parent's (its content is the parent's)."""
        child = self.elements[spec.content_node]  # type: ignore[index]
        assert child.content_field is not None
        fields = dict(child.defaults)
        if child.unmapped:
            fields.update(child.unmapped)
        fields[child.content_field] = self.content(el, index, child, el.text or "")
        fields["explicit"] = frozenset()
        fields["source"] = self.source
        fields["index"] = index
        node = child.load(fields)
        self.by_tag[child.name].append(node)
        return node

    def unknown_element(self, el: etree._Element, index: int, parent: ElementSpec | None, parent_index: int = -1) -> None:
        tag = el.tag if isinstance(el.tag, str) else str(el.tag)
        name = etree.QName(el).localname if tag.startswith("{") else tag
        suggestion = values.did_you_mean(name, tuple(self.elements))
        if parent is None:
            message = f"unknown element <{tag}>; valid elements: {values.quote_list(tuple(self.elements))}"
        elif parent.children:
            message = f"unknown element <{tag}> inside <{parent.name}>; valid elements here: {values.quote_list(parent.children)}"
        else:  # a leaf: listing every element would suggest it takes some
            message = f"unknown element <{tag}> inside <{parent.name}>; <{parent.name}> takes no elements"
        help = suggestion if not tag.startswith("{") else f"{self.LANGUAGE} elements have no namespace"
        fix = self.rename_fix(index, tag)
        near = values.near(name, tuple(self.elements)) if fix is None and not tag.startswith("{") else None
        offered = Fix(f"Rename <{tag}> to <{near}>", fixes.rename_element(self.source, index, near), False) if near and near != name else None
        self.out.append(make("VX003", message, self.source.name_span(index), help, fix, offered))
        self.read_hidden(el, parent)

    def read_hidden(self, el: etree._Element, parent: ElementSpec | None) -> None:
        """Validate what an unknown element holds as if it stood in its place, outside the document
        (not in the flow, not in ``by_tag``: see the module's docstring). Its text is not reported."""
        if not len(el):
            return
        by_tag, plans = self.by_tag, self.plans
        self.by_tag = {name: [] for name in self.elements}  # scratch: nothing read here reaches the checks
        self.plans = self.make_plans(self.by_tag)
        try:
            self.read_elements(el, parent, -1)
        finally:
            self.by_tag, self.plans = by_tag, plans

    def invalid_child(self, index: int, tag: str, parent: ElementSpec) -> None:
        takes = (
            f"<{parent.name}> takes only {values.quote_list(parent.children)}"
            if parent.children
            else f"<{parent.name}> takes no elements"
        )
        self.report("VX004", f"<{tag}> is not allowed inside <{parent.name}>; {takes}", self.source.name_span(index))

    def stray_text(self, index: int, after: int | None, text: str, spec: ElementSpec) -> None:
        takes = f"it takes only {values.quote_list(spec.children)}" if spec.children else "it takes no content"
        span = self.source.stray_text_span(index, after) or self.source.name_span(index)
        self.report("VX009", f"text '{_abbreviate(text)}' inside <{spec.name}>; {takes}", span)
