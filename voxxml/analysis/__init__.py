"""Call-flow analysis: the flow graph of a document and the facts that hold at each verb.

The semantics these modules implement are written down in docs/semantics.md; the
simulator and the compilers follow the same contract. ``graph`` makes the flow
graph explicit (for drawing, the simulator and the compilers); ``analysis`` walks
the same structure directly, which is cheaper and visits it in the same order.
"""

from .states import Analysis, analyse, ends_how
from .graph import END, FlowGraph, FlowNode, build

__all__ = ["END", "Analysis", "FlowGraph", "FlowNode", "analyse", "build", "ends_how"]
