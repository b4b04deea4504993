"""One look for every chart, and one way to turn a chart into its specification, SVG and PNG files.

Every chart is kept three ways: its Vega-Lite specification (the report draws it interactively from
that, with the Vega bundle vl-convert ships, inline), a static SVG (for print, PDF, and readers without
scripts) and a PNG (for slides). Nothing loads from a CDN (Altair's default HTML renderer would), and
Chinese labels render with the Noto Sans CJK font shipped as a wheel, registered with vl-convert. A chart
without Chinese text names the font's Latin part first: the same glyphs, drawn in half the time.
"""

from __future__ import annotations

import json
from functools import cache

import altair as alt
import vl_convert

from ioreport.publish.fonts import FONT_FAMILY, FONT_FILE, LATIN_FONT_FAMILY, has_cjk, latin_font_directory
from ioreport.publish.svg_ids import numbered_svg_ids

# Charts name a generic fallback too: the report embeds only the CJK glyphs it needs.
CHART_FONT = f"{FONT_FAMILY}, sans-serif"
# Only for charts with no character the Latin part lacks: vl-convert takes a character missing from the
# first family from any font on the machine, not from the next one named. Where the part could not be made,
# the next family draws the same glyphs.
LATIN_CHART_FONT = f"{LATIN_FONT_FAMILY}, {CHART_FONT}"
# Colour-blind-safe categorical palette (Okabe–Ito), in a stable order.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
ACCENT = PALETTE[0]
MUTED = "#8a8f98"
CHART_WIDTH = 620
# Counts are whole: a small dataset's axis labels no "0.5 tweets" tick (vl-convert's Vega still places
# ticks between whole numbers despite tickMinStep, and rounding them would label 1 twice).
COUNT_AXIS = alt.Axis(tickMinStep=1, labelExpr="datum.value % 1 ? '' : format(datum.value, ',d')")
PNG_SCALE = 2


@alt.theme.register("ioreport", enable=False)
def _ioreport_theme() -> alt.theme.ThemeConfig:
    label = {"labelFont": CHART_FONT, "titleFont": CHART_FONT, "labelFontSize": 11, "titleFontSize": 12}
    return {
        "config": {
            "font": CHART_FONT,
            "view": {"continuousWidth": CHART_WIDTH, "continuousHeight": 260, "stroke": None},
            "axis": {**label, "gridColor": "#e6e6e6", "domainColor": "#888", "tickColor": "#888"},
            "legend": {**label, "orient": "bottom"},
            "header": {**label},
            "title": {"font": CHART_FONT, "fontSize": 14, "anchor": "start", "fontWeight": 600},
            "range": {"category": PALETTE},
            "mark": {"color": ACCENT},
            "bar": {"color": ACCENT},
            "line": {"color": ACCENT, "strokeWidth": 1.6},
            "text": {"font": CHART_FONT},
        }
    }


@cache
def enable() -> None:
    """Switch on the theme, static SVG output and the CJK font (idempotent)."""
    alt.theme.enable("ioreport")
    alt.renderers.enable("svg")
    # Polars frames go inline into the spec: deterministic and offline.
    alt.data_transformers.disable_max_rows()
    vl_convert.register_font_directory(str(FONT_FILE.parent))
    if latin := latin_font_directory():
        vl_convert.register_font_directory(str(latin))


def spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite specification, data inline: what the static and the interactive views draw.
    Its fonts start with the Latin part when none of its text (titles, labels, data) is Chinese."""
    enable()
    vega_lite = chart.to_dict()
    if has_cjk(json.dumps(vega_lite, ensure_ascii=False)):
        return vega_lite
    return {**vega_lite, "config": _fonts_replaced(vega_lite.get("config", {}), LATIN_CHART_FONT)}


def to_svg(vega_lite: dict) -> str:
    """The static SVG, its ids numbered within the chart: the same file whichever kernel drew it."""
    return numbered_svg_ids(vl_convert.vegalite_to_svg(vega_lite))


def to_png(svg: str) -> bytes:
    """The PNG of a chart's SVG: the same image as from its specification, without drawing it again
    (half the time, about 2.5 s a run)."""
    return vl_convert.svg_to_png(svg, scale=PNG_SCALE)


def _fonts_replaced(config, font: str):
    """The theme's configuration with CHART_FONT, wherever it is named, replaced by `font`."""
    if isinstance(config, dict):
        return {key: _fonts_replaced(value, font) for key, value in config.items()}
    return font if config == CHART_FONT else config


def zoomable(chart: alt.Chart) -> alt.Chart:
    """A timeline the reader can zoom and pan along its x axis (in the report; the SVG is the whole span).
    Named, so that the specification is the same in every run."""
    return chart.add_params(alt.selection_interval(name="zoom", bind="scales", encodings=["x"]))


def legend_filter(field: str, name: str) -> tuple[alt.Parameter, alt.Opacity]:
    """A click on a legend entry brings out its series, the others faded: the parameter and the opacity."""
    pick = alt.selection_point(name=name, fields=[field], bind="legend")
    return pick, alt.condition(pick, alt.value(0.9), alt.value(0.15))


def bucket_shares(frame, group: str, count: str, title: str, x_title: str | None, y_title: str) -> alt.Chart:
    """Side-by-side bars of a share per count bucket, one colour per group (e.g. likes vs retweets)."""
    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(
            x=alt.X("bucket:N", sort=None, title=x_title, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share:Q", title=y_title, axis=alt.Axis(format="%")),
            color=alt.Color(f"{group}:N", title=None),
            xOffset=f"{group}:N",
            tooltip=[f"{group}:N", "bucket:N", f"{count}:Q", alt.Tooltip("share:Q", format=".2%")],
        )
    )
