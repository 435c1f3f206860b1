"""The Agents resource (xAPI-Communication §2.4) and the `agent` request parameter."""
