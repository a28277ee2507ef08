"""EnableX Core Voice: compile VoxXML into a call plan, and step a plan on webhook events.

EnableX has no document language: an application issues REST requests and reacts
to webhooks. A VoxXML document therefore compiles to a finite-state machine (the
plan); ``executor`` steps it, with no I/O, given the webhook events.
"""

from .compiler import CODES, PLAN_VERSION, Compilation, compile_document, plan_schema

__all__ = ["CODES", "PLAN_VERSION", "Compilation", "compile_document", "plan_schema"]
