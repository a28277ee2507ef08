"""Completions: element names after '<', attribute names in a start tag, values in quotes."""

from __future__ import annotations

from lsprotocol import types

from ..dialects.voxxml_v1 import voices
from ..core.catalog import rules
from ..dialects.voxxml_v1.grammar import AttributeSpec, ElementSpec, grammar
from ..core.source import SourceMap
from ..dialects.voxxml_v1.values import KeywordsType
from .context import Context, at_cursor
from .hover import attribute_markdown, default_text, element_markdown
from .positions import LineIndex

_Kind = types.CompletionItemKind


def _documentation(text: str, markdown: bool) -> types.MarkupContent | str:
    """Markdown documentation, as the client takes it (the same text, plain, if it does not take Markdown)."""
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text) if markdown else text


def complete(
    index: LineIndex, offset: int, snippets: bool = False, resource: str = "call", markdown: bool = True
) -> list[types.CompletionItem]:
    """The completion items at character offset ``offset``."""
    text = index.text
    context = at_cursor(text, offset)
    edit_range = index.range(*context.replace)
    if context.kind == "element":
        return _elements(context, edit_range, resource, markdown)
    if context.kind == "end-tag":
        if context.parent is None:
            return []
        closing = text[context.replace[1] : context.replace[1] + 1] == ">"
        label = context.parent
        return [
            types.CompletionItem(
                label=label,
                kind=_Kind.Class,
                detail=f"close <{label}>",
                text_edit=types.TextEdit(edit_range, label if closing else label + ">"),
            )
        ]
    if context.kind == "attribute":
        return _attributes(context, edit_range, snippets, _quote(text, context), markdown)
    if context.kind == "value":
        return _values(context, index, offset)
    if context.kind == "suppression":
        return [
            types.CompletionItem(
                label=rule.code,
                kind=_Kind.Constant,
                detail=f"{rule.name} ({rule.severity.value})",
                documentation=rule.summary,
                text_edit=types.TextEdit(edit_range, rule.code),
            )
            for rule in rules().values()
            if rule.code.startswith("VX")
        ]
    return []


def _elements(context: Context, edit_range: types.Range, resource: str, markdown: bool) -> list[types.CompletionItem]:
    specs = grammar().elements
    if context.parent is None:
        names: tuple[str, ...] = ("Response",)
    else:
        parent = specs.get(context.parent)
        if parent is None:
            return []
        names = parent.children
    items = []
    for position, name in enumerate(names):
        spec = specs[name]
        allowed = resource in spec.contexts
        detail = spec.summary if allowed else f"not for a {resource}: {spec.summary}"
        items.append(
            types.CompletionItem(
                label=name,
                kind=_Kind.Class,
                detail=detail,
                documentation=_documentation(element_markdown(spec), markdown),
                sort_text=f"{0 if allowed else 1}{position:02d}",
                text_edit=types.TextEdit(edit_range, name),
            )
        )
    return items


def _quote(text: str, context: Context) -> str:
    """The quote character this document uses for attribute values."""
    if context.tag is not None:
        for attribute in context.tag.attributes:
            if attribute.quote:
                return attribute.quote
    source = SourceMap(text)  # the linter's tokenizer: text content and comments are not tags
    for index in range(len(source.tags.starts)):  # up to the first element with attributes
        element = source.element(index)
        written = element.attributes(text) if element is not None else None
        if written:
            first = min(written.values(), key=lambda attribute: attribute.name_start)
            return text[first.value_start - 1]
    return '"'


def _attributes(
    context: Context, edit_range: types.Range, snippets: bool, quote: str, markdown: bool
) -> list[types.CompletionItem]:
    tag = context.tag
    spec = grammar().elements.get(tag.name) if tag is not None else None
    if spec is None or tag is None:
        return []
    start, end = context.replace
    written = {a.name for a in tag.attributes if not (a.name_start == start and a.name_end == end)}
    items = []
    for position, attribute in enumerate(spec.attributes.values()):
        if attribute.name in written:
            continue
        default = default_text(attribute)
        detail = attribute.type.describe() + (f" (default {default})" if default is not None else "")
        if attribute.required:
            detail = "required: " + detail
        if snippets:
            edit = types.TextEdit(edit_range, f"{attribute.name}={quote}$1{quote}$0")
            format_ = types.InsertTextFormat.Snippet
        else:
            edit = types.TextEdit(edit_range, attribute.name)
            format_ = types.InsertTextFormat.PlainText
        items.append(
            types.CompletionItem(
                label=attribute.name,
                kind=_Kind.Property,
                detail=detail,
                documentation=_documentation(attribute_markdown(attribute), markdown),
                sort_text=f"{0 if attribute.required else 1}{position:02d}",
                text_edit=edit,
                insert_text_format=format_,
            )
        )
    return items


def _value_spec(context: Context) -> tuple[ElementSpec, AttributeSpec] | None:
    if context.tag is None or context.attribute is None:
        return None
    element = grammar().elements.get(context.tag.name)
    if element is None:
        return None
    attribute = element.attributes.get(context.attribute.name)
    return None if attribute is None else (element, attribute)


def _values(context: Context, index: LineIndex, offset: int) -> list[types.CompletionItem]:
    found = _value_spec(context)
    if found is None:
        return []
    _, attribute = found
    choices = attribute.type.choices()
    if not choices:
        return []
    start, end = context.replace
    quote = _quote(index.text, context) if context.needs_quotes else ""
    if isinstance(attribute.type, KeywordsType):
        return _keywords(context, index, offset, choices)
    details = _details(context, attribute, choices)
    edit_range = index.range(start, end)
    items = []
    for position, value in enumerate(choices):
        detail, rank = details.get(value, (None, 1))
        items.append(
            types.CompletionItem(
                label=value,
                kind=_Kind.EnumMember,
                detail=detail,
                sort_text=f"{rank}{position:03d}",
                filter_text=value,
                text_edit=types.TextEdit(edit_range, f"{quote}{value}{quote}"),
            )
        )
    return items


def _details(context: Context, attribute: AttributeSpec, choices: tuple[str, ...]) -> dict[str, tuple[str | None, int]]:
    """A detail line per value, and a rank (0 first): a voice's language, a language's voices."""
    details: dict[str, tuple[str | None, int]] = {}
    tag = context.tag
    if attribute.type_name == "voice":
        written = tag.attribute("language") if tag is not None else None
        wanted = written.value if written is not None and written.closed else None
        for voice_id in choices:
            voice = voices.standard_voices()[voice_id]
            rank = 0 if wanted is None or wanted in voice.languages else 1
            details[voice_id] = (f"{', '.join(voice.languages)} · {voice.gender}", rank)
    elif attribute.type_name == "say_language":
        voice_attribute = tag.attribute("voice") if tag is not None else None
        chosen = (
            voice_attribute.value
            if voice_attribute is not None and voice_attribute.closed
            else attribute_default_voice(tag)
        )
        spoken = voices.standard_voices().get(chosen or "")
        for language in choices:
            speakers = voices.standard_voices_for(language)
            rank = 0 if spoken is None or language in spoken.languages else 1
            details[language] = (", ".join(speakers), rank)
    else:
        default = default_text(attribute)
        for value in choices:
            details[value] = ("default" if value == default else None, 1)
    return details


def attribute_default_voice(tag: object) -> str | None:
    element = grammar().elements.get(getattr(tag, "name", ""))
    if element is None or "voice" not in element.attributes:
        return None
    default = element.attributes["voice"].default
    return default if isinstance(default, str) else None


def _keywords(context: Context, index: LineIndex, offset: int, choices: tuple[str, ...]) -> list[types.CompletionItem]:
    """Space-separated keywords: complete the word at the cursor with a keyword not yet written."""
    text = index.text
    start, end = context.replace
    quote = _quote(text, context) if context.needs_quotes else ""
    word_start = offset
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    word_end = offset
    while word_end < end and not text[word_end].isspace():
        word_end += 1
    others = set(text[start:word_start].split()) | set(text[word_end:end].split())
    edit_range = index.range(word_start, word_end)
    items = [
        types.CompletionItem(
            label=keyword,
            kind=_Kind.EnumMember,
            sort_text=f"0{position:03d}",
            text_edit=types.TextEdit(edit_range, f"{quote}{keyword}{quote}"),
        )
        for position, keyword in enumerate(choices)
        if keyword not in others
    ]
    if 1 < len(choices) <= 3 and not others:
        everything = " ".join(choices)
        items.append(
            types.CompletionItem(
                label=everything,
                kind=_Kind.EnumMember,
                detail="all of them",
                sort_text="1000",
                filter_text=everything,
                text_edit=types.TextEdit(index.range(start, end), f"{quote}{everything}{quote}"),
            )
        )
    return items
