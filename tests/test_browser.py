"""The built site in a real headless Chromium: pages, links, search, layout, accessibility, screenshots.

Skips where Debian's Chromium is not installed; `.ci/run` installs it, so CI always runs this.
The accessibility check needs axe-core (`.ci/run` installs it with npm into build/axe; set
$AXE_CORE_JS to use another copy) and skips, saying so, without it.
Screenshots go to build/screenshots/ (or $SCREENSHOT_DIR) for a person to look at.

`python tests/test_browser.py SITE_DIR` prints the search hit rate of any built site.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]  # search_queries; sitegen when run as a script
from search_queries import QUERIES  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); .ci/run installs it"
)
# Flags for a sandboxed machine with no network: no first-run, sync or background connections.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE_CORE = Path(os.environ.get("AXE_CORE_JS", ROOT / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"))
TOP = 3
HIT_RATE = 0.9
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def serve(site: Path):
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory):
    site = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, check=True, capture_output=True, timeout=300,
    )
    server, base = serve(site)
    yield base, site
    server.shutdown()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def page_urls(base: str, site: Path) -> list[str]:
    pages = sorted(p.relative_to(site) for p in site.rglob("index.html"))
    return [urljoin(base, p.parent.as_posix() + "/" if p.parent.as_posix() != "." else "") for p in pages]


def chapter_pages(site: Path) -> list[str]:
    """The first example page of every chapter: one page per chapter, whatever chapters exist."""
    chapters = sorted(p for p in (site / "examples").iterdir() if p.is_dir())
    firsts = [min(q.parent for q in chapter.glob("*/index.html")) for chapter in chapters]
    return [f.relative_to(site).as_posix() + "/" for f in firsts]


OVERFLOW_JS = """() => {
  const wide = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) wide.push('page ' + root.scrollWidth);
  const outputs = '.language-text pre > code, div.highlight:not([class*="language-"]) pre > code';
  for (const code of document.querySelectorAll(outputs)) {
    if (code.scrollWidth > code.clientWidth + 1) wide.push('output: ' + code.textContent.slice(0, 60));
  }
  for (const table of document.querySelectorAll('.md-typeset table')) {
    const frame = table.closest('.md-typeset__scrollwrap') || table;
    if (table.scrollWidth > frame.clientWidth + 1) wide.push('table: ' + table.textContent.trim().slice(0, 60));
  }
  return wide;
}"""


def empty_search_index(page, site: Path) -> None:
    """Serve the page an index with the site's search settings and no documents. Parsing the real
    one on every load is most of the time a page walk takes; the search tests use the real one."""
    import json

    config = json.loads((site / "search" / "search_index.json").read_text())["config"]
    body = json.dumps({"config": config, "docs": []})
    page.route("**/search_index.json", lambda route: route.fulfill(body=body, content_type="application/json"))


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_every_page_loads_clean_and_fits_a_phone(site_url, browser) -> None:
    """At phone width: no console error, no request that leaves the site, no broken link, image
    or #anchor; no output block and no page scrolls sideways; every diagram names its model."""
    base, site = site_url
    urls = page_urls(base, site)
    assert len(urls) > 20
    problems: list[str] = []
    checked: dict[str, int] = {}
    diagrams = 0
    page = browser.new_page(viewport=PHONE)
    errors: list[str] = []
    offsite: list[str] = []
    local = urlparse(base).netloc
    empty_search_index(page, site)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: offsite.append(r.url) if urlparse(r.url).netloc not in ("", local) else None)
    anchors_seen: dict[str, set[str]] = {}
    for url in urls:
        errors.clear()
        offsite.clear()
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            problems.append(f"{url}: status {response and response.status}")
        problems.extend(f"{url}: console error: {e}" for e in errors)
        problems.extend(f"{url}: third-party request on load: {r}" for r in offsite)
        problems += [f"{url}: too wide for a phone: {what}" for what in page.evaluate(OVERFLOW_JS)]
        for alt in page.eval_on_selector_all(".nb-figure img", "els => els.map(e => e.alt)"):
            diagrams += 1
            if "Diagram of the model" not in alt:
                problems.append(f"{url}: diagram alt text {alt!r}")
        anchors_seen[url] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        images = page.eval_on_selector_all("img", "els => els.map(e => [e.src, e.complete && e.naturalWidth > 0])")
        for src, loaded in images:
            if not loaded:
                problems.append(f"{url}: image not shown: {src[:80]}")
        for link in links + [src for src, _ in images]:
            target = urldefrag(link)[0]
            if urlparse(target).netloc != local:
                continue
            if target not in checked:
                checked[target] = status_of(target)
            if checked[target] != 200:
                problems.append(f"{url}: broken link {target} ({checked[target]})")
        for link in links:
            target, fragment = urldefrag(link)
            if fragment and target in anchors_seen and fragment not in anchors_seen[target]:
                problems.append(f"{url}: link to a missing section {link}")
    page.close()
    assert not problems, "\n".join(problems[:30])
    assert len(checked) > len(urls)
    assert diagrams >= 3


def search_top_pages(page, base: str, query: str, top: int = TOP) -> list[str]:
    """The first `top` result pages (site paths) for `query`, typed into the site's search box."""
    page.evaluate("() => document.querySelector('.md-search-result__list')?.replaceChildren()")
    page.fill("input.md-search__input", query)
    page.dispatch_event("input.md-search__input", "keyup")  # Material searches on keyup
    try:
        page.wait_for_selector(".md-search-result__item", timeout=5_000)
    except Exception:  # no result at all
        return []
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item > a.md-search-result__link", "els => els.map(e => e.getAttribute('href'))"
    )
    paths = [urlparse(urljoin(base, h)).path.lstrip("/") for h in hrefs]
    return list(dict.fromkeys(paths))[:top]


def pages_that_fix(query: str, listed: tuple[str, ...]) -> set[str]:
    """The pages listed for a query, and for a pasted error every page that reproduces an error of
    the same family (same message up to names, shapes and numbers): each of them fixes it too."""
    import nbformat

    from sitegen.error_index import error_causes
    from sitegen.errors import generalise
    from sitegen.notebooks import example_notebooks

    kind, _, message = query.partition(": ")
    family = (kind, generalise(message))
    if not hasattr(pages_that_fix, "causes"):
        paths = example_notebooks()
        notebooks = [(Path(p.relative_to(ROOT).as_posix()), nbformat.read(p, as_version=4)) for p in paths]
        pages_that_fix.causes = error_causes(notebooks)
    pages = {page.removesuffix(".md") + "/" for page, _ in pages_that_fix.causes.get(family, {})}
    return set(listed) | pages


def search_hit_rate(page, base: str, strict: bool = False) -> tuple[float, list[str]]:
    """Share of QUERIES with a fixing page in the top results. `strict`: only the pages listed for
    it count, not other pages that reproduce the same message family."""
    page.goto(base, wait_until="load")
    page.click(".md-search__input", timeout=10_000)
    ready = "() => !document.querySelector('.md-search-result__meta')?.textContent.includes('Initializing')"
    page.wait_for_function(ready)
    misses = []
    for query, expected in QUERIES:
        found = search_top_pages(page, base, query)
        if not set(found) & (set(expected) if strict else pages_that_fix(query, expected)):
            misses.append(f"{query[:70]!r}: wanted {expected[0]}, top {TOP}: {found}")
    return 1 - len(misses) / len(QUERIES), misses


def test_search_lands_on_the_page_that_fixes_it(site_url, browser) -> None:
    """Pasted errors (other names and shapes than the examples') and plain questions: the page that
    reproduces and fixes it, or answers it, is among the first three results for 90% of them."""
    assert len(QUERIES) >= 40
    base, _ = site_url
    page = browser.new_page()
    rate, misses = search_hit_rate(page, base)
    page.close()
    print(f"search: {rate:.0%} of {len(QUERIES)} queries find their page in the top {TOP}")
    assert rate >= HIT_RATE, f"top-{TOP} hit rate {rate:.0%}; misses:\n" + "\n".join(misses)


def test_search_highlights_no_short_words(site_url, browser) -> None:
    """Following a result for a pasted message marks its words on the page, but never "A" or "of"."""
    base, _ = site_url
    page = browser.new_page()
    page.goto(base, wait_until="load")
    page.click(".md-search__input")
    query = QUERIES[0][0]
    assert search_top_pages(page, base, query)
    href = page.get_attribute(".md-search-result__item > a.md-search-result__link", "href")
    assert "h=" in href, "search highlighting is off: nothing to check"
    page.goto(urljoin(base, href), wait_until="load")
    page.wait_for_selector("mark[data-md-highlight]", timeout=5_000)
    marked = page.eval_on_selector_all("mark[data-md-highlight]", "els => els.map(e => e.textContent)")
    page.close()
    assert marked and all(len(word) > 2 for word in marked), sorted(set(marked))




def test_diagram_opens_full_size(site_url, browser) -> None:
    """A click on a diagram shows it at its own size, above the page; Escape closes it."""
    base, site = site_url
    page = browser.new_page(viewport=PHONE)
    problems = []
    # Click to enlarge: the lightbox shows the picture at its own size, and Escape closes it.
    url = next(u for u in page_urls(base, site) if "architectures" in u and "examples/concatenate" in u)
    page.goto(url, wait_until="load")
    page.click(".nb-figure a")
    page.wait_for_selector("dialog.nb-lightbox[open] img")
    size = "e => [e.naturalWidth, e.getBoundingClientRect().width]"
    natural, shown = page.eval_on_selector("dialog.nb-lightbox img", size)
    if abs(natural - shown) > 2:
        problems.append(f"lightbox shows the diagram at {shown}px, not its {natural}px")
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog.nb-lightbox[open]", state="detached", timeout=2_000)
    page.close()
    assert not problems, "\n".join(problems[:30])


def axe_pages(base: str, site: Path, scheme: str) -> list[str]:
    """Light: the site's own pages and one page per chapter. Dark: the colours differ, the markup
    does not, so the home page and two example pages (code, outputs, a diagram) are enough."""
    chapters = [urljoin(base, p) for p in chapter_pages(site)]
    if scheme == "dark":
        return [base, chapters[0], urljoin(base, "examples/concatenate/06_architectures/")]
    return [base, urljoin(base, "errors/"), urljoin(base, "backends/"), urljoin(base, "migration/"), *chapters]


@pytest.mark.skipif(  # in CI (.ci/run installs it) a missing axe-core fails instead
    not AXE_CORE.is_file() and not os.environ.get("CI"),
    reason=f"axe-core not found at {AXE_CORE}: npm install --prefix build/axe axe-core@4.14.1 "
    "(.ci/run does), or set $AXE_CORE_JS",
)
def test_no_serious_accessibility_violation(site_url, browser) -> None:
    """axe-core finds no serious or critical violation, in the light and the dark scheme."""
    base, site = site_url
    script = AXE_CORE.read_text()
    problems = []
    for scheme in ("light", "dark"):
        page = browser.new_page(viewport=DESKTOP, color_scheme=scheme)
        empty_search_index(page, site)
        for url in axe_pages(base, site, scheme):
            page.goto(url, wait_until="load")
            page.add_script_tag(content=script)
            violations = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".map(v => [v.impact, v.id, v.nodes.length, v.nodes[0].target.join(' ')])"
            )
            problems += [f"{scheme} {url}: {v}" for v in violations if v[0] in ("serious", "critical")]
        page.close()
    assert not problems, "\n".join(problems[:30])


def test_screenshots(site_url, browser) -> None:
    """Home, error index and one page per chapter; desktop and phone; light and dark."""
    base, site = site_url
    folder = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "build" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    targets = {"home": "", "errors": "errors/"}
    targets.update({p.strip("/").replace("examples/", "").replace("/", "-"): p for p in chapter_pages(site)})
    for scheme in ("light", "dark"):  # the palette follows the system setting
        page = browser.new_page(viewport=DESKTOP, color_scheme=scheme)
        empty_search_index(page, site)
        for name, path in targets.items():
            page.set_viewport_size(DESKTOP)
            page.goto(urljoin(base, path), wait_until="load")
            for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(viewport)
                page.evaluate("() => new Promise(requestAnimationFrame)")  # laid out at the new width
                shot = folder / f"{name}-{device}-{scheme}.png"
                page.screenshot(path=str(shot))
                assert shot.stat().st_size > 10_000, f"{shot} looks empty"
        page.close()

if __name__ == "__main__":  # python tests/test_browser.py SITE_DIR: the search hit rate of a built site
    from playwright.sync_api import sync_playwright

    server, base = serve(Path(sys.argv[1]))
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        rate, misses = search_hit_rate(chromium.new_page(), base)
        strict_rate, strict_misses = search_hit_rate(chromium.new_page(), base, strict=True)
        chromium.close()
    server.shutdown()
    print("\n".join(misses))
    print("strict misses:\n" + "\n".join(m for m in strict_misses if m not in misses))
    print(f"top-{TOP} hit rate: {rate:.1%} of {len(QUERIES)} queries; {strict_rate:.1%} counting listed pages only")
