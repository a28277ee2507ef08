"""Exports of VoxXML to other tools: schemas for XML editors and validators, call-flow drawings.

    export_schema("xsd" | "rng")              -> an XML Schema 1.0 or RELAX NG schema, from the grammar
    export_graph(document, "mermaid" | "dot")  -> the call flow of a document as a diagram
"""

from __future__ import annotations

from .graph import GRAPH_FORMATS, export_graph
from .schema import SCHEMA_FORMATS, export_schema

__all__ = ["GRAPH_FORMATS", "SCHEMA_FORMATS", "export_graph", "export_schema"]
