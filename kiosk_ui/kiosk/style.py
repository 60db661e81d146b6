"""The kiosk's own look on top of kiosk_ui.theme: the keyboard fixed to the bottom, the field it
types into marked, colours and targets for WCAG 2.2 AA (4.5:1 text, 3:1 controls, 48 px)."""

from __future__ import annotations

import json

from nicegui import ui

KEYBOARD_ROOM = "27rem"  # what the fixed keyboard covers at the bottom of the screen

CSS = f"""
.kiosk-keyboard {{ position: fixed; left: 0; right: 0; bottom: 0; z-index: 50;
  background: #e2e8f0; border-top: 2px solid #475569; padding: 8px 8px 12px; }}
.kiosk-with-keyboard {{ padding-bottom: {KEYBOARD_ROOM}; }}
.kiosk-typing {{ font-size: 1.2rem; font-weight: 700; color: #1e293b; min-height: 1.8rem; }}
.kiosk-key {{ min-width: 3.4rem; min-height: 3.4rem; border: 1px solid #64748b !important; }}
.kiosk-target .q-field__control {{ outline: 4px solid #b45309; outline-offset: 2px;
  background: #fffbeb; }}
.kiosk-card:focus-visible, .kiosk-promo:focus-visible {{ outline: 4px solid #b45309;
  outline-offset: 3px; }}
.kiosk-unknown {{ min-height: 70vh; }}
.kiosk .q-field__native {{ font-size: 1.6rem; }}
html.kiosk-big body {{ zoom: 1.25; }}
.kiosk .q-checkbox__inner {{ min-width: 48px; min-height: 48px; }}
.kiosk-promos {{ display: grid; gap: 24px; width: 100%; max-width: 1600px;
  grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); }}
"""


def apply(lang: str) -> None:
    ui.add_css(CSS)
    # Before the page is drawn: a screen reader knows the language from the first word.
    ui.add_head_html(f"<script>document.documentElement.lang = {json.dumps(lang)};</script>")
