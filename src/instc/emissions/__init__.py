"""instc.emissions."""
