"""The About resource."""
