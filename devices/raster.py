"""Text as a 1-bit image, for printers without a code page that carries the line's letters."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSansMono.ttf"),
)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_CANDIDATES:
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    # Pillow's bundled FreeType font: proportional, but it has the Latin Extended-A letters.
    return ImageFont.load_default(size)


def text_bitmap(text: str, dots: int, cell: int, height: int, align: str) -> tuple[bytes, int, int]:
    """Renders `text` on a `dots`-wide strip with character cells of `cell` dots (12 for font
    A). Returns (packed rows, width in bytes, height) for GS v 0."""
    font = _font(round(cell / 0.6))  # a monospace advance is 0.6 em
    image = Image.new("1", (dots, height), 1)
    draw = ImageDraw.Draw(image)
    width = draw.textlength(text, font=font)
    x = {"left": 0, "center": (dots - width) / 2, "right": dots - width}.get(align, 0)
    draw.text((max(0, x), 0), text, font=font, fill=0)
    # PIL "1" mode packs 1 = white; the printer wants 1 = black.
    packed = bytes(b ^ 0xFF for b in image.tobytes())
    return packed, (dots + 7) // 8, height
