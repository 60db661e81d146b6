"""Posnet command names and parameter codes the driver and the emulator share, so the two can
never drift apart. Tax classes travel as indexes (0 = A … 6 = G); amounts in grosze;
quantities as decimals with a point."""

from __future__ import annotations

STATUS = "scomm"
COUNTERS = "scnt"  # bn: number of the last receipt, to: its total, rn: daily reports so far
VAT_READ = "vatget"  # va..vg: rate as "23,00"; "100" exempt, "101" inactive
OPEN = "trinit"
LINE = "trline"  # na name, vt class, pr unit price, il quantity, wa value, rd/rw discount
BILL_DISCOUNT = "trdiscntbill"  # rw amount
PAYMENT = "trpayment"  # ty kind, wa amount
CLOSE = "trend"  # to total, fp payments; the answer may carry bn (the document number)
CANCEL = "prncancel"
FORM_START, FORM_LINE, FORM_END = "formstart", "formline", "formend"
DAILY_REPORT = "dailyrep"  # da date; the answer carries rn (the report's number)
DRAWER = "opendrwr"
# Asks for the answer to the previous command again: what a driver does after a timeout instead
# of sending a fiscal command twice.
REPEAT = "lastresp"
# At most this many commands go out before their answers are read: the device queues them in
# its input buffer, whose size the specification does not give (error 11 is its overrun).
TOGETHER_MAX = 8

CLASSES = "ABCDEFG"
VAT_FIELDS = ("va", "vb", "vc", "vd", "ve", "vf", "vg")
VAT_EXEMPT, VAT_INACTIVE = "100", "101"
PAYMENT_TYPES = {"cash": "0", "card": "2", "voucher": "3", "other": "8"}

# Error numbers the emulator answers with (the spec's families: mechanism, state, totals).
ERR_PAPER = "1002"
ERR_BUSY = "6"
ERR_STATE = "382"  # the command is not allowed in the device's present state
ERR_TOTAL = "1950"  # the total given at the close differs from the device's sum
ERR_VALUE = "1300"  # a parameter's value is not acceptable
ERR_FRAME = "1"  # the frame could not be read (bad CRC)
ERR_UNKNOWN = "3"  # no such command

ERRORS = {
    ERR_PAPER: "out of paper",
    ERR_BUSY: "busy",
    ERR_STATE: "command not allowed now",
    ERR_TOTAL: "the total does not match the lines",
    ERR_VALUE: "a value was refused",
    ERR_FRAME: "the frame was not understood",
    ERR_UNKNOWN: "unknown command",
}
