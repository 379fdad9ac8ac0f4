"""Resolution: ask arXiv and Semantic Scholar about entries (through one rate-limited HTTP cache) and match answers."""
