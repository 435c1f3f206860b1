"""One module per signal: parameters in, tidy rows out (METRICS.md §3)."""
