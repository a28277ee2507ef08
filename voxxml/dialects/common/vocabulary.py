"""A vocabulary (``grammar/<folder>/vocabulary.toml``) loaded into element and attribute specs, for any
XML dialect: everything its reader, writer, formatter, docs and completions know comes from here.

The keys are described in ``grammar/voxxml-v1/vocabulary.schema.json`` and ``grammar/voxml/README.md``.
A dialect brings its own type kinds (``make_type``); integers, the element table and the hub mapping
(``node``, ``field``, extras) are the same for all.
"""

from __future__ import annotations

from operator import itemgetter
from ...core.records import dataclass
from ...core.records import field as record_field  # not ``field``: AttributeSpec has a field named so
from typing import Any, Callable

from . import values
from ...core.datacache import load_toml
from ...core.resources import grammar_path
from ...hub.nodes import NODE_CLASSES, Node, loader, node_fields, row_fields, row_loader, settings
from .values import Problem, ValueType


def snake(name: str) -> str:
    """The Python field for an attribute: repeatDelay -> repeat_delay (an underscore before each ASCII
    capital but the first character, then lower case; without a regex, which a start would compile)."""
    return "".join([name[:1], *("_" + c if "A" <= c <= "Z" else c for c in name[1:])]).lower()


SUBJECT_LIMIT = 80  # characters of a value a message repeats


@dataclass(eq=False)
class AttributeSpec:
    """One attribute of one element: its type, default, whether it is required, and the hub field it fills."""

    element: str
    name: str
    type_name: str
    type: ValueType
    default: Any
    required: bool
    description: str
    decision: str | None
    field: str
    extra: bool = False  # no hub field: the value rides along in the node's ``extras``, by this name
    _cache: dict[str, values.Parsed] = record_field(default_factory=dict, repr=False)

    def parse(self, raw: str) -> values.Parsed:
        """Read a raw value (memoized: IVRs repeat the same values over and over).

        An unusable value comes back as None with its problems; the caller applies the default.
        """
        hit = self._cache.get(raw)
        if hit is None:
            hit = self.type.parse(raw)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[raw] = hit
        return hit

    def serialize(self, value: Any) -> str:
        return self.type.serialize(value)

    def subject(self, raw: str) -> str:
        """How a message names the value: whole, unless it is long (a message is one line, not a copy)."""
        shown = raw if len(raw) <= SUBJECT_LIMIT else raw[: SUBJECT_LIMIT - 1] + "…"
        return f"{self.element} {self.name}='{shown}'"


@dataclass(eq=False)
class ElementSpec:
    """One element of a dialect: its attributes, content, children, contexts and the hub node it reads into."""

    name: str
    section: str
    summary: str
    children: tuple[str, ...]
    attributes: dict[str, AttributeSpec]
    content_type: ValueType | None
    content_type_name: str
    content_field: str | None
    children_field: str | None
    content_required: bool
    content_trim: bool
    callback_events: tuple[str, ...]
    decision: str | None
    contexts: tuple[str, ...]  # resources that accept this element (--context)
    context_note: str
    required: tuple[str, ...]
    defaults: dict[str, Any]  # python field -> default value, for every attribute
    node: str  # the hub node class it reads into (vocabulary key ``node``, the element name by default)
    condition: tuple[str, ...] = ()  # attributes that together are the hub field ``condition`` (If)
    # An element that takes both text and children (VoXML's Dial): its text is read as one child of
    # this element (``Number``), so the hub sees one shape whichever way it was written.
    content_node: str | None = None
    loop: dict[str, Any] = record_field(default_factory=dict)  # a loop's semantics as data (VoXML's Do)
    # The XML name, when it differs from the element's key (TwiML's Refer > Sip is the element ReferSip).
    tag: str = ""
    content_cache: dict[str, values.Parsed] = record_field(default_factory=dict, repr=False)
    # The clean part of ``content_cache``: text read without a problem -> its value (never None). What the
    # reader's loop looks up per leaf: one get and one test, not a pair to take apart.
    clean_content: dict[str, Any] = record_field(default_factory=dict, repr=False)

    @property
    def takes_children(self) -> bool:
        return bool(self.children)

    @property
    def load(self) -> Callable[..., Node]:
        """This vocabulary's own constructor of a node from a complete field dict (``hub.nodes.loader``), made
        on first use: only the reader's rare shapes need it (``load_with`` builds the rest)."""
        made = self.__dict__.get("_load")
        if made is None:
            made = self._load = loader(self.node_class)
        return made

    def __post_init__(self) -> None:
        self.tag = self.tag or self.name
        self.child_tags: dict[str, str] = {}  # child XML tag -> element key, where they differ (set by the Grammar)
        self.child_set = frozenset(self.children)  # for the reader's membership tests
        self.node_class: type[Node] = NODE_CLASSES[self.node]
        # The reader's common case: the memoized attribute reading as a row (the values of ``row_fields``),
        # plus the content or children (when it has a field for either), source and index.
        self.load_with = row_loader(self.node_class, self.content_field or self.children_field)
        self.row_fields = row_fields(self.node_class, self.content_field or self.children_field)
        # The row from a complete field dict (the reader's readings always hold ``extras``): one C call.
        getter = itemgetter(*self.row_fields) if self.row_fields else None
        self.row_of: Callable[[dict[str, Any]], tuple] = (
            getter if len(self.row_fields) > 1 else (lambda fields: (getter(fields),)) if getter is not None else (lambda fields: ())  # type: ignore[assignment]
        )
        # Attributes with no hub field on the node's class (VoXML's history) ride along in ``extras``.
        hub_fields = set(node_fields(self.node_class))
        for attribute in self.attributes.values():
            attribute.extra = attribute.field not in hub_fields and attribute.name not in self.condition
        self.extras: tuple[str, ...] = tuple(name for name, a in self.attributes.items() if a.extra)
        for name in self.extras:
            self.defaults.pop(self.attributes[name].field, None)
        # The hub fields no attribute maps (a Gather's output, an If's condition): the reader starts from their hub defaults.
        mapped = set(self.defaults) | {f for f in (self.content_field, self.children_field) if f}
        self.unmapped: dict[str, Any] = {name: default for name, default in settings(self.node_class) if name not in mapped}  # type: ignore[arg-type]
        if "counter" in self.unmapped and "counter" in self.loop:  # the loop's counter variable is the vocabulary's
            self.unmapped["counter"] = self.loop["counter"]
        # hub field -> attribute name: ``explicit`` holds hub fields, messages and the writer name attributes
        self.attribute_of: dict[str, str] = {
            a.field: name for name, a in self.attributes.items() if name not in self.condition and not a.extra
        }
        if self.condition:
            self.attribute_of["condition"] = self.condition[0]
        # The hub fields of the condition attributes, in order: what a reading pops to make the condition.
        self.condition_fields: tuple[str, ...] = tuple(self.attributes[name].field for name in self.condition)

    def written(self, node: Node) -> tuple[str, ...]:
        """The attributes a node has explicitly (its ``explicit`` hub fields, as attribute names, in vocabulary order)."""
        explicit = node.explicit
        extras = node.extras
        return tuple(
            name
            for name, a in self.attributes.items()
            if (name in extras if a.extra else (a.field in explicit or (name in self.condition and "condition" in explicit)))
        )

    def value(self, node: Node, attribute: str) -> Any:
        """The typed value of one of the node's attributes, by its name in this dialect."""
        spec = self.attributes[attribute]
        if spec.extra:
            return node.extras.get(attribute, spec.default)
        return getattr(node, spec.field)

    def parse_content(self, raw: str) -> values.Parsed:
        """Read content (memoized by its raw text, which is what the reader looks up first)."""
        hit = self.content_cache.get(raw)
        if hit is None:
            assert self.content_type is not None
            hit = self.content_type.parse(raw)
            if len(self.content_cache) > 4096:
                self.content_cache.clear()
                self.clean_content.clear()
            if raw and not raw.isspace():  # the reader looks up non-blank text only (and reports blank)
                self.content_cache[raw] = hit
                if hit[0] is not None and not hit[1]:
                    self.clean_content[raw] = hit[0]
        return hit


@dataclass(frozen=True, eq=False)
class IgnoredAttributes:
    """Attributes that have no effect when ``when`` holds (VX106)."""

    element: str
    attributes: tuple[str, ...]
    when: dict[str, Any]
    why: str


@dataclass
class Grammar:
    """A dialect's whole vocabulary: elements by name, value types, variables, contexts and ignored attributes."""

    version: int
    variables: tuple[str, ...]
    contexts: tuple[str, ...]
    types: dict[str, dict[str, Any]]
    elements: dict[str, ElementSpec]
    ignored_attributes: tuple[IgnoredAttributes, ...] = ()

    def __post_init__(self) -> None:
        self.by_node: dict[str, ElementSpec] = {spec.node: spec for spec in self.elements.values()}
        for spec in self.elements.values():  # a child is resolved among its parent's children by tag
            for child in spec.children:
                child_spec = self.elements.get(child)
                if child_spec is not None and child_spec.tag != child:
                    spec.child_tags[child_spec.tag] = child
        # The reader's attribute readings by element and attributes: IVRs repeat the same elements over
        # and over. This vocabulary's own (never shared with another dialect's), and bounded by the
        # reader (``remembered`` counts them); ``plans`` is what the reader prepares of each element.
        self.readings: dict[str, dict[tuple, Any]] = {}
        self.remembered = 0
        self.plans: dict[str, tuple] = {}

    @property
    def verbs(self) -> tuple[str, ...]:
        return self.elements["Response"].children

    def spec_of(self, node: Node) -> ElementSpec:
        """The element a hub node is written as in this vocabulary (KeyError: a node it has no element for).
        A hub class several elements read into (TwiML's Endpoint, Opaque) names its element in ``kind``."""
        kind = getattr(node, "kind", None)
        if kind:
            return self.elements[kind]
        return self.by_node[node.TAG]

    def trims(self, kind: str) -> bool:
        """Whether the reader strips the content of the element a hub node ``kind`` is read from."""
        spec = self.by_node.get(kind)
        return spec.content_trim if spec is not None else True


# A dialect's type maker: (type name, its [types] table, the element's table, the vocabulary's variables) -> a value type.
# The attribute's own table (its min and max) is passed as ``attribute`` for attribute types.
TypeMaker = Callable[..., ValueType]


def _attribute_type(types: dict[str, Any], attribute: dict[str, Any], element: dict[str, Any], make_type: TypeMaker) -> ValueType:
    if attribute["type"] == "integer":
        return values.IntegerType(attribute.get("min"), attribute.get("max"), attribute.get("clamp_max"))
    return make_type(attribute["type"], types[attribute["type"]], element, (), attribute=attribute)


def _typed_default(value_type: ValueType, raw: Any) -> Any:
    """Defaults are written in TOML as typed values; keyword lists become tuples."""
    if isinstance(raw, list):
        return tuple(raw)
    return raw


def load_vocabulary(folder: str, make_type: TypeMaker, content_trim: Callable[[str], bool]) -> Grammar:
    """Read ``grammar/<folder>/vocabulary.toml`` with a dialect's type maker (its type kinds) and its rule for
    which content types are trimmed. Each dialect's loader caches the result per folder."""
    data = load_toml(grammar_path(folder, "vocabulary.toml"))
    return build_vocabulary(data, make_type, content_trim)


def build_vocabulary(data: dict[str, Any], make_type: TypeMaker, content_trim: Callable[[str], bool]) -> Grammar:
    """A vocabulary from its parsed TOML (a dialect that merges data first, as TwiML's profiles, calls this)."""
    types = data["types"]
    variables = tuple(data["variables"])
    elements: dict[str, ElementSpec] = {}
    for name, table in data["elements"].items():
        attributes: dict[str, AttributeSpec] = {}
        for attr_name, attr in table.get("attributes", {}).items():
            value_type = _attribute_type(types, attr, table, make_type)
            attributes[attr_name] = AttributeSpec(
                element=name,
                name=attr_name,
                type_name=attr["type"],
                type=value_type,
                default=_typed_default(value_type, attr.get("default")),
                required=attr.get("required", False),
                description=attr.get("description", ""),
                decision=attr.get("decision") or types.get(attr["type"], {}).get("decision"),
                field=attr["field"] if "field" in attr else snake(attr_name),
            )
        content = table.get("content", "none")
        elements[name] = ElementSpec(
            name=name,
            section=table["section"],
            summary=table["summary"],
            children=tuple(table.get("children", ())),
            attributes=attributes,
            content_type=None if content == "none" else make_type(content, types[content], table, variables),
            content_type_name=content,
            content_field=table.get("content_field"),
            children_field=table.get("children_field"),
            content_required=table.get("content_required", False),
            content_trim=content_trim(content),
            callback_events=tuple(table.get("callback_events", ())),
            decision=table.get("decision"),
            contexts=tuple(table.get("contexts", data["contexts"])),
            context_note=table.get("context_note", ""),
            required=tuple(a for a, spec in attributes.items() if spec.required),
            defaults={spec.field: spec.default for spec in attributes.values()},
            node=table.get("node", name),
            condition=tuple(table.get("condition", ())),
            content_node=table.get("content_node"),
            loop=dict(table.get("loop", {})),
            tag=table.get("tag", name),
        )
    ignored = tuple(
        IgnoredAttributes(entry["element"], tuple(entry["attributes"]), entry["when"], entry["why"])
        for entry in data.get("ignored_attributes", ())
    )
    return Grammar(data["version"], variables, tuple(data["contexts"]), types, elements, ignored)



__all__ = ["AttributeSpec", "ElementSpec", "Grammar", "IgnoredAttributes", "Problem", "TypeMaker", "build_vocabulary", "load_vocabulary", "snake"]
