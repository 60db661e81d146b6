"""Document → ESC/POS bytes for one printer profile."""

from __future__ import annotations

from devices import commands as c
from devices.config import PrinterProfile
from devices.layout import QR, Barcode, Document, Feed, Text
from devices.raster import text_bitmap
from edge.domain.text import printable

# Typography that no receipt code page carries, replaced before encoding.
_PLAIN = str.maketrans({"—": "-", "–": "-", "…": "...", "„": '"', "”": '"', "“": '"', "’": "'"})


def _encode(text: str, codec: str) -> bytes | None:
    try:
        return text.translate(_PLAIN).encode(codec)
    except UnicodeEncodeError:
        return None


def _text(el: Text, profile: PrinterProfile, codec: str) -> bytes:
    style = c.align(el.align) + c.bold(el.bold) + c.size(el.double)
    line = printable(el.text)  # an ESC or GS in the text would be a command to the printer
    encoded = _encode(line, codec)
    if encoded is not None:
        return style + encoded + c.LF
    # The printer's code page lacks a letter of this line: print the line as an image.
    cell = 24 if el.double else 12
    bits, width_bytes, height = text_bitmap(
        line.translate(_PLAIN), profile.dots, cell, 48 if el.double else 24, el.align
    )
    return c.align("left") + c.raster(bits, width_bytes, height)


def render(doc: Document, profile: PrinterProfile, *, drawer: bool = False) -> bytes:
    """One print job: init, code page, (drawer pulse), the document, feed and cut."""
    codec = c.CODE_PAGES[profile.code_page][1]
    out = bytearray(c.INIT + c.select_code_page(profile.code_page))
    if drawer:
        out += c.DRAWER_PULSE
    for el in doc:
        if isinstance(el, Text):
            out += _text(el, profile, codec)
        elif isinstance(el, Barcode):
            out += c.align("center") + c.code128(printable(el.data)) + c.LF
        elif isinstance(el, QR):
            if profile.qr:
                out += c.align("center") + c.qr(el.data) + c.LF
        elif isinstance(el, Feed):
            out += c.feed(el.lines)
    out += c.align("left") + c.bold(False) + c.size(False)
    out += c.feed(3) + c.CUT[profile.cut]
    return bytes(out)


def drawer_job() -> bytes:
    return c.INIT + c.DRAWER_PULSE
