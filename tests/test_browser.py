"""The built site in a real headless Chromium: pages, links, images, search, screenshots.

Skips where Debian's Chromium is not installed; `.ci/run` installs it, so CI always runs this.
Screenshots go to build/screenshots/ (or $SCREENSHOT_DIR) for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); .ci/run installs it"
)
# Flags for a sandboxed machine with no network: no first-run, sync or background connections.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# A message a reader pastes, and the page that must come up near the top of the results.
SEARCHES = [
    (
        "ValueError: A `Concatenate` layer should be called on a list of at least 1 input. "
        "Received: input_shape=(None, 4)",
        "examples/concatenate/01_layer_vs_function/",
    ),
    (
        "ValueError: A `Concatenate` layer requires inputs with matching shapes except for the "
        "concatenation axis. Received: input_shape=[(None, 14, 14, 8), (None, 15, 15, 8)]",
        "examples/concatenate/04_shape_errors/",
    ),
    (
        "AttributeError: The layer sequential has never been called and thus has no defined output.",
        "examples/layer_access/06_keras2_habits/",
    ),
]
TOP_RESULTS = 5


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory):
    site = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, check=True, capture_output=True, timeout=300,
    )
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", site
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def page_urls(base: str, site: Path) -> list[str]:
    pages = sorted(p.relative_to(site) for p in site.rglob("index.html"))
    return [urljoin(base, p.parent.as_posix() + "/" if p.parent.as_posix() != "." else "") for p in pages]


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_every_page_loads_clean_with_working_links_and_images(site_url, browser) -> None:
    base, site = site_url
    urls = page_urls(base, site)
    assert len(urls) > 20
    problems: list[str] = []
    checked: dict[str, int] = {}
    page = browser.new_page()
    errors: list[str] = []
    # This machine has no network: a request the site makes off-site (the repository link asks
    # GitHub for its star count) fails here and is not the site's fault. Anything else counts.
    local = urlparse(base).netloc
    failed_offsite = lambda m: "Failed to load resource" in m.text and local not in (m.location or {}).get("url", local)  # noqa: E731
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and not failed_offsite(m) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for url in urls:
        errors.clear()
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            problems.append(f"{url}: status {response and response.status}")
        problems.extend(f"{url}: console error: {e}" for e in errors)
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        images = page.eval_on_selector_all("img", "els => els.map(e => [e.src, e.complete && e.naturalWidth > 0])")
        for src, loaded in images:
            if not loaded:
                problems.append(f"{url}: image not shown: {src[:80]}")
        for link in links + [src for src, _ in images]:
            target = urldefrag(link)[0]
            if urlparse(target).netloc != urlparse(base).netloc:
                continue
            if target not in checked:
                checked[target] = status_of(target)
            if checked[target] != 200:
                problems.append(f"{url}: broken link {target} ({checked[target]})")
    page.close()
    assert not problems, "\n".join(problems[:30])
    assert len(checked) > len(urls)


def error_index_section_links_to(site: Path, anchor: str, expected: str) -> bool:
    html = (site / "errors" / "index.html").read_text()
    start = html.find(f'id="{anchor}"')
    end = html.find("<h2", start + 1)
    return start != -1 and f"{expected.split('/', 1)[1]}" in html[start : end if end != -1 else None]


@pytest.mark.parametrize("message, expected", SEARCHES, ids=[e for _, e in SEARCHES])
def test_pasting_an_error_into_search_finds_its_page(site_url, browser, message: str, expected: str) -> None:
    """The fixing page, or the error index entry that links to it, is among the top results."""
    base, site = site_url
    page = browser.new_page()
    page.goto(base, wait_until="load")
    page.click(".md-search__input", timeout=10_000)
    page.type("input.md-search__input", message)  # real key presses: Material searches on keyup
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    page.wait_for_timeout(500)  # the last keystroke's search
    top_items = page.query_selector_all(".md-search-result__item")[:TOP_RESULTS]
    hrefs = [a.get_attribute("href") for item in top_items for a in item.query_selector_all("a")]
    page.close()
    urls = [urljoin(base, h).split("?")[0] + ("#" + h.split("#", 1)[1] if "#" in h else "") for h in hrefs]
    pages = {urldefrag(u)[0] for u in urls}
    anchors = [urldefrag(u)[1] for u in urls if urldefrag(u)[0] == urljoin(base, "errors/") and urldefrag(u)[1]]
    found = urljoin(base, expected) in pages or any(
        error_index_section_links_to(site, anchor, expected) for anchor in anchors
    )
    assert found, f"top results for {message[:50]!r}: {sorted(pages)}, error index sections {anchors}"


def test_screenshots_of_home_and_an_example(site_url, browser) -> None:
    base, _ = site_url
    folder = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "build" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for name, path in (("home", ""), ("example", "examples/concatenate/04_shape_errors/")):
        page.goto(urljoin(base, path), wait_until="networkidle")
        shot = folder / f"{name}.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000, f"{shot} looks empty"
    page.close()
