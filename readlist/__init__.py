"""readlist: turn pasted pages of abstracts into a trusted reading list."""

__version__ = "0.1.0"
