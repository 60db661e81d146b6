"""Look and feel: large type for the kiosk, dense but legible for the till."""

from __future__ import annotations

from nicegui import ui

_COMMON = """
body { background: #f4f6f8; }
.status-bar { background: #1f2937 !important; color: #f9fafb; min-height: 40px; }
.status-chip { padding: 2px 10px; border-radius: 999px; font-size: 0.85rem; }
.chip-ok { background: #065f46; color: #ecfdf5; }
.chip-bad { background: #b45309; color: #fffbeb; }
.chip-unknown { background: #4b5563; color: #f3f4f6; }
.offline-banner { background: #b91c1c; color: white; font-size: 1.05rem; font-weight: 600;
  padding: 10px 16px; border-radius: 8px; }
kbd { background: #fff; border: 1px solid #cbd5e1; border-bottom-width: 2px; border-radius: 4px;
  padding: 0 6px; font-family: ui-monospace, monospace; font-size: 0.8rem; }
"""

_POS = """
.pos-scan { font-size: 1.6rem; padding: 10px 14px; border: 2px solid #2563eb; border-radius: 8px;
  background: white; outline: none; min-width: 0; }
.pos-scan:focus { box-shadow: 0 0 0 4px #bfdbfe; }
.pos-message { font-size: 1.2rem; min-height: 1.8rem; }
.pos-basket { font-size: 1.1rem; }
.pos-basket .q-table td, .pos-basket .q-table th { font-size: 1.05rem; }
.pos-basket tr.selected td { background: #dbeafe !important; }
.pos-total { background: #111827; color: #f9fafb; }
"""

_KIOSK = """
body { font-size: 22px; }
.kiosk-attract { min-height: 100vh; background: linear-gradient(160deg, #0f766e, #1e3a8a);
  color: white; cursor: pointer; }
.kiosk-attract h1 { font-size: clamp(2.5rem, 7vw, 5rem); font-weight: 800; line-height: 1.1; }
.kiosk-top { background: #0f766e !important; color: white; }
.kiosk-search { font-size: 1.8rem; padding: 14px 20px; border-radius: 14px;
  border: 3px solid #0f766e;
  width: 100%; background: white; outline: none; }
.kiosk-key { min-width: 3.2rem; min-height: 3.4rem; font-size: 1.4rem !important; }
.kiosk-tile { min-height: 7rem; font-size: 1.35rem; border-radius: 16px; }
.kiosk-card { border-radius: 16px; cursor: pointer; }
.kiosk-img { border-radius: 16px; display: flex; align-items: center; justify-content: center;
  color: white; font-weight: 800; }
.kiosk-price { font-size: 2.6rem; font-weight: 800; color: #0f766e; }
.kiosk-grid { display: grid; gap: 16px; width: 100%;
  grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }
.q-btn { text-transform: none; }
@media (orientation: portrait) {
  .kiosk-split { flex-direction: column !important; }
  .kiosk-split > * { width: 100% !important; }
  .kiosk-cats { display: grid !important; grid-template-columns: repeat(3, 1fr); }
  .kiosk-cats > .text-2xl { grid-column: 1 / -1; }
}
"""


def apply(face: str) -> None:
    ui.add_css(_COMMON + (_POS if face == "pos" else _KIOSK))
    ui.page_title("Till" if face == "pos" else "Kiosk")


# A product has no photo in the demo catalogue: a coloured tile with its category's initials.
_PALETTE = ("#0f766e", "#1d4ed8", "#b45309", "#be123c", "#6d28d9", "#047857", "#9a3412")


def placeholder_colour(key: str) -> str:
    return _PALETTE[sum(key.encode()) % len(_PALETTE)]
