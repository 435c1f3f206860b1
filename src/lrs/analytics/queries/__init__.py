"""The SQL of the analytics layer, one module per signal, and the fragments they share."""
