"""The faults the Posnet emulator can play (`store-edge fiscal emulator --fault F`): a device in
trouble, to see the node refuse or suspend a sale as a real one would make it."""

from __future__ import annotations

from dataclasses import dataclass

FAULTS = ("paper-out", "busy", "no-answer-after-lines=N", "bad-crc")


@dataclass
class Faults:
    paper_out: bool = False
    busy: bool = False
    no_answer_after_lines: int | None = None
    bad_crc: bool = False
    lose_close_answer: bool = False  # tests: print the receipt, then fall silent
    silent: bool = False  # set by the two above; cleared by hand (a cable plugged back in)

    @classmethod
    def parse(cls, spec: str | None) -> Faults:
        if not spec:
            return cls()
        if spec == "paper-out":
            return cls(paper_out=True)
        if spec == "busy":
            return cls(busy=True)
        if spec == "bad-crc":
            return cls(bad_crc=True)
        name, _, value = spec.partition("=")
        if name == "no-answer-after-lines" and value.isdigit():
            return cls(no_answer_after_lines=int(value))
        raise ValueError(f"unknown fault {spec!r}; one of {', '.join(FAULTS)}")
