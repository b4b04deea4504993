"""Loaded into every section kernel as it starts, before its notebook runs (an IPython extension); and what
`ioreport run` skips loading in its own process."""

from __future__ import annotations

import sys


def skip_iri_format_checker() -> None:
    """Keep jsonschema (imported by altair and nbformat) from importing rfc3987_syntax, which builds a lark
    grammar on import (about a second) for the one string format "iri": without it, jsonschema leaves that
    format unchecked, and neither the Vega-Lite schema nor the notebook schema uses it."""
    sys.modules.setdefault("rfc3987_syntax", None)


def skip_jupytext_contents_managers() -> None:
    """Keep jupytext's package from loading its Jupyter server contents managers, and jupyter_server with
    them (0.04-0.2 s of every run that executes a notebook): the runner reads and converts notebooks only,
    and jupytext leaves the managers' names raising ImportError when used."""
    for module in ("jupytext.sync_contentsmanager", "jupytext.async_contentsmanager"):
        sys.modules.setdefault(module, None)


def load_ipython_extension(_shell) -> None:
    # Before the notebook's first cell imports altair.
    skip_iri_format_checker()
