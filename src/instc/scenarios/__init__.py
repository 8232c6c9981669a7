"""instc.scenarios."""
