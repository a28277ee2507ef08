"""The core every dialect, analysis and target builds on: source text and spans, diagnostics and their catalog,
fixes, inline suppressions, hardened XML parsing and the shipped data folders.

Nothing here knows a dialect, a check or a target (tests/test_layers.py holds it to that).
"""

import re
from functools import cache

# ``compiled(PATTERN).match(...)``: the regex compiled when first used, then kept. A module-level
# ``re.compile`` runs at every start, and most of a lint's patterns are for values and spans that a clean
# short file never has (issue 14: a one-verb lint compiled 16 patterns and used none); the lookup is
# a C-level cache hit, cheaper per call than ``re.match(PATTERN, ...)``'s own cache.
compiled = cache(re.compile)

# The modules that make record classes are run written out (core.unfolded): installed before any of them is
# imported, as every voxxml import goes through this package first.
from . import unfolded as _unfolded  # noqa: E402

_unfolded.install()
