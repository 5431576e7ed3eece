"""Developer and workshop helpers run with ``python -m`` (example setup, benchmark)."""
