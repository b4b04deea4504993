"""Interactive charts, offline: each figure drawn by Vega-Embed from its specification, in the page.

The Vega, Vega-Lite and Vega-Embed libraries come inline, once, from the bundle vl-convert ships; nothing
is fetched. Each chart keeps its static SVG: shown until the live chart is drawn, when scripts are off,
and in print (the stylesheet's print rules).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import metadata

from ioreport.publish.cached import cached_text

# Draws every chart of the page; a chart whose drawing fails keeps its static SVG and says so in the
# console as a warning, so that the page never shows a broken figure.
DRAW_CHARTS = """
for (const chart of document.querySelectorAll(".ioreport-chart")) {
  const spec = JSON.parse(chart.querySelector("script.ioreport-chart-spec").textContent);
  vegaEmbed(chart.querySelector(".ioreport-chart-live"), spec, {actions: false, renderer: "svg"})
    .then(() => chart.classList.add("is-live"))
    .catch((error) => console.warn("ioreport: chart kept static:", error));
}
"""


@cache
def library() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script, for the Vega-Lite version Altair writes."""
    # Keyed by the two packages' versions, so that a bundle made before is found without loading them.
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("vl-convert-python", "altair"))
    return cached_text("vega-bundle", versions, _bundle)


def _bundle() -> str:
    import altair as alt
    import vl_convert

    return vl_convert.javascript_bundle(vl_version=alt.SCHEMA_VERSION.removeprefix("v").rsplit(".", 1)[0])


def chart_block(svg: str, spec: dict) -> str:
    """The HTML of one chart: its specification, the element the live chart is drawn in, the static SVG."""
    # JSON inside <script> must not close it: "<" is written as \\u003c (still the same JSON).
    data = json.dumps(spec, sort_keys=True, ensure_ascii=False).replace("<", "\\u003c")
    return (
        '<div class="ioreport-chart">'
        f'<script type="application/json" class="ioreport-chart-spec">{data}</script>'
        '<div class="ioreport-chart-live"></div>'
        f'<div class="ioreport-chart-static">{svg}</div>'
        "</div>"
    )


def page_scripts(charts: int) -> str:
    """What the page needs after its body to draw its charts; nothing when it has none."""
    if not charts:
        return "<!-- no charts to draw -->\n"
    # The bundle is minified code of our own dependencies; "</script" cannot occur in it unescaped.
    return f"<script>\n{library()}\n</script>\n<script>\n{DRAW_CHARTS}\n</script>\n"
