"""``python -m voxxml.lsp``: the language server on stdio (any arguments, e.g. --stdio, are ignored)."""

from .server import main

main()
