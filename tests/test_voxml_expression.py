"""VoXML expressions and templates: what is read, where problems point, and that printing round-trips."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voxxml.dialects.voxml.expression import UnprintableExpression, _quick, parse_expression, print_expression, read_with_grammar
from voxxml.dialects.voxml.template import VoxmlTemplate, _segments, lexed_segments, template_problems
from voxxml.hub.expressions import And, Compare, Environment, In, Literal, Or, Var, VarRef


def read(text: str):
    expr, problems = parse_expression(text)
    assert not problems, problems
    assert expr is not None
    return expr


def only_problem(text: str):
    expr, problems = parse_expression(text)
    assert len(problems) == 1, problems
    return expr, problems[0]


# ------------------------------------------------------------ what is read


@pytest.mark.parametrize(
    "text",
    [
        '${menu.digits}=="1" || ${menu.speech}=~"(power|outage)"',  # the expressions page's examples
        "1 == ${var}",
        '${var}!~"(support|pharmacy)"',
        "${menu.speech}=~'(support|sales)'",
        '${_captcha.digits}=="" && ${_captcha.speech}==""',  # the demo IVR's Do and If expressions
        '${_captcha.digits}!="" || ${_captcha.speech}!=""',
        "${do.n}==0",
    ],
)
def test_documented_and_demo_expressions_read_clean(text: str) -> None:
    read(text)


def test_structure_and_positions() -> None:
    text = '${menu.digits}=="1" || ${menu.speech}=~"(power|outage)"'
    expr = read(text)
    assert expr == Or(
        (
            Compare("==", Var("menu.digits"), Literal("1")),
            Compare("=~", Var("menu.speech"), Literal("(power|outage)")),
        )
    )
    assert isinstance(expr, Or)
    first, second = expr.operands
    assert isinstance(first, Compare) and isinstance(second, Compare)
    assert text[slice(*first.left.at)] == "${menu.digits}"
    assert text[slice(*first.right.at)] == '"1"'
    assert text[slice(*first.at)] == '${menu.digits}=="1"'
    assert text[slice(*second.right.at)] == '"(power|outage)"'
    assert expr.at == (0, len(text))


def test_and_binds_tighter_than_or() -> None:
    a, b, c = (Compare("==", Var(n), Literal("1")) for n in "abc")
    assert read('${a}=="1" && ${b}=="1" || ${c}=="1"') == Or((And((a, b)), c))
    assert read('${a}=="1" || ${b}=="1" && ${c}=="1"') == Or((a, And((b, c))))
    assert read('${a}=="1" && ${b}=="1" && ${c}=="1"') == And((a, b, c))


def test_integers_and_both_quotes_are_strings() -> None:
    assert read("${do.n}==0") == read('${do.n}=="0"') == read("${do.n}=='0'")
    assert read("'a\\d' == ${x}") == Compare("==", Literal("a\\d"), Var("x"))  # no escapes: the backslash stays
    assert read("${x}=='say \"hi\"'").right == Literal('say "hi"')


def test_demo_loop_evaluates_with_unset_variables_as_empty() -> None:
    """The demo's Do test is true before its Gather ran: only so does the loop run at all."""
    condition = read('${_captcha.digits}=="" && ${_captcha.speech}==""')
    assert Environment().holds(condition)
    assert not Environment({"_captcha.digits": "7"}).holds(condition)


def test_unquoted_pattern_is_read_with_a_warning_and_a_safe_fix() -> None:
    text = "${menu.digits}!~(1|2)"  # the <Do> docs' own example
    expr, problem = only_problem(text)
    assert expr == Compare("!~", Var("menu.digits"), Literal("(1|2)"))
    assert problem.kind == "unquoted" and problem.safe is True
    assert text[slice(*problem.sub)] == "(1|2)" and problem.replacement == "'(1|2)'"


# ------------------------------------------------------------ problems, with their offsets


@pytest.mark.parametrize(
    ("text", "at", "message"),
    [
        ("${menu.digits}", "${menu.digits}", "expected '==', '!=', '=~' or '!~' after ${menu.digits}"),
        ('${a}=="1" &&', "&&", "'&&' ends the expression"),
        ('${a}=="1" ||', "||", "'||' ends the expression"),
        ("${a}==", "==", "expected a variable such as ${menu.digits}, a quoted string or a number after '=='"),
        ('${a}="1"', "=", "'=' is not an operator; expected '==', '!=', '=~' or '!~' after ${a}"),
        ('${a}=="1', '"1', 'unterminated string: expected a closing "'),
        ("${a}=='1", "'1", "unterminated string: expected a closing '"),
        ('${menu.digits=="1"', "${menu.digits", "unbalanced '${': expected '}' after '${menu.digits'"),
        ('${a}=="1" && ${b', "${b", "unbalanced '${': expected '}' after '${b'"),
        ('${}=="1"', "${}", "'${' is followed by '}'"),
        ('${1a}=="1"', "${1a}", "'${1a}' is not a variable reference"),
        ('$GATHER=="1"', "$GATHER", "'$GATHER' is not a VoXML variable reference; expected '${GATHER}'"),
        ("${a}==yes", "yes", "found 'yes'"),
        ('${a}=="1" & ${b}=="2"', "&", "'&' is not an operator; expected '&&' or '||'"),
        ('${a}=="1" | ${b}=="2"', "|", "'|' is not an operator; expected '&&' or '||'"),
        ('(${a}=="1")', "(", "at the start, found '('"),
        ('${a}=="1")', ")", "expected '&&', '||' or the end of the expression after '\"1\"', found ')'"),
        ("${a} < 3", "<", "found '<'"),
        ('${a}=="1" ${b}=="2"', "${b}", "expected '&&', '||' or the end of the expression"),
        ('${a}=~"(ab"', "(", "is not a regular expression"),
    ],
)
def test_bad_expressions_point_at_the_fault(text: str, at: str, message: str) -> None:
    expr, problem = only_problem(text)
    assert problem.kind == "invalid"
    assert text[slice(*problem.sub)] == at
    assert message in problem.message
    if "regular expression" not in message:
        assert expr is None


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_expression(text: str) -> None:
    expr, problem = only_problem(text)
    assert expr is None and problem.sub == (0, len(text)) and "empty" in problem.message


def test_fixes_say_what_was_meant() -> None:
    assert only_problem('${a}="1"')[1].replacement == "=="
    assert only_problem("${a}=='1")[1].replacement == "'1'"
    assert only_problem('${a}==yes')[1].replacement == '"yes"'
    assert only_problem('${a}=="1" & ${b}=="2"')[1].replacement == "&&"
    assert only_problem('${menu.digits=="1"')[1].replacement == "${menu.digits}"
    for text in ('${a}="1"', "${a}==yes", '${a}=="1" & ${b}=="2"'):
        assert only_problem(text)[1].safe is False  # a guess at the meaning: never applied by --fix


def test_parentheses_explain_precedence() -> None:
    problem = only_problem('(${a}=="1" || ${b}=="2") && ${c}=="3"')[1]
    assert problem.help and "no parentheses" in problem.help


def test_long_patterns_are_reported_not_silently_never_matched() -> None:
    text = "${x}=~'" + "a" * 300 + "'"
    expr, problem = only_problem(text)
    assert expr is not None and problem.kind == "limit" and problem.sub == (6, len(text))


# ------------------------------------------------------------ printing


def test_canonical_print() -> None:
    assert print_expression(read("1 == ${var}")) == '"1"==${var}'
    assert print_expression(read("${a}=='x'  ||${b}!=\"\" &&${do.n}==0")) == '${a}=="x" || ${b}!="" && ${do.n}=="0"'
    assert print_expression(read("${x}=='say \"hi\"'")) == "${x}=='say \"hi\"'"


@pytest.mark.parametrize(
    "expr",
    [
        Var("a"),
        Literal("1"),
        In(Var("a"), ("1", "2")),
        And((Or((Compare("==", Var("a"), Literal("1")), Compare("==", Var("b"), Literal("1")))), Compare("==", Var("c"), Literal("1")))),
        And((Compare("==", Var("a"), Literal("1")),)),
        Compare("==", Var("a"), Literal("both ' and \"")),
        Compare("==", Var("not a name"), Literal("1")),
    ],
)
def test_what_voxml_cannot_write_is_an_error(expr) -> None:
    with pytest.raises(UnprintableExpression):
        print_expression(expr)


NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}(\.[A-Za-z_][A-Za-z0-9_]{0,6}){0,2}", fullmatch=True)
VALUES = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).filter(lambda v: not ('"' in v and "'" in v))
OPERANDS = st.one_of(NAMES.map(Var), VALUES.map(Literal))
COMPARES = st.builds(Compare, st.sampled_from(["==", "!=", "=~", "!~"]), OPERANDS, OPERANDS)
CONJUNCTIONS = st.one_of(COMPARES, st.lists(COMPARES, min_size=2, max_size=4).map(lambda c: And(tuple(c))))
EXPRESSIONS = st.one_of(CONJUNCTIONS, st.lists(CONJUNCTIONS, min_size=2, max_size=4).map(lambda c: Or(tuple(c))))


@given(EXPRESSIONS)
def test_print_then_parse_is_the_identity(expr) -> None:
    text = print_expression(expr)
    again, problems = parse_expression(text)
    assert again == expr, text
    assert all(p.kind != "unquoted" for p in problems)  # the printer always quotes
    assert print_expression(again) == text


def _shape(expr):
    """An expression with its positions (equality leaves ``at`` out)."""
    if isinstance(expr, (And, Or)):
        return (type(expr).__name__, expr.at, tuple(_shape(e) for e in expr.operands))
    if isinstance(expr, Compare):
        return ("Compare", expr.op, expr.at, _shape(expr.left), _shape(expr.right))
    return (type(expr).__name__, getattr(expr, "name", getattr(expr, "value", None)), expr.at)


# Texts of the quick reading's shapes and near misses: the terminals with white space between them.
_PIECES = st.sampled_from(["${a}", "${menu.digits}", "${_x.y_2}", '"1"', "''", "'a\"b'", '"x y"', "0", "12", "==", "!=", "=~", "!~", "&&", "||", " ", "\t", "\n", "${", "}", "1a", "=", "&", "|", "(", "${9}", "\x0c", "\u00a0", "\u0663"])
_WHITE = st.sampled_from(["", "", " ", "  ", "\t", "\r\n", "\x0c"])
_OPERAND_TEXTS = st.sampled_from(["${a}", "${menu.digits}", "${_x.y_2}", '"1"', "''", "'a\"b'", '"x y"', '"${a}"', "0", "12", "${9}", "1a"])
_COMPARISON_TEXTS = st.tuples(_WHITE, _OPERAND_TEXTS, _WHITE, st.sampled_from(["==", "!=", "==", "=~"]), _WHITE, _OPERAND_TEXTS).map("".join)


@st.composite
def _expression_texts(draw: st.DrawFn) -> str:
    """Comparisons joined by '&&' and '||' with white space between the terminals; now and then a piece
    inserted or the end cut off (near misses, which the quick reading must decline)."""
    parts = [draw(_COMPARISON_TEXTS)]
    for _ in range(draw(st.integers(0, 4))):
        parts += [draw(_WHITE), draw(st.sampled_from(["&&", "||"])), draw(_COMPARISON_TEXTS)]
    text = "".join(parts) + draw(_WHITE)
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(_PIECES) + text[at:]
    if draw(st.integers(0, 5)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text


_QUICK_TEXTS = _expression_texts() | st.lists(_PIECES, min_size=1, max_size=12).map("".join)


@given(_QUICK_TEXTS | st.text(alphabet=st.sampled_from(list("${}.ab_1 =!\"'&|\t\n")), max_size=40))
def test_the_quick_reading_is_the_grammars(text: str) -> None:
    """Where the quick reading takes an expression, lark reads the same one, positions included, with no
    problems; where it declines, lark alone reads the text (an error, or a pattern comparison)."""
    quick = _quick(text)
    if quick is None:
        return
    slow, problems = read_with_grammar(text)
    assert slow is not None and not problems, (text, problems)
    assert _shape(quick) == _shape(slow), text


def test_the_quick_reading_declines_patterns_and_errors() -> None:
    for text in ['${a}=~"x"', "${a}!~(1|2)", "${a}==", "${a}==1 &&", "${a}==1 ${b}==2", "(${a}==1)", "${a}\x0c==1", "\u0663==1", "${a} = 1"]:
        assert _quick(text) is None, text
    for text in ['${menu.digits}=="1"', ' ${a} == 1 || ${b}!="x" && 2==${c.d} ', "1 == ${var}", "${do.n}==0", "'a\"b'=='c'"]:
        assert _quick(text) is not None, text


@given(st.text(alphabet=st.sampled_from(list("${}.ab_1 =!~&|\"'()<>\\\n")), max_size=60) | st.text(max_size=60))
def test_parse_never_raises_and_problems_point_inside(text: str) -> None:
    expr, problems = parse_expression(text)
    assert expr is not None or problems
    for problem in problems:
        start, end = problem.sub
        assert 0 <= start <= end <= len(text)
        assert problem.message


@pytest.mark.parametrize(
    "text",
    [
        '${a}=="1" && ' * 10_000 + '${z}=="1"',  # valid and long
        "${" + "a" * 100_000,  # an unbalanced reference
        "${a}=~'" + "(a|" * 30_000,  # an unterminated pattern
        '${a}=="' + "x" * 100_000 + '"',
        "&" * 100_000,
        "$" * 100_000,
        "${a." * 25_000,
    ],
)
def test_long_input_is_linear(text: str) -> None:
    start = time.perf_counter()
    parse_expression(text)
    assert time.perf_counter() - start < 1.0


# ------------------------------------------------------------ templates


def test_template_references() -> None:
    template = VoxmlTemplate("You pressed ${menu.digits}, $5 off ${do.n}")
    assert template.segments == (
        "You pressed ",
        VarRef("menu.digits", 12, 14),
        ", $5 off ",
        VarRef("do.n", 35, 7),
    )
    assert template.reads("menu.digits") and not template.reads("menu")
    assert Environment({"menu.digits": "3"}).render(template) == "You pressed 3, $5 off "  # unset reads as ""
    assert template == "You pressed ${menu.digits}, $5 off ${do.n}"  # still the text


@pytest.mark.parametrize(
    ("text", "at", "message"),
    [
        ("Hello ${name", "${name", "expected '}' after '${name'"),
        ("Hello ${", "${", "followed by the end"),
        ("${}", "${}", "followed by '}'"),
        ("a ${1x} b", "${1x}", "is not a variable reference"),
        ("${a..b}", "${a..b}", "is not a variable reference"),
    ],
)
def test_template_problems_point_at_the_brace(text: str, at: str, message: str) -> None:
    problems = template_problems(text)
    assert len(problems) == 1
    assert text[slice(*problems[0].sub)] == at and message in problems[0].message
    assert VoxmlTemplate(text).variables == ()  # a broken reference is literal text, never a read


def test_template_without_problems() -> None:
    assert template_problems("Costs $5, ${a} and ${b.c}; $ alone") == []


@given(st.text(alphabet=st.sampled_from(list("${}.a_1 x")), max_size=40))
def test_template_segments_rebuild_the_text(text: str) -> None:
    segments = VoxmlTemplate(text).segments
    rebuilt = "".join(s if isinstance(s, str) else text[s.offset : s.offset + s.length] for s in segments)
    assert rebuilt == text
    for segment in segments:
        if isinstance(segment, VarRef):
            assert text[segment.offset : segment.offset + segment.length] == "${" + segment.name + "}"
    for problem in template_problems(text):
        assert text[problem.sub[0] : problem.sub[0] + 2] in ("${",)


@given(st.text(alphabet=st.sampled_from(list("${}.a_1 xZ\n")), max_size=60))
def test_template_segments_are_the_grammars_tokens(text: str) -> None:
    """The regex reading of a template (no lark) gives template.lark's tokens, positions included."""
    assert _segments(text) == lexed_segments(text)


@pytest.mark.parametrize("text", ["", "plain", "${a}", "${a}${b.c}", "x ${a} $5 ${ ${1} ${a.} ${a.b}}", "${a\n}${_x.Y9}\n"])
def test_template_segments_are_the_grammars_tokens_on_examples(text: str) -> None:
    assert _segments(text) == lexed_segments(text)


@pytest.mark.parametrize("text", ["${" * 50_000, "${" + "a" * 100_000, ("x ${a} " * 20_000), "${a." * 25_000 + "}"])
def test_template_scans_are_linear(text: str) -> None:
    start = time.perf_counter()
    VoxmlTemplate(text).segments
    template_problems(text)
    assert time.perf_counter() - start < 1.0


def test_a_voxml_lint_of_templates_and_comparisons_does_not_import_lark() -> None:
    """Templates are read by the REFERENCE pattern and comparisons by the quick reading: lark (its import and
    its lexer build) is left for patterns and for what does not read."""
    import subprocess
    import sys

    document = (
        '<Response><Set output="who">caller</Set><Say>Hello ${who}, $5 off</Say>'
        '<Do expression=\'${do.n}=="0" || ${menu.digits}==""\' maxLoops="2">'
        '<Gather output="menu" numDigits="1"><Say>Press ${do.n}</Say></Gather></Do>'
        '<If expression=\'${menu.digits}=="1" &amp;&amp; ${who}!=""\'><Say>One</Say></If></Response>'
    )
    probe = (
        "import sys, voxxml; found = voxxml.lint_bytes(sys.argv[1].encode(), '<probe>', dialect='voxml').diagnostics; "
        "print([d.code for d in found], 'lark' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe, document], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-1] == "False", done.stdout
