"""Call-flow drawings (voxxml/export/graph.py): golden outputs, escaping, exits, structure.

The Mermaid output is checked with a small parser (every line a node or an edge
between defined nodes, labels quoted and escaped); the DOT output with a small
parser too, and by Graphviz when ``dot`` is installed (the labels it draws must be
the labels meant).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from lxml import etree

import strategies as vs
import voxxml
from voxxml.ast import Conference, Dial, Gather, Hangup, If, Number, Pause, Play, Redirect, Reject, Response, Say, SetMute
from voxxml.export import export_graph
from voxxml.export.graph import diagram
from voxxml.analysis import build

from support import ALL_EXAMPLES, ROOT, examples, gather_in

DOT = shutil.which("dot")


def document_of(path: Path) -> Response | None:
    return voxxml.lint_file(path).document


# every example that is a document (the broken ones too, when they are well-formed)
EXAMPLES = [path for path in ALL_EXAMPLES if document_of(path) is not None]


SIMPLE_IVR = document_of(ROOT / "examples" / "simple-ivr.voxxml")

SIMPLE_IVR_MERMAID = """\
flowchart TD
    start(["call starts"])
    n0["Say #34;Thank you for calling#34;"]
    n1["Gather dtmf x1 → $GATHER"]
    n2{"If $GATHER = 2"}
    n3["Say #34;Dialing Canadian support. Please wait.#34;"]
    n4["Number 15556668888"]
    n5["Say #34;Call has ended. Goodbye.#34;"]
    n6["Hangup"]
    n7["Say #34;Dialing United States support. Please…#34;"]
    n8["Number 15556667777"]
    n9["Say #34;Call has ended. Goodbye.#34;"]
    n10["Hangup"]
    ended(["end of call"])
    start --> n0
    n0 -->|"next"| n1
    n1 -->|"next"| n2
    n2 -->|"true"| n3
    n2 -->|"false"| n7
    n3 -->|"next"| n4
    n4 -->|"next"| n5
    n5 -->|"next"| n6
    n6 --> ended
    n7 -->|"next"| n8
    n8 -->|"next"| n9
    n9 -->|"next"| n10
    n10 --> ended
"""

SIMPLE_IVR_DOT = """\
digraph voxxml {
    node [shape=box, fontname="Helvetica"];
    edge [fontname="Helvetica"];
    start [label="call starts", shape=oval];
    n0 [label="Say \\"Thank you for calling\\""];
    n1 [label="Gather dtmf x1 → $GATHER"];
    n2 [label="If $GATHER = 2", shape=diamond];
    n3 [label="Say \\"Dialing Canadian support. Please wait.\\""];
    n4 [label="Number 15556668888"];
    n5 [label="Say \\"Call has ended. Goodbye.\\""];
    n6 [label="Hangup"];
    n7 [label="Say \\"Dialing United States support. Please…\\""];
    n8 [label="Number 15556667777"];
    n9 [label="Say \\"Call has ended. Goodbye.\\""];
    n10 [label="Hangup"];
    ended [label="end of call", shape=oval];
    start -> n0;
    n0 -> n1 [label="next"];
    n1 -> n2 [label="next"];
    n2 -> n3 [label="true"];
    n2 -> n7 [label="false"];
    n3 -> n4 [label="next"];
    n4 -> n5 [label="next"];
    n5 -> n6 [label="next"];
    n6 -> ended;
    n7 -> n8 [label="next"];
    n8 -> n9 [label="next"];
    n9 -> n10 [label="next"];
    n10 -> ended;
}
"""


# --------------------------------------------------------------------------- parsers

_ID = r"[A-Za-z][A-Za-z0-9_]*"
_MERMAID_SHAPES = {'(["': '"])', '["': '"]', '{"': '"}'}
_MERMAID_NODE = re.compile(rf'^    (?P<id>{_ID})(?P<open>\(\["|\["|\{{")(?P<label>[^"]*)(?P<close>"\]\)|"\]|"\}})$')
_MERMAID_EDGE = re.compile(rf'^    (?P<source>{_ID}) -->(?:\|"(?P<label>[^"]*)"\|)? (?P<target>{_ID})$')
_MERMAID_KEYWORDS = {"end", "graph", "flowchart", "subgraph", "style", "class", "classDef", "click", "linkStyle", "default", "direction", "call", "href"}


def mermaid_label(text: str) -> str:
    """A label as Mermaid shows it: no character that would end or change it, entity codes decoded."""
    assert not set(text) & set('"<>&`\n\r'), text
    assert all(re.match(r"#\d+;", text[i:]) for i in range(len(text)) if text[i] == "#"), text
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text)


def parse_mermaid(text: str) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str | None]]]:
    """{id: (shape, label)} and [(source, target, label)]; fails on any line that is neither."""
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    assert text.endswith("\n")
    nodes: dict[str, tuple[str, str]] = {}
    edges: list[tuple[str, str, str | None]] = []
    for line in lines[1:]:
        node, edge = _MERMAID_NODE.match(line), _MERMAID_EDGE.match(line)
        if node:
            assert not edges, "nodes come before edges"
            assert _MERMAID_SHAPES[node["open"]] == node["close"], line
            assert node["id"] not in nodes and node["id"] not in _MERMAID_KEYWORDS, line
            assert not node["id"].startswith(("o", "x")), line  # 'A--oB' / 'A--xB' are other arrows
            nodes[node["id"]] = (node["open"], mermaid_label(node["label"]))
        elif edge:
            assert edge["source"] in nodes and edge["target"] in nodes, line
            label = edge["label"]
            edges.append((edge["source"], edge["target"], None if label is None else mermaid_label(label)))
        else:
            raise AssertionError(f"neither a node nor an edge: {line!r}")
    return nodes, edges


_DOT_STRING = r'"(?P<label>(?:[^"\\]|\\.)*)"'
_DOT_NODE = re.compile(rf"^    (?P<id>{_ID}) \[label={_DOT_STRING}(?:, shape=(?P<shape>oval|diamond))?\];$")
_DOT_EDGE = re.compile(rf"^    (?P<source>{_ID}) -> (?P<target>{_ID})(?: \[label={_DOT_STRING}\])?;$")


def dot_label(text: str) -> str:
    assert "\n" not in text
    assert not re.search(r"&(?!amp;)", text), text  # every '&' escaped
    return re.sub(r"\\(.)", r"\1", text).replace("&amp;", "&")


def parse_dot(text: str) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str | None]]]:
    lines = text.splitlines()
    assert lines[:3] == ["digraph voxxml {", '    node [shape=box, fontname="Helvetica"];', '    edge [fontname="Helvetica"];']
    assert lines[-1] == "}" and text.endswith("}\n")
    nodes: dict[str, tuple[str, str]] = {}
    edges: list[tuple[str, str, str | None]] = []
    for line in lines[3:-1]:
        node, edge = _DOT_NODE.match(line), _DOT_EDGE.match(line)
        if node:
            assert node["id"] not in nodes and node["id"].lower() not in {"node", "edge", "graph", "digraph", "subgraph", "strict"}
            nodes[node["id"]] = (node["shape"] or "box", dot_label(node["label"]))
        elif edge:
            assert edge["source"] in nodes and edge["target"] in nodes, line
            edges.append((edge["source"], edge["target"], None if edge["label"] is None else dot_label(edge["label"])))
        else:
            raise AssertionError(f"neither a node nor an edge: {line!r}")
    return nodes, edges


def check_structure(document: Response) -> None:
    """Both formats draw diagram(document): the same nodes, labels and edges, every node connected."""
    drawing = diagram(document)
    expected_nodes = {node.id: " ".join(node.label.split()) for node in drawing.nodes}
    expected_edges = [(edge.source, edge.target, edge.label) for edge in drawing.edges]
    for parse in (parse_mermaid, parse_dot):
        text = export_graph(document, "mermaid" if parse is parse_mermaid else "dot")
        nodes, edges = parse(text)
        assert {k: label for k, (_, label) in nodes.items()} == expected_nodes
        assert edges == expected_edges
        connected = {e[0] for e in edges} | {e[1] for e in edges}
        assert connected == set(nodes)
    # one node per verb, plus start and the exits used; one edge per flow edge, exit, and the entry
    graph = build(document)
    verbs = [n for n in drawing.nodes if n.kind in ("verb", "if")]
    assert [n.id for n in verbs] == [f"n{node.id}" for node in graph.nodes]
    exits = sum(1 for node in graph.nodes if node.ends is not None)
    assert len(drawing.edges) == 1 + exits + sum(len(list(node.edges())) for node in graph.nodes)


def dot_draws(text: str) -> list[str]:
    """The text Graphviz draws for a DOT graph (SVG <text> elements, in order)."""
    svg = subprocess.run([DOT, "-Tsvg"], input=text.encode("utf-8"), capture_output=True, check=True).stdout
    root = etree.fromstring(svg)
    return [el.text or "" for el in root.iter("{http://www.w3.org/2000/svg}text")]


# --------------------------------------------------------------------------- golden


def test_simple_ivr_mermaid() -> None:
    assert SIMPLE_IVR is not None
    assert export_graph(SIMPLE_IVR, "mermaid") == SIMPLE_IVR_MERMAID


def test_simple_ivr_dot() -> None:
    assert SIMPLE_IVR is not None
    assert export_graph(SIMPLE_IVR, "dot") == SIMPLE_IVR_DOT


def test_default_format_is_mermaid_and_unknown_formats_fail() -> None:
    assert export_graph(SIMPLE_IVR) == SIMPLE_IVR_MERMAID
    with pytest.raises(ValueError, match="mermaid, dot"):
        export_graph(SIMPLE_IVR, "svg")  # type: ignore[arg-type]


def test_output_is_deterministic_and_independent_of_the_text() -> None:
    """The same program written differently (built with the builder API) draws the same."""
    rebuilt = voxxml.parse(SIMPLE_IVR.to_xml(indent=None)).document
    for fmt in ("mermaid", "dot"):
        assert export_graph(SIMPLE_IVR, fmt) == export_graph(SIMPLE_IVR, fmt) == export_graph(rebuilt, fmt)


# --------------------------------------------------------------------------- escaping

def test_mermaid_escaping() -> None:
    document = Response(
        [Say('"q" [x] {y} (z)'), Say("<b>&amp; #1;"), Say("`t` a|b %% end --> x"), Say("two\nlines\r\n  here"), Say("`starts")]
    )
    text = export_graph(document, "mermaid")
    assert '    n0["Say #34;#34;q#34; [x] {y} (z)#34;"]' in text
    assert '    n1["Say #34;#60;b#62;#38;amp; #35;1;#34;"]' in text
    assert '    n2["Say #34;#96;t#96; a|b %% end --#62; x#34;"]' in text
    assert '    n3["Say #34;two lines here#34;"]' in text
    assert '    n4["Say #34;#96;starts#34;"]' in text
    nodes, _ = parse_mermaid(text)
    assert [nodes[f"n{i}"][1] for i in range(4)] == [
        'Say ""q" [x] {y} (z)"',
        'Say "<b>&amp; #1;"',
        'Say "`t` a|b %% end --> x"',
        'Say "two lines here"',
    ]


def test_dot_escaping() -> None:
    document = Response([Say('"q" [x] {y}'), Say("<b>&amp; #1;"), Say("back\\slash \\n"), Say("two\nlines")])
    text = export_graph(document, "dot")
    assert r'    n0 [label="Say \"\"q\" [x] {y}\""];' in text
    assert r'    n1 [label="Say \"<b>&amp;amp; #1;\""];' in text
    assert r'    n2 [label="Say \"back\\slash \\n\""];' in text
    assert r'    n3 [label="Say \"two lines\""];' in text
    nodes, _ = parse_dot(text)
    assert [nodes[f"n{i}"][1] for i in range(4)] == ['Say ""q" [x] {y}"', 'Say "<b>&amp; #1;"', 'Say "back\\slash \\n"', 'Say "two lines"']


@pytest.mark.skipif(DOT is None, reason="Graphviz (dot) is not installed")
def test_graphviz_draws_the_labels_meant() -> None:
    document = Response([Say("<b>&amp; #1; `t` \\n a|b {x} %% end --> x"), Say('back\\slash "q" &lt;'), Redirect("https://e.com/a?b=1&c=2")])
    drawn = dot_draws(export_graph(document, "dot"))
    assert 'Say "<b>&amp; #1; `t` \\n a|b {x} %% end --> x"' in drawn
    assert 'Say "back\\slash "q" &lt;"' in drawn
    assert "redirected to https://e.com/a?b=1&c=2" in drawn
    assert {"fetched", "fetch failed", "next"} <= set(drawn)


def test_long_text_is_cut() -> None:
    document = Response([Say("word " * 40), Play("https://example.com/" + "a" * 100 + ".mp3")])
    nodes, _ = parse_mermaid(export_graph(document, "mermaid"))
    assert nodes["n0"][1] == 'Say "' + ("word " * 8).strip() + '…"'  # 40 characters, at a word boundary
    assert nodes["n1"][1] == "Play https://example.com/" + "a" * 19 + "…"  # a URL of 40 characters


# --------------------------------------------------------------------------- every verb and exit

EVERY_VERB = Response(
    [
        Reject(),
        Say("Welcome"),
        Gather([Say("Press or say")], input=("dtmf", "speech"), num_digits=4),
        If([Play("https://e.com/hold.mp3", loop=0)], condition=gather_in("1")),
        If([], condition=gather_in("2", "three", test="NOTEQUAL")),
        Dial([Number("15556667777"), Number("15556668888")]),
        Number("15550001111"),
        Conference("room1"),
        Pause(length=2),
        SetMute(muted=True),
        Redirect("https://example.com/next.xml"),
        Gather([Say("Say it")], input=("speech",)),
        Say("Hold music", loop=0),
        Hangup(),
    ]
)


def test_every_verb_and_exit() -> None:
    nodes, edges = parse_mermaid(export_graph(EVERY_VERB, "mermaid"))
    labels = {k: label for k, (_, label) in nodes.items()}
    assert labels == {
        "start": "call starts",
        "n0": "Reject",
        "n1": 'Say "Welcome"',
        "n2": "Gather dtmf x4 / speech → $GATHER",
        "n3": "If $GATHER = 1",
        "n4": "Play https://e.com/hold.mp3",
        "n5": "If $GATHER != 2|three",
        "n6": "Dial 15556667777, 15556668888",
        "n7": "Number 15550001111",
        "n8": "Conference room1",
        "n9": "Pause 2s",
        "n10": "SetMute muted",
        "n11": "Redirect https://example.com/next.xml",
        "n12": "Gather speech → $GATHER",
        "n13": 'Say "Hold music"',
        "n14": "Hangup",
        "rejected": "rejected",
        "forever": "caller hangs up (loop='0')",
        "redirected0": "redirected to https://example.com/next.xml",
        "ended": "end of call",
    }
    assert nodes["n3"][0] == nodes["n5"][0] == '{"'  # Ifs are diamonds
    assert edges == [
        ("start", "n0", None),
        ("n0", "rejected", "first verb"),
        ("n0", "n1", "not first"),
        ("n1", "n2", "next"),
        ("n2", "n3", "next"),
        ("n3", "n4", "true"),
        ("n3", "n5", "false"),
        ("n4", "forever", None),  # loop='0': nothing after it runs
        ("n5", "n6", "true"),  # an empty body: both edges go on
        ("n5", "n6", "false"),
        ("n6", "n7", "next"),
        ("n7", "n8", "next"),
        ("n8", "n9", "next"),
        ("n9", "n10", "next"),
        ("n10", "n11", "next"),
        ("n11", "redirected0", "fetched"),
        ("n11", "n12", "fetch failed"),
        ("n12", "n13", "next"),
        ("n13", "forever", None),
        ("n14", "ended", None),  # unreachable, still drawn with its exit
    ]
    check_structure(EVERY_VERB)


def test_end_of_document_and_hangup_share_the_end_node() -> None:
    document = voxxml.parse(
        "<Response><If variable='$GATHER' test='EQUAL' value='1'><Hangup/></If><Say>Bye</Say></Response>"
    ).document
    _, edges = parse_mermaid(export_graph(document, "mermaid"))
    assert ("n1", "ended", None) in edges and ("n2", "ended", "next") in edges
    assert sum(1 for line in export_graph(document, "mermaid").splitlines() if line.startswith("    ended(")) == 1


def test_empty_document() -> None:
    assert export_graph(Response([]), "mermaid") == 'flowchart TD\n    start(["call starts"])\n    ended(["end of call"])\n    start --> ended\n'


def test_one_exit_node_per_redirect_url() -> None:
    document = Response([Redirect("https://a.com/x"), Redirect("https://b.com/y"), Redirect("https://a.com/x")])
    nodes, edges = parse_mermaid(export_graph(document, "mermaid"))
    assert nodes["redirected0"][1] == "redirected to https://a.com/x"
    assert nodes["redirected1"][1] == "redirected to https://b.com/y"
    assert ("n2", "redirected0", "fetched") in edges


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.relative_to(ROOT / "examples").as_posix())
def test_examples_draw(path: Path) -> None:
    document = document_of(path)
    assert document is not None
    check_structure(document)
    if DOT is not None:
        dot_draws(export_graph(document, "dot"))


@examples(150, suppress=[HealthCheck.too_slow])
@given(document=vs.responses())
def test_any_document_draws_well(document: Response) -> None:
    check_structure(document)
