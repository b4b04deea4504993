"""The report renderer: engine choice, and the Quarto subset the offline pandoc path implements.

Every test renders a tiny stage directory built here: one executed notebook and an index.qmd using
each supported feature, with hostile text in the variables.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

from ioreport.config.paths import REPORTS_DIR
from ioreport.publish.format import escape_markdown
from ioreport.publish.render import RENDERER_ENV, RenderError, render_report, render_with_pandoc

NBSP = "\u00a0"  # between "Figure" and its number, as Quarto writes it
HOSTILE_HTML = "<img src=x onerror=alert(1)>"
HOSTILE_MARKDOWN = "[click](javascript:alert(1)) *bold* | cell"
DATASET_VALUES = {"name": HOSTILE_HTML, "accounts": "1,234", "note": HOSTILE_MARKDOWN}
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
    '<defs><clipPath id="clip1"><rect width="120" height="40"/></clipPath></defs>'
    '<g clip-path="url(#clip1)"><text x="4" y="24" font-family="sans-serif">中文标签</text></g></svg>'
)
TABLE_HTML = '<table class="demo-table"><tr><td>&lt;script&gt;alert(1)&lt;/script&gt;</td></tr></table>'
PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
FONTS_CSS = '@font-face { font-family: "Noto Sans CJK TC"; src: url(data:font/woff;base64,d09GRg==); }\n'

REPORT = """\
---
title: "Report on {{< var dataset.name >}}"
subtitle: Offline rendering test
author: Test Author
number-sections: true
toc: true
format:
  html:
    embed-resources: true
    css: [styles.css, fonts.css]
---

::: {.content-visible when-profile="synthetic"}
::: {.ioreport-banner .warning}
**Synthetic data.** Generated data, not the archive.
:::
:::

# Findings

The dataset {{< var dataset.name >}} holds **{{< var dataset.accounts >}}** accounts: see @fig-demo,
[see @tbl-demo] and figure -@fig-failed. Note: {{< var dataset.note >}} {{< var prose.emphasis >}}

::: {.ioreport-banner}
Bars are days.
:::

::: {.content-visible when-profile="full"}
## Extra material

{{< embed notebooks/demo.ipynb#fig-extra >}}

Full-profile paragraph about @fig-extra.
:::

::: {.content-hidden when-profile="full"}
Brief-profile paragraph.
:::

{{< embed notebooks/demo.ipynb#fig-demo >}}

{{< embed notebooks/demo.ipynb#tbl-demo >}}

{{< pagebreak >}}

# Details

{{< embed notebooks/demo.ipynb#summary >}}

{{< embed notebooks/demo.ipynb#fig-failed >}}

| Measure  | Value                           |
|----------|---------------------------------|
| Accounts | {{< var dataset.accounts >}}    |
| Note     | {{< var dataset.note >}}        |
"""


# --- building a stage directory ---------------------------------------------------------------


def code_cell(options: str, *outputs: dict) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(f"{options}\nshow()")
    cell.outputs = [nbformat.v4.new_output(**output) for output in outputs]
    return cell


def demo_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Demo notebook"),
        code_cell(
            "#| label: fig-demo\n"
            '#| fig-cap: "Accounts created per day ([notebook demo](notebooks/demo.ipynb))"',
            {"output_type": "stream", "name": "stdout", "text": "stream noise\n"},
            {
                "output_type": "display_data",
                "data": {"image/svg+xml": SVG, "image/png": PNG_1PX, "text/plain": "<Chart>"},
            },
        ),
        code_cell(
            '#| label: tbl-demo\n#| tbl-cap: "Top accounts"',
            {
                "output_type": "execute_result",
                "execution_count": 2,
                "data": {"text/html": TABLE_HTML, "text/plain": "plain fallback"},
            },
        ),
        code_cell(
            "#| label: summary",
            {"output_type": "display_data", "data": {"text/markdown": "**Planted finding** in markdown."}},
        ),
        code_cell(
            "#| label: fig-failed\n#| fig-cap: Never drawn",
            {
                "output_type": "error",
                "ename": "ValueError",
                "evalue": "boom",
                "traceback": ["Traceback boom"],
            },
        ),
        code_cell(
            "#| label: fig-extra\n#| fig-cap: Extra chart",
            {"output_type": "display_data", "data": {"image/png": PNG_1PX}},
        ),
    ]
    return notebook


def make_stage(root: Path, report: str = REPORT) -> Path:
    stage = root / "stage"
    (stage / "notebooks").mkdir(parents=True)
    nbformat.write(demo_notebook(), stage / "notebooks" / "demo.ipynb")
    (stage / "index.qmd").write_text(report, encoding="utf-8")
    # As staging writes them: values escaped into Markdown that reads as the text, prose with its emphasis.
    variables = {
        "dataset": {key: escape_markdown(value) for key, value in DATASET_VALUES.items()},
        "prose": {"emphasis": "The claim **holds**."},
    }
    (stage / "_variables.yml").write_text(yaml.safe_dump(variables, allow_unicode=True), encoding="utf-8")
    shutil.copy(REPORTS_DIR / "styles.css", stage / "styles.css")
    (stage / "fonts.css").write_text(FONTS_CSS, encoding="utf-8")
    return stage


# --- reading the output -------------------------------------------------------------------------

VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text for child in self.children)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    @property
    def elements(self) -> list[Element]:
        return [child for child in self.children if isinstance(child, Element)]

    def iter(self):
        yield self
        for child in self.elements:
            yield from child.iter()

    def find_all(self, tag: str | None = None, css_class: str | None = None, **attrs: str) -> list[Element]:
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and (css_class is None or css_class in element.classes)
            and all(element.attrs.get(name) == value for name, value in attrs.items())
        ]

    def one(self, tag: str | None = None, css_class: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, css_class, **attrs)
        assert len(found) == 1, f"expected one <{tag or '*'} {css_class or ''} {attrs}>, found {len(found)}"
        return found[0]


class TreeBuilder(HTMLParser):
    """A document tree from the standard library's html.parser, enough to check tags and text."""

    def __init__(self):
        super().__init__()
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.open[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.open[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        self.open[-1].children.append(data)


def parse(html: str) -> Element:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def words(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Rendered:
    html: str
    page: Element


def render(root: Path, profiles: tuple[str, ...] = (), report: str = REPORT) -> Rendered:
    output = root / "out" / "index.html"
    render_with_pandoc(make_stage(root, report), output, profiles)
    html = output.read_text(encoding="utf-8")
    return Rendered(html, parse(html))


@pytest.fixture(scope="module")
def brief(tmp_path_factory) -> Rendered:
    return render(tmp_path_factory.mktemp("brief"))


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Rendered:
    return render(tmp_path_factory.mktemp("full"), profiles=("full", "synthetic"))


# --- embeds, numbering and cross-references ----------------------------------------------------


def test_figure_inlines_svg_with_a_numbered_caption_below(brief):
    figure = brief.page.one("figure", id="fig-demo")
    assert figure.classes == ["ioreport-figure"]
    svg = figure.one("svg")
    assert "中文标签" in svg.text
    assert not figure.find_all("img"), "the SVG is preferred over the PNG"
    caption = figure.elements[-1]
    assert caption.tag == "figcaption"
    assert words(caption.text).startswith("Figure 1: Accounts created per day")
    link = caption.one("a")  # a caption is Markdown, as in Quarto
    assert (link.attrs["href"], link.text) == ("notebooks/demo.ipynb", "notebook demo")


def test_inlined_svg_ids_are_scoped_to_the_figure(brief):
    svg = brief.page.one("figure", id="fig-demo").one("svg")
    assert svg.one("clippath").attrs["id"] == "fig-demo-clip1"
    assert svg.one("g").attrs["clip-path"] == "url(#fig-demo-clip1)"


def test_table_keeps_its_html_with_the_caption_above(brief):
    table = brief.page.one("figure", id="tbl-demo")
    assert table.classes == ["ioreport-table"]
    assert table.elements[0].tag == "figcaption"
    assert words(table.elements[0].text).startswith("Table 1: Top accounts")
    cell = table.one("table", "demo-table").one("td")
    assert cell.text == "<script>alert(1)</script>"
    assert "plain fallback" not in table.text


def test_markdown_output_is_parsed_and_unnumbered(brief):
    block = brief.page.one("div", "ioreport-output", id="summary")
    assert block.one("strong").text == "Planted finding"


def test_cell_without_displayable_output_shows_a_notice(brief):
    figure = brief.page.one("figure", id="fig-failed")
    notice = figure.one("p", "output-missing")
    assert notice.text == "Output missing: notebook demo did not produce fig-failed"
    assert words(figure.one("figcaption").text).startswith("Figure 2: Never drawn")


def test_streams_and_errors_are_not_shown(brief):
    assert "stream noise" not in brief.page.text
    assert "Traceback boom" not in brief.page.text


def test_cross_references_link_to_the_numbered_targets(brief):
    paragraph = next(p for p in brief.page.find_all("p") if "see" in p.text and p.find_all("a"))
    links = [(a.attrs["href"], a.text) for a in paragraph.find_all("a")]
    assert links == [("#fig-demo", f"Figure{NBSP}1"), ("#tbl-demo", f"Table{NBSP}1"), ("#fig-failed", "2")]
    assert "see Table 1" in words(paragraph.text)


def test_profiles_choose_content_and_numbering_follows(brief, full):
    assert not brief.page.find_all(id="fig-extra")
    assert "Extra material" not in brief.page.text
    assert "Brief-profile paragraph." in brief.page.text

    extra = full.page.one("figure", id="fig-extra")
    assert words(extra.one("figcaption").text).startswith("Figure 1: Extra chart")
    assert extra.one("img").attrs["alt"] == "Extra chart", "a PNG chart is described by its caption"
    assert words(full.page.one("figure", id="fig-demo").one("figcaption").text).startswith("Figure 2:")
    assert full.page.one("a", href="#fig-demo").text == f"Figure{NBSP}2"
    assert full.page.one("a", href="#fig-extra").text == f"Figure{NBSP}1"
    assert "Brief-profile paragraph." not in full.page.text
    assert "Extra material" in full.page.one("nav", id="TOC").text


def test_banners_are_divs_both_engines_write_alike(brief, full):
    note = brief.page.one("div", "ioreport-banner")
    assert note.classes == ["ioreport-banner"] and words(note.text) == "Bars are days."
    assert not [d for d in brief.page.find_all("div", "ioreport-banner") if "warning" in d.classes], (
        "shown only with the synthetic profile"
    )
    warning = next(d for d in full.page.find_all("div", "ioreport-banner") if "warning" in d.classes)
    assert words(warning.one("strong").text) == "Synthetic data."


def test_front_matter_sets_title_toc_and_section_numbers(brief):
    header = brief.page.one("header", id="title-block-header")
    assert words(header.one("p", "subtitle").text) == "Offline rendering test"
    toc = brief.page.one("nav", id="TOC")
    assert toc.one("h2").text == "Table of contents"
    assert [span.text for span in toc.find_all("span", "toc-section-number")] == ["1", "2"]
    assert brief.page.find_all("span", "header-section-number")


def test_project_options_apply_unless_the_document_overrides_them(tmp_path):
    stage = make_stage(tmp_path / "source")
    (stage / "_quarto.yml").write_text(yaml.safe_dump({"toc": False, "format": {"html": {"toc-depth": 1}}}))
    output = tmp_path / "index.html"
    render_with_pandoc(stage, output, profiles=("full",))
    toc = parse(output.read_text(encoding="utf-8")).one("nav", id="TOC")
    assert "Findings" in toc.text
    assert "Extra material" not in toc.text, "level-2 headings are deeper than toc-depth 1"


# --- safety -------------------------------------------------------------------------------------


def test_variables_render_as_escaped_text(brief):
    assert brief.page.one("h1", "title").text == f"Report on {HOSTILE_HTML}"
    assert brief.page.one("title").text == f"Report on {HOSTILE_HTML}"
    paragraph = next(p for p in brief.page.find_all("p") if "holds" in p.text)
    assert HOSTILE_HTML in words(paragraph.text)
    assert HOSTILE_MARKDOWN in words(paragraph.text)
    assert [strong.text for strong in paragraph.find_all("strong")] == ["1,234", "holds"], (
        "variables are Markdown, as in Quarto: the escaped values read as text, the prose keeps its emphasis"
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in brief.html
    row = brief.page.find_all("table")[-1].find_all("tr")[-1]
    assert [td.text for td in row.find_all("td")] == ["Note", HOSTILE_MARKDOWN], (
        "a | in a value splits no cell"
    )


def test_no_hostile_markup_becomes_an_element(brief, full):
    for rendered in (brief, full):
        assert not rendered.page.find_all("script")
        assert not [img for img in rendered.page.find_all("img") if img.attrs.get("src") == "x"]
        assert not [el for el in rendered.page.iter() if any(name.startswith("on") for name in el.attrs)]
        assert not [
            a for a in rendered.page.find_all("a") if (a.attrs.get("href") or "").startswith("javascript")
        ]


def test_output_is_self_contained(brief, full):
    for rendered in (brief, full):
        for element in rendered.page.iter():
            for name in ("src", "href", "data", "poster", "srcset"):
                value = (element.attrs.get(name) or "").strip().lower()
                if element.tag != "a":
                    assert not value.startswith(("http:", "https:", "//")), (element.tag, name, value)
        assert not rendered.page.find_all("link", rel="stylesheet")
        styles = "\n".join(style.text for style in rendered.page.find_all("style"))
        assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", styles)
        assert ".ioreport-banner" in styles, "styles.css is inlined"
        assert "data:font/woff;base64" in styles, "fonts.css is inlined"
        assert "styles.css" not in rendered.html


def test_pagebreak_becomes_a_print_break(brief):
    assert brief.page.find_all("div", style="page-break-after: always;")


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "replacement", "message"),
    [
        ("{{< var dataset.accounts >}}**", "{{< var dataset.nope >}}**", "unknown variable 'dataset.nope'"),
        ("see @fig-demo", "see @fig-nope", "unknown cross-reference @fig-nope"),
        ("demo.ipynb#summary", "demo.ipynb#fig-missing", "no cell labelled 'fig-missing'"),
        (
            "notebooks/demo.ipynb#summary",
            "notebooks/absent.ipynb#summary",
            "notebook not found: notebooks/absent",
        ),
        ("{{< pagebreak >}}", "{{< kbd Ctrl >}}", "unsupported shortcode"),
    ],
)
def test_mistakes_in_the_report_are_clear_errors(tmp_path, source, replacement, message):
    assert source in REPORT
    with pytest.raises(RenderError, match=re.escape(message)):
        render(tmp_path, report=REPORT.replace(source, replacement, 1))


def test_a_missing_stylesheet_is_an_error(tmp_path):
    stage = make_stage(tmp_path)
    (stage / "fonts.css").unlink()
    with pytest.raises(RenderError, match="fonts.css"):
        render_with_pandoc(stage, tmp_path / "index.html")


# --- engine choice ------------------------------------------------------------------------------


def install_fake_quarto(bin_dir: Path, body: str = 'echo "quarto $*" > index.html') -> None:
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "quarto"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)


@pytest.mark.parametrize(
    ("setting", "quarto_installed", "engine"),
    [(None, False, "pandoc"), (None, True, "quarto"), ("pandoc", True, "pandoc"), ("auto", True, "quarto")],
)
def test_render_report_picks_the_engine(tmp_path, monkeypatch, setting, quarto_installed, engine):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if quarto_installed:
        install_fake_quarto(bin_dir)
    monkeypatch.setenv("PATH", str(bin_dir))
    if setting is None:
        monkeypatch.delenv(RENDERER_ENV, raising=False)
    else:
        monkeypatch.setenv(RENDERER_ENV, setting)
    stage, output = make_stage(tmp_path), tmp_path / "out" / "report.html"
    assert render_report(stage, output, ["full", "synthetic"]) == engine
    html = output.read_text(encoding="utf-8")
    if engine == "quarto":
        assert html == "quarto render index.qmd --to html --profile full,synthetic\n"
        assert not (stage / "index.html").exists(), "the output is moved, not copied"
    else:
        assert parse(html).one("figure", id="fig-extra")


@pytest.mark.parametrize(("setting", "message"), [("quarto", "no `quarto` program"), ("typo", "use auto")])
def test_render_report_rejects_an_unusable_setting(tmp_path, monkeypatch, setting, message):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv(RENDERER_ENV, setting)
    with pytest.raises(RenderError, match=message):
        render_report(make_stage(tmp_path), tmp_path / "index.html")


def test_a_failing_quarto_is_a_clear_error(tmp_path, monkeypatch):
    install_fake_quarto(tmp_path / "bin", body='echo "ERROR: bad YAML" >&2; exit 1')
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.delenv(RENDERER_ENV, raising=False)
    with pytest.raises(RenderError, match="quarto failed .*ERROR: bad YAML"):
        render_report(make_stage(tmp_path), tmp_path / "index.html")


def test_markup_that_slipped_in_embeds_no_local_file_and_fetches_nothing(tmp_path):
    """Pandoc runs in its sandbox: an <img> pointing at a local file or a URL is not embedded."""
    import base64

    secret = tmp_path / "secret.txt"
    secret.write_text("the secret", encoding="utf-8")
    report = REPORT.replace(
        "# Details", f'# Details\n\n<img src="{secret}"> <img src="http://example.invalid/beacon.png">\n'
    )
    stage = make_stage(tmp_path / "source", report)
    output = tmp_path / "index.html"
    render_with_pandoc(stage, output)
    html_text = output.read_text(encoding="utf-8")
    assert base64.b64encode(b"the secret").decode() not in html_text and "the secret" not in html_text
    assert "data:image/png;base64" not in html_text.split("Details")[-1].split("beacon")[0]


@pytest.mark.parametrize(
    "largest, expected", [(2, ["0", "1", "2"]), (2000, [f"{value:,}" for value in range(0, 2001, 200)])]
)
def test_count_axes_label_whole_numbers_once(largest, expected):
    """On a small dataset, a count axis labels no half tweet, and no whole number twice."""
    import altair as alt
    import polars as pl

    from ioreport.publish import theme

    theme.enable()
    days = pl.DataFrame({"day": [1, 2, 3], "tweets": [0, largest // 2, largest]})
    chart = alt.Chart(days).mark_bar().encode(x="day:O", y=alt.Y("tweets:Q", axis=theme.COUNT_AXIS))
    svg = theme.to_svg(theme.spec(chart))
    axis = re.search(r'aria-label="Y-axis.*?</g></g>', svg, re.DOTALL).group(0)
    assert [
        label for label in re.findall(r">([^<>]*)</text>", axis) if label and label != "tweets"
    ] == expected


def test_the_png_from_the_svg_is_the_png_from_the_specification():
    """Figures' PNGs are rasterised from the SVG already drawn; that must be the image vl-convert draws."""
    import altair as alt
    import polars as pl
    import vl_convert

    from ioreport.publish import theme

    days = pl.DataFrame({"day": ["一", "二", "三"], "tweets": [3, 1, 2]})
    spec = theme.spec(alt.Chart(days, title="香港").mark_bar().encode(x="day:N", y="tweets:Q"))
    assert theme.to_png(theme.to_svg(spec)) == vl_convert.vegalite_to_png(spec, scale=theme.PNG_SCALE)


def test_a_chart_svg_is_the_same_whatever_was_drawn_before_it():
    """vl-convert numbers clip paths per process; a figure file must not depend on which kernel drew it."""
    import altair as alt
    import polars as pl

    from ioreport.publish import theme

    days = pl.DataFrame({"day": [1, 2, 3], "tweets": [3, 1, 2]})
    spec = theme.spec(alt.Chart(days).mark_bar(clip=True).encode(x="day:O", y="tweets:Q"))
    first = theme.to_svg(spec)
    for _ in range(3):
        theme.to_svg(spec)  # other charts drawn in the same process in between
    assert 'id="clip1"' in first and theme.to_svg(spec) == first


# Every kind of character a chart without Chinese may hold: ASCII, accented Latin, Greek and Cyrillic,
# typographic punctuation, the minus and ellipsis Vega writes, and one the font lacks (Devanagari).
LATIN_SAMPLE = "".join(map(chr, range(0x21, 0x7F))) + " éüñçåßø ΑΩαω Тест “”‘’—–…•−€ क"


def _chart_of(labels: list[str]):
    import altair as alt
    import polars as pl

    data = pl.DataFrame({"label": labels, "tweets": list(range(1, len(labels) + 1))})
    return alt.Chart(data, title=labels[0]).mark_bar().encode(x="label:N", y="tweets:Q", color="label:N")


@pytest.mark.parametrize(
    "labels, font",
    [
        (["Hong Kong", "Taiwan"], "LATIN_CHART_FONT"),
        (["Hong Kong", "香港"], "CHART_FONT"),  # in the data
        (["Hong Kong", "🇭🇰"], "CHART_FONT"),  # an emoji: above the CJK blocks, not in the Latin part
    ],
)
def test_a_chart_names_the_latin_part_first_only_when_none_of_its_text_is_chinese(labels, font):
    from ioreport.publish import theme

    spec = theme.spec(_chart_of(labels))
    assert spec["config"]["font"] == getattr(theme, font)
    assert {spec["config"][part]["labelFont"] for part in ("axis", "legend")} == {getattr(theme, font)}


def test_a_chart_with_chinese_only_in_a_field_name_keeps_the_whole_font():
    import altair as alt
    import polars as pl

    from ioreport.publish import theme

    chart = alt.Chart(pl.DataFrame({"話題": ["a", "b"], "n": [1, 2]})).mark_bar().encode(x="話題:N", y="n:Q")
    assert theme.spec(chart)["config"]["font"] == theme.CHART_FONT


def test_the_latin_part_is_the_fonts_own_glyphs_below_the_cjk_blocks():
    from fontTools.ttLib import TTFont

    from ioreport.publish import fonts

    directory = fonts.latin_font_directory()
    assert directory is not None and fonts.latin_font_directory() == directory  # made once, then reused
    (path,) = directory.iterdir()
    part, whole = TTFont(path), TTFont(fonts.FONT_FILE)
    assert part["name"].getDebugName(16) == fonts.LATIN_FONT_FAMILY
    expected = {code: glyph for code, glyph in whole.getBestCmap().items() if code < fonts.CJK_START}
    assert part.getBestCmap() == expected and len(expected) > 1000
    assert {glyph: part["hmtx"][glyph] for glyph in expected.values()} == {
        glyph: whole["hmtx"][glyph] for glyph in expected.values()
    }


def test_the_latin_part_draws_what_the_whole_font_draws():
    """Same text widths (kerning kept), same glyphs: SVG and PNG equal but for the fonts named."""
    from ioreport.publish import theme

    spec = theme.spec(_chart_of([LATIN_SAMPLE[:40], LATIN_SAMPLE[40:80], LATIN_SAMPLE[80:]]))
    assert spec["config"]["font"] == theme.LATIN_CHART_FONT
    whole = json.loads(json.dumps(spec).replace(theme.LATIN_CHART_FONT, theme.CHART_FONT))
    assert whole["config"]["font"] == theme.CHART_FONT
    drawn = [theme.to_svg(each) for each in (spec, whole)]
    assert LATIN_SAMPLE[:10] in drawn[0].replace("&amp;", "&")
    unnamed = [re.sub(r'font-family="[^"]*"', "", svg) for svg in drawn]
    assert unnamed[0] == unnamed[1]
    assert theme.to_png(drawn[0]) == theme.to_png(drawn[1])


def test_a_cached_directory_is_made_once_and_whole(tmp_path, monkeypatch):
    from ioreport.publish import cached

    monkeypatch.setattr(cached, "ASSETS_DIR", tmp_path / "assets")
    made = []

    def make(directory):
        made.append(directory)
        (directory / "font.otf").write_bytes(b"glyphs")

    first = cached.cached_directory("part", "key", make)
    assert cached.cached_directory("part", "key", make) == first and len(made) == 1
    assert [path.name for path in (tmp_path / "assets").iterdir()] == [first.name]  # nothing left aside
    assert made[0] != first  # filled aside, then renamed into place

    def fails(directory):
        (directory / "font.otf").write_bytes(b"half")
        raise OSError("disk full")

    assert cached.cached_directory("part", "other key", fails) is None
    assert [path.name for path in (tmp_path / "assets").iterdir()] == [first.name]

    def breaks(directory):
        (directory / "font.otf").write_bytes(b"half")
        raise ValueError("not a font")

    with pytest.raises(ValueError, match="not a font"):
        cached.cached_directory("part", "other key", breaks)
    assert [path.name for path in (tmp_path / "assets").iterdir()] == [first.name]  # no half-made part
    monkeypatch.setattr(cached, "ASSETS_DIR", tmp_path / "a-file" / "assets")
    (tmp_path / "a-file").write_text("not a directory")
    assert cached.cached_directory("part", "key", make) is None
