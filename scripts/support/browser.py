"""Headless Chromium for the HTML outputs, offline: open a page, collect console errors, measure
horizontal overflow, take screenshots. Used by scripts/make_screenshots.py and tests/test_browser.py.

Drives the system Chromium (Debian package ``chromium``) through Playwright, with no browser
download and no network: every page runform writes is self-contained.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: Flags that keep Chromium off the network and out of the user's profile.
OFFLINE_FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")


def chromium_path() -> str | None:
    """The system Chromium, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass(frozen=True)
class PageCheck:
    """What a page did when opened.

    Attributes
    ----------
    errors : tuple of str
        Console messages of type error and uncaught page errors.
    scroll_width, client_width : int
        The document's scroll width and the viewport's width (CSS px): overflow when the first
        is larger.
    title : str
        The page's ``<title>``.
    text_chars : int
        Characters of visible text in ``<body>`` (a blank page has ~0).
    """

    errors: tuple
    scroll_width: int
    client_width: int
    title: str
    text_chars: int

    @property
    def overflows(self) -> bool:
        return self.scroll_width > self.client_width


@contextmanager
def browser():
    """A headless Chromium (Playwright) with a fresh profile, closed afterwards."""
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        raise RuntimeError("no chromium on PATH (apt-get install chromium)")
    profile = tempfile.mkdtemp(prefix="runform-chromium-")
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(profile, executable_path=exe, headless=True,
                                                       args=list(OFFLINE_FLAGS), viewport={"width": 1280, "height": 900})
            try:
                yield ctx
            finally:
                ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def open_page(ctx, path: Path, width: int = 1280, height: int = 900):
    """Open ``path`` (a local HTML file) at ``width`` x ``height``; return (page, PageCheck)."""
    page = ctx.new_page()
    page.set_viewport_size({"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(Path(path).resolve().as_uri(), wait_until="load")
    page.wait_for_timeout(200)
    sw, cw, n = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth, "
                              "document.body.innerText.trim().length]")
    return page, PageCheck(tuple(errors), int(sw), int(cw), page.title(), int(n))
