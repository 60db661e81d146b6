"""Store Edge: the in-store edge node."""

__version__ = "0.1.0"
