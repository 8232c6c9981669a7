"""instc.reports."""
