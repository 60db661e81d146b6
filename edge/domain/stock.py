"""The stock ledger: movements are facts; a level is the sum of its movements."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class MovementKind(Enum):
    SALE = "sale"
    RETURN = "return"
    RECEIPT = "receipt"  # goods received
    ADJUSTMENT = "adjustment"  # stock count
    RESERVATION = "reservation"
    RELEASE = "release"
    PICKUP = "pickup"  # a reserved item handed over
    WRITE_OFF = "write_off"  # damaged or lost
    TRANSFER_OUT = "transfer_out"  # sent to another store (in transit until it arrives)
    TRANSFER_IN = "transfer_in"  # received from another store


# (on_hand, reserved) per unit of quantity. Adjustments carry their own sign.
_DELTAS: dict[MovementKind, tuple[int, int]] = {
    MovementKind.SALE: (-1, 0),
    MovementKind.RETURN: (1, 0),
    MovementKind.RECEIPT: (1, 0),
    MovementKind.ADJUSTMENT: (1, 0),
    MovementKind.RESERVATION: (0, 1),
    MovementKind.RELEASE: (0, -1),
    MovementKind.PICKUP: (-1, -1),
    MovementKind.WRITE_OFF: (-1, 0),
    MovementKind.TRANSFER_OUT: (-1, 0),
    MovementKind.TRANSFER_IN: (1, 0),
}


@dataclass(frozen=True, slots=True)
class Movement:
    sku: str
    kind: MovementKind
    qty: int  # pieces, or grams for weighed goods; signed only for adjustments

    def deltas(self) -> tuple[int, int]:
        on_hand, reserved = _DELTAS[self.kind]
        return on_hand * self.qty, reserved * self.qty


@dataclass(frozen=True, slots=True)
class Level:
    sku: str
    on_hand: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def negative(self) -> bool:
        """Book stock below zero: a sale of an item the books did not know about. Never refused,
        only flagged for a count."""
        return self.on_hand < 0

    def apply(self, movement: Movement) -> Level:
        d_on_hand, d_reserved = movement.deltas()
        return Level(self.sku, self.on_hand + d_on_hand, self.reserved + d_reserved)


def level_from(sku: str, movements: list[Movement]) -> Level:
    level = Level(sku)
    for m in movements:
        if m.sku == sku:
            level = level.apply(m)
    return level
