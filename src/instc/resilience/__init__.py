"""instc.resilience."""
