"""The internal ids of a chart's SVG (clip paths, gradients), made deterministic and unique per chart.

vl-convert numbers them per process (`clip1`, `clip7`, `gradient_0`): the number depends on how many charts
the kernel drew before, which depends on how notebooks were shared between workers, and two charts inlined
in one page can define the same id (one then clips with the other's path).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_SVG_ID = re.compile(r'\bid="([^"]+)"')
_COUNTED = re.compile(r"^(.*?)(\d+)$")


def renamed_svg_ids(svg: str, rename: Callable[[str], str]) -> str:
    """The SVG with every id it defines, and every reference to one, renamed by `rename`."""
    ids = list(dict.fromkeys(_SVG_ID.findall(svg)))
    if not ids:
        return svg
    names = {old: rename(old) for old in ids}
    reference = re.compile(r'(\bid="|url\(#|href="#)(' + "|".join(map(re.escape, ids)) + r')(?=[")])')
    return reference.sub(lambda match: f"{match[1]}{names[match[2]]}", svg)


def numbered_svg_ids(svg: str) -> str:
    """Ids numbered from 1 within the chart, each kind apart (`clip7`, `clip9` become `clip1`, `clip2`)."""
    seen: dict[str, int] = {}

    def renumbered(name: str) -> str:
        counted = _COUNTED.match(name)
        if counted is None:
            return name
        kind = counted[1]
        seen[kind] = seen.get(kind, 0) + 1
        return f"{kind}{seen[kind]}"

    return renamed_svg_ids(svg, renumbered)


def scope_svg_ids(svg: str, scope: str) -> str:
    """Prefix the SVG's internal ids with `scope`, so that charts inlined in one page never share one."""
    return renamed_svg_ids(svg, lambda name: f"{scope}-{name}")
