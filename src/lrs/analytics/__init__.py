"""Learning analytics: signals and KPIs computed in SQL over the stored statements (METRICS.md)."""
