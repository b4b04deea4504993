"""ioreport: reproducible analyses of information-operations takedown archives."""

__version__ = "0.1.0"
