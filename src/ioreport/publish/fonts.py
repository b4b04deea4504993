"""The CJK font of charts and pages: its family and file, and the subset of it a page embeds.

Noto Sans CJK comes as a wheel (no system fonts needed). vl-convert draws the charts with the whole file
(see theme); a page embeds only the glyphs it shows, as a WOFF @font-face, made once per set of glyphs.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import cvttf_NotoSansCJK_Regular

from ioreport.publish.cached import cached_text

FONT_FAMILY = "Noto Sans CJK TC"
FONT_FILE = Path(cvttf_NotoSansCJK_Regular.__file__).parent / "NotoSansCJKtc-Regular.otf"

_CJK_AND_ABOVE = re.compile("[\u2e80-\U0010ffff]")  # a pass in C, not a Python loop over every character


def font_css(text: str) -> str:
    """@font-face for the CJK subset the report uses: Chinese renders without system fonts."""
    wanted = "".join(sorted(set(_CJK_AND_ABOVE.findall(text))))
    if not wanted:
        return "/* no CJK text in this report */\n"
    font = f"{FONT_FILE.name} {FONT_FILE.stat().st_size}"
    return cached_text("font-subset", f"{font}\n{wanted}", lambda: _font_face(wanted))


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
