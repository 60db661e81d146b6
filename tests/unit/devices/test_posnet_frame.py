"""The Posnet frame byte for byte, against the specification's published wire trace."""

from __future__ import annotations

import pytest

from devices.fiscal.posnet_frame import FrameError, FrameReader, crc16, decode, encode

# From the specification's example exchange (clock read): the request and the printer's answer.
RTCGET = b"\x02rtcget\t#7D61\x03"
RTCGET_ANSWER = b"\x02rtcget\tda2016-09-23;12:29\t#73AE\x03"


def test_crc_is_ccitt_with_initial_zero() -> None:
    assert crc16(b"rtcget\t") == 0x7D61
    assert crc16(b"rtcget\tda2016-09-23;12:29\t") == 0x73AE
    assert crc16(b"123456789") == 0x31C3  # the CRC-16/XMODEM check value


def test_request_frame_byte_for_byte() -> None:
    assert encode("rtcget") == RTCGET


def test_answer_frame_byte_for_byte() -> None:
    assert encode("rtcget", [("da", "2016-09-23;12:29")]) == RTCGET_ANSWER
    frame = decode(RTCGET_ANSWER)
    assert frame.command == "rtcget"
    assert frame.params == (("da", "2016-09-23;12:29"),)
    assert frame.error is None


def test_error_answer() -> None:
    raw = encode("trline", error="1950")
    assert raw.startswith(b"\x02trline\t?1950\t#") and raw.endswith(b"\x03")
    frame = decode(raw)
    assert frame.command == "trline" and frame.error == "1950"


def test_polish_text_travels_in_cp1250() -> None:
    raw = encode("trline", [("na", "Żółć 1kg"), ("vt", "0")])
    assert "Żółć".encode("cp1250") in raw
    assert decode(raw).get("na") == "Żółć 1kg"


@pytest.mark.parametrize(
    "bad",
    [
        b"\x02rtcget\t#7D62\x03",  # CRC off by one
        b"\x02rtcget\t#ZZZZ\x03",  # CRC not hex
        b"rtcget\t#7D61\x03",  # no STX
        b"\x02rtcget\t#7D61",  # no ETX
        b"\x02rtcget#4E70\x03",  # command without its TAB
    ],
)
def test_malformed_frames_are_refused(bad: bytes) -> None:
    with pytest.raises(FrameError):
        decode(bad)


def test_parameter_names_are_two_letters_and_values_hold_no_controls() -> None:
    with pytest.raises(FrameError):
        encode("trline", [("nam", "x")])
    with pytest.raises(FrameError):
        encode("trline", [("na", "a\tb")])


def test_reader_splits_a_stream_and_drops_noise() -> None:
    reader = FrameReader()
    assert reader.feed(b"noise" + RTCGET[:5]) == []
    assert reader.feed(RTCGET[5:] + RTCGET_ANSWER) == [RTCGET, RTCGET_ANSWER]
    # An STX in the middle of a frame starts the frame again.
    assert reader.feed(b"\x02trli" + RTCGET) == [RTCGET]


def test_the_emulator_answers_a_damaged_request_with_a_frame_error() -> None:
    from devices.fiscal.emulator import Emulator

    answer = Emulator().handle(b"\x02trinit\tbm0\t#0000\x03")
    assert answer is not None
    frame = decode(answer)
    assert frame.command == "ERR" and frame.error == "1"
