"""What keeps a till honest when the node or its connection is gone, and whole when it is back:
a full-screen notice that refuses input with a sound while the page's socket is down, and the
login and open basket kept in the browser's localStorage (revalidated with the node on load)."""

from __future__ import annotations

import json
from typing import Any

from nicegui import ui

from kiosk_ui.pos.words import w

_KEY = "store-edge.till"

# Runs in the browser. NiceGUI's socket reconnects by itself and reloads the page when the node
# it finds is a new process; until then nothing typed or scanned may look accepted.
_WATCH_JS = """
(() => {
  if (window.tillWatch) return;
  window.tillWatch = true;
  let audio = null;
  const beep = () => {
    try {
      audio = audio || new AudioContext();
      const o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 440; g.gain.value = 0.2;
      o.connect(g); g.connect(audio.destination); o.start(); o.stop(audio.currentTime + 0.25);
      window.tillBeeps = (window.tillBeeps || 0) + 1;
    } catch (err) { window.tillBeeps = (window.tillBeeps || 0) + 1; }
  };
  const down = () => document.body.classList.contains('till-down');
  const refuse = (ev) => {
    if (!down()) return;
    ev.preventDefault(); ev.stopImmediatePropagation();
    if (ev.type === 'keydown') beep();
  };
  ['keydown', 'keypress', 'keyup', 'input', 'paste'].forEach(
    (t) => document.addEventListener(t, refuse, true));
  // Quasar's loading bar is a progressbar without a name: give it one as it appears.
  const name = () => document.querySelectorAll('.q-loading-bar:not([aria-label])')
    .forEach((e) => e.setAttribute('aria-label', document.body.dataset.loading || '…'));
  new MutationObserver(name).observe(document.body, {childList: true, subtree: true});
  name();
  let seen = false;  // the page is served by a live node: down means lost after that
  setInterval(() => {
    const up = !!(window.socket && window.socket.connected);
    seen = seen || up;
    const gone = seen && !up;
    if (gone === down()) return;
    document.body.classList.toggle('till-down', gone);
    const box = document.getElementById('till-down');
    if (box) box.setAttribute('aria-hidden', String(!gone));
    if (gone && document.activeElement) document.activeElement.blur();
  }, 250);
})();
"""

CSS = """
#till-down { display: none; }
body.till-down #till-down { display: flex; position: fixed; inset: 0; z-index: 100000;
  background: rgba(127, 29, 29, 0.96); color: #fff; flex-direction: column;
  align-items: center; justify-content: center; gap: 1.5rem; text-align: center; padding: 3rem; }
#till-down h1 { font-size: 2.6rem; font-weight: 800; }
#till-down p { font-size: 1.5rem; max-width: 48rem; }
body.till-down .status-chip { background: #4b5563 !important; color: #f3f4f6 !important; }
body.till-down #popup { display: none !important; }
"""


def add_watch(lang: str) -> None:
    """The full-screen notice (hidden until the socket is down) and the script watching it."""
    ui.add_css(CSS)
    ui.add_body_html(
        f'<div id="till-down" role="alertdialog" aria-modal="true" aria-hidden="true"'
        f' aria-labelledby="till-down-title" lang="{lang}">'
        f'<h1 id="till-down-title">{w("node_gone", lang)}</h1>'
        f"<p>{w('node_gone_more', lang)}</p></div>"
        f"<script>document.body.dataset.loading = {json.dumps(w('loading', lang))};"
        f"{_WATCH_JS}</script>"
    )


def keep(token: str | None, basket: str | None) -> None:
    """Remembers (or forgets, with None) the session and the open basket in this browser."""
    if token is None:
        ui.run_javascript(f"localStorage.removeItem('{_KEY}')")
        return
    value = json.dumps(json.dumps({"token": token, "basket": basket}))
    ui.run_javascript(f"localStorage.setItem('{_KEY}', {value})")


async def kept() -> dict[str, Any]:
    """What this browser remembers; {} when nothing or unreadable."""
    try:
        raw = await ui.run_javascript(f"localStorage.getItem('{_KEY}')", timeout=5.0)
    except TimeoutError:
        return {}
    try:
        found = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
