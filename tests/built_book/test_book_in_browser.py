"""The built book as a reader sees it offline: every page in _toc.yml opened in headless Chromium from file://.

Run by ``make browser`` after ``make book``. Every request that is not ``file:``/``data:`` is blocked (browsing.py), so
these tests prove the book reads with no network: no CDN is tolerated (browsing.py). Each page, on a desktop and on a 390 px phone,
fails on

- a request that needs the network, a failed local request (a file the build did not copy), a page or console error;
- raw TeX in the rendered text (``\\(``, ``\\[``, ``$$``, a TeX command between dollars) or a MathJax error box;
- an empty output area (a cell output with no text, image, table or chart);
- a horizontal page overflow at 390 px (wide tables and formulas must scroll inside their own box), or content cut off
  at its box's right edge where the box clips instead of scrolling (the theme clips inline formulas and solutions);
- a broken image, an image without alt text, a figure without a rendered image or a caption;
- a responder explorer that did not start.

On the 390 px phone every figure of every page must also be legible (issue 10 §5): the smallest text of each image
is shown at its size in the image (each Matplotlib PNG records it, sacro_kit.plotting.style.PNG_TEXT_KEY) times
the displayed width over the natural width, and each chart drawn as SVG (the responder explorer) at its font size
times the SVG's screen scale; both must be at least ``style.MIN_TEXT_PX`` = 10 CSS px.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml
from browsing import DESKTOP, HTML, PHONE, ROOT, SHOTS
from PIL import Image

from sacro_kit.plotting import style


def _toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            pages.append(chapter["file"])
            pages.extend(section["file"] for section in chapter.get("sections", []))
    return [str(Path(p).with_suffix("")) for p in pages]


PAGES = _toc_pages()
RAW_TEX = re.compile(r"\\[()\[\]]|\$\$|\$[^$\n]*\\[A-Za-z]+[^$\n]*\$|\\(?:begin|end)\{")

# Rendered text outside code and outside typeset math (MathJax keeps the TeX in an assistive copy).
VISIBLE_TEXT = """() => {
  const article = document.querySelector('article') || document.body;
  const copy = article.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, mjx-container, mjx-assistive-mml, .sk-explorer-spec')
      .forEach(e => e.remove());
  return copy.innerText;
}"""
EMPTY_OUTPUTS = """() => [...document.querySelectorAll('article .cell_output')].filter(o => {
  const text = o.innerText.trim();
  const media = o.querySelector('img, svg, canvas, table, iframe, video, mjx-container');
  return !text && !media;
}).map(o => (o.closest('.cell') || o).id || o.className)"""
# Content cut off at the right edge of a box that clips (overflow hidden/clip) instead of scrolling: unreadable.
CLIPPED = """() => {
  const out = [];
  for (const e of document.querySelectorAll('article *')) {
    if (e.closest('mjx-assistive-mml, .visually-hidden, .sr-only')) continue;  // copies for screen readers
    const r = e.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) continue;
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX === 'visible') continue;
      if ((s.overflowX === 'hidden' || s.overflowX === 'clip') && r.right > p.getBoundingClientRect().right + 1)
        out.push(e.tagName.toLowerCase() + '.' + String(e.className).split(' ')[0] + ' in '
                 + p.tagName.toLowerCase() + '.' + String(p.className).split(' ')[0] + ': '
                 + e.textContent.slice(0, 60));
      break;
    }
  }
  return out.slice(0, 8);
}"""
# The elements that stick out of a phone's screen (outside any box that scrolls), to say what overflows.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) {
    const s = getComputedStyle(p); if (/(auto|scroll|hidden)/.test(s.overflowX) && p !== document.body
        && p !== document.documentElement) return true; } return false; };
  return [...document.querySelectorAll('article *')].filter(e => {
    const r = e.getBoundingClientRect(); return r.width > 0 && r.right > width + 1 && !scrolls(e);
  }).slice(0, 8).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
    + ' right=' + Math.round(e.getBoundingClientRect().right));
}"""


@dataclass
class PhoneReading:
    """What the figure checks need of a page shown at 390 px, measured while it was open."""

    images: list = field(default_factory=list)  # SHOWN_IMAGES
    svg_text: list = field(default_factory=list)  # SHOWN_SVG_TEXT


class PhoneTab:
    """The 390 px tab and each page's figure measurements: :meth:`open` goes to a page and measures it,
    :meth:`reading` returns a page's measurements (opening it first if it has not been), so every check of this
    module loads each page once at 390 px (a load with MathJax typesetting costs about a second of CPU)."""

    def __init__(self, tab):
        self.tab = tab
        self.readings: dict[str, PhoneReading] = {}

    def open(self, page_path: str):
        opened = self.tab.open(_html(page_path))
        self.readings[page_path] = PhoneReading(opened.page.evaluate(SHOWN_IMAGES), opened.page.evaluate(SHOWN_SVG_TEXT))
        return opened

    def reading(self, page_path: str) -> PhoneReading:
        if page_path not in self.readings:
            self.open(page_path)
        return self.readings[page_path]


@pytest.fixture(scope="module")
def on_phone(reader):
    return PhoneTab(reader(PHONE))


def _html(page_path: str) -> Path:
    path = HTML / f"{page_path}.html"
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make book` first")
    return path


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("page_path", PAGES)
def test_page_reads_offline(reader, on_phone, page_path, viewport):
    opened = on_phone.open(page_path) if viewport is PHONE else reader(viewport).open(_html(page_path))
    page = opened.page
    assert page.title(), f"{page_path}: no title"
    assert not opened.problems(), f"{page_path}: " + "; ".join(opened.problems())
    raw = sorted(set(RAW_TEX.findall(page.evaluate(VISIBLE_TEXT))))
    assert not raw, f"{page_path}: raw TeX in the rendered text: {raw}"
    errors = page.eval_on_selector_all("mjx-merror", "els => els.map(e => e.getAttribute('data-mjx-error'))")
    assert not errors, f"{page_path}: MathJax could not typeset: {errors}"
    empty = page.evaluate(EMPTY_OUTPUTS)
    assert not empty, f"{page_path}: empty output areas: {empty}"
    if viewport is PHONE:
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (
            f"{page_path}: the page is {overflow} px wider than a 390 px phone: {page.evaluate(OVERFLOWING)}"
        )
        clipped = page.evaluate(CLIPPED)
        assert not clipped, f"{page_path}: content cut off on a 390 px phone: {clipped}"
    images = page.eval_on_selector_all(
        "article img",
        "els => els.map(e => ({src: e.currentSrc.slice(0, 80), ok: e.complete && e.naturalWidth > 0, alt: e.alt}))",
    )
    broken = [i["src"] for i in images if not i["ok"]]
    assert not broken, f"{page_path}: images not rendered: {broken}"
    no_alt = [i["src"] for i in images if not i["alt"].strip()]
    assert not no_alt, f"{page_path}: images without alt text: {no_alt}"
    figures = page.eval_on_selector_all(
        "article figure",
        "els => els.map(f => { const i = f.querySelector('img'); "
        "return {ok: !!i && i.complete && i.naturalWidth > 0, caption: !!f.querySelector('figcaption')}; })",
    )
    assert all(f["ok"] for f in figures), f"{page_path}: a figure has no rendered image"
    assert all(f["caption"] for f in figures), f"{page_path}: a figure has no caption"
    explorers = page.eval_on_selector_all(".sk-explorer", "els => els.map(e => e.dataset.ready)")
    assert all(state == "true" for state in explorers), f"{page_path}: an explorer did not start: {explorers}"


# Every image the reader can see, with the width it is shown at; every visible SVG text with its shown font size.
SHOWN_IMAGES = """() => [...document.querySelectorAll('article img')].filter(e => {
  const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && e.checkVisibility();
}).map(e => ({src: e.currentSrc, natural: e.naturalWidth, shown: e.getBoundingClientRect().width,
              figure: (e.closest('figure') || e.closest('.cell') || e).id || e.alt.slice(0, 40)}))"""
SHOWN_SVG_TEXT = """() => [...document.querySelectorAll('article svg text')].filter(t => {
  const r = t.getBoundingClientRect(); return t.textContent.trim() && r.width > 0 && t.checkVisibility();
}).map(t => {
  const m = t.getScreenCTM(); const scale = m ? Math.hypot(m.a, m.b) : 1;
  return {text: t.textContent.trim().slice(0, 30), px: parseFloat(getComputedStyle(t).fontSize) * scale,
          chart: (t.closest('.sk-explorer, figure, .cell') || {}).id || ''};
})"""


def _local_file(src: str) -> Path:
    assert src.startswith("file:"), f"an image not from the book's files: {src[:80]}"
    return Path(unquote(urlparse(src).path))


@pytest.mark.parametrize("page_path", PAGES)
def test_figures_are_legible_on_a_phone(on_phone, page_path):
    """The smallest text of every figure a page shows, at the size a 390 px phone shows it, is >= 10 CSS px."""
    reading = on_phone.reading(page_path)
    too_small, unmeasured, measured = [], [], []
    for image in reading.images:
        path = _local_file(image["src"]) if not image["src"].startswith("data:") else None
        if path is None or path.suffix.lower() != ".png":
            unmeasured.append(f"{image['figure']}: {image['src'][:60]}")
            continue
        with Image.open(path) as png:
            recorded = png.text.get(style.PNG_TEXT_KEY)
            width = png.size[0]
        if recorded is None:
            unmeasured.append(f"{image['figure']} ({path.name}) records no text size")
            continue
        assert width == image["natural"]
        shown = float(recorded) * image["shown"] / image["natural"]
        measured.append(shown)
        if shown < style.MIN_TEXT_PX:
            too_small.append(
                f"{image['figure']}: {shown:.2f} px ({image['natural']} px image shown "
                f"{image['shown']:.0f} px wide, text {recorded} px in the image)"
            )
    for text in reading.svg_text:
        measured.append(text["px"])
        if text["px"] < style.MIN_TEXT_PX - 0.01:
            too_small.append(f"chart {text['chart']}: {text['text']!r} at {text['px']:.2f} px")
    assert not unmeasured, f"{page_path}: figures whose text size cannot be measured: {unmeasured}"
    assert not too_small, f"{page_path}: text smaller than {style.MIN_TEXT_PX} px on a 390 px phone: {too_small}"
    if page_path.endswith(("09_literature", "05_responders")):
        assert measured, f"{page_path}: no figure measured"


def test_the_legibility_measure_sees_every_figure(on_phone):
    """Every figure of the chapters is measured: as many images as the built pages have PNG outputs."""
    shown = sum(len([i for i in on_phone.reading(page_path).images if i["src"].endswith(".png")]) for page_path in PAGES)
    built = sum(
        len(re.findall(r"<img[^>]+src=\"[^\"]*_images/[^\"]+\.png\"", p.read_text()))
        for p in HTML.rglob("*.html")
        if "_sources" not in p.parts
    )
    assert shown >= 15 and shown == built, (shown, built)


def test_home_screenshot(reader):
    SHOTS.mkdir(parents=True, exist_ok=True)
    opened = reader(DESKTOP).open(_html(PAGES[0]))
    target = SHOTS / "home.png"
    opened.page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 10_000, f"{target} looks empty"
