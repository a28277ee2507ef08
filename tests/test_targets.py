"""Targets: the registry (voxxml/targets/__init__.py), EX214 for a verb without a lowering, and
the typed plan (voxxml/targets/enablex/plan.py) against plan.schema.json."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from voxxml.ast import Hangup, Pause, Response, Say, Verb
from voxxml.runtime.caller import CallerScript
from voxxml.core.catalog import Severity
from voxxml.cli import main
from voxxml.runtime.simulator import simulate
from voxxml.targets import Compilation, Target, UnknownTarget, get_target, register, summaries, targets, unregister
from voxxml.targets.enablex import compile_document, plan_schema
from voxxml.targets.enablex import compiler as enablex_compiler
from voxxml.targets.enablex import plan as typed
from voxxml.runtime.trace import comparable

import support
from enablex_mock import run_plan, validate_plan

HOLD = "<Response>\n  <Say>Please hold.</Say>\n  <Pause length='2'/>\n  <Say>Thank you.</Say>\n</Response>\n"

# --------------------------------------------------------------------------- the registry


def test_enablex_is_registered_and_loads_as_a_target() -> None:
    assert "enablex" in targets()
    assert summaries()["enablex"] == "EnableX Core Voice"
    target = get_target("enablex")
    assert isinstance(target, Target)
    assert target.name == "enablex" and target.formats[0] == "json"
    assert set(target.codes) == {f"EX{n}" for n in range(201, 215)}
    assert get_target("enablex") is target  # loaded once


def test_the_target_compiles_as_compile_document_does() -> None:
    document = support.parsed(HOLD)
    via_target = get_target("enablex").compile(document, "hold.voxxml", loop_cap=3, base_url="https://x.example/")
    direct = compile_document(document, "hold.voxxml", 3, "https://x.example/")
    assert isinstance(via_target, Compilation)
    assert via_target.plan == direct.plan and via_target.diagnostics == direct.diagnostics
    with pytest.raises(TypeError, match="no option colour; its options: loop_cap, base_url"):
        get_target("enablex").compile(document, "hold.voxxml", colour="red")


def test_the_target_renders_its_formats() -> None:
    target = get_target("enablex")
    plan = target.compile(support.parsed(HOLD), "hold.voxxml").plan
    assert target.render(plan, "json").startswith('{\n  "format": "voxxml.enablex-plan"')
    assert target.render(plan, "steps").splitlines()[0].split() == ["state", "element", "(line)", "request", "transitions"]
    with pytest.raises(ValueError, match="unknown output format 'xml'; the enablex formats are: json, steps"):
        target.render(plan, "xml")


def test_an_unknown_target_names_the_registered_ones() -> None:
    with pytest.raises(UnknownTarget, match=r"unknown target 'twilio'; the targets are: enablex"):
        get_target("twilio")


class _Echo:
    """A fake target: its plan is the document's verb names."""

    name = "echo"
    summary = "a test target"
    codes: tuple[str, ...] = ()
    formats = ("text",)

    def compile(self, document: Response, source_name: str, **options: Any) -> Compilation[list[str]]:
        return Compilation([verb.TAG for verb in document.verbs])

    def render(self, plan: list[str], output_format: str) -> str:
        return " ".join(plan)


def test_a_registered_target_is_listed_and_found() -> None:
    register("echo", _Echo(), "a test target")
    try:
        assert targets() == ("echo", "enablex")
        assert get_target("echo").compile(support.parsed(HOLD), "x").plan == ["Say", "Pause", "Say"]
        with pytest.raises(ValueError, match="already registered"):
            register("echo", _Echo(), "again")
    finally:
        unregister("echo")
    assert targets() == ("enablex",)


def test_a_path_that_is_not_a_target_is_refused_when_loaded() -> None:
    register("bogus", "voxxml.targets:targets", "not a target")
    try:
        with pytest.raises(TypeError, match="voxxml.targets:targets is not a Target named 'bogus'"):
            get_target("bogus")
    finally:
        unregister("bogus")


def test_compile_offers_the_registered_targets() -> None:
    import click

    command = main.get_command(click.Context(main), "compile")  # loaded on demand (cli/commands.LazyGroup)
    assert command is not None
    option = next(p for p in command.params if p.name == "target")
    assert list(option.type.choices) == list(targets())
    result = CliRunner().invoke(main, ["compile", "--help"])
    assert "enablex (EnableX Core Voice)" in " ".join(result.output.split())


def test_lint_imports_no_target(tmp_path) -> None:
    """Listing the targets imports none: linting never loads a compiler."""
    path = support.write(tmp_path, "hold.voxxml", HOLD)
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from voxxml.cli import main\n"
        f"result = CliRunner().invoke(main, ['lint', {str(path)!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in sys.modules if m.startswith('voxxml.targets.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- EX214: no lowering


@dataclass(eq=True, slots=True)
class Record(Verb):
    """A verb of some future dialect: it has no EnableX lowering."""

    TAG: ClassVar[str] = "Record"  # a hub class needs no dialect's element spec


def test_a_verb_without_a_lowering_is_ex214_not_a_key_error() -> None:
    document = Response(verbs=[Say(text="Leave a message."), Record(), Hangup()])
    compilation = compile_document(document)
    assert [d.code for d in compilation.diagnostics] == ["EX214"]
    diagnostic = compilation.diagnostics[0]
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.message.startswith("<Record> has no lowering to EnableX; the plan skips it.")
    # The valid choices: every element EnableX lowers.
    assert "Answer, Conference, Dial, Gather, Hangup, If, Loop, Number, Pause, Play, Redirect, Reject, Say, Set, SetMute, Unset" in diagnostic.message
    validate_plan(compilation.plan)
    assert [s["element"] for s in compilation.plan["states"]] == ["Say", "Hangup"]


def test_a_prompt_or_number_without_a_lowering_is_ex214_and_the_rest_still_runs() -> None:
    from voxxml.ast import Dial, Gather, Number

    document = Response(verbs=[Gather([Say(text="Press 1."), Record()]), Dial([Record(), Number("15556667777")])])  # type: ignore[list-item]
    compilation = compile_document(document)
    messages = [(d.code, d.message) for d in compilation.diagnostics]
    assert messages == [
        ("EX214", "<Record> in a <Gather> has no lowering to EnableX; the plan skips it. The elements EnableX lowers in a <Gather>: Say, Play"),
        ("EX214", "<Record> in a <Dial> has no lowering to EnableX; the plan skips it. The elements EnableX lowers in a <Dial>: Number"),
    ]
    validate_plan(compilation.plan)
    plays = [s for s in compilation.plan["states"] if s["kind"] == "play"]
    assert [p["request"]["body"].get("dtmf") for p in plays] == [True]  # the Say listens, as the last prompt
    assert [s["request"]["body"]["to"] for s in compilation.plan["states"] if s["kind"] == "connect"] == ["15556667777"]


def test_ex214_is_reported_once_per_element_at_its_name_and_the_rest_still_runs() -> None:
    nested = "  <If variable='$GATHER' test='NOTEQUAL' value='9'><Pause/></If>\n"
    document = support.parsed(HOLD.replace("</Response>", nested + "</Response>"))
    lowerings = {cls: lower for cls, lower in enablex_compiler.LOWERINGS.items() if cls is not Pause}
    compilation = compile_document(document, lowerings=lowerings)
    spans = [(d.code, d.span.line, d.span.column, d.span.end_column) for d in compilation.diagnostics]
    column = nested.index("<Pause") + 2  # the name, just after the '<'
    assert spans == [("EX214", 3, 4, 9), ("EX214", 5, column, column + 5)]
    validate_plan(compilation.plan)
    # The plan runs what the target lowers: the document without its Pauses.
    without = support.parsed(HOLD.replace("  <Pause length='2'/>\n", ""))
    script = CallerScript()
    assert comparable(run_plan(compilation.plan, script)) == comparable(simulate(without, script).trace)


def test_compile_reports_ex214_as_an_error_and_writes_no_plan(tmp_path, monkeypatch) -> None:
    path = support.write(tmp_path, "hold.voxxml", HOLD)
    monkeypatch.delitem(enablex_compiler.LOWERINGS, Pause)
    refused = CliRunner().invoke(main, ["compile", "--target", "enablex", str(path)])
    assert refused.exit_code == 1
    assert "EX214" in refused.stderr and "<Pause> has no lowering to EnableX" in refused.stderr
    assert refused.stdout == ""
    allowed = CliRunner().invoke(main, ["compile", "--target", "enablex", "--allow-approximate", str(path)])
    assert allowed.exit_code == 0 and "EX214" in allowed.stderr
    assert '"kind": "wait"' not in allowed.stdout and '"element": "Say"' in allowed.stdout


# --------------------------------------------------------------------------- the typed plan


def _keys(schema: dict[str, Any]) -> tuple[set[str], set[str]]:
    """An object schema's required properties, and its optional ones."""
    required = set(schema.get("required", ()))
    return required, set(schema.get("properties", {})) - required


def _typed_keys(cls: Any) -> tuple[set[str], set[str]]:
    return set(cls.__required_keys__), set(cls.__optional_keys__)


def test_every_state_type_has_the_schema_fields_of_its_kind() -> None:
    defs = plan_schema()["$defs"]
    base_required, base_optional = _keys(defs["base"])
    by_kind = {cls.__annotations__["kind"].__args__[0]: cls for cls in typed.STATE_TYPES}
    variants = defs["state"]["oneOf"]
    assert len(by_kind) == len(typed.STATE_TYPES) == len(variants)
    for variant in variants:
        kind = variant["properties"]["kind"]["const"]
        required, optional = _keys(variant)
        assert _typed_keys(by_kind[kind]) == (base_required | required | {"kind"}, (base_optional | optional) - {"kind"}), kind


def test_the_plan_entry_request_and_span_types_match_the_schema() -> None:
    schema = plan_schema()
    entries = schema["properties"]["entries"]
    defs = schema["$defs"]
    pairs = [
        (typed.Plan, schema),
        (typed.Entries, entries),
        (typed.InboundEntry, entries["properties"]["inbound"]),
        (typed.OutboundEntry, entries["properties"]["outbound"]),
        (typed.Request, defs["request"]),
        (typed.SpanDict, defs["span"]["oneOf"][1]),
    ]
    for cls, part in pairs:
        assert _typed_keys(cls) == _keys(part), cls.__name__


@pytest.mark.parametrize("path", support.EXAMPLES, ids=lambda p: p.name)
def test_compiled_plans_have_the_typed_fields_and_validate(path) -> None:
    plan = compile_document(support.parsed(path.read_text(encoding="utf-8")), path.name).plan
    validate_plan(plan)
    by_kind = {cls.__annotations__["kind"].__args__[0]: cls for cls in typed.STATE_TYPES}
    assert set(plan) == set(typed.Plan.__required_keys__)
    for state in plan["states"]:
        required, optional = _typed_keys(by_kind[state["kind"]])
        assert required <= set(state) <= required | optional, state
