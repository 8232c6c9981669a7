"""instc.reliability."""
