"""instc.routing."""
