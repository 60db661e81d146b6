"""Scans from a keyboard-wedge scanner, on every screen: the scanner types a code a few ms a key
and ends it with Enter. A kiosk has no physical keyboard (the shopper types on the screen, which
sends no key events), so a run of digits ended by Enter is a scan; the page takes it back out of
whatever field it landed in and hands it to the kiosk."""

from __future__ import annotations

EVENT = "kiosk_wedge"
MIN_DIGITS = 8  # EAN-8 is the shortest code a shopper scans
KEY_GAP_MS = 300  # keys further apart are not one scan (generous: a loaded kiosk is slow)

SCRIPT = f"""
<script>
(() => {{
  let buf = '', last = 0;
  document.addEventListener('keydown', (e) => {{
    const now = performance.now();
    if (e.key === 'Enter') {{
      const code = buf; buf = '';
      if (code.length < {MIN_DIGITS} || !/^[0-9]+$/.test(code)) return;
      const el = document.activeElement;
      // The search field takes codes itself (typed or scanned): it opens the product.
      if (el && el.classList && el.classList.contains('kiosk-search-input')) return;
      if (el && typeof el.value === 'string' && el.value.endsWith(code)) {{
        el.value = el.value.slice(0, -code.length);
        el.dispatchEvent(new Event('input', {{bubbles: true}}));
      }}
      e.preventDefault();
      emitEvent('{EVENT}', code);
      return;
    }}
    if (e.key.length !== 1) return;
    if (now - last > {KEY_GAP_MS}) buf = '';
    buf += e.key; last = now;
  }}, true);
}})();
</script>
"""
