"""The hub: the dialect-neutral AST every dialect reads into and writes from, its expressions, and
the one module that says what each node does (``semantics``)."""
