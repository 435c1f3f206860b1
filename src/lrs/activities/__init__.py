"""The Activities resource (xAPI-Communication §2.5)."""
