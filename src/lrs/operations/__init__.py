"""Operators' tools behind the CLI: bulk import and export of statements, retention purges
and the erasure of a person's data. They reuse the services of the HTTP API, so the rules
are the same whichever way the data comes in or goes out."""
