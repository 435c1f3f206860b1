"""Credentials, scopes and the HTTP Basic authentication of every xAPI request."""
