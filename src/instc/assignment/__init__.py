"""instc.assignment."""
