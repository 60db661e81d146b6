"""The Posnet frame, byte for byte (Specyfikacja protokołu POSNET, Thermal HS/FV EJ and ONLINE):

    STX  command  TAB  { name(2 letters) value TAB }  '#'  CRC(4 hex digits)  ETX

The CRC is CRC-16/CCITT with initial value 0 (the XMODEM variant: polynomial 0x1021, no
reflection), computed over everything between STX and '#', printed as 4 upper-case hex digits.
An answer that reports an error carries one field `?` + the error number instead of values.
Text travels in Windows-1250 (the printers' Polish code page)."""

from __future__ import annotations

import binascii
from collections.abc import Sequence
from dataclasses import dataclass

STX, ETX, TAB = b"\x02", b"\x03", b"\t"
ENCODING = "cp1250"
FRAME_ERROR = "ERR"  # the command name of an answer to a frame the device could not read


class FrameError(ValueError):
    """Bytes that are not a well-formed Posnet frame (or whose CRC does not match)."""


def crc16(data: bytes) -> int:
    return binascii.crc_hqx(data, 0)


@dataclass(frozen=True, slots=True)
class Frame:
    command: str
    params: tuple[tuple[str, str], ...] = ()
    error: str | None = None  # the device's error number, on an error answer

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.params:
            if key == name:
                return value
        return default

    def body(self) -> bytes:
        out = self.command.encode("ascii") + TAB
        if self.error is not None:
            out += b"?" + self.error.encode("ascii") + TAB
        for name, value in self.params:
            if len(name) != 2 or not (name.isascii() and name.isalnum()):
                raise FrameError(f"a parameter name is two characters, not {name!r}")
            text = str(value)
            if any(c in text for c in "\t\x02\x03#"):
                raise FrameError(f"parameter {name} holds a control character")
            out += name.encode("ascii") + text.encode(ENCODING, errors="replace") + TAB
        return out


def encode(command: str, params: Sequence[tuple[str, str]] = (), error: str | None = None) -> bytes:
    body = Frame(command, tuple(params), error).body()
    return STX + body + b"#" + b"%04X" % crc16(body) + ETX


def decode(frame: bytes) -> Frame:
    """One whole frame, STX to ETX. Raises FrameError on anything malformed."""
    if len(frame) < 8 or frame[:1] != STX or frame[-1:] != ETX or frame[-6:-5] != b"#":
        raise FrameError(f"not a Posnet frame: {frame[:40]!r}")
    body, crc_text = frame[1:-6], frame[-5:-1]
    try:
        crc = int(crc_text, 16)
    except ValueError:
        raise FrameError(f"CRC {crc_text!r} is not hexadecimal") from None
    if crc != crc16(body):
        raise FrameError(f"CRC {crc_text.decode('ascii', 'replace')} does not match the frame")
    parts = body.split(TAB)
    if parts[-1] != b"" or not parts[0]:
        raise FrameError("a frame's command and every parameter end with TAB")
    command = parts[0].decode("ascii", errors="replace")
    error = None
    params: list[tuple[str, str]] = []
    for raw in parts[1:-1]:
        text = raw.decode(ENCODING, errors="replace")
        if text.startswith("?"):
            error = text[1:]
        elif len(text) >= 2:
            params.append((text[:2], text[2:]))
        else:
            raise FrameError(f"parameter {text!r} has no two-letter name")
    return Frame(command, tuple(params), error)


class FrameReader:
    """Splits a byte stream into frames: bytes before an STX are noise, an STX inside a frame
    starts it again (as the printer itself does)."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buf += data
        frames: list[bytes] = []
        while True:
            start = self._buf.find(STX)
            if start < 0:
                self._buf.clear()
                return frames
            del self._buf[:start]
            restart = self._buf.find(STX, 1)
            end = self._buf.find(ETX)
            if 0 <= restart < end or (end < 0 and restart > 0):
                del self._buf[:restart]
                continue
            if end < 0:
                return frames
            frames.append(bytes(self._buf[: end + 1]))
            del self._buf[: end + 1]
