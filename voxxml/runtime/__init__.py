"""The reference runtime: the simulator (the oracle every target is tested against), caller scripts and
trace events."""
