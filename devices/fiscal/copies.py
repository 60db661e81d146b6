"""A copy of a fiscal receipt: refused, as only the device may print one."""

from __future__ import annotations

from typing import Any

from devices.fiscal import jobs_repo
from edge.domain.errors import Conflict


class FiscalCopyRefused(Conflict):
    """A copy of a fiscal receipt may only be the device's own, from its electronic journal."""

    code = "fiscal-copy-refused"


def refuse_copy(conn: Any, receipt_no: str) -> None:
    """Raises for a sale registered (or waiting to be registered) on a fiscal device: a slip
    printed by the node would be a second receipt-like document, and the Posnet protocol has no
    command that prints a copy from the electronic journal."""
    job = jobs_repo.get(conn, receipt_no)
    if job is None:
        return
    where = (
        f"was registered on the fiscal device as fiscal receipt no. {job.number}"
        if job.number is not None
        else "waits to be registered on the fiscal device, which prints its receipt then"
    )
    raise FiscalCopyRefused(
        f"sale {receipt_no} {where}; a copy of a fiscal receipt can only come from the "
        f"device's electronic journal, so nothing is printed: show the sale from the sales "
        f"journal (GET /api/v1/sales/{receipt_no}) instead",
        fiscal_number=job.number,
    )
