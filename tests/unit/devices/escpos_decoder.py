"""A small ESC/POS decoder for tests: bytes back into text lines and the commands around them,
reading text in whichever code page the job selected with ESC t n."""

from __future__ import annotations

from dataclasses import dataclass, field

CODECS = {0: "cp437", 18: "cp852", 45: "cp1250", 39: "iso8859_2"}


@dataclass
class Decoded:
    lines: list[str] = field(default_factory=list)
    commands: list[tuple] = field(default_factory=list)  # ("cut", "partial"), ("qr", data), …

    def has(self, name: str) -> bool:
        return any(cmd[0] == name for cmd in self.commands)

    def of(self, name: str) -> list[tuple]:
        return [cmd for cmd in self.commands if cmd[0] == name]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def decode(data: bytes) -> Decoded:
    """Decodes a job; a job cut off mid-command keeps what came before the cut."""
    out = Decoded()
    try:
        _decode(data, out)
    except IndexError:
        out.commands.append(("truncated",))
    return out


def _decode(data: bytes, out: Decoded) -> None:
    codec = "cp437"
    text = bytearray()
    i = 0

    def flush() -> None:
        out.lines.append(text.decode(codec))
        text.clear()

    while i < len(data):
        b = data[i]
        if b == 0x0A:
            flush()
            i += 1
        elif b == 0x1B:
            op = data[i + 1]
            if op == ord("@"):
                out.commands.append(("init",))
                i += 2
            elif op == ord("t"):
                codec = CODECS[data[i + 2]]
                out.commands.append(("codepage", data[i + 2]))
                i += 3
            elif op in (ord("a"), ord("E"), ord("d")):
                if op == ord("E"):
                    out.commands.append(("bold", data[i + 2]))
                i += 3
            elif op == ord("p"):
                out.commands.append(("drawer", data[i + 2]))
                i += 5
            else:
                raise ValueError(f"unknown ESC {op:#x} at {i}")
        elif b == 0x1D:
            op = data[i + 1]
            if op == ord("!"):
                i += 3
            elif op == ord("V"):
                out.commands.append(("cut", {0x42: "partial", 0x41: "full"}[data[i + 2]]))
                i += 4
            elif op in (ord("h"), ord("w"), ord("H")):
                i += 3
            elif op == ord("k"):
                n = data[i + 3]
                out.commands.append(("barcode", data[i + 4 : i + 4 + n][2:].decode("ascii")))
                i += 4 + n
            elif op == ord("("):
                n = data[i + 3] + 256 * data[i + 4]
                body = data[i + 5 : i + 5 + n]
                if body[1:2] == b"P":
                    out.commands.append(("qr", body[3:].decode("ascii")))
                i += 5 + n
            elif op == ord("v"):
                w = data[i + 4] + 256 * data[i + 5]
                h = data[i + 6] + 256 * data[i + 7]
                out.commands.append(("raster", w, h, data[i + 8 : i + 8 + w * h]))
                out.lines.append("<image>")
                i += 8 + w * h
            else:
                raise ValueError(f"unknown GS {op:#x} at {i}")
        elif b == 0x10:
            out.commands.append(("status", data[i + 2]))
            i += 3
        else:
            text.append(b)
            i += 1
    if text:
        flush()


def split_jobs(stream: bytes) -> list[bytes]:
    """A printer's byte stream split into jobs at each ESC @ (init)."""
    parts = stream.split(b"\x1b@")
    return [b"\x1b@" + p for p in parts[1:]]
