"""instc.api."""
