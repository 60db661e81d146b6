"""Posnet command names, parameter codes and error numbers the driver and the emulator share, so
the two can never drift apart (Specyfikacja protokołu POSNET, Thermal HS/FV EJ, DBC-I-DEV-45).
Tax classes travel as indexes (0 = A … 6 = G); amounts in grosze with no decimal point
(the specification's "Kwota"); quantities as decimals with a point."""

from __future__ import annotations

STATUS = "scomm"  # ts: the transaction open ("0" none, 16 a receipt, 17 one in block mode, …)
MECHANISM = "sprn"  # pr: the print mechanism ("0" fine; 4, 5 out of paper; 1–10 in trouble)
COUNTERS = "scnt"  # bn: the last receipt's number, rd: daily reports so far
# pa..pg: the receipts' totalizers per tax class since the last daily report, pn: their count.
TOTALIZERS = "stot"
VAT_READ = "vatget"  # va..vg: rate as "23,00"; "100,00" exempt, "101,00" inactive
OPEN = "trinit"  # bm: block mode (0: the lines are checked one by one)
LINE = "trline"  # na name, vt class, pr unit price, il quantity, wa value, rd/rw discount
BILL_DISCOUNT = "trdiscntbill"  # rd discount (not a surcharge), rw amount
PAYMENT = "trpayment"  # ty kind, wa amount
CLOSE = "trend"  # to total; the answer is the standard one (the number: read scnt)
CANCEL = "prncancel"
FORM_START, FORM_LINE, FORM_END = "formstart", "formline", "formend"
DAILY_REPORT = "dailyrep"  # da date (checked against the device's clock)
DRAWER = "opendrwr"
# The answer to the command sent with token @NNNN, asked for again: what a driver does after a
# timeout or a damaged answer instead of sending a fiscal command twice.
REPEAT = "rpt"
# At most this many commands go out before their answers are read: the device queues them in
# its input buffer, whose size the specification does not give (frame error 11 is its overrun).
TOGETHER_MAX = 8

CLASSES = "ABCDEFG"
VAT_FIELDS = ("va", "vb", "vc", "vd", "ve", "vf", "vg")
RECEIPT_TOTALIZERS = ("pa", "pb", "pc", "pd", "pe", "pf", "pg")
VAT_EXEMPT, VAT_INACTIVE = "100,00", "101,00"
PAYMENT_TYPES = {"cash": "0", "card": "2", "voucher": "7", "other": "6"}
RECEIPT_OPEN = "16"  # scomm's ts while a receipt is open
PAPER_OUT = ("4", "5")  # sprn's pr: no paper for the copy, for the original
# The free-text printout: form 42 ("Potwierdzenie / Raport / Bon"), header 1 (RAPORT), its
# line 10 ("Opis" and 40 characters) once per line of text.
FORM_TEXT, FORM_TEXT_HEADER, FORM_TEXT_LINE = "42", "1", "10"

# Frame errors (an ERR frame: the device could not take the frame) and command errors (the
# command's own answer carries `?` and the number), as the specification numbers them.
ERR_CMD_UNKNOWN = "1"
ERR_CRC = "5"
ERR_TOKEN_NOT_FOUND = "13"
ERR_QUEUE_FULL = "14"
ERR_UNKN = "50"  # "operation error": the emulator's answer while it has no paper
ERR_TR_FLD_TOTAL = "2008"  # the total given at the close differs from the device's sum
ERR_TR_END_PAYMENT = "2054"  # the payments do not cover the total
ERR_TR_BAD_STATE = "2060"  # not allowed in the device's present transaction state
ERR_PAR = "2063"  # a parameter's value is not acceptable

ERRORS = {
    ERR_CMD_UNKNOWN: "unknown command",
    ERR_CRC: "the frame's checksum was wrong",
    ERR_TOKEN_NOT_FOUND: "no answer kept for that token",
    ERR_QUEUE_FULL: "its input queue is full (busy)",
    ERR_UNKN: "operation error (check the paper and the cover)",
    ERR_TR_FLD_TOTAL: "the total does not match the lines",
    ERR_TR_END_PAYMENT: "the payments do not cover the total",
    ERR_TR_BAD_STATE: "command not allowed now",
    ERR_PAR: "a value was refused",
}
