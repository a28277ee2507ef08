"""The language server end to end: a real LSP client talks to `python -m voxxml.lsp` over stdio.

One server process serves the whole module (each test opens its own documents).
The pure parts (positions, the cursor context on broken text) are tested directly.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types  # noqa: E402
from pygls.protocol import default_converter  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features  # noqa: E402

from voxxml.lsp.analysis import lint_text, prepare  # noqa: E402
from voxxml.lsp.context import at_cursor  # noqa: E402
from voxxml.lsp.positions import UTF8, UTF16, LineIndex  # noqa: E402

lsp = pytest.mark.asyncio(loop_scope="module")  # the tests that talk to the server share its loop

DEBOUNCE_MS = 250  # long enough that two back-to-back changes fall in one wait, even on a loaded machine
TIMEOUT = 10.0


def make_client() -> LanguageClient:
    """pytest-lsp's client, keeping every publishDiagnostics (not only the last per document)."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish})
    return client


CAPABILITIES = types.ClientCapabilities(
    general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
    text_document=types.TextDocumentClientCapabilities(
        completion=types.CompletionClientCapabilities(
            completion_item=types.ClientCompletionItemOptions(
                snippet_support=False, documentation_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText]
            )
        ),
        hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        code_action=types.CodeActionClientCapabilities(
            code_action_literal_support=types.ClientCodeActionLiteralOptions(
                code_action_kind=types.ClientCodeActionKindOptions(value_set=[types.CodeActionKind.QuickFix])
            )
        ),
        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
    ),
)


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=[sys.executable, "-m", "voxxml.lsp"], client_factory=make_client),
)
async def client(lsp_client: LanguageClient):
    result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=CAPABILITIES, initialization_options={"debounceMs": DEBOUNCE_MS})
    )
    lsp_client.initialize_result = result  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


# ------------------------------------------------------------------ helpers

_counter = 0


def uri_in(folder: Path, name: str | None = None) -> str:
    global _counter
    _counter += 1
    return (folder / (name or f"doc{_counter}.voxxml")).as_uri()


def open_document(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="voxxml", version=version, text=text)
        )
    )


def edit(client: LanguageClient, uri: str, version: int, start: types.Position, end: types.Position, text: str) -> None:
    """An incremental change: the range start..end becomes ``text``."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start, end), text=text)],
        )
    )


async def published(client: LanguageClient, uri: str, version: int | None) -> types.PublishDiagnosticsParams:
    """The publishDiagnostics for ``uri`` at ``version``, waiting for it if need be."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while True:
        for params in client.published:  # type: ignore[attr-defined]
            if params.uri == uri and params.version == version:
                return params
        if loop.time() > deadline:
            raise AssertionError(f"no diagnostics for {uri} version {version}")
        await asyncio.sleep(0.005)


def summary(diagnostics) -> list[tuple[str, int, int, int, int]]:
    return [
        (d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
        for d in diagnostics
    ]


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def cursor(text: str) -> tuple[str, types.Position]:
    """Text with a '|' marking the cursor -> the text without it and the cursor's position."""
    at = text.index("|")
    before = text[:at]
    line = before.count("\n")
    column = len(before) - (before.rfind("\n") + 1)
    return text[:at] + text[at + 1 :], pos(line, column)


def labels(result) -> list[str]:
    items = result.items if isinstance(result, types.CompletionList) else result
    return [item.label for item in items]


# A document with four problems, one of them after an astral character.
BROKEN = """<Response>
  <Gather numdigits='4' timeout='90'>
    <Say>Enter your PIN 😀 $GATHR</Say>
  </Gather>
  <say>Bye</say>
</Response>
"""


# ------------------------------------------------------------------ the server


@lsp
async def test_initialize_advertises_the_features(client: LanguageClient) -> None:
    capabilities = client.initialize_result.capabilities  # type: ignore[attr-defined]
    assert client.initialize_result.server_info.name == "voxxml"  # type: ignore[attr-defined]
    sync = capabilities.text_document_sync
    assert sync.change == types.TextDocumentSyncKind.Incremental and sync.open_close and sync.save
    assert capabilities.hover_provider
    assert "<" in capabilities.completion_provider.trigger_characters
    assert types.CodeActionKind.QuickFix in capabilities.code_action_provider.code_action_kinds
    assert capabilities.position_encoding == types.PositionEncodingKind.Utf16


@lsp
async def test_open_publishes_diagnostics_with_exact_utf16_ranges(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_in(tmp_path)
    open_document(client, uri, BROKEN)
    diagnostics = (await published(client, uri, 1)).diagnostics
    assert summary(diagnostics) == [
        ("VX005", 1, 10, 1, 19),
        ("VX008", 1, 33, 1, 35),
        ("VX011", 2, 27, 2, 33),  # after '😀': two UTF-16 code units, one character
        ("VX003", 4, 3, 4, 6),
    ]
    first = diagnostics[0]
    assert first.source == "voxxml"
    assert first.severity == types.DiagnosticSeverity.Error
    assert diagnostics[1].severity == types.DiagnosticSeverity.Warning
    assert first.message.startswith("unknown attribute 'numdigits' on <Gather>")
    assert first.message.endswith("help: did you mean 'numDigits'?")


@lsp
async def test_change_updates_diagnostics_after_the_debounce(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_in(tmp_path)
    open_document(client, uri, BROKEN)
    await published(client, uri, 1)
    # Two quick edits: 'numdigits' -> 'numDigits', then the timeout '90' -> '30'.
    for version, (line, start, end, new) in ((2, (1, 10, 19, "numDigits")), (3, (1, 33, 35, "30"))):
        edit(client, uri, version, pos(line, start), pos(line, end), new)
    diagnostics = (await published(client, uri, 3)).diagnostics
    assert summary(diagnostics) == [("VX011", 2, 27, 2, 33), ("VX003", 4, 3, 4, 6)]
    # The first edit's lint was cancelled by the second (debounce): nothing was published for version 2.
    await asyncio.sleep(DEBOUNCE_MS / 1000 * 2)
    assert [p.version for p in client.published if p.uri == uri] == [1, 3]  # type: ignore[attr-defined]


@lsp
async def test_save_publishes_at_once_and_cancels_the_pending_lint(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_in(tmp_path)
    open_document(client, uri, BROKEN)
    await published(client, uri, 1)
    edit(client, uri, 2, pos(4, 3), pos(4, 6), "Say")
    edit(client, uri, 3, pos(4, 12), pos(4, 15), "Say")
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    diagnostics = (await published(client, uri, 3)).diagnostics
    assert [d.code for d in diagnostics] == ["VX005", "VX008", "VX011"]
    await asyncio.sleep(DEBOUNCE_MS / 1000 * 2)
    assert [p.version for p in client.published if p.uri == uri] == [1, 3]  # type: ignore[attr-defined]


@lsp
async def test_whole_document_change_and_close(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_in(tmp_path)
    open_document(client, uri, BROKEN)
    await published(client, uri, 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangeWholeDocument(text="<Response><Say>Hi</Say><Hangup/></Response>")
            ],
        )
    )
    assert not (await published(client, uri, 2)).diagnostics
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    assert not (await published(client, uri, None)).diagnostics


@lsp
async def test_declared_encoding_is_linted_as_the_editor_text(client: LanguageClient, tmp_path: Path) -> None:
    """The editor holds text: 'é' stays 'é' though the declaration says ISO-8859-1, and columns after it are right."""
    uri = uri_in(tmp_path)
    text = "<?xml version='1.0' encoding='ISO-8859-1'?><response>\n  <Say>Café</Say><Pause lenght='2'/>\n</response>\n"
    open_document(client, uri, text)
    diagnostics = (await published(client, uri, 1)).diagnostics
    assert summary(diagnostics) == [("VX002", 0, 44, 0, 52), ("VX005", 1, 24, 1, 30)]


@lsp
async def test_nearest_configuration_applies(client: LanguageClient, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "flows").mkdir(parents=True)
    (project / "voxxml.toml").write_text('ignore = ["VX005"]\nseverity = { VX003 = "warning" }\n', encoding="utf-8")
    uri = uri_in(project / "flows")
    open_document(client, uri, BROKEN)
    diagnostics = (await published(client, uri, 1)).diagnostics
    assert [d.code for d in diagnostics] == ["VX008", "VX011", "VX003"]
    assert diagnostics[-1].severity == types.DiagnosticSeverity.Warning


# ------------------------------------------------------------------ hover

HOVERED = """<Response>
  <!-- voxxml: ignore VX103 the fallback is deliberate -->
  <Gather numDigits='4' input='dtmf'>
    <Say voice='Joanna'>Enter your PIN.</Say>
  </Gather>
</Response>
"""


async def hover_at(client: LanguageClient, uri: str, line: int, character: int) -> types.Hover | None:
    return await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=pos(line, character))
    )


@lsp
async def test_hover(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_in(tmp_path)
    open_document(client, uri, HOVERED)
    await published(client, uri, 1)

    element = await hover_at(client, uri, 2, 4)  # <Gather
    assert element is not None and element.contents.kind == types.MarkupKind.Markdown
    assert element.range == types.Range(pos(2, 3), pos(2, 9))
    text = element.contents.value
    assert "Plays its Say and Play children" in text
    assert "Children: `Say`, `Play`" in text
    assert "`numDigits`" in text and "`statusCallbackEvent`" in text

    attribute = await hover_at(client, uri, 2, 12)  # numDigits
    assert attribute is not None and attribute.range == types.Range(pos(2, 10), pos(2, 19))
    text = attribute.contents.value
    assert "Digits the caller must enter before input is complete." in text
    assert "an integer of at least 1" in text and "Default: `1`" in text

    enumerated = await hover_at(client, uri, 2, 24)  # input
    assert "Keywords: `dtmf`, `speech`" in enumerated.contents.value

    value = await hover_at(client, uri, 3, 18)  # 'Joanna'
    assert "Voice `Joanna`" in value.contents.value and "en-US" in value.contents.value

    code = await hover_at(client, uri, 1, 23)  # VX103 in the suppression comment
    assert code is not None and code.range == types.Range(pos(1, 22), pos(1, 27))
    assert code.contents.value.startswith("# VX103 after-redirect")

    assert await hover_at(client, uri, 3, 26) is None  # plain text


@lsp
async def test_hover_on_a_diagnostic_shows_its_rule(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_in(tmp_path)
    open_document(client, uri, BROKEN)
    await published(client, uri, 1)
    result = await hover_at(client, uri, 1, 34)  # inside the value '90'
    assert result is not None
    assert "A timeout above 60 seconds, which the platform lowers to 60." in result.contents.value
    assert "**VX008** `value-clamped`" in result.contents.value


# ------------------------------------------------------------------ completion


async def complete(client: LanguageClient, tmp_path: Path, marked: str) -> list[types.CompletionItem]:
    text, position = cursor(marked)
    uri = uri_in(tmp_path)
    open_document(client, uri, text)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    assert result is not None
    return result.items if isinstance(result, types.CompletionList) else result


VERBS = [
    "Say",
    "Play",
    "Gather",
    "Dial",
    "Number",
    "Conference",
    "Hangup",
    "If",
    "Pause",
    "Redirect",
    "Reject",
    "SetMute",
]


@lsp
async def test_completion_of_elements_after_lt(client: LanguageClient, tmp_path: Path) -> None:
    assert labels(await complete(client, tmp_path, "<Response>\n  <|")) == VERBS
    assert labels(
        await complete(client, tmp_path, "<Response>\n  <Gather input='dtmf'>\n    <|\n  </Gather>\n</Response>")
    ) == ["Say", "Play"]
    assert labels(await complete(client, tmp_path, "<Response><Dial><|</Dial></Response>")) == ["Number"]
    assert (
        labels(
            await complete(
                client, tmp_path, "<Response><If variable='$GATHER' test='EQUAL' value='1'>\n<Say>x</Say>\n<|"
            )
        )
        == VERBS
    )
    assert labels(await complete(client, tmp_path, "<|")) == ["Response"]
    # After a closed Gather the enclosing element is the Response again; the typed prefix is replaced.
    items = await complete(client, tmp_path, "<Response><Gather><Say>x</Say></Gather>\n  <Ha|")
    assert labels(items) == VERBS
    hangup = next(item for item in items if item.label == "Hangup")
    assert hangup.text_edit.range == types.Range(pos(1, 3), pos(1, 5)) and hangup.text_edit.new_text == "Hangup"


@lsp
async def test_completion_of_attribute_names(client: LanguageClient, tmp_path: Path) -> None:
    items = await complete(client, tmp_path, "<Response>\n  <Gather input='dtmf' num| timeout='5'>")
    names = labels(items)
    assert "numDigits" in names and "finishOnKey" in names
    assert "input" not in names and "timeout" not in names
    num = next(item for item in items if item.label == "numDigits")
    assert num.text_edit.range == types.Range(pos(1, 23), pos(1, 26))
    assert labels(await complete(client, tmp_path, "<Response><If |")) == ["variable", "test", "value"]
    assert labels(await complete(client, tmp_path, "<Response><Hangup |")) == []


@lsp
async def test_completion_of_attribute_values(client: LanguageClient, tmp_path: Path) -> None:
    voices = labels(await complete(client, tmp_path, "<Response><Say voice='|'>Hi</Say></Response>"))
    assert "Joanna" in voices and "Matthew" in voices
    inputs = await complete(client, tmp_path, '<Response><Gather input="|"></Gather></Response>')
    assert labels(inputs) == ["dtmf", "speech", "dtmf speech"]
    # In a keyword list, the keywords not yet written, replacing the word at the cursor.
    more = await complete(client, tmp_path, "<Response><Gather input='dtmf sp|'></Gather></Response>")
    assert labels(more) == ["speech"]
    assert more[0].text_edit.range == types.Range(pos(0, 30), pos(0, 32))
    assert labels(await complete(client, tmp_path, "<Response><If variable='$GATHER' test='|'")) == [
        "EQUAL",
        "NOTEQUAL",
    ]
    assert labels(await complete(client, tmp_path, "<Response><Conference beep='|'>room</Conference>")) == [
        "true",
        "false",
        "onEnter",
        "onExit",
    ]
    assert labels(await complete(client, tmp_path, "<Response><Redirect method='|'")) == ["GET", "POST"]
    assert labels(await complete(client, tmp_path, "<Response><Conference muted='|'")) == ["true", "false"]
    events = labels(await complete(client, tmp_path, "<Response><Dial statusCallbackEvent='|'"))
    assert events == ["queued", "ringing", "answered", "complete", "noConnect"]
    assert "en-GB" in labels(await complete(client, tmp_path, "<Response><Gather language='|'"))
    # A Say language: the languages the chosen voice speaks come first.
    languages = await complete(client, tmp_path, "<Response><Say voice='Celine' language='|'>Bonjour</Say>")
    first = min(languages, key=lambda item: item.sort_text)
    assert first.label == "fr-FR"


@lsp
async def test_completion_of_codes_in_suppression_comments(client: LanguageClient, tmp_path: Path) -> None:
    codes = labels(await complete(client, tmp_path, "<Response>\n  <!-- voxxml: ignore VX1|"))
    assert "VX103" in codes and "VX001" in codes


# ------------------------------------------------------------------ code actions


async def code_actions(client: LanguageClient, uri: str, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    return [action for action in result or [] if isinstance(action, types.CodeAction)]


def edits(action: types.CodeAction, uri: str) -> list[tuple[int, int, int, int, str]]:
    return [
        (e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.new_text)
        for e in action.edit.changes[uri]
    ]


@lsp
async def test_code_actions(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_in(tmp_path)
    open_document(client, uri, BROKEN)
    diagnostics = {d.code: d for d in (await published(client, uri, 1)).diagnostics}

    near_miss = {a.title: a for a in await code_actions(client, uri, diagnostics["VX005"])}
    rename = near_miss["Rename 'numdigits' to 'numDigits'"]
    assert rename.kind == types.CodeActionKind.QuickFix and rename.diagnostics[0].code == "VX005"
    assert edits(rename, uri) == [(1, 10, 1, 19, "numDigits")]
    ignore = near_miss["Add ignore comment for VX005"]
    assert edits(ignore, uri) == [(1, 0, 1, 0, "  <!-- voxxml: ignore VX005 reason -->\n")]
    assert edits(near_miss["Add file-ignore comment for VX005 (whole file)"], uri) == [
        (0, 0, 0, 0, "<!-- voxxml: file-ignore VX005 reason -->\n")
    ]

    case = {a.title: a for a in await code_actions(client, uri, diagnostics["VX003"])}
    fix = case["Rename <say> to <Say>"]
    assert fix.is_preferred
    assert edits(fix, uri) == [(4, 3, 4, 6, "Say"), (4, 12, 4, 15, "Say")]

    clamped = {a.title: a for a in await code_actions(client, uri, diagnostics["VX008"])}
    assert edits(clamped["Write timeout='60'"], uri) == [(1, 33, 1, 35, "60")]

    variable = {a.title: a for a in await code_actions(client, uri, diagnostics["VX011"])}
    assert edits(variable["Replace '$GATHR' with '$GATHER'"], uri) == [(2, 27, 2, 33, "$GATHER")]


@lsp
async def test_ignore_comment_joins_an_existing_one_and_silences_the_code(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = uri_in(tmp_path)
    text = (
        "<Response>\n"
        "  <!-- voxxml: ignore VX008 long menus -->\n"
        "  <Gather timeot='90' timeout='90'><Say>x</Say></Gather>\n"
        "</Response>\n"
    )
    open_document(client, uri, text)
    diagnostics = (await published(client, uri, 1)).diagnostics
    assert [d.code for d in diagnostics] == ["VX005"]
    actions = {a.title: a for a in await code_actions(client, uri, diagnostics[0])}
    assert edits(actions["Add ignore comment for VX005"], uri) == [(1, 27, 1, 27, " VX005")]


@lsp
async def test_unused_suppression_can_be_removed(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_in(tmp_path)
    text = "<Response>\n  <!-- voxxml: ignore VX103 no redirect here -->\n  <Hangup/>\n</Response>\n"
    open_document(client, uri, text)
    diagnostics = (await published(client, uri, 1)).diagnostics
    assert [d.code for d in diagnostics] == ["VX112"]
    assert list(diagnostics[0].tags) == [types.DiagnosticTag.Unnecessary]
    actions = {a.title: a for a in await code_actions(client, uri, diagnostics[0])}
    assert edits(actions["Remove the unused suppression"], uri) == [(1, 0, 2, 0, "")]
    assert "Add ignore comment for VX112" not in actions


# ------------------------------------------------------------------ pure parts


def test_positions_count_utf16_and_utf8_code_units() -> None:
    text = "a😀b\né\r\nc"
    utf16, utf8 = LineIndex(text, UTF16), LineIndex(text, UTF8)
    assert utf16.position(2) == pos(0, 3) and utf8.position(2) == pos(0, 5)
    assert utf16.offset(pos(0, 3)) == 2 and utf8.offset(pos(0, 5)) == 2
    assert utf16.offset(pos(0, 2)) == 2  # inside the surrogate pair: after the character
    assert utf16.position(5) == pos(1, 1) and utf8.position(5) == pos(1, 2)
    assert utf16.offset(pos(1, 99)) == 5  # past the end of the line: its end, before \r\n
    assert utf16.offset(pos(9, 0)) == len(text)


def test_incremental_changes_use_lsp_line_breaks_only() -> None:
    """U+2028 and form feeds do not end lines in LSP (they do for str.splitlines)."""
    index = LineIndex("<Say>a\u2028b\x0cc</Say>\n<Hangup/>\n")
    change = types.TextDocumentContentChangePartial(range=types.Range(pos(1, 1), pos(1, 7)), text="Pause")
    assert index.apply(change).text == "<Say>a\u2028b\x0cc</Say>\n<Pause/>\n"


def test_prepare_replaces_a_declared_encoding_and_maps_offsets_back() -> None:
    text = "\ufeff<?xml version='1.0' encoding='latin1'?><Response/>"
    prepared = prepare(text)
    assert prepared.text == "<?xml version='1.0' encoding='UTF-8'?><Response/>"
    root = prepared.text.index("<Response")
    assert prepared.to_editor(root) == text.index("<Response")
    assert prepare("<?xml version='1.0' encoding='utf-8'?><Response/>").value_start == -1
    assert prepare("<?xml version='1.0' encoding='bogus'?><Response/>").value_start == -1


def test_undecodable_text_is_placed_by_characters() -> None:
    """A NUL after non-ASCII text on an earlier line: the error is where the NUL is."""
    text = "<Response>\n<Say>ééé</Say>\n<Say>a\x00</Say></Response>"
    [finding] = lint_text(text, "<test>", __import__("voxxml").Settings())
    assert finding.diagnostic.code == "VX001" and text[finding.start] == "\x00"


@pytest.mark.parametrize(
    ("marked", "kind", "parent"),
    [
        ("<Response><Gather><Say>x</Say><|", "element", "Gather"),
        ("<Response><Gather><Say>x</Say></Gather><|", "element", "Response"),
        ("<Response><Gather><Say>x</Say><Pause/><|", "element", "Gather"),
        ("<Response><Gather><Say>x</Say></Gather><!-- <Dial> --><|", "element", "Response"),
        ("<Response><Gather><Say>x</Say></Gather><![CDATA[<Dial>]]><|", "element", "Response"),
        ("<Response><Say voice='a>b' |", "attribute", "Response"),
        ("<Response><Say voice='Jo|", "value", "Response"),
        ("<Response><Say voice=|", "value", "Response"),
        ("<Response><Say>Hi</|", "end-tag", "Say"),
        ("<Response><!-- voxxml: ignore VX1|", "suppression", "Response"),
        ("<Response><!-- a comment |", "comment", "Response"),
        ("<Response><Say>Hello |", "content", "Say"),
        ("<Response><Say voice='x'|", "content", "Response"),
        ("<Response></Oops><Dial><|", "element", "Dial"),
    ],
)
def test_context_on_broken_text(marked: str, kind: str, parent: str) -> None:
    at = marked.index("|")
    context = at_cursor(marked.replace("|", ""), at)
    assert (context.kind, context.parent) == (kind, parent)


def test_attribute_completion_with_snippets_uses_the_documents_quotes() -> None:
    from voxxml.lsp.completion import complete

    text = "<Response>\n  <Say voice='Joanna'>Hi</Say>\n  <Gather "
    items = complete(LineIndex(text), len(text), snippets=True)
    num = next(item for item in items if item.label == "numDigits")
    assert num.text_edit.new_text == "numDigits='$1'$0"
    assert num.insert_text_format == types.InsertTextFormat.Snippet
    plain = next(item for item in complete(LineIndex(text), len(text)) if item.label == "numDigits")
    assert plain.text_edit.new_text == "numDigits"


def test_the_documents_quotes_are_read_from_tags_not_from_comments_or_text() -> None:
    from voxxml.lsp.completion import complete

    text = "<Response><!-- a=\"b\" --><Say>x = \"y\"</Say><Pause length='1'/>\n  <Gather "
    num = next(item for item in complete(LineIndex(text), len(text), snippets=True) if item.label == "numDigits")
    assert num.text_edit.new_text == "numDigits='$1'$0"


def test_value_completion_after_an_equals_sign_adds_the_documents_quotes() -> None:
    from voxxml.lsp.completion import complete

    text = "<Response><If variable='$GATHER' test="
    items = complete(LineIndex(text), len(text))
    assert [item.text_edit.new_text for item in items] == ["'EQUAL'", "'NOTEQUAL'"]


def test_incremental_line_starts_match_a_full_rescan() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from support import examples

    pieces = st.text(alphabet="ab\r\n\u2028😀", max_size=12)

    @examples(150)
    @given(pieces, st.integers(0, 12), st.integers(0, 12), pieces)
    def check(text: str, start: int, length: int, new: str) -> None:
        start = min(start, len(text))
        end = min(start + length, len(text))
        edited = LineIndex(text).replaced(start, end, new)
        assert edited.text == text[:start] + new + text[end:]
        assert edited.starts == LineIndex(edited.text).starts

    check()


def test_crlf_text_places_diagnostics_by_lsp_lines() -> None:
    from voxxml.lsp.analysis import to_lsp

    text = "<Response>\r\n  <Gather numdigits='4'>\r\n    <Say>😀</Say>\r\n  </Gather>\r\n</Response>\r\n"
    index = LineIndex(text)
    [finding] = lint_text(text, "<test>", __import__("voxxml").Settings(), index)
    assert text[finding.start : finding.end] == "numdigits"
    assert to_lsp(finding, index).range == types.Range(pos(1, 10), pos(1, 19))


# ------------------------------------------------------------------ raw frames
# A didChange for a document never opened made the server report a KeyError, and the
# server must survive malformed frames. These talk to `voxxml server` with raw bytes,
# each read bounded by a timeout, so a hang fails the test instead of stalling it.

import json  # noqa: E402
import os  # noqa: E402
import selectors  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402


class RawServer:
    """`voxxml server` in a subprocess, spoken to in raw LSP frames."""

    def __init__(self) -> None:
        env = {**os.environ, "VOXXML_LSP_DEBOUNCE_MS": "0"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "voxxml", "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        self.buffer = b""
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]

    def send_bytes(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def _fill(self, deadline: float) -> bool:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not self.selector.select(remaining):
            return False
        chunk = os.read(self.process.stdout.fileno(), 65536)  # type: ignore[union-attr]
        if not chunk:
            return False
        self.buffer += chunk
        return True

    def receive(self, timeout: float = TIMEOUT) -> dict | None:
        """The next message, or None if none comes in time (or the server closed its output)."""
        deadline = time.monotonic() + timeout
        while True:
            head, separator, rest = self.buffer.partition(b"\r\n\r\n")
            if separator:
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
                if len(rest) >= length:
                    self.buffer = rest[length:]
                    return json.loads(rest[:length])
            if not self._fill(deadline):
                return None

    def until(self, wanted, timeout: float = TIMEOUT) -> tuple[dict | None, list[dict]]:
        """Messages until one satisfies ``wanted``: (that one or None, all received)."""
        seen = []
        deadline = time.monotonic() + timeout
        while (message := self.receive(max(0.0, deadline - time.monotonic()))) is not None:
            seen.append(message)
            if wanted(message):
                return message, seen
        return None, seen

    def initialize(self) -> None:
        self.send({"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}})
        reply, _ = self.until(lambda m: m.get("id") == 1)
        assert reply is not None and "result" in reply
        self.send({"method": "initialized", "params": {}})

    def close(self) -> int | None:
        if self.process.poll() is None:
            try:
                self.send({"id": 999, "method": "shutdown"})
                self.send({"method": "exit"})
            except (BrokenPipeError, OSError):
                pass
        try:
            return self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("the server did not exit") from None
        finally:
            self.selector.close()
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()


@pytest.fixture
def raw() -> RawServer:
    server = RawServer()
    yield server
    server.close()


def _published(uri: str):
    return lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri


def _change(uri: str, version: int, text: str) -> dict:
    return {
        "method": "textDocument/didChange",
        "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
    }


def test_change_of_a_document_never_opened_is_taken_as_an_open(raw: RawServer) -> None:
    raw.initialize()
    uri = "file:///never-opened.voxxml"
    raw.send(_change(uri, 3, "<Response><Say voice='Jonna'>Hi</Say></Response>"))
    published, seen = raw.until(_published(uri))
    assert published is not None, seen
    assert [d["code"] for d in published["params"]["diagnostics"]] == ["VX010"]
    assert not any("KeyError" in json.dumps(m) or m.get("method") == "window/showMessage" for m in seen), seen
    # an incremental change after it applies to the text it made
    raw.send(
        {
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": uri, "version": 4},
                "contentChanges": [{"range": {"start": {"line": 0, "character": 22}, "end": {"line": 0, "character": 27}}, "text": "Joanna"}],
            },
        }
    )
    published, seen = raw.until(_published(uri))
    assert published is not None and published["params"]["diagnostics"] == [], seen


@pytest.mark.parametrize(
    "frame",
    [
        b"Content-Length: 12\r\n\r\n{not json!!}",
        b"Content-Length: 2\r\n\r\n[]",
        b'Content-Length: 22\r\n\r\n{"jsonrpc": "2.0", "x"',
        b"Content-Length: nope\r\n\r\n",
        b"Content-Type: text/plain\r\n\r\n",
        b"garbage without any header at all\r\n\r\n",
    ],
    ids=["bad-json", "not-an-object", "truncated-json", "bad-length", "no-length", "no-header"],
)
def test_a_malformed_frame_is_survived_or_ends_the_server_cleanly(raw: RawServer, frame: bytes) -> None:
    raw.initialize()
    raw.send_bytes(frame)
    uri = "file:///after-garbage.voxxml"
    try:
        raw.send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "voxxml", "version": 1, "text": "<Response><Say voice='Jonna'>Hi</Say></Response>"}}})
    except (BrokenPipeError, OSError):
        pass
    published, seen = raw.until(_published(uri), timeout=TIMEOUT)
    if published is not None:  # recovered: it still serves
        assert [d["code"] for d in published["params"]["diagnostics"]] == ["VX010"]
        return
    # or it exited, promptly and cleanly (no traceback), instead of hanging
    try:
        code = raw.process.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the server neither answered nor exited after {frame!r}; saw {seen}") from None
    stderr = raw.process.stderr.read().decode(errors="replace")  # type: ignore[union-attr]
    assert "Traceback" not in stderr, stderr
    assert code is not None


def test_a_frame_longer_than_its_stream_ends_the_server_cleanly() -> None:
    server = RawServer()
    try:
        server.initialize()
        server.send_bytes(b"Content-Length: 1000\r\n\r\n{}")
        server.process.stdin.close()  # type: ignore[union-attr]
        server.process.stdin = None
        assert server.process.wait(timeout=TIMEOUT) is not None
    finally:
        if server.process.poll() is None:
            server.process.kill()
        server.close()


def test_a_frame_announcing_terabytes_ends_the_server_cleanly() -> None:
    """pygls allocated the announced length at once: a MemoryError traceback."""
    server = RawServer()
    try:
        server.initialize()
        server.send_bytes(b"Content-Length: 99999999999999\r\n\r\n{}")
        code = server.process.wait(timeout=TIMEOUT)
        stderr = server.process.stderr.read().decode(errors="replace")  # type: ignore[union-attr]
        assert "Traceback" not in stderr and "MemoryError" not in stderr, stderr
        assert code is not None
    finally:
        if server.process.poll() is None:
            server.process.kill()
        server.close()


def test_an_incremental_change_to_a_document_never_opened_applies_to_empty_text(raw: RawServer) -> None:
    raw.initialize()
    uri = "file:///never%20opened.voxxml"
    change = {"range": {"start": {"line": 3, "character": 5}, "end": {"line": 4, "character": 0}}, "text": "<Response><Say>Hi</Say></Response>"}
    raw.send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [change]}})
    published, seen = raw.until(_published(uri))
    assert published is not None and published["params"]["diagnostics"] == [], seen
    assert not any(m.get("method") == "window/showMessage" for m in seen), seen
