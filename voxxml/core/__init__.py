"""The core every dialect, analysis and target builds on: source text and spans, diagnostics and their catalog,
fixes, inline suppressions, hardened XML parsing and the shipped data folders.

Nothing here knows a dialect, a check or a target (tests/test_layers.py holds it to that).
"""
