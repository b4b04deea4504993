"""Loaded into every section kernel as it starts, before its notebook runs (an IPython extension)."""

from __future__ import annotations

import sys


def skip_iri_format_checker() -> None:
    """Keep jsonschema (imported by altair and nbformat) from importing rfc3987_syntax, which builds a lark
    grammar on import (about a second) for the one string format "iri": without it, jsonschema leaves that
    format unchecked, and neither the Vega-Lite schema nor the notebook schema uses it."""
    sys.modules.setdefault("rfc3987_syntax", None)


def load_ipython_extension(_shell) -> None:
    # Before the notebook's first cell imports altair.
    skip_iri_format_checker()
