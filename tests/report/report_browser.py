"""Open a report in Debian's headless Chromium and collect what a reader would hit.

A copy of the page gets a probe script at the top of <head>: it records console errors and
failed loads, and after `load` writes a JSON verdict (images, broken images, errors) into the DOM,
which `--dump-dom` returns. A screenshot of the unmodified page is kept as an artifact.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--enable-logging=stderr",
    "--v=0",
]

PROBE = """<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  var t = e.target;
  __errors.push(t && t !== window ? 'failed to load ' + (t.src || t.href || t.tagName) : String(e.message));
}, true);
var __ce = console.error;
console.error = function () {
  __errors.push([].slice.call(arguments).join(' '));
  __ce.apply(console, arguments);
};
window.addEventListener('load', function () {
  var imgs = [].slice.call(document.images);
  var broken = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); })
                   .map(function (i) { return i.alt || i.src.slice(0, 40); });
  var pre = document.createElement('pre');
  pre.id = 'verdict';
  pre.textContent = JSON.stringify({images: imgs.length, broken: broken, errors: __errors});
  document.body.appendChild(pre);
});
</script>"""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(
    chromium: str, profile: Path, args: list[str], timeout: int = 180
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def check_page(chromium: str, page: Path, work: Path) -> dict:
    """{'images': int, 'broken': [...], 'errors': [...], 'console': [...]} for `page`."""
    probed = page.with_name(page.stem + ".probe.html")
    text = page.read_text(encoding="utf-8")
    probed.write_text(text.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    result = _run(
        chromium, work / "profile-dom", ["--virtual-time-budget=10000", "--dump-dom", probed.as_uri()]
    )
    probed.unlink()
    match = re.search(r'<pre id="verdict">(.*?)</pre>', result.stdout, re.S)
    if not match:
        raise AssertionError(
            f"chromium gave no verdict (rc {result.returncode}): {result.stderr[-2000:]}"
        )
    verdict = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    # Chromium echoes page console messages to stderr as "CONSOLE(...)"; the probe itself logs nothing.
    verdict["console"] = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    return verdict


def screenshot(chromium: str, page: Path, out: Path, work: Path) -> Path:
    _run(
        chromium,
        work / "profile-shot",
        ["--window-size=1100,2600", f"--screenshot={out}", page.as_uri()],
    )
    return out
