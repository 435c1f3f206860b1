"""The Statement resource: storing, voiding and fetching statements."""
