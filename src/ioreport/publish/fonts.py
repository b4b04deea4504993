"""The CJK font of charts and pages: its family and file, its Latin part, and the subset of it a page embeds.

Noto Sans CJK comes as a wheel (no system fonts needed). vl-convert draws a chart with Chinese text with
the whole file, and one without it with the font's Latin part (see theme); a page embeds only the glyphs it
shows, as a WOFF @font-face, made once per set of glyphs.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import cvttf_NotoSansCJK_Regular

from ioreport.publish.cached import cached_directory, cached_text

FONT_FAMILY = "Noto Sans CJK TC"
FONT_FILE = Path(cvttf_NotoSansCJK_Regular.__file__).parent / "NotoSansCJKtc-Regular.otf"
# The font's own glyphs below the CJK blocks, as a family of their own. vl-convert opens and maps the font
# file for every text it measures, and the whole 16 MB file doubles the time a chart takes (13 charts:
# 3.7 s of SVG and PNG against 1.8 s), for the same image.
LATIN_FONT_FAMILY = f"{FONT_FAMILY} Latin"
CJK_START = 0x2E80

_CJK_AND_ABOVE = re.compile(f"[{chr(CJK_START)}-\U0010ffff]")  # a pass in C, not a Python loop


def has_cjk(text: str) -> bool:
    """Whether the text has a character of the CJK blocks or above (emoji too): one the Latin part lacks."""
    return _CJK_AND_ABOVE.search(text) is not None


def latin_font_directory() -> Path | None:
    """A directory holding the font's Latin part, made once (about 2 s); None when it cannot be kept."""
    return cached_directory("latin-font", f"{_font_key()} below {CJK_START:X}", _write_latin_part)


def _write_latin_part(directory: Path) -> None:
    """Every glyph of the font below the CJK blocks, with its layout features, named LATIN_FONT_FAMILY."""
    from fontTools import subset  # loaded when used: the part is made once

    options = subset.Options()
    options.layout_features = ["*"]  # the same kerning and shaping: the same text widths
    options.name_IDs, options.name_languages = ["*"], ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(FONT_FILE), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for code in font.getBestCmap() if code < CJK_START])
    subsetter.subset(font)
    postscript = FONT_FILE.stem.split("-")[0]  # NotoSansCJKtc, as in the PostScript name
    for record in font["name"].names:  # family, unique id, full and PostScript names
        if record.nameID in (1, 3, 4, 6, 16):
            text = record.toUnicode().replace(FONT_FAMILY, LATIN_FONT_FAMILY)
            record.string = text.replace(postscript, f"{postscript}Latin")
    font.save(directory / FONT_FILE.name.replace(postscript, f"{postscript}Latin"))


def font_css(text: str) -> str:
    """@font-face for the CJK subset the report uses: Chinese renders without system fonts."""
    wanted = "".join(sorted(set(_CJK_AND_ABOVE.findall(text))))
    if not wanted:
        return "/* no CJK text in this report */\n"
    return cached_text("font-subset", f"{_font_key()}\n{wanted}", lambda: _font_face(wanted))


def _font_key() -> str:
    """What tells one font file from another, in the keys of what is made from it."""
    return f"{FONT_FILE.name} {FONT_FILE.stat().st_size}"


def _font_face(characters: str) -> str:
    from fontTools import subset  # loaded when used: a known set of glyphs is cached

    options = subset.Options()
    options.flavor = "woff"
    options.desubroutinize = True
    font = subset.load_font(str(FONT_FILE), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(ch) for ch in characters])
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-style: normal; font-weight: 400;\n'
        f'  src: url(data:font/woff;base64,{data}) format("woff"); }}\n'
    )
