"""Call-flow analysis: the flow graph of a document and the facts that hold at each verb.

The semantics these modules implement are written down in docs/semantics.md; the
simulator and the compilers follow the same contract.
"""

from .analysis import Analysis, analyse
from .graph import END, FlowGraph, FlowNode, build

__all__ = ["END", "Analysis", "FlowGraph", "FlowNode", "analyse", "build"]
