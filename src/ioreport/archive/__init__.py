"""The archive loader: Twitter's information-operations CSV files into typed, validated Parquet.

`ingest` is not re-exported here: the name would hide the `ioreport.archive.ingest` module.
"""

from ioreport.archive.sources import Discovered, discover
from ioreport.archive.store import FileCounts, IngestResult

__all__ = ["Discovered", "FileCounts", "IngestResult", "discover"]
