"""The report in a real browser: headless Chromium opens the small run's index.html from file://.

test_pipeline.py checks the HTML as text; this checks what a reader gets: no console errors, nothing
fetched but the file itself and its data: URIs, every chart drawn, hostile archive text shown as
inert text, Chinese labels drawn from the embedded font, and a full-page screenshot with ink on it.
Needs `chromium` and `chromedriver` on PATH (Debian: apt-get install chromium chromium-driver).
Without them the module is skipped, unless the CI environment variable is set: then it fails.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import struct
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

import pytest
from fontTools.ttLib import TTFont
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from ioreport.config.paths import REPORTS_DIR
from ioreport.publish import charts

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
)
WINDOW_WIDTH = 1280
MAX_SCREENSHOT_HEIGHT = 16000
CJK_FONT = "Noto Sans CJK TC"
CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LIVE_CHARTS = "figure.ioreport-figure .ioreport-chart.is-live .ioreport-chart-live svg"
MIN_INTERACTIVE_CHARTS = 10
SVG_TEXTS = "return [...document.querySelectorAll('.ioreport-chart-live svg text')].map(t => t.textContent);"
FONT_FACES = "return [...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status]);"
FONT_SOURCES = """return [...document.styleSheets].flatMap(sheet => [...sheet.cssRules])
    .filter(rule => rule instanceof CSSFontFaceRule
                    && rule.style.getPropertyValue('font-family').replace(/"/g, '') === arguments[0])
    .map(rule => rule.style.getPropertyValue('src'));"""

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
BINARIES = {"chromium": CHROMIUM, "chromedriver": CHROMEDRIVER}
MISSING = " and ".join(name for name, path in BINARIES.items() if not path)
NOT_INSTALLED = f"{MISSING} not on PATH (Debian: apt-get install chromium chromium-driver)"
# Skipped where the browser is missing, except under CI (which installs it): there the driver fixture fails.
pytestmark = pytest.mark.skipif(bool(MISSING) and not os.environ.get("CI"), reason=NOT_INSTALLED)


@dataclass
class PageLoad:
    """What the browser saw while loading one page."""

    url: str
    alerts: list[str]  # texts of alert/confirm/prompt dialogs the page opened
    console: list[dict]  # browser log entries
    requests: list[str]  # URLs of every request the page made, in order


def open_page(driver, url: str) -> PageLoad:
    """Load url in the current tab, wait for its fonts, and collect dialogs, console and requests."""
    driver.get("about:blank")
    driver.get_log("browser")
    driver.get_log("performance")  # drop what earlier pages logged
    driver.get(url)
    alerts = []
    while True:  # the driver leaves dialogs open (unhandledPromptBehavior "ignore"): record and close them
        try:
            alert = driver.switch_to.alert
        except NoAlertPresentException:
            break
        alerts.append(alert.text)
        alert.accept()
    driver.execute_async_script("const done = arguments[0]; document.fonts.ready.then(() => done());")
    # Charts are drawn when their library has run: wait until none is left to draw (or a minute passed).
    driver.execute_async_script(
        """const done = arguments[0], started = Date.now();
        (function wait() {
            const pending = document.querySelectorAll('.ioreport-chart:not(.is-live)').length;
            const drawing = typeof vegaEmbed !== 'undefined';  // scripts removed: nothing will be drawn
            if (!pending || !drawing || Date.now() - started > 50000) { done(); }
            else { setTimeout(wait, 100); }
        })();"""
    )
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    return PageLoad(url=url, alerts=alerts, console=driver.get_log("browser"), requests=requests)


def foreign_requests(load: PageLoad) -> list[str]:
    return [url for url in load.requests if url != load.url and not url.startswith("data:")]


def severe(load: PageLoad) -> list[str]:
    return [entry["message"] for entry in load.console if entry["level"] == "SEVERE"]


def live_code(driver, ours: list[str]) -> dict:
    """Scripts that run other than `ours` (JSON data scripts do not run), scripts with a source, and
    elements carrying an inline event handler (onerror=, onload=, ...)."""
    return driver.execute_script(
        """const ours = arguments[0];
        const running = [...document.scripts].filter(s => s.type !== 'application/json');
        return {
            scripts: running.filter(s => !ours.includes(s.textContent.trim())).length,
            sources: running.filter(s => s.src).map(s => s.src),
            handlers: [...document.querySelectorAll('*')]
                .flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on'))
                .map(a => `${e.tagName.toLowerCase()}[${a.name}]`)),
        };""",
        ours,
    )


OURS = [charts.library().strip(), charts.DRAW_CHARTS.strip()]


def ink(driver, png: bytes) -> dict:
    """Share of non-white pixels and number of colours in a PNG, decoded by the browser in a scratch tab."""
    report_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")
    try:
        return driver.execute_async_script(
            """const [b64, done] = arguments;
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            createImageBitmap(new Blob([bytes], {type: 'image/png'})).then(bitmap => {
                const w = 400, h = Math.max(1, Math.round(bitmap.height * w / bitmap.width));
                const ctx = new OffscreenCanvas(w, h).getContext('2d');
                ctx.drawImage(bitmap, 0, 0, w, h);
                const px = ctx.getImageData(0, 0, w, h).data, colours = new Set();
                let inked = 0;
                for (let i = 0; i < px.length; i += 4) {
                    if (Math.min(px[i], px[i + 1], px[i + 2]) < 245) inked++;
                    colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
                }
                done({inked: inked / (w * h), colours: colours.size});
            }, error => done({error: String(error)}));""",
            base64.b64encode(png).decode("ascii"),
        )
    finally:
        driver.close()
        driver.switch_to.window(report_tab)


class FigureLabels(HTMLParser):
    """Ids of the report's chart figures, as written in the HTML file."""

    def __init__(self):
        super().__init__()
        self.labels: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and "ioreport-figure" in (attrs.get("class") or "").split():
            self.labels.append(attrs.get("id") or "")


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    if MISSING:
        pytest.fail(f"CI must run the browser test, but {NOT_INSTALLED}")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument(f"--window-size={WINDOW_WIDTH},900")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    options.unhandled_prompt_behavior = "ignore"  # an alert the page fires stays open for open_page to see
    # A Service with a path keeps Selenium Manager (which downloads drivers) out of it.
    browser = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    browser.set_script_timeout(60)
    yield browser
    browser.quit()


@pytest.fixture(scope="module")
def report(driver, small_run) -> PageLoad:
    """The small run's report, loaded once; the tests below read it without navigating away."""
    result, _ = small_run
    return open_page(driver, (result.run_dir / "index.html").resolve().as_uri())


def test_report_logs_no_console_errors(report):
    assert not severe(report)


def test_report_requests_nothing_but_itself_and_data_uris(report):
    assert report.url in report.requests  # the performance log is being read at all
    assert not foreign_requests(report)


def test_every_chart_is_drawn_live_and_visible(driver, report, small_run):
    result, _ = small_run
    parser = FigureLabels()
    parser.feed((result.run_dir / "index.html").read_text(encoding="utf-8"))
    labels = parser.labels
    embedded = set(re.findall(r"\{\{< embed \S+#(fig-[\w-]+) >\}\}", (REPORTS_DIR / "index.qmd").read_text()))
    assert embedded and embedded <= set(labels), "a figure the report source embeds is missing"
    drawn: dict[str, int] = {}
    for chart in driver.find_elements(By.CSS_SELECTOR, LIVE_CHARTS):
        label, box = driver.execute_script(
            """const el = arguments[0], box = el.getBoundingClientRect();
            return [el.closest('figure').id, [box.width, box.height]];""",
            chart,
        )
        assert chart.is_displayed() and box[0] > 0 and box[1] > 0, f"{label}: chart not visible ({box})"
        drawn[label] = drawn.get(label, 0) + 1
    assert [label for label in labels if not drawn.get(label)] == [], "figures without a live chart"
    assert len(drawn) >= MIN_INTERACTIVE_CHARTS
    # The static SVG stays in the page, hidden while the live chart is shown.
    static = driver.find_elements(By.CSS_SELECTOR, ".ioreport-chart.is-live .ioreport-chart-static svg")
    assert len(static) == len(drawn) and not any(svg.is_displayed() for svg in static)


def test_charts_answer_the_pointer_with_tooltips(driver, report):
    """Hovering a mark opens vega-embed's tooltip, with the datum's fields."""
    from selenium.webdriver import ActionChains

    mark = driver.find_element(
        By.CSS_SELECTOR, "#fig-hour-weekday .ioreport-chart-live svg path[aria-roledescription]"
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", mark)
    ActionChains(driver).move_to_element(mark).perform()
    tooltip = driver.execute_script(
        "const t = document.querySelector('#vg-tooltip-element'); return t ? t.innerText : '';"
    )
    assert "tweets" in tooltip.lower(), tooltip


def test_without_scripts_the_static_charts_show(driver, small_run, tmp_path):
    """What a reader without scripts, or a printer, gets: every static SVG displayed."""
    result, _ = small_run
    page = tmp_path / "noscript.html"
    text = (result.run_dir / "index.html").read_text(encoding="utf-8")
    page.write_text(re.sub(r"<script>.*?</script>", "", text, flags=re.DOTALL), encoding="utf-8")
    report_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")
    try:
        open_page(driver, page.as_uri())
        static = driver.find_elements(By.CSS_SELECTOR, ".ioreport-chart-static svg")
        assert static and all(svg.is_displayed() for svg in static)
    finally:
        driver.close()
        driver.switch_to.window(report_tab)


def test_hostile_archive_text_stays_inert_text(driver, report, small_run, small_dataset):
    result, _ = small_run
    _, truth = small_dataset
    planted = truth["dataset"]["hostile"]
    assert report.alerts == []
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 (the property raises when no dialog is open)
    assert live_code(driver, OURS) == {"scripts": 0, "sources": [], "handlers": []}
    assert driver.find_elements(By.CSS_SELECTOR, "img[onerror]") == []
    text = driver.execute_script("return document.body.innerText;")
    assert planted["display_name_markup"] in text  # the planted account is in the small run's tables
    # The planted tweet is shown only where it ranks in a table; wherever the HTML has it, it reads as text.
    if escape(planted["tweet_markup"], quote=False) in (result.run_dir / "index.html").read_text("utf-8"):
        assert planted["tweet_markup"] in text


def test_chinese_chart_labels_are_drawn_from_the_embedded_font(driver, report):
    texts = driver.execute_script(SVG_TEXTS)
    chinese = [(index, text) for index, text in enumerate(texts) if CJK_CHAR.search(text)]
    assert chinese, "no chart label in Chinese"
    assert driver.execute_script(f"return document.fonts.check('12px \"{CJK_FONT}\"', '香港');")
    # fonts.check() is also true for a family the page never declared, so look for the face itself...
    assert [CJK_FONT, "loaded"] in driver.execute_script(FONT_FACES)
    # ...and into it: a character the (subset) face lacks would be drawn as a box.
    covered: set[int] = set()
    for src in driver.execute_script(FONT_SOURCES, CJK_FONT):
        for data in re.findall(r"data:[^;,]+;base64,([A-Za-z0-9+/=]+)", src):
            covered |= set(TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap())
    needed = {char for _, text in chinese for char in CJK_CHAR.findall(text)}
    assert sorted(char for char in needed if ord(char) not in covered) == [], "glyphs missing from the font"
    # Which font the browser drew each label with: the embedded face, not a system fallback.
    driver.execute_cdp_cmd("DOM.enable", {})
    driver.execute_cdp_cmd("CSS.enable", {})
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    live_texts = {"nodeId": root, "selector": ".ioreport-chart-live svg text"}
    found = driver.execute_cdp_cmd("DOM.querySelectorAll", live_texts)
    nodes = found["nodeIds"]
    assert len(nodes) == len(texts)
    for index, text in chinese:
        fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": nodes[index]})["fonts"]
        embedded = sum(f["glyphCount"] for f in fonts if f["isCustomFont"] and CJK_FONT in f["familyName"])
        assert embedded >= len(CJK_CHAR.findall(text)), (text, fonts)


def test_full_page_screenshot_has_ink(driver, report, tmp_path):
    page_height = driver.execute_script("return document.documentElement.scrollHeight;")
    height = min(page_height, MAX_SCREENSHOT_HEIGHT)
    size = driver.get_window_size()
    frame = size["height"] - driver.execute_script("return window.innerHeight;")  # window minus viewport
    driver.set_window_size(WINDOW_WIDTH, height + frame)
    try:
        viewport = driver.execute_script("return [window.innerWidth, window.innerHeight];")
        png = driver.get_screenshot_as_png()
    finally:
        driver.set_window_size(size["width"], size["height"])
    (tmp_path / "report.png").write_bytes(png)
    assert viewport[1] >= height, f"viewport {viewport} is shorter than the page ({page_height} px)"
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width_px, height_px = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert height_px * viewport[0] >= height * width_px, "the screenshot is not of the whole page"
    stats = ink(driver, png)
    assert stats["colours"] > 16 and stats["inked"] > 0.02, stats


def test_the_checks_catch_a_hostile_page(driver, tmp_path):
    """The same checks on a page that does everything the report must not: none passes vacuously."""
    page = tmp_path / "hostile.html"
    page.write_text(
        '<!doctype html><meta charset="utf-8"><title>hostile</title>'
        "<img src=x onerror=alert(1)><script>console.error('boom')</script>"
        '<img src="http://example.invalid/beacon.png">',
        encoding="utf-8",
    )
    report_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")
    try:
        load = open_page(driver, page.as_uri())
        code = live_code(driver, OURS)
    finally:
        driver.close()
        driver.switch_to.window(report_tab)
    assert load.alerts == ["1"]
    assert any("boom" in message for message in severe(load))
    assert "http://example.invalid/beacon.png" in foreign_requests(load)
    assert code == {"scripts": 1, "sources": [], "handlers": ["img[onerror]"]}


def test_print_shows_the_static_charts(driver, report):
    """On paper (and in the PDF) the static SVGs stand in for the live charts."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = driver.execute_script(
            """const visible = (s) => [...document.querySelectorAll(s)]
                .filter(e => getComputedStyle(e).display !== 'none').length;
            return [document.querySelectorAll('.ioreport-chart').length,
                    visible('.ioreport-chart-static'), visible('.ioreport-chart-live')];"""
        )
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    charts, static, live = shown
    assert charts >= MIN_INTERACTIVE_CHARTS and static == charts and live == 0
