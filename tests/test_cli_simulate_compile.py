"""`voxxml simulate` and `voxxml compile --target enablex`: output, exit statuses, files."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from voxxml.targets.enablex import plan_schema

from support import ROOT, run, write

SIMPLE_IVR = str(ROOT / "examples" / "simple-ivr.voxxml")

# Say + Gather with its defaults + If + Number + Hangup: nothing EnableX has to approximate.
EXACT = """<Response>
  <Say>Welcome to Example Corp.</Say>
  <Gather><Say>For sales, press 1.</Say><Say>For support, press 2.</Say></Gather>
  <If variable='$GATHER' test='EQUAL' value='1'>
    <Number>15556667777</Number>
  </If>
  <Hangup/>
</Response>
"""
ERRORS = "<Response>\n  <Gather numdigits='4'><Say>PIN</Say></Gather>\n</Response>\n"
WARNS = "<Response><Gather timeout='90'><Say>Press 1</Say></Gather><Say>Bye</Say></Response>\n"

SIMPLE_IVR_PRESSES_2 = [
    "1. say 'Thank you for calling' (Joanna, female, en-US)",
    "2. say 'For United States support, press 1.' (Joanna, female, en-US)",
    "3. say 'For Canadian support, press 2.' (Joanna, female, en-US)",
    "4. gather -> '2'",
    "5. say 'Dialing Canadian support. Please wait.' (Joanna, female, en-US)",
    "6. pause 3 s",
    "7. dial 15556668888: answered for 30 s",
    "8. say 'Call has ended. Goodbye.' (Joanna, female, en-US)",
    "9. hangup",
]


def say(text: str) -> dict[str, object]:
    voice = {"voice": "Joanna", "gender": "female", "language": "en-US", "separate_numbers": False}
    return {"event": "say", "text": text, **voice}


def squeezed(output: str) -> list[str]:
    """Table lines with runs of spaces made single (column widths depend on the widest cell)."""
    return [" ".join(line.split()) for line in output.splitlines()]


# ---------------------------------------------------------------------- simulate


def test_simulate_simple_ivr_caller_presses_2_text() -> None:
    result = run("simulate", SIMPLE_IVR, "--input", "2", "--dial", "answered:30")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == SIMPLE_IVR_PRESSES_2
    assert result.stderr == ""


def test_simulate_simple_ivr_caller_presses_2_json() -> None:
    result = run("simulate", SIMPLE_IVR, "--input", "2", "--dial", "answered:30", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        say("Thank you for calling"),
        say("For United States support, press 1."),
        say("For Canadian support, press 2."),
        {"event": "gather", "input": "2"},
        say("Dialing Canadian support. Please wait."),
        {"event": "pause", "seconds": 3},
        {"event": "dial", "numbers": ["15556668888"], "outcome": "answered", "seconds": 30},
        say("Call has ended. Goodbye."),
        {"event": "hangup"},
    ]


def test_simulate_without_a_script_nobody_answers_and_the_menu_times_out() -> None:
    result = run("simulate", SIMPLE_IVR)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split(". ", 1)[1] for line in lines if "gather" in line] == ["gather -> no input"] * 3
    assert any(line.endswith("dial 15556667777: no-answer") for line in lines)
    assert lines[-1].endswith(". hangup")


def test_simulate_hangup_after_counts_events() -> None:
    """The three Says in one voice are one utterance; the gather is the second event."""
    result = run("simulate", SIMPLE_IVR, "--input", "2", "--hangup-after", "2")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == SIMPLE_IVR_PRESSES_2[:4] + ["5. caller-hangup"]


def test_simulate_script_file(tmp_path: Path) -> None:
    script = write(tmp_path, "caller.json", json.dumps({"inputs": ["1"], "dials": ["busy"]}))
    result = run("simulate", SIMPLE_IVR, "--script", str(script))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "4. gather -> '1'" in lines
    assert "7. dial 15556667777: busy" in lines


def test_simulate_options_add_to_the_script_lists_and_override_its_values(tmp_path: Path) -> None:
    script = {"inputs": ["none"], "dials": [], "hangup_after": 2, "redirect_fails": False}
    path = write(tmp_path, "caller.json", json.dumps(script))
    result = run("simulate", SIMPLE_IVR, "--script", str(path), "--input", "2", "--hangup-after", "20")
    assert result.exit_code == 0
    gathers = [line.split(". ", 1)[1] for line in result.stdout.splitlines() if "gather" in line]
    assert gathers == ["gather -> no input", "gather -> '2'"]  # the script's input first, then --input's
    assert "caller-hangup" not in result.stdout  # --hangup-after 20 replaced the script's 2


def test_simulate_redirect_fails_and_loop_cap(tmp_path: Path) -> None:
    text = "<Response><Redirect>https://example.com/next.xml</Redirect><Say loop='0'>Sorry</Say></Response>\n"
    doc = write(tmp_path, "r.voxxml", text)
    followed = run("simulate", str(doc))
    assert followed.stdout.splitlines() == ["1. redirect (POST) https://example.com/next.xml"]
    failed = run("simulate", str(doc), "--redirect-fails", "--loop-cap", "2")
    assert failed.exit_code == 0
    assert failed.stdout.splitlines() == [
        "1. redirect (POST) https://example.com/next.xml",
        "2. say 'Sorry' (Joanna, female, en-US)",
        "3. say 'Sorry' (Joanna, female, en-US)",
        "4. loop stopped after 2 rounds (the loop cap)",
        "5. hangup",
    ]
    assert "VX103" in failed.stderr  # warnings are shown and do not stop the simulation


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--input", "abc"], "input 'abc' is not DTMF keys (0-9, #, *); write speech:abc for speech, or none"),
        (["--dial", "answered:soon"], "dial outcome 'answered:soon': only answered takes seconds"),
        (["--dial", "voicemail"], "dial outcome 'voicemail' is not one of: answered, busy, no-answer, failed"),
    ],
)
def test_simulate_bad_caller_options_exit_2_with_a_message(args: list[str], message: str) -> None:
    result = run("simulate", SIMPLE_IVR, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("voxxml: error: ")
    assert message in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"inputs": ["1"], "hangup": 3}', "unknown key 'hangup'"),
        ('{"inputs": ["one"]}', "input 'one' is not DTMF keys"),
        ('{"hangup_after": -1}', "hangup_after must be a whole number of events"),
        ("[1, 2]", "expected a JSON object"),
        ("{not json", "Expecting property name"),
    ],
)
def test_simulate_bad_script_exits_2_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    script = write(tmp_path, "caller.json", text)
    result = run("simulate", SIMPLE_IVR, "--script", str(script))
    assert result.exit_code == 2
    assert str(script) in result.stderr and message in result.stderr


def test_simulate_missing_file_or_script_exits_2(tmp_path: Path) -> None:
    assert run("simulate", str(tmp_path / "nope.voxxml")).exit_code == 2
    result = run("simulate", SIMPLE_IVR, "--script", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "nope.json" in result.stderr


def test_simulate_document_with_errors_exits_1_without_simulating(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.voxxml", ERRORS)
    result = run("simulate", str(path), "--input", "1234")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{path}:2:11: VX005 unknown attribute 'numdigits' on <Gather>" in result.stderr
    assert result.stderr.splitlines()[-1] == "Found 1 error in 1 of 1 file."


def test_simulate_warnings_do_not_stop_it(tmp_path: Path) -> None:
    path = write(tmp_path, "warn.voxxml", WARNS)
    result = run("simulate", str(path), "--input", "1")
    assert result.exit_code == 0
    assert "VX008" in result.stderr
    assert result.stdout.splitlines() == [
        "1. say 'Press 1' (Joanna, female, en-US)",
        "2. gather -> '1'",
        "3. say 'Bye' (Joanna, female, en-US)",
        "4. hangup",
    ]


def test_simulate_uses_the_nearest_configuration(tmp_path: Path) -> None:
    path = write(tmp_path, "warn.voxxml", WARNS)
    write(tmp_path, "voxxml.toml", 'severity = { VX008 = "error" }\n')
    result = run("simulate", str(path))
    assert result.exit_code == 1 and "VX008" in result.stderr
    write(tmp_path, "voxxml.toml", "select = [\n")
    assert run("simulate", str(path)).exit_code == 2


# ----------------------------------------------------------------------- compile


HEARS_NOTHING = "<Response>\n  <Gather/>\n  <Say>$GATHER</Say>\n</Response>\n"  # EX208: the branch taken changes


def test_compile_with_an_approximation_reported_as_an_error_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "gather.voxxml", HEARS_NOTHING)
    out = tmp_path / "plan.json"
    result = run("compile", "--target", "enablex", str(path), "-o", str(out))
    assert result.exit_code == 1
    assert not out.exists()
    assert result.stdout == ""
    assert f"{path}:2:4: EX208 <Gather> without Say or Play" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Found 1 error")


def test_compile_with_an_approximation_error_to_stdout_prints_no_plan(tmp_path: Path) -> None:
    result = run("compile", "--target", "enablex", str(write(tmp_path, "gather.voxxml", HEARS_NOTHING)))
    assert result.exit_code == 1
    assert result.stdout == ""


def test_compile_simple_ivr_by_default_writes_a_valid_plan_with_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = run("compile", "--target", "enablex", SIMPLE_IVR, "-o", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert f"{SIMPLE_IVR}:4:4: EX204 <Gather> numDigits: EnableX play has no input settings" in result.stderr
    assert result.stderr.splitlines()[-1] == "Found 1 warning in 1 of 1 file."
    plan = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(plan, plan_schema())
    assert plan["format"] == "voxxml.enablex-plan" and plan["version"] == 2
    assert plan["source"] == SIMPLE_IVR
    first = plan["states"][0]
    assert first["request"]["body"] == {
        "prompt_ref": "s0",
        "text": "Thank you for calling",
        "language": "en-US",
        "voice": "female",
    }


def test_compile_exact_document_exits_0_by_default(tmp_path: Path) -> None:
    path = write(tmp_path, "exact.voxxml", EXACT)
    result = run("compile", "--target", "enablex", str(path))
    assert result.exit_code == 0
    assert result.stderr == ""
    plan = json.loads(result.stdout)
    jsonschema.validate(plan, plan_schema())
    assert result.stdout.startswith('{\n  "format": "voxxml.enablex-plan",\n')  # indent 2
    kinds = [state["kind"] for state in plan["states"]]
    assert kinds == ["play", "play", "accept", "observe", "await", "clear", "branch", "connect", "hangup"]  # one attempt: no retry
    menu = plan["states"][1]["request"]["body"]
    assert menu["text"] == "For sales, press 1. For support, press 2." and menu["dtmf"] is True


def test_compile_output_file_and_stdout(tmp_path: Path) -> None:
    path = write(tmp_path, "exact.voxxml", EXACT)
    out = tmp_path / "out" / "plan.json"
    out.parent.mkdir()
    result = run("compile", "--target", "enablex", str(path), "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    written = out.read_text(encoding="utf-8")
    assert written.endswith("}\n")
    assert json.loads(written) == json.loads(run("compile", "--target", "enablex", str(path)).stdout)
    unwritable = run("compile", "--target", "enablex", str(path), "-o", str(tmp_path / "missing" / "plan.json"))
    assert unwritable.exit_code == 2 and "missing" in unwritable.stderr


def test_compile_steps_table(tmp_path: Path) -> None:
    path = write(tmp_path, "exact.voxxml", EXACT)
    result = run("compile", "--target", "enablex", str(path), "--format", "steps")
    assert result.exit_code == 0
    lines = squeezed(result.stdout)
    assert lines[:3] == [
        "state element (line) request transitions",
        "inbound - on incomingcall: PUT {call}/accept connected -> s0",
        "outbound - POST /voice/v1/call from {cli} to {to}, action_on_connect: s0's play connected -> s0",
    ]
    assert lines[3:-2] == [
        's0 Say (2) PUT {call}/play "Welcome to Example Corp." (female, en-US) playfinished, failed -> s1',
        's1 Say (3) PUT {call}/play "For sales, press 1. For support, pres..." (female, en-US) +dtmf digitcollected -> s2',
        "menutimeout, failed -> s3",
        "playfinished -> s4",
        's2 Gather (3) accept dtmf (numDigits 1, finishOnKey "#") input -> s6',
        "no input -> s3",
        "s3 Gather (3) observe: gather -> no input -> s5",
        "s4 Gather (3) await s1's input after its prompt, up to 30 s (timeout) digitcollected -> s2",
        "menutimeout, failed -> s3",
        "timer -> s3",
        "s5 Gather (3) clear $GATHER (no input) -> s6",
        's6 If (4) branch $GATHER in ["1"] -> s7 else s8',
        "s7 Number (5) PUT {call}/connect from {cli} to 15556667777 bridge_disconnected, failed -> s8",
        "s8 Hangup (7) DELETE {call} -> end",
    ]
    assert lines[-1] == (
        "{call} = /voice/v1/call/{voice_id}; from any state, the caller's disconnected event ends the call."
    )


def test_compile_steps_of_the_simple_ivr_with_waits_and_retries() -> None:
    result = run("compile", "--target", "enablex", SIMPLE_IVR, "--format", "steps")
    assert result.exit_code == 0
    lines = squeezed(result.stdout)
    assert "s10 Say (9) wait 3 s timer -> s11" in lines
    assert "s5 Gather (4) wait 5 s timer -> s1" in lines  # repeatDelay before a repeat only
    assert "s6 Gather (4) retry: up to 3 rounds again -> s5" in lines
    assert "s7 Gather (4) clear $GATHER (no input) -> s8" in lines


def test_compile_steps_of_reject_redirect_and_loop_cap(tmp_path: Path) -> None:
    path = write(tmp_path, "r.voxxml", "<Response><Reject/></Response>\n")
    steps = ("compile", "--target", "enablex", "--allow-approximate", "--format", "steps")
    lines = squeezed(run(*steps, str(path)).stdout)
    assert "inbound - on incomingcall: no accept incomingcall -> s0" in lines
    assert "s0 Reject (1) DELETE {call} (reject: the call is never accepted) -> end" in lines
    assert "outbound - POST /voice/v1/call from {cli} to {to} connected -> s1" in lines
    assert "s1 Reject (1) DELETE {call} -> end" in lines
    redirect = "<Redirect>https://example.com/n.xml</Redirect><Play loop='0'>https://example.com/a.wav</Play>"
    path = write(tmp_path, "d.voxxml", f"<Response>{redirect}</Response>\n")
    result = run(*steps, str(path), "--loop-cap", "2")
    assert result.exit_code == 0
    lines = squeezed(result.stdout)
    assert "s0 Redirect (1) redirect POST https://example.com/n.xml fetched -> end" in lines
    assert "fetch failed -> s1" in lines
    plays = [line for line in lines if "PUT {call}/play https://example.com/a.wav" in line]
    assert len(plays) == 1  # a counted loop, not unrolled
    assert "s2 Play (1) retry: up to 2 rounds again -> s1" in lines
    assert any(line.endswith("observe: loop stopped after 2 rounds (the loop cap) -> s4") for line in lines)
    assert "EX206" in result.stderr and "EX207" in result.stderr


def test_compile_document_with_errors_exits_1(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.voxxml", ERRORS)
    out = tmp_path / "plan.json"
    result = run("compile", "--target", "enablex", str(path), "-o", str(out), "--allow-approximate")
    assert result.exit_code == 1
    assert not out.exists() and result.stdout == ""
    assert "VX005" in result.stderr


def test_loop_cap_default_is_the_simulators() -> None:
    from voxxml.cli.commands import LOOP_CAP
    from voxxml.runtime.simulator import DEFAULT_LOOP_CAP

    assert LOOP_CAP == DEFAULT_LOOP_CAP
    assert "default: 10;" in run("simulate", "--help").stdout


def test_compile_target_is_required_and_only_enablex() -> None:
    unknown = run("compile", "--target", "twilio", SIMPLE_IVR)
    assert unknown.exit_code == 2
    assert "Invalid value for '--target'" in unknown.stderr
    assert run("compile", SIMPLE_IVR).exit_code == 2
    assert run("compile", "--target", "enablex", SIMPLE_IVR, "--format", "yaml").exit_code == 2
    assert run("compile", "--target", "enablex", SIMPLE_IVR, "--loop-cap", "0").exit_code == 2
