"""The registry of network presets, by the name `generate(network=...)` takes."""

from __future__ import annotations

from ioreport.synthetic.prc import PRC
from ioreport.synthetic.preset import NetworkPreset
from ioreport.synthetic.ru import RU

PRESETS: dict[str, NetworkPreset] = {preset.name: preset for preset in (PRC, RU)}
