"""Nabd (نبض, "pulse"): an open-source, self-hosted customer-success platform."""

__version__ = "0.1.0"
