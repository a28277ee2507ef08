"""Hover text: elements and attributes from the grammar, rule pages from rules/."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..dialects.voxxml_v1 import voices
from ..core.catalog import rules
from ..dialects.voxxml_v1.grammar import AttributeSpec, ElementSpec, grammar
from ..dialects.voxxml_v1.values import KeywordsType
from .analysis import Finding
from .context import Target, target_at

_LISTED = 64  # values listed in full (every Standard voice); longer lists are cut


def code_list(names: Sequence[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def default_text(spec: AttributeSpec) -> str | None:
    value: Any = spec.default
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return " ".join(value) if value else "(none)"
    if value == "":
        return "(empty)"
    return str(value)


def values_of(spec: AttributeSpec) -> tuple[str, ...]:
    return spec.type.choices()


def element_markdown(spec: ElementSpec) -> str:
    lines = [f"**`<{spec.name}>`** — {spec.summary}", ""]
    if spec.children:
        lines.append(f"Children: {code_list(spec.children)}")
    elif spec.content_type is not None:
        required = "required" if spec.content_required else "optional"
        lines.append(f"Content ({required}): {spec.content_type.describe()}")
    else:
        lines.append("Children: none (write it empty, e.g. " + f"`<{spec.name}/>`)")
    if spec.attributes:
        lines += ["", "Attributes:", ""]
        for attribute in spec.attributes.values():
            default = default_text(attribute)
            facts = [attribute.type.describe()]
            if attribute.required:
                facts.append("required")
            elif default is not None:
                facts.append(f"default `{default}`")
            lines.append(f"- `{attribute.name}` ({'; '.join(facts)}): {attribute.description}")
    else:
        lines += ["", "Attributes: none"]
    if spec.callback_events:
        lines += ["", f"Callback events: {code_list(spec.callback_events)}"]
    contexts = grammar().contexts
    if spec.contexts and tuple(spec.contexts) != tuple(contexts):
        lines += ["", f"Allowed when the VoxXML is sent to: {', '.join(spec.contexts)}"]
    lines += ["", f"Reference: {spec.section}"]
    return "\n".join(lines)


def attribute_markdown(spec: AttributeSpec, value: str | None = None) -> str:
    lines = [f"**`{spec.name}`** on `<{spec.element}>`" + (" (required)" if spec.required else ""), ""]
    if spec.description:
        lines += [spec.description, ""]
    lines.append(f"Type: {spec.type.describe()}")
    default = default_text(spec)
    if default is not None:
        lines.append(f"\nDefault: `{default}`")
    choices = values_of(spec)
    if choices:
        shown = code_list(choices[:_LISTED]) + (f", … ({len(choices)} in all)" if len(choices) > _LISTED else "")
        label = "Keywords" if isinstance(spec.type, KeywordsType) else "Values"
        lines.append(f"\n{label}: {shown}")
    if spec.decision:
        lines.append(f"\nNote: {spec.decision}")
    if value:
        extra = value_markdown(spec, value)
        if extra:
            lines += ["", "---", "", extra]
    return "\n".join(lines)


def value_markdown(spec: AttributeSpec, value: str) -> str | None:
    """What a written value means, where there is more to say than the attribute's description."""
    if spec.type_name == "voice":
        voice = voices.voices().get(value)
        if voice is None:
            return None
        kind = "Standard" if voice.standard else "Neural only (not usable in VoxXML)"
        spoken = ", ".join(voice.languages)
        return f"Voice `{voice.id}` ({voice.name}): {voice.gender}, {kind}; speaks {spoken}"
    if spec.type_name == "say_language":
        speakers = voices.standard_voices_for(value)
        if not speakers:
            return None
        return f"Standard voices for `{value}`: {code_list(speakers)}"
    return None


def rule_markdown(code: str) -> str | None:
    rule = rules().get(code)
    return None if rule is None else rule.body.strip()


def findings_markdown(findings: Sequence[Finding]) -> str | None:
    """The rules behind the diagnostics at a position, one line each, then the edits they
    offer (their fix and suggestion data: the same the code actions apply)."""
    seen: dict[str, str] = {}
    offers: dict[str, None] = {}
    for finding in findings:
        diagnostic = finding.diagnostic
        rule = rules().get(diagnostic.code)
        if rule is not None and rule.code not in seen:
            seen[rule.code] = f"**{rule.code}** `{rule.name}` ({rule.severity.value}): {rule.summary}"
        if diagnostic.fix is not None and finding.edits:
            offers[f"- `{diagnostic.fix.title}` ({'safe fix' if diagnostic.fix.safe else 'unsafe fix'})"] = None
        if diagnostic.suggestion is not None and finding.suggested:
            offers[f"- `{diagnostic.suggestion.title}` (suggestion)"] = None
    if offers:
        seen["quick fixes"] = "Quick fixes:\n\n" + "\n".join(offers)
    return "\n\n".join(seen.values()) or None


def hover(text: str, offset: int, findings: Sequence[Finding] = ()) -> tuple[str, tuple[int, int]] | None:
    """Markdown for the thing at ``offset`` and the range it covers, or None."""
    target = target_at(text, offset)
    here = [f for f in findings if f.start <= offset <= f.end and (f.start < f.end or f.start == offset)]
    body = _target_markdown(target) if target is not None else None
    rules_text = findings_markdown(here)
    if body is None and rules_text is None:
        return None
    if body is None:
        start = min(f.start for f in here)
        end = max(f.end for f in here)
        return rules_text, (start, end)  # type: ignore[return-value]
    assert target is not None
    if rules_text is not None and target.kind != "code":
        body = f"{body}\n\n---\n\n{rules_text}"
    return body, (target.start, target.end)


def _target_markdown(target: Target) -> str | None:
    if target.kind == "code":
        return rule_markdown(target.code)
    spec = grammar().elements.get(target.element)
    if spec is None:
        return None
    if target.kind == "element":
        return element_markdown(spec)
    attribute = spec.attributes.get(target.attribute)
    if attribute is None:
        return None
    return attribute_markdown(attribute, target.value if target.kind == "value" else None)
