"""Call-flow diagrams of a VoxXML document: Mermaid (``flowchart TD``) and Graphviz DOT.

    >>> import voxxml
    >>> from voxxml.export.graph import export_graph
    >>> document = voxxml.parse("<Response><Say>Hi</Say><Hangup/></Response>").document
    >>> print(export_graph(document, "mermaid"))  # doctest: +NORMALIZE_WHITESPACE
    flowchart TD
        start(["call starts"])
        n0["Say #34;Hi#34;"]
        n1["Hangup"]
        ended(["end of call"])
        start --> n0
        n0 -->|"next"| n1
        n1 --> ended

The drawing is the flow graph of ``voxxml.analysis.build`` (docs/semantics.md): one
node per verb in document order (Gather prompts and the Numbers of a Dial belong to
their verb), its edges as ``FlowNode.edges()`` labels them (``next``; ``true`` and
``false`` out of an If; ``fetch failed`` out of a Redirect; ``not first`` out of a
Reject), and explicit exits:

- ``call starts`` -> the first verb;
- ``end of call``: the end of the document, and every Hangup;
- ``rejected``: a Reject that is the first verb executed (edge ``first verb``);
- ``redirected to URL``: one per Redirect URL (edge ``fetched``);
- ``caller hangs up (loop='0')``: a Say or Play that loops forever.

Node ids: ``start``, ``n0``, ``n1``... (the flow node ids), ``ended``, ``rejected``,
``forever``, ``redirected0``, ``redirected1``... The output is deterministic.
Labels are short (text and URLs are cut at a fixed length) and escaped for the
format: Mermaid entity codes (``#34;`` for a double quote, ``#60;`` for '<'...)
inside quoted labels, DOT backslash escapes inside double-quoted strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..analysis.graph import END, build
from ..hub import semantics
from ..hub.nodes import Conference, Dial, Gather, Hangup, If, Number, Pause, Play, Redirect, Reject, Response, Say, SetMute, Verb
from ..hub.semantics import FOREVER, HANGUP, REDIRECT, REJECT

GRAPH_FORMATS = ("mermaid", "dot")

TEXT_LIMIT = 40  # characters of Say text in a label
URL_LIMIT = 40  # characters of a URL in a label


@dataclass(frozen=True)
class DiagramNode:
    """A box of the flow picture: the start, a verb, an If's test or an exit."""

    id: str
    label: str
    kind: str  # start | verb | if | exit


@dataclass(frozen=True)
class DiagramEdge:
    """An arrow of the flow picture, labelled with the input or outcome that takes it."""

    source: str
    target: str
    label: str | None


@dataclass(frozen=True)
class Diagram:
    """A flow picture as data, before it is written as DOT or Mermaid."""

    nodes: tuple[DiagramNode, ...]
    edges: tuple[DiagramEdge, ...]


def shorten(text: str, limit: int) -> str:
    """White space collapsed to single spaces, cut to at most ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if text[limit - 1] != " " and space >= limit // 2:
        cut = cut[:space]  # at a word boundary when there is one in the second half
    return cut.rstrip() + "…"


def verb_label(verb: Verb) -> str:
    """A short description of one verb: ``Say "Thank you for calling"``, ``Gather dtmf x1 → $GATHER``..."""
    if isinstance(verb, Say):
        return f'Say "{shorten(verb.text, TEXT_LIMIT)}"'
    if isinstance(verb, (Play, Redirect)):
        return f"{verb.TAG} {shorten(verb.url, URL_LIMIT)}"
    if isinstance(verb, Gather):
        methods = [f"dtmf x{verb.num_digits}" if method == "dtmf" else method for method in verb.input]
        return " ".join(["Gather", " / ".join(methods), "→ " + _variable(verb.output)]).replace("  ", " ")
    if isinstance(verb, Dial):
        numbers = ", ".join(number.number for number in verb.numbers)
        return shorten(f"Dial {numbers}" if numbers else "Dial (no numbers)", URL_LIMIT)
    if isinstance(verb, Number):
        return f"Number {shorten(verb.number, URL_LIMIT)}"
    if isinstance(verb, Conference):
        return f"Conference {shorten(verb.name, URL_LIMIT)}"
    if isinstance(verb, If):
        test = semantics.tested(verb.condition)
        if test is None:
            return "If ?" if verb.condition is not None else "If ? = ?"
        name, values, negated = test
        value = "|".join(values) if values else "?"
        return shorten(f"If {_variable(name)} {'!=' if negated else '='} {value}", URL_LIMIT)
    if isinstance(verb, Pause):
        return f"Pause {verb.length}s"
    if isinstance(verb, SetMute):
        return "SetMute " + ("muted" if verb.muted else "unmuted")
    if isinstance(verb, (Hangup, Reject)):
        return verb.TAG
    return type(verb).__name__


def _variable(name: str) -> str:
    """A variable as labels show it: ``$GATHER``, ``$menu.digits``."""
    return "$" + name


_ENDED = DiagramNode("ended", "end of call", "exit")
_REJECTED = DiagramNode("rejected", "rejected", "exit")
_FOREVER = DiagramNode("forever", "caller hangs up (loop='0')", "exit")


def diagram(document: Response) -> Diagram:
    """The nodes and edges to draw, in drawing order."""
    graph = build(document)
    nodes = [DiagramNode("start", "call starts", "start")]
    nodes += [DiagramNode(f"n{node.id}", verb_label(node.verb), "if" if semantics.behaviour(node.verb).branches else "verb") for node in graph.nodes]
    exits: dict[str, DiagramNode] = {}
    redirects: dict[str, DiagramNode] = {}
    edges: list[DiagramEdge] = []

    def target(exit_node: DiagramNode) -> str:
        exits.setdefault(exit_node.id, exit_node)
        return exit_node.id

    def node_id(flow_id: int) -> str:
        return target(_ENDED) if flow_id == END else f"n{flow_id}"

    edges.append(DiagramEdge("start", node_id(graph.entry), None))
    for node in graph.nodes:
        source = f"n{node.id}"
        if node.ends == HANGUP:
            edges.append(DiagramEdge(source, target(_ENDED), None))
        elif node.ends == FOREVER:
            edges.append(DiagramEdge(source, target(_FOREVER), None))
        elif node.ends == REJECT:
            edges.append(DiagramEdge(source, target(_REJECTED), "first verb"))
        elif node.ends == REDIRECT:
            # a Redirect's URL, or the action a Record, Dial, Pay or Gather posts to (its fetch ends the document too)
            url = getattr(node.verb, "url", None) or getattr(node.verb, "action", None) or ""
            if url not in redirects:
                redirects[url] = DiagramNode(f"redirected{len(redirects)}", f"redirected to {shorten(url, URL_LIMIT)}", "exit")
            edges.append(DiagramEdge(source, target(redirects[url]), "fetched"))
        for successor, label in node.edges():
            edges.append(DiagramEdge(source, node_id(successor), label))
    return Diagram(tuple(nodes) + tuple(exits.values()), tuple(edges))


# --------------------------------------------------------------------------- Mermaid

# Inside a quoted Mermaid label these are written as entity codes: the quote would end
# the label, '#' starts an entity code, '&', '<' and '>' would be read as HTML, and a
# backtick at the start would make a Markdown string. Brackets are safe inside quotes.
_MERMAID_ESCAPES = {'"': "#34;", "#": "#35;", "&": "#38;", "<": "#60;", ">": "#62;", "`": "#96;"}
_MERMAID_SHAPES = {"start": ('(["', '"])'), "exit": ('(["', '"])'), "verb": ('["', '"]'), "if": ('{"', '"}')}


def mermaid_text(label: str) -> str:
    """A label's text for a quoted Mermaid label: one line, special characters as entity codes."""
    return "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in " ".join(label.split()))


def to_mermaid(drawing: Diagram) -> str:
    lines = ["flowchart TD"]
    for node in drawing.nodes:
        opening, closing = _MERMAID_SHAPES[node.kind]
        lines.append(f"    {node.id}{opening}{mermaid_text(node.label)}{closing}")
    for edge in drawing.edges:
        arrow = "-->" if edge.label is None else f'-->|"{mermaid_text(edge.label)}"|'
        lines.append(f"    {edge.source} {arrow} {edge.target}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- DOT

_DOT_SHAPES = {"start": "oval", "exit": "oval", "verb": "box", "if": "diamond"}


def dot_string(text: str) -> str:
    """A double-quoted DOT string: one line; backslash and quote escaped; '&' as &amp;
    (Graphviz reads HTML entities in labels)."""
    text = " ".join(text.split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;") + '"'


def to_dot(drawing: Diagram) -> str:
    lines = [
        "digraph voxxml {",
        '    node [shape=box, fontname="Helvetica"];',
        '    edge [fontname="Helvetica"];',
    ]
    for node in drawing.nodes:
        shape = _DOT_SHAPES[node.kind]
        extra = "" if shape == "box" else f", shape={shape}"
        lines.append(f"    {node.id} [label={dot_string(node.label)}{extra}];")
    for edge in drawing.edges:
        extra = "" if edge.label is None else f" [label={dot_string(edge.label)}]"
        lines.append(f"    {edge.source} -> {edge.target}{extra};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def export_graph(document: Response, fmt: Literal["mermaid", "dot"] = "mermaid") -> str:
    """The call flow of ``document`` (a parsed or built Response) as Mermaid or DOT text."""
    if fmt == "mermaid":
        return to_mermaid(diagram(document))
    if fmt == "dot":
        return to_dot(diagram(document))
    raise ValueError(f"unknown graph format {fmt!r}; expected one of: {', '.join(GRAPH_FORMATS)}")


__all__ = ["GRAPH_FORMATS", "Diagram", "DiagramEdge", "DiagramNode", "diagram", "export_graph", "shorten", "verb_label"]
