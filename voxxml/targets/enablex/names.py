"""The plan's names the compiler writes and the plan's readers read, in a module that imports nothing.

Why a module of its own: ``plan.py`` defines the plan's TypedDicts, whose creation (``Literal``,
``NotRequired`` and some twenty classes) costs about as much as importing the compiler itself; the
compiler needs only these names at run time (the types only for type checkers).
"""

# The plan's one variable (format version 2): what an accept step writes, a clear step empties, a
# branch tests and a play's template reads. The compiler writes the hub's input variable so
# (compiler.plan_variable: the one place the two names meet).
INPUT_VARIABLE = "$GATHER"
