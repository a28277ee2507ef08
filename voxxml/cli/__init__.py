"""The command line, a thin front end over the pipeline: click commands (``commands``), ``lint --watch``
(``watch``), file discovery (``discover``) and ``voxxml rule`` pages (``rule_pages``).

``voxxml.cli:main`` is the console entry point.
"""

from .commands import main

__all__ = ["main"]
