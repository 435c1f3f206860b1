"""The LRS benchmark: a seeded xAPI statement generator and a runner that measures the service."""
