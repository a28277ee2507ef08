"""EnableX Core Voice: compile VoxXML into a call plan, and run a plan on webhook events.

EnableX has no document language: an application issues REST requests and reacts
to webhooks. A VoxXML document therefore compiles to a finite-state machine (the
plan, typed in ``plan`` and described by plan.schema.json). ``executor`` steps it, with
no I/O, given the webhook events; ``runtime`` carries out the executor's actions over a
transport, filling the plan's placeholders, for any runner (the tests' mock platform,
a live one); ``target`` is what the target registry (``voxxml.targets``) loads.
"""

from .compiler import CODES, PLAN_VERSION, Compilation, compile_document, plan_schema

__all__ = ["CODES", "PLAN_VERSION", "Compilation", "compile_document", "plan_schema"]
