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
    assert frame.command == "ERR" and frame.error == "5"  # PROTO_ERR_CRC_INVALID


def _framed(body: bytes) -> bytes:
    return b"\x02" + body + b"#" + b"%04X" % crc16(body) + b"\x03"


def test_a_token_follows_the_parameters_and_comes_back_with_the_answer() -> None:
    # The specification's example of the repeat command: stocash sent with token 8765, then
    # rpt with the same token.
    assert encode("stocash", [("kw", "100")], token="8765") == _framed(b"stocash\tkw100\t@8765\t")
    assert encode("rpt", token="8765") == _framed(b"rpt\t@8765\t")
    answer = decode(_framed(b"stocash\t@8765\t"))
    assert answer.command == "stocash" and answer.token == "8765" and answer.params == ()
    with pytest.raises(FrameError):
        encode("rpt", token="87650")


def test_error_answers_as_the_specification_prints_them() -> None:
    # "[STX]identyfikator_rozkazu[TAB]?nnnn#CRC16[ETX]": no TAB before '#'.
    frame = decode(_framed(b"trline\t?2063"))
    assert frame.command == "trline" and frame.error == "2063"
    # The repeat's example of a frame error: ERR, the token, er13, the command.
    frame = decode(_framed(b"ERR\t@8765\ter13\tcmrpt\t"))
    assert (frame.command, frame.token, frame.error, frame.get("cm")) == (
        "ERR",
        "8765",
        "13",
        "rpt",
    )
    with pytest.raises(FrameError):
        decode(_framed(b"trline\tnaX"))  # a parameter without its TAB


def test_the_emulator_repeats_an_answer_by_its_token_only() -> None:
    from devices.fiscal.emulator import Emulator

    device = Emulator()
    first = device.handle(encode("trinit", [("bm", "0")], token="0042"))
    assert first is not None and decode(first).token == "0042" and decode(first).error is None
    assert device.handle(encode("rpt", token="0042")) == first  # not executed a second time
    unknown = device.handle(encode("rpt", token="0043"))
    assert unknown is not None
    frame = decode(unknown)
    assert (frame.command, frame.error, frame.get("cm")) == ("ERR", "13", "rpt")
