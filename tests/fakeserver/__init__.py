"""A fake arXiv + Semantic Scholar server for tests, benchmarks and offline demos (``python -m tests.fakeserver``)."""

from .corpus import FakePaper, load_corpus
from .server import FAULT_KINDS, FakeServer, Faults, LoggedRequest

__all__ = ["FAULT_KINDS", "FakePaper", "FakeServer", "Faults", "LoggedRequest", "load_corpus"]
