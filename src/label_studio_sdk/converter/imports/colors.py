"""Label colours for generated labeling configs: a fixed sequence, so the same import gives the same config.

Hues step by the golden angle, which keeps neighbouring labels far apart on the colour wheel however many
labels there are; saturation and lightness are fixed at values that read well on Label Studio's canvas.
"""

from __future__ import annotations

import colorsys
from typing import List

_GOLDEN_FRACTION = 0.381966011250105  # 1 - 1/phi: the golden angle as a fraction of the wheel
_FIRST_HUE = 0.6  # a blue first, rather than a red that looks like an error
_LIGHTNESS = 0.5
_SATURATION = 0.8


def label_color(index: int) -> str:
    """The colour (``#rrggbb``) of the ``index``-th label of a config."""
    hue = (_FIRST_HUE + index * _GOLDEN_FRACTION) % 1.0
    red, green, blue = colorsys.hls_to_rgb(hue, _LIGHTNESS, _SATURATION)
    return "#{:02x}{:02x}{:02x}".format(*(round(channel * 255) for channel in (red, green, blue)))


def palette(count: int) -> List[str]:
    """The colours of the first ``count`` labels."""
    return [label_color(index) for index in range(count)]
