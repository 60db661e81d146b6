"""axe-core, the accessibility checker, run inside a page under test. The package comes from the
npm registry with npm's own client (which checks its integrity) once, into var/axe/."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_VERSION = "4.10.3"
CACHE = Path(__file__).resolve().parents[2] / "var" / "axe" / f"axe-{AXE_VERSION}.min.js"
# WCAG 2.0-2.2 A and AA, as EN 301 549 asks of a terminal's software.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _tarball(into: Path) -> Path:
    """axe-core's package from the npm registry: with npm when there is one (it checks the
    package's integrity), else over HTTPS from the registry itself."""
    if shutil.which("npm"):
        name = subprocess.run(
            ["npm", "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(into), "--silent"],
            check=True, capture_output=True, text=True, timeout=300,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        return into / name
    url = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
    target = into / f"axe-core-{AXE_VERSION}.tgz"
    with urllib.request.urlopen(url, timeout=120) as r:
        target.write_bytes(r.read())
    return target


def axe_script() -> str:
    if not CACHE.exists():
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp, tarfile.open(_tarball(Path(tmp))) as tar:
            member = tar.extractfile("package/axe.min.js")
            assert member is not None, "axe-core's package has no axe.min.js"
            CACHE.write_bytes(member.read())
    return CACHE.read_text()


def serious_violations(
    page: Page, within: str | None = None, skip: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """axe's serious and critical findings on the page as shown (or in the element `within`
    selects; rules in `skip` not run), each with its first nodes."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_script())
    result = page.evaluate(
        "async ([tags, within, skip]) => await axe.run(within ? {include: [[within]]} : document,"
        " {runOnly: {type: 'tag', values: tags},"
        "  rules: Object.fromEntries(skip.map((r) => [r, {enabled: false}]))})",
        [TAGS, within, list(skip)],
    )
    found = []
    for v in result["violations"]:
        if v["impact"] in ("serious", "critical"):
            nodes = [n["target"] for n in v["nodes"][:3]]
            summary = v["nodes"][0].get("failureSummary", "")[:300]
            found.append({"id": v["id"], "impact": v["impact"], "nodes": nodes, "why": summary})
    return found


# WCAG's relative luminance and contrast ratio, for text whose background axe cannot place.
CONTRAST_JS = """(root) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (e) => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e)
    .backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) return c; }
    return [255, 255, 255]; };
  const low = [];
  for (const e of root.querySelectorAll('*')) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || e.offsetParent === null) continue;
    const fg = lum(rgb(getComputedStyle(e).color)), bg = lum(behind(e));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) low.push(`${e.textContent.trim().slice(0, 30)}: ${ratio.toFixed(2)}`);
  }
  return low;
}"""


def low_contrast(page: Page, within: str) -> list[str]:
    """Text under 4.5:1 against the nearest opaque background, in the element `within`."""
    found: list[str] = page.locator(within).first.evaluate(CONTRAST_JS)
    return found
