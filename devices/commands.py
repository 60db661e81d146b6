"""A small ESC/POS encoder: the handful of commands a receipt needs, byte-exact.

python-escpos guesses a code page per character from a capabilities database and switches pages
mid-line, which many Polish-market clones mishandle; here the page is fixed per printer profile
(ESC t n once per job) and a line the page cannot carry becomes a raster image instead."""

from __future__ import annotations

ESC, GS, DLE, EOT, LF = b"\x1b", b"\x1d", b"\x10", b"\x04", b"\n"

INIT = ESC + b"@"
CUT = {"partial": GS + b"VB\x00", "full": GS + b"VA\x00", "none": b""}
# ESC p m t1 t2: pulse pin 2 for 50 ms on, 500 ms off (units of 2 ms).
DRAWER_PULSE = ESC + b"p\x00\x19\xfa"

# Epson code-table numbers (ESC t n) and the Python codec that produces those bytes.
CODE_PAGES: dict[str, tuple[int, str]] = {
    "cp852": (18, "cp852"),
    "wpc1250": (45, "cp1250"),
    "iso8859_2": (39, "iso8859_2"),
    "none": (0, "cp437"),  # PC437: no Polish letters at all
}

# DLE EOT n: real-time status requests (answered even while the printer is busy or offline).
STATUS_PRINTER = DLE + EOT + b"\x01"
STATUS_OFFLINE = DLE + EOT + b"\x02"
STATUS_PAPER = DLE + EOT + b"\x04"


def select_code_page(code_page: str) -> bytes:
    return ESC + b"t" + bytes([CODE_PAGES[code_page][0]])


def align(where: str) -> bytes:
    return ESC + b"a" + bytes([{"left": 0, "center": 1, "right": 2}[where]])


def bold(on: bool) -> bytes:
    return ESC + b"E" + (b"\x01" if on else b"\x00")


def size(double: bool) -> bytes:
    """GS ! n: double width and height, or normal."""
    return GS + b"!" + (b"\x11" if double else b"\x00")


def feed(lines: int) -> bytes:
    return ESC + b"d" + bytes([max(0, min(lines, 255))])


def code128(data: str, height: int = 60) -> bytes:
    """CODE128 subset B with the human-readable text below."""
    payload = b"{B" + data.encode("ascii")
    return (
        GS
        + b"h"
        + bytes([height])
        + GS
        + b"w\x02"
        + GS
        + b"H\x02"
        + GS
        + b"k\x49"
        + bytes([len(payload)])
        + payload
    )


def _qr_fn(fn: bytes, params: bytes) -> bytes:
    n = len(params) + 2
    return GS + b"(k" + bytes([n & 0xFF, n >> 8]) + b"1" + fn + params


def qr(data: str, module: int = 6) -> bytes:
    """QR model 2, error correction M: store the data, then print it."""
    raw = data.encode("ascii")
    return (
        _qr_fn(b"A", b"2\x00")
        + _qr_fn(b"C", bytes([module]))
        + _qr_fn(b"E", b"1")
        + _qr_fn(b"P", b"0" + raw)
        + _qr_fn(b"Q", b"0")
    )


def raster(bits: bytes, width_bytes: int, height: int) -> bytes:
    """GS v 0: a 1-bit image, rows of `width_bytes` bytes, MSB = leftmost dot, 1 = black."""
    return (
        GS
        + b"v0\x00"
        + bytes([width_bytes & 0xFF, width_bytes >> 8, height & 0xFF, height >> 8])
        + bits
    )
