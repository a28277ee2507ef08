"""The VoxXML language server: diagnostics, hover, completion and code actions over LSP.

Start it with ``python -m voxxml.lsp`` (or ``voxxml server``); it speaks LSP on
stdin and stdout. The server lives in :mod:`voxxml.lsp.server`; the editor-facing
logic (positions, cursor context, hover, completion, code actions) in the modules
beside it, none of which needs a running server.
"""
