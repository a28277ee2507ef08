"""The dialects voxxml reads and writes, one folder each (``voxxml_v1/`` is VoxXML v1, named ``voxxml-v1``).

A dialect holds its vocabulary loader (over ``grammar/<dialect>/``), its value types and mini-languages, its
reader (source to the hub AST), its writer (hub AST to source) and its formatter. The ``Dialect`` object and
the registry that lists dialects by name come next (issue 10, item 1); until then the modules of
``voxxml_v1`` are imported directly.
"""
