"""redres: a catalogue of red resources and a planner for themed study routes."""

__version__ = "0.1.0"
