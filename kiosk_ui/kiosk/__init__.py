"""The shopper's kiosk at /kiosk: attract screen, search with an on-screen keyboard, categories,
product page with stock here and nearby, price check by scan, order for pickup, order status.
Touch-first and large; Polish or English; forgets the shopper after a short inactivity.

One module per screen (attract, home, product, order, status), the shared parts beside them
(screen: state and navigation; keyboard; wedge: scans typed by a keyboard-wedge scanner)."""

from __future__ import annotations

from kiosk_ui import runtime
from kiosk_ui.kiosk.home import MIN_SEARCH, RESULTS
from kiosk_ui.kiosk.screen import KioskScreen

__all__ = ["MIN_SEARCH", "RESULTS", "KioskScreen", "kiosk_page"]


def kiosk_page() -> None:
    node = runtime.mounted()
    KioskScreen(node.ctx, node.parts).build()
