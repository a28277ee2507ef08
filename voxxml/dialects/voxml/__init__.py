"""VoXML, the dialect Voxtelesys's current docs, SDK and demo IVR write (docs/dialects/voxml.md).

Not registered yet: its expression language (expression.py) and templates (template.py) come first;
the reader into the hub AST follows.
"""
