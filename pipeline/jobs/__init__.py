"""Jobs: finding sources, building them in worker processes, and the cache that skips
up-to-date outputs."""
