"""One way to write a number, date or text for a reader: in prose, in tables and on comparison pages.

Shares are percentages ("78.5%"), counts have thousands separators, ids are never formatted as
quantities, UTC offsets carry their sign. Tables escape every cell: dataset text is hostile.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import polars as pl

MISSING = "–"
TABLE_TEXT_CHARS = 120  # a table cell shows this much of a text; the CSV beside the table keeps it whole
# Twitter's hashed account ids (base64 of a SHA-256, "/" sometimes removed; hex in 2018): shown short.
HASHED_ID = re.compile(r"(?<![A-Za-z0-9+/=])([A-Za-z0-9+/]{40,43}=|[0-9a-f]{64})(?![A-Za-z0-9+/=])")
SHORT_ID_CHARS = 8
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
NON_BREAKING_DATE = "\\1\u2011\\2\u2011\\3"  # U+2011: a hyphen a line does not break at
# What a notebook's table or chart output says of itself, for the report: its CSV and rows, its spec.
OUTPUT_KEY = "ioreport"


def is_share(name: str) -> bool:
    """Shares are named share*, *_share, or sit in a *_shares mapping (dotted keys or column names)."""
    return any(p.startswith("share") or p.endswith(("_share", "_shares")) for p in name.split("."))


def is_probability(name: str) -> bool:
    """Chances and p-values: so small, when they matter, that decimals would show them as 0."""
    return name.rsplit(".", 1)[-1].endswith(("chance", "p_value"))


def is_id(name: str) -> bool:
    return name.rsplit(".", 1)[-1].endswith("id")


def format_value(value: Any, name: str = "", missing: str = MISSING) -> str:
    """How a value reads; `name` (a column or dotted findings key) tells shares, ids and offsets apart."""
    if value is None:
        return missing
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        if is_id(name):
            return str(value)
        return f"{value:+d}" if name.endswith("offset_hours") else f"{value:,}"
    if isinstance(value, float):
        if is_share(name):
            return f"{value:.1%}"
        if is_probability(name):
            return "< 0.001" if value < 0.001 else f"{value:.2g}"
        if value.is_integer():
            return format_value(int(value), name, missing)
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") + (" UTC" if value.tzinfo else "")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(item, name, missing) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {format_value(v, f'{name}.{k}', missing)}" for k, v in value.items())
    return str(value)


def shortened(text: str, limit: int = TABLE_TEXT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def display_tree(findings: dict[str, Any], missing: str, prefix: str = "") -> dict[str, Any]:
    """The findings with every leaf formatted for prose (the report's `var` values)."""
    out: dict[str, Any] = {}
    for key, value in findings.items():
        dotted = f"{prefix}{key}"
        out[key] = (
            display_tree(value, missing, f"{dotted}.")
            if isinstance(value, dict)
            else format_value(value, dotted, missing)
        )
    return out


def html_table(frame: pl.DataFrame) -> str:
    """An HTML table with every header and cell escaped; long texts shortened."""
    # Column names read as words (the CSV beside the table keeps them as they are).
    head = "".join(f"<th>{html.escape(str(c).replace('_', ' '))}</th>" for c in frame.columns)
    numeric = [dtype.is_numeric() and not is_id(c) for c, dtype in frame.schema.items()]
    opening = ['<td class="num">' if is_num else "<td>" for is_num in numeric]
    rows = []
    for row in frame.iter_rows():
        cells = "".join(
            f"{td}{_cell_html(format_value(value, column))}</td>"
            for value, column, td in zip(row, frame.columns, opening, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        '<div class="table-wrap"><table class="ioreport-table">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def count(n: int, noun: str, plural: str | None = None) -> str:
    """A number with its noun in agreement: "1 account", "2 accounts" (the last word takes the plural)."""
    if n == 1:
        return f"1 {noun}"
    return f"{format_value(n)} {plural or _plural(noun)}"


def _plural(noun: str) -> str:
    head, _, last = noun.rpartition(" ")
    if last.endswith(("s", "x", "sh", "ch")):
        last += "es"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def escape_markdown(text: str) -> str:
    """Markdown that reads back as exactly `text`, never as markup.

    Text can come from a dataset or a parameters file. Everything but letters and digits becomes a
    character reference, so it can open no HTML tag, link, emphasis or table cell; Markdown decodes the
    references into plain text, and the HTML written from it escapes them again.
    """
    return "".join(char if char.isalnum() else f"&#{ord(char)};" for char in text)


def _cell_html(text: str, limit: int = TABLE_TEXT_CHARS) -> str:
    """A cell's text escaped and shortened to `limit` characters as shown, each hashed account id in it
    shown by its first characters in monospace with the whole id in a tooltip, dates kept on one line."""
    shown, room = [], limit
    for index, part in enumerate(HASHED_ID.split(text)):  # text, id, text, id, ..., text
        if room <= 0:
            shown.append("…")
            break
        if index % 2:
            short = html.escape(part[:SHORT_ID_CHARS])
            shown.append(f'<code class="account-id" title="{html.escape(part)}">{short}…</code>')
            room -= SHORT_ID_CHARS + 1
        else:
            piece = shortened(part, room) if len(part) > room else part
            shown.append(ISO_DATE.sub(NON_BREAKING_DATE, html.escape(piece)))
            room -= len(piece)
    return "".join(shown)
