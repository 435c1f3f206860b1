"""lrs: an xAPI Learning Record Store with a learning-analytics layer."""
