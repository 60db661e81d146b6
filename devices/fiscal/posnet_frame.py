"""The Posnet frame, byte for byte (Specyfikacja protokołu POSNET, Thermal HS/FV EJ and ONLINE):

    STX  command  TAB  { name(2 letters) value TAB }  [ '@' token(4 digits) TAB ]  '#'  CRC  ETX

The CRC is CRC-16/CCITT with initial value 0 (the XMODEM variant: polynomial 0x1021, no
reflection), computed over everything between STX and '#', printed as 4 upper-case hex digits.
The token is the command's own: its answer carries it back, and `rpt` with it asks for that
answer again. An answer that reports an error carries a field `?` + the error number; the
specification prints it both with and without the TAB before '#', so both are read. A frame the
device could not take is answered by an `ERR` frame (`?` or `er` + the frame error's number).
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
    token: str | None = None  # four digits: the command's, echoed by its answer

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
        if self.token is not None:
            if len(self.token) != 4 or not self.token.isdigit():
                raise FrameError(f"a token is four digits, not {self.token!r}")
            out += b"@" + self.token.encode("ascii") + TAB
        return out


def encode(
    command: str,
    params: Sequence[tuple[str, str]] = (),
    error: str | None = None,
    token: str | None = None,
) -> bytes:
    body = Frame(command, tuple(params), error, token).body()
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
    if len(parts) < 2 or not parts[0]:
        raise FrameError("a frame's command ends with TAB")
    if parts[-1] == b"":
        parts.pop()
    elif not parts[-1].startswith(b"?"):  # only an error number may omit its TAB
        raise FrameError("every parameter of a frame ends with TAB")
    command = parts[0].decode("ascii", errors="replace")
    error = token = None
    params: list[tuple[str, str]] = []
    for raw in parts[1:]:
        text = raw.decode(ENCODING, errors="replace")
        if text.startswith("?"):
            error = text[1:]
        elif text.startswith("@"):
            token = text[1:]
        elif len(text) >= 2:
            params.append((text[:2], text[2:]))
        else:
            raise FrameError(f"parameter {text!r} has no two-letter name")
    if command == FRAME_ERROR and error is None:
        error = dict(params).get("er")  # the specification's rpt example writes er13
    return Frame(command, tuple(params), error, token)


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
