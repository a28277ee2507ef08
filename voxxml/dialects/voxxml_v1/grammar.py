"""The language definition (grammar/voxxml-v1/vocabulary.toml) loaded into specs.

Everything the reader, validator, writer, docs and completions know about VoxXML
comes from here; no element is special-cased in code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from . import values
from ...core.resources import grammar_file
from ...hub.nodes import NODE_CLASSES, Node, loader, settings
from . import DATA_FOLDER
from .values import Problem, ValueType


def snake(name: str) -> str:
    """The Python field for an attribute: repeatDelay -> repeat_delay."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


SUBJECT_LIMIT = 80  # characters of a value a message repeats


@dataclass(eq=False)
class AttributeSpec:
    element: str
    name: str
    type_name: str
    type: ValueType
    default: Any
    required: bool
    description: str
    decision: str | None
    field: str
    _cache: dict[str, values.Parsed] = field(default_factory=dict, repr=False)

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
    content_cache: dict[str, values.Parsed] = field(default_factory=dict, repr=False)

    @property
    def takes_children(self) -> bool:
        return bool(self.children)

    def __post_init__(self) -> None:
        self.child_set = frozenset(self.children)  # for the reader's membership tests
        self.node_class: type[Node] = NODE_CLASSES[self.node]
        self.load = loader(self.node_class)  # this vocabulary's own: builds a node from a complete field dict
        # The hub fields no attribute maps (a Gather's output, an If's condition): the reader starts from their hub defaults.
        mapped = set(self.defaults) | {f for f in (self.content_field, self.children_field) if f}
        self.unmapped: dict[str, Any] = {name: default for name, default in settings(self.node_class) if name not in mapped}
        # hub field -> attribute name: ``explicit`` holds hub fields, messages and the writer name attributes
        self.attribute_of: dict[str, str] = {a.field: name for name, a in self.attributes.items() if name not in self.condition}
        if self.condition:
            self.attribute_of["condition"] = self.condition[0]

    def written(self, node: Node) -> tuple[str, ...]:
        """The attributes a node has explicitly (its ``explicit`` hub fields, as attribute names, in vocabulary order)."""
        explicit = node.explicit
        return tuple(name for name, a in self.attributes.items() if (a.field in explicit or (name in self.condition and "condition" in explicit)))

    def value(self, node: Node, attribute: str) -> Any:
        """The typed value of one of the node's attributes, by its VoxXML name."""
        return getattr(node, self.attributes[attribute].field)

    def parse_content(self, raw: str) -> values.Parsed:
        """Read content (memoized by its raw text, which is what the reader looks up first)."""
        hit = self.content_cache.get(raw)
        if hit is None:
            assert self.content_type is not None
            hit = self.content_type.parse(raw)
            if len(self.content_cache) > 4096:
                self.content_cache.clear()
            self.content_cache[raw] = hit
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
    version: int
    variables: tuple[str, ...]
    contexts: tuple[str, ...]
    types: dict[str, dict[str, Any]]
    elements: dict[str, ElementSpec]
    ignored_attributes: tuple[IgnoredAttributes, ...] = ()

    def __post_init__(self) -> None:
        self.by_node: dict[str, ElementSpec] = {spec.node: spec for spec in self.elements.values()}
        # The reader's attribute readings by (tag, *attributes): IVRs repeat the same tags over and
        # over. This vocabulary's own (never shared with another dialect's), and bounded by the reader.
        self.readings: dict[tuple, Any] = {}

    @property
    def verbs(self) -> tuple[str, ...]:
        return self.elements["Response"].children

    def spec_of(self, node: Node) -> ElementSpec:
        """The element a hub node is written as in this vocabulary."""
        return self.by_node[node.TAG]

    def trims(self, kind: str) -> bool:
        """Whether the reader strips the content of the element a hub node ``kind`` is read from."""
        spec = self.by_node.get(kind)
        return spec.content_trim if spec is not None else True


def _make_type(name: str, table: dict[str, Any], element: dict[str, Any], variables: tuple[str, ...] = ()) -> ValueType:
    kind = table["kind"]
    if kind == "integer":
        raise AssertionError("integers are parameterised per attribute")
    if kind == "enum":
        return values.EnumType(tuple(table["values"]), boolean=table.get("python") == "bool")
    if kind == "keywords":
        allowed = table.get("values") or element.get(table.get("values_from", ""), [])
        return values.KeywordsType(tuple(allowed), table.get("min_count", 0), table["grammar"])
    if kind == "url":
        return values.UrlType(tuple(table["schemes"]), table["example"], table.get("relative", False))
    if kind == "pattern":
        return values.PatternType(table["regex"], table["description"])
    if kind == "language":
        return values.LanguageType(table["grammar"], table["description"], variables, table.get("fast"))
    if kind == "voice":
        return values.VoiceType(table.get("provider_prefix", ""), tuple(table.get("engine_suffixes", ())))
    if kind == "say_language":
        return values.SayLanguageType()
    raise ValueError(f"unknown type kind {kind!r} for type {name!r}")


def _attribute_type(types: dict[str, Any], attribute: dict[str, Any], element: dict[str, Any]) -> ValueType:
    if attribute["type"] == "integer":
        return values.IntegerType(attribute.get("min"), attribute.get("max"), attribute.get("clamp_max"))
    return _make_type(attribute["type"], types[attribute["type"]], element)


def _typed_default(value_type: ValueType, raw: Any) -> Any:
    """Defaults are written in TOML as typed values; keyword lists become tuples."""
    if isinstance(raw, list):
        return tuple(raw)
    return raw


def grammar(folder: str = DATA_FOLDER) -> Grammar:
    """The vocabulary in ``grammar/<folder>/``, loaded once per folder (v1's by default)."""
    return _load(folder)


@cache
def _load(folder: str) -> Grammar:
    data = tomllib.loads(grammar_file(folder, "vocabulary.toml").read_text(encoding="utf-8"))
    types = data["types"]
    variables = tuple(data["variables"])
    elements: dict[str, ElementSpec] = {}
    for name, table in data["elements"].items():
        attributes: dict[str, AttributeSpec] = {}
        for attr_name, attr in table.get("attributes", {}).items():
            value_type = _attribute_type(types, attr, table)
            attributes[attr_name] = AttributeSpec(
                element=name,
                name=attr_name,
                type_name=attr["type"],
                type=value_type,
                default=_typed_default(value_type, attr.get("default")),
                required=attr.get("required", False),
                description=attr.get("description", ""),
                decision=attr.get("decision") or types.get(attr["type"], {}).get("decision"),
                field=snake(attr_name),
            )
        content = table.get("content", "none")
        elements[name] = ElementSpec(
            name=name,
            section=table["section"],
            summary=table["summary"],
            children=tuple(table.get("children", ())),
            attributes=attributes,
            content_type=None if content == "none" else _make_type(content, types[content], table, variables),
            content_type_name=content,
            content_field=table.get("content_field"),
            children_field=table.get("children_field"),
            content_required=table.get("content_required", False),
            content_trim=content != "say_text",
            callback_events=tuple(table.get("callback_events", ())),
            decision=table.get("decision"),
            contexts=tuple(table.get("contexts", data["contexts"])),
            context_note=table.get("context_note", ""),
            required=tuple(a for a, spec in attributes.items() if spec.required),
            defaults={spec.field: spec.default for spec in attributes.values()},
            node=table.get("node", name),
            condition=tuple(table.get("condition", ())),
        )
    ignored = tuple(
        IgnoredAttributes(entry["element"], tuple(entry["attributes"]), entry["when"], entry["why"])
        for entry in data.get("ignored_attributes", ())
    )
    return Grammar(data["version"], variables, tuple(data["contexts"]), types, elements, ignored)


def element(name: str) -> ElementSpec:
    return grammar().elements[name]


__all__ = ["AttributeSpec", "ElementSpec", "Grammar", "Problem", "element", "grammar", "snake"]
