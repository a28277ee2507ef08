"""Targets: readers and writers of other dialects around the one VoxXML AST.

``voxxml.writer`` writes VoxXML itself; ``voxxml.targets.enablex`` compiles to
EnableX Core Voice call plans.
"""
