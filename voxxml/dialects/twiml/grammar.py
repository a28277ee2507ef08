"""The TwiML vocabulary and its profiles, loaded by the shared loader with TwiML's type kinds.

A profile (``grammar/twiml/profiles/<name>.toml``) states only what TeXML or cXML change; ``merge_profile``
applies it to the base (the rules are grammar/twiml/README.md's 'Profiles'). The merged data is then
mapped onto the hub (``_for_hub``): the hub classes several elements read into (Endpoint, Property,
Opaque, Ssml) name their element in ``kind`` and hold their text and children in fixed fields.
Each vocabulary is loaded once per name and cached (never in a module global another dialect shares).
"""

from __future__ import annotations

import copy
from dataclasses import MISSING, fields
from functools import cache
from typing import Any

from ...core.datacache import load_toml
from ...core.resources import grammar_file
from ...hub.nodes import NODE_CLASSES
from ..common import values as common
from ..common.vocabulary import Grammar, build_vocabulary
from . import DATA_FOLDER, values

PROFILES = ("texml", "cxml")

# The hub fields the kinds that several elements read into keep their text and children in.
_CONTENT_FIELD = {"Endpoint": "address", "Property": "value", "Opaque": "text", "Ssml": "text"}
_CHILDREN_FIELD = {"Endpoint": "parts", "Property": "parts", "Opaque": "parts"}  # Ssml: mixed, see reader

# Attributes whose default is a description, not a value, but whose hub field needs a value of its type.
# Gather numDigits: 'unlimited' (input ends on finishOnKey or timeout): a count no caller reaches.
# Gather and Record action: 'the current document's URL': the empty relative reference, which resolves
# to the document's own URL (RFC 3986), so the hub's fetch goes where Twilio's would.
UNLIMITED_DIGITS = 4096
HUB_DEFAULTS: dict[tuple[str, str], Any] = {
    ("Gather", "numDigits"): UNLIMITED_DIGITS,
    ("Gather", "action"): "",
    ("Record", "action"): "",
}


def base_data() -> dict[str, Any]:
    return load_toml(grammar_file(DATA_FOLDER, "vocabulary.toml"))


def profile_data(name: str) -> dict[str, Any]:
    return load_toml(grammar_file(DATA_FOLDER, f"profiles/{name}.toml"))


def merge_profile(vocabulary: dict[str, Any], profile: dict[str, Any]) -> dict[str, Any]:
    """The base with a profile's changes applied (grammar/twiml/README.md, 'Profiles'); the inputs are not changed.

    - ``types.X``: replaces or adds the whole type table.
    - ``remove_elements``: deletes the elements and every mention of them in ``children`` and
      ``meaningful_parents``; the merged data lists them in ``removed_elements`` with the reason.
    - ``remove_attributes``: deletes attributes of an element.
    - ``elements.X`` of a new element: the whole definition. Of an existing one: its keys replace the
      base's, except ``attributes`` (merged attribute by attribute, key by key), ``add_children``,
      ``remove_children``, and ``unset`` (keys to delete, on an element or an attribute).
    - ``undocumented_attributes`` is carried into the result for the checks.
    """
    merged = copy.deepcopy(vocabulary)
    merged["dialect"] = profile["profile"]
    merged["profile_of"] = profile["base"]
    merged["reference"] = profile["reference"]
    merged["types"].update(copy.deepcopy(profile.get("types", {})))
    removed: dict[str, str] = {}
    for entry in profile.get("remove_elements", ()):
        for name in entry["names"]:
            removed[name] = entry["why"]
    for name in removed:
        merged["elements"].pop(name, None)
    for element in merged["elements"].values():
        element["children"] = [child for child in element["children"] if child not in removed]
        if "meaningful_parents" in element:
            element["meaningful_parents"] = [p for p in element["meaningful_parents"] if p not in removed]
    for entry in profile.get("remove_attributes", ()):
        attributes = merged["elements"][entry["element"]].get("attributes", {})
        for name in entry["attributes"]:
            del attributes[name]
    for name, override in profile.get("elements", {}).items():
        override = copy.deepcopy(override)
        if name not in merged["elements"]:
            merged["elements"][name] = override
            continue
        target = merged["elements"][name]
        for key in override.pop("unset", ()):
            target.pop(key, None)
        dropped = set(override.pop("remove_children", ()))
        target["children"] = [c for c in target["children"] if c not in dropped]
        target["children"] += [c for c in override.pop("add_children", ()) if c not in target["children"]]
        for attr_name, attr_override in override.pop("attributes", {}).items():
            attributes = target.setdefault("attributes", {})
            current = attributes.setdefault(attr_name, {})
            for key in attr_override.pop("unset", ()):
                current.pop(key, None)
            current.update(attr_override)
        target.update(override)
    if removed:
        merged["removed_elements"] = removed
    if profile.get("undocumented_attributes"):
        merged["undocumented_attributes"] = copy.deepcopy(profile["undocumented_attributes"])
    return merged


def data(name: str = "twiml") -> dict[str, Any]:
    """The vocabulary's data as written (the base, or the base merged with a profile): a fresh copy."""
    if name == "twiml":
        return base_data()
    if name not in PROFILES:
        raise ValueError(f"unknown TwiML profile {name!r}; profiles: {', '.join(PROFILES)}")
    return merge_profile(base_data(), profile_data(name))


def _for_hub(vocabulary: dict[str, Any]) -> dict[str, Any]:
    """The hub's fields for the kinds several elements read into, and the hub values of described defaults."""
    for name, table in vocabulary["elements"].items():
        kind = table["node"]
        if kind in _CONTENT_FIELD and table.get("content", "none") != "none":
            table["content_field"] = _CONTENT_FIELD[kind]
        if kind in _CHILDREN_FIELD and table.get("children"):
            table["children_field"] = _CHILDREN_FIELD[kind]
        for attr_name, attribute in table.get("attributes", {}).items():
            hub = HUB_DEFAULTS.get((name, attr_name))
            if hub is not None:
                attribute["default"] = hub
    return vocabulary


def _make_type(name: str, table: dict[str, Any], element: dict[str, Any], variables: tuple[str, ...] = (), attribute: Any = None) -> common.ValueType:
    kind = table["kind"]
    if kind == "enum" and table.get("open"):
        return values.OpenEnumType(tuple(table["values"]))
    shared = common.shared_type(name, table, DATA_FOLDER)
    if shared is not None:
        return shared
    if kind == "text":
        if attribute is None and element.get("node") == "Say":  # Say text is a hub Template (no references in TwiML)
            return values.SayTextType(table.get("min_length"), table.get("max_length"))
        return values.TextType(table.get("min_length"), table.get("max_length"), table.get("description"))
    if kind == "qualified_voice":
        return values.TwimlVoiceType(dict(table.get("providers", {})), tuple(table.get("builtin", ())))
    raise ValueError(f"unknown type kind {kind!r} for type {name!r}")


def grammar(folder: str = DATA_FOLDER) -> Grammar:
    """A TwiML vocabulary by its dialect's key: ``twiml``, or ``twiml:texml`` / ``twiml:cxml`` for a profile."""
    return _load(folder)


@cache
def _load(key: str) -> Grammar:
    _, _, profile = key.partition(":")
    merged = _for_hub(data(profile or "twiml"))
    vocabulary = build_vocabulary(merged, _make_type, lambda content: True)
    vocabulary.dialect = merged["dialect"]  # type: ignore[attr-defined]
    vocabulary.removed_elements = dict(merged.get("removed_elements", {}))  # type: ignore[attr-defined]
    # Its attributes without a hub field (machineDetection, hints, sequential...) change what the call does:
    # a target that drops them says so (EnableX: EX214).
    vocabulary.extras_change_the_call = True  # type: ignore[attr-defined]
    for name, spec in vocabulary.elements.items():
        table = merged["elements"][name]
        spec.mixed = bool(table.get("mixed"))  # type: ignore[attr-defined]
        spec.status = table.get("status")  # type: ignore[attr-defined]  # legacy, retired (TW004)
        spec.meaningful_parents = tuple(table.get("meaningful_parents", ()))  # type: ignore[attr-defined]  # TW005
        cls = NODE_CLASSES[spec.node]
        if "kind" in {f.name for f in fields(cls)}:
            spec.unmapped["kind"] = name
            if spec.node == "Opaque":
                spec.unmapped["flow"] = table.get("flow", "next")
            # Content and children fields the element does not have, and the children of an element whose text
            # may come alone (a Client's identity): their hub defaults.
            for f in fields(cls):
                if f.name in cls.CONTENT and f.name not in ("kind", "flow") and f.name != spec.content_field:
                    spec.unmapped[f.name] = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
        if spec.node == "Gather":
            spec.unmapped["output"] = None  # TwiML has no variables: input leaves by the action URL
    return vocabulary


__all__ = ["HUB_DEFAULTS", "PROFILES", "UNLIMITED_DIGITS", "data", "grammar", "merge_profile"]
