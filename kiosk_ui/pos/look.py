"""The till's colours and sizes, on top of `kiosk_ui.theme`: WCAG 2.2 AA contrast (4.5:1 for
text, white on every button colour), targets of at least 48 px, labels as written (Quasar
uppercases buttons unless told not to), a visible focus ring."""

from __future__ import annotations

from nicegui import ui

# White text on each: blue-700 6.7:1, green-800 7.1:1, red-700 6.5:1, amber-800 5.0:1.
COLOURS = {
    "primary": "#1d4ed8",
    "secondary": "#334155",
    "accent": "#6d28d9",
    "positive": "#166534",
    "negative": "#b91c1c",
    "info": "#1e40af",
    "warning": "#92400e",
}

CSS = """
.q-btn { text-transform: none; min-height: 48px; min-width: 48px; }
.q-field__control, .q-field__marginal { min-height: 48px; }
.pos-pay.q-btn { background: #166534 !important; color: #fff !important; }
.pos-change { color: #166534; }
.pos-total-label { color: #e5e7eb; }
.pos-keys { color: #1f2937; }
.pos-total, .pos-total .q-card { color: #f9fafb !important; }
.q-dialog .q-btn.q-btn--outline, .q-dialog .q-btn.q-btn--flat { background: #fff !important; }
/* The page behind a dialog is dimmed by the card's own shadow: Quasar's backdrop, laid over the
   dialog by NiceGUI's placement, made every colour in the dialog measure as dimmed too. */
.q-dialog__backdrop { background: transparent !important; }
.q-dialog .q-card { box-shadow: 0 0 0 100vmax rgba(17, 24, 39, 0.45) !important; }
:focus-visible { outline: 3px solid #1d4ed8 !important; outline-offset: 2px; }
.q-table__bottom, .q-table th { color: #1f2937; }
"""


def apply() -> None:
    ui.colors(**COLOURS)
    # In NiceGUI's `overrides` cascade layer: an !important outside any layer loses to
    # Quasar's own (its `bg-*` colours are !important).
    ui.add_css("@layer overrides {" + CSS + "}")
