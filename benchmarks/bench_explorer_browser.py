"""In-browser latency of the HTML book's responder explorer: slider input to updated view. Not a test.

Opens the built chapter 5 (``_build/html/book/05_responders.html``; with ``--build`` or when it is missing, chapter 5
alone is built into a temporary folder) from file:// in headless Debian Chromium with every other request blocked, and
for each pain variable and threshold kind moves the slider over every grid threshold, several sweeps. Each step is
timed inside the page with ``performance.now()``:

- **input to updated view**: from setting the slider and dispatching its ``input`` event (what dragging does) until
  Vega has re-run the dataflow (the count, percentage and Wilson bounds over the embedded rows), re-rendered the SVG,
  and the readout paragraph is re-written and laid out;
- **input to next frame**: the same, until the next ``requestAnimationFrame`` callback (the frame that paints it;
  this includes waiting for the display's next refresh, up to 16.7 ms at 60 Hz, so it is an upper bound).

Target: p95 of input to updated view < 16 ms (one frame at 60 Hz).

    python benchmarks/bench_explorer_browser.py [--sweeps 5] [--html path/to/05_responders.html]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "built_book"))

from browsing import DESKTOP, launch, open_offline  # noqa: E402

CHAPTER = "book/05_responders"
GRID = {"relative": ("rel", list(range(0, 101))), "absolute": ("abs", list(range(0, 11)))}
TIMED = """async ([name, values]) => {
  const root = document.querySelector('.sk-explorer');
  const view = root.skExplorer;
  const input = root.querySelector('.sk-explorer-controls input[name="' + name + '"]');
  const readout = root.querySelector('.sk-explorer-readout');
  const work = [], frame = [], wrong = [];
  for (const v of values) {
    await new Promise(r => setTimeout(r, 15));  // start each step idle
    const t0 = performance.now();
    input.value = String(v);
    input.dispatchEvent(new Event('input', {bubbles: true}));
    await view.runAsync();
    void readout.getBoundingClientRect();  // style and layout of the new readout
    const t1 = performance.now();
    await new Promise(r => requestAnimationFrame(() => r()));
    const t2 = performance.now();
    work.push(t1 - t0);
    frame.push(t2 - t0);
    if (!readout.dataset.key.endsWith('|' + v)) wrong.push(v);
  }
  return {work, frame, wrong};
}"""


def measure(html: Path, sweeps: int = 5) -> dict:
    """Times in ms: {"work": [...], "frame": [...]} over sweeps x every threshold of every variable x kind."""
    from playwright.sync_api import sync_playwright

    work: list[float] = []
    frame: list[float] = []
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            opened = open_offline(browser, html, DESKTOP)
            page = opened.page
            variables = page.eval_on_selector_all('.sk-explorer-controls input[name="variable"]',
                                                  "els => els.map(e => e.value)")
            for _ in range(sweeps):
                for variable in variables:
                    for kind, (slider, values) in GRID.items():
                        page.check(f'.sk-explorer-controls input[name="variable"][value="{variable}"]')
                        page.check(f'.sk-explorer-controls input[name="kind"][value="{kind}"]')
                        result = page.evaluate(TIMED, [slider, values])
                        if result["wrong"]:
                            raise RuntimeError(f"the view did not show thresholds {result['wrong']}")
                        work += result["work"]
                        frame += result["frame"]
            if opened.problems():
                raise RuntimeError("; ".join(opened.problems()))
            chromium = browser.version
        finally:
            browser.close()
    return {"work": work, "frame": frame, "chromium": chromium}


def summary(times: list[float]) -> str:
    return (f"median {statistics.median(times):.2f} ms, p95 {float(np.percentile(times, 95)):.2f} ms, "
            f"max {max(times):.2f} ms (n={len(times)})")


def chapter_html(build: bool = False) -> tuple[Path, object]:
    """The built chapter 5, building it alone into a temporary folder when asked or when it is missing."""
    html = ROOT / "_build" / "html" / f"{CHAPTER}.html"
    if html.exists() and not build:
        return html, None
    import minibook

    tmp = tempfile.TemporaryDirectory()
    built, seconds = minibook.build([CHAPTER], Path(tmp.name))
    print(f"built chapter 5 alone in {seconds:.0f} s")
    return built / f"{CHAPTER}.html", tmp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweeps", type=int, default=5)
    parser.add_argument("--html", type=Path)
    parser.add_argument("--build", action="store_true", help="build chapter 5 alone first")
    args = parser.parse_args()
    html, keep = (args.html, None) if args.html else chapter_html(args.build)
    result = measure(html, args.sweeps)
    print(f"Chromium {result['chromium']}, {html}")
    print(f"input to updated view: {summary(result['work'])}; target p95 < 16 ms")
    print(f"input to next frame:   {summary(result['frame'])}")


if __name__ == "__main__":
    main()
