"""instc.data."""
