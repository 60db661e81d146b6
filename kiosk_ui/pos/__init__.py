"""The cashier's till at /pos (see `kiosk_ui.pos.screen`)."""

from kiosk_ui.pos.screen import PosScreen, pos_page

__all__ = ["PosScreen", "pos_page"]
