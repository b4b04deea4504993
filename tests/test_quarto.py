"""Real Quarto gives the same report as the offline renderer. Runs only where `quarto` is on PATH.

It renders the small run's staged report with `quarto render` and compares it with the run's index.html
(rendered offline, with pandoc): the same section headings, the same figure and table numbers with the
same captions, the same banner divs, every chart with its specification and static SVG (no <img> in
their place), and no resource loaded from outside the file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

QUARTO = shutil.which("quarto")
pytestmark = pytest.mark.skipif(QUARTO is None, reason="quarto is not on PATH")
LOADING_TAGS = ("script", "img", "link", "iframe", "object", "embed", "video", "audio", "source")


class Outline(HTMLParser):
    """What the comparison reads from a page: headings, numbered captions, banners, charts, loads."""

    def __init__(self):
        super().__init__()
        self.headings: list[str] = []
        self.captions: list[str] = []
        self.banners: list[str] = []
        self.charts = 0
        self.images = 0
        self.external: list[str] = []
        self._capture: list | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        for name in ("src", "href", "data"):
            value = (attrs.get(name) or "").strip().lower()
            if tag in LOADING_TAGS and value.startswith(("http:", "https:", "//")):
                self.external.append(f"{tag} {name}={value}")
        if "ioreport-banner" in classes:
            self.banners.append(" ".join(sorted(classes)))
        if "ioreport-chart" in classes:
            self.charts += 1
        if tag == "img":
            self.images += 1
        if tag in ("h1", "h2", "figcaption"):
            self._capture, self._text = (self.headings if tag != "figcaption" else self.captions), []

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "figcaption") and self._capture is not None:
            self._capture.append(re.sub(r"\s+", " ", "".join(self._text)).strip())
            self._capture = None

    def handle_data(self, data):
        if self._capture is not None:
            self._text.append(data)


def outline(html: str) -> Outline:
    page = Outline()
    page.feed(html)
    return page


def numbered(captions: list[str]) -> list[str]:
    """ "Figure 3", "Table 7": the numbers a reader cites, in document order."""
    return [match.group(0) for caption in captions if (match := re.match(r"(Figure|Table)\W+\d+", caption))]


def test_quarto_renders_the_staged_report_as_the_offline_path_does(small_run, tmp_path):
    result, _ = small_run
    stage = tmp_path / "stage"
    shutil.copytree(result.run_dir / "_report", stage)
    done = subprocess.run(
        [QUARTO, "render", "index.qmd", "--to", "html"],
        cwd=stage,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    quarto = outline((stage / "index.html").read_text(encoding="utf-8"))
    offline = outline((result.run_dir / "index.html").read_text(encoding="utf-8"))
    assert quarto.external == [], "Quarto added resources from outside the file"
    assert quarto.headings == offline.headings
    assert numbered(quarto.captions) == numbered(offline.captions)
    assert quarto.banners == offline.banners
    assert quarto.charts == offline.charts > 0
    assert quarto.images == offline.images, "figures are embedded as inline SVG by both, not as <img>"
