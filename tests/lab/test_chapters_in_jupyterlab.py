"""The chapters as a trainee sees them in JupyterLab (``make lab``), opened in headless Chromium.

Run by ``make labtest`` (part of ``make test``). The test starts ``jupyter lab`` on a free loopback port with a token
it sets (no browser, ``--allow-root`` when run as root, settings and workspaces in a temporary folder), loads
JupyterLab once in Debian's Chromium through Playwright (no browser download; every non-loopback request is blocked),
opens every chapter of ``_toc.yml`` in it one after another (``docmanager:open``, without a kernel unless the
chapter is run; the previous chapter's tab is disposed), and checks what jupyterlab-myst renders:

* no MyST source shows as text: no ``{glue``, ``{eval``, ``{exercise``, ``{solution``, ``:label:``, ``{numref`` or
  ``{cite``;
* no unresolved reference: jupyterlab-myst shows one as its label after a warning icon, in a ``span`` titled
  "Citation Not Found" or "Cross Reference Not Found" (and logs "No target for internal reference" for a link to a
  missing ``#label``); every ``{numref}`` reads "Figure N.M", every figure caption cell is a numbered figure
  ("Figure N.M: ..."), every citation is its author-year text linked to the reference's DOI or URL;
* every inline expression shows its stored number (jupyterlab-myst falls back to showing the expression as code);
* every solution is there and collapsed;
* in chapter 5, after running the chapter, moving the kernel explorer's slider changes the displayed count.

The server is stopped by its PID at the end, pass or fail. Screenshots go to ``_build/screenshots/``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
SHOTS = ROOT / "_build" / "screenshots"
sys.path.insert(0, str(BOOK))
from booksupport import citations  # noqa: E402
from booksupport.myst_eval import expressions, figure_caption  # noqa: E402

CHROMIUM = os.environ.get("SACRO_KIT_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FORBIDDEN = ("{glue", "{eval", "{exercise", "{solution", ":label:", "{numref", "{cite")
# what jupyterlab-myst (myst-to-react's InlineError) renders for a citation or cross-reference it cannot resolve
UNRESOLVED = (
    ".jp-MarkdownCell [title='Citation Not Found'], .jp-MarkdownCell [title='Cross Reference Not Found'], "
    ".jp-MarkdownCell [title='Citation Has No Label']"
)
SCREENSHOT_CHAPTERS = ("05_responders", "09_literature")


def _chapters() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    return [Path(f).name for f in files if (ROOT / f).with_suffix(".ipynb").exists()]


CHAPTERS = _chapters()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on the book folder; yields its base URL and token; stopped by PID afterwards."""
    jupyter = Path(sys.executable).with_name("jupyter")
    home = tmp_path_factory.mktemp("jupyterlab")
    settings = home / "settings"
    settings.mkdir()
    # render every cell (no windowing), no news fetch: the page must not contact any outside host
    chosen = {
        "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    }
    for plugin, values in chosen.items():  # user settings, as JupyterLab stores them
        package, name = plugin.split(":")
        (settings / package).mkdir(parents=True, exist_ok=True)
        (settings / package / f"{name}.jupyterlab-settings").write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "ws"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
    )
    command = [
        str(jupyter),
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={BOOK}",
        "--ServerApp.port_retries=0",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        # window.jupyterapp: the test opens each chapter in the one loaded JupyterLab (docmanager:open) instead of
        # loading the whole application once per chapter
        "--LabApp.expose_app_in_browser=True",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = open(home / "server.log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=BOOK)
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                pytest.fail(f"jupyter lab exited with {server.returncode}:\n{(home / 'server.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("jupyter lab did not start within 90 s")
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}", token
    finally:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait(10)
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: install Debian's 'chromium' package or set SACRO_KIT_CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class LabPage:
    """One JupyterLab page, loaded once, in which the chapters are opened one after another, with what it logged and
    the outside requests it tried (both cleared for each chapter)."""

    def __init__(self, page):
        self.page = page
        self.console_messages: list[str] = []
        self.outside: list[str] = []


@pytest.fixture(scope="module")
def lab_page(browser, lab):
    base, token = lab
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    opened = LabPage(page)
    page.on("console", lambda m: opened.console_messages.append(m.text))

    def route(r):
        if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost") or r.request.url.startswith("data:"):
            r.continue_()
        else:
            opened.outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(f"{base}/lab?token={token}&reset")
    page.wait_for_function("!!window.jupyterapp", timeout=120_000)
    page.evaluate("() => window.jupyterapp.restored")
    yield opened
    page.close()


# A chapter opened only to be read gets no kernel: what jupyterlab-myst renders comes from the notebook file (its
# stored outputs and the {eval} values in its metadata), and nine kernel start-ups cost about 3 s of this test's 20 s
# of CPU. The notebook factory's preference is what `--LabApp.notebook_starts_kernel` sets for the whole
# server; here it is set per opening, so the chapter that is run (chapter 5's explorer) starts its kernel as a
# trainee's does.
OPEN_CHAPTER = """async ([path, startKernel]) => {
  const app = window.jupyterapp;
  for (const w of [...app.shell.widgets('main')]) {   // the previous chapter: its kernel stopped, its tab gone
    if (w.sessionContext) { await w.sessionContext.shutdown().catch(() => {}); }
    w.dispose();
  }
  app.docRegistry.getWidgetFactory('Notebook')._preferKernel = startKernel;
  const widget = await app.commands.execute('docmanager:open', {path});
  await widget.context.ready;
  return widget.id;
}"""
RUNNING_KERNELS = """async () => {
  const kernels = window.jupyterapp.serviceManager.kernels;
  await kernels.refreshRunning();
  return [...kernels.running()].length;
}"""


def _open(lab_page: LabPage, chapter: str, *, kernel: bool = False):
    page = lab_page.page
    lab_page.console_messages.clear()
    lab_page.outside.clear()
    widget_id = page.evaluate(OPEN_CHAPTER, [f"{chapter}.ipynb", kernel])
    page.wait_for_function("document.querySelectorAll('.jp-NotebookPanel').length === 1", timeout=60_000)
    page.wait_for_selector(f"[id='{widget_id}'] .jp-MarkdownCell", timeout=120_000)
    source = nbformat.read(BOOK / f"{chapter}.ipynb", as_version=4)
    n_markdown = sum(c.cell_type == "markdown" for c in source.cells)
    # wait until every Markdown cell has been rendered by jupyterlab-myst
    page.wait_for_function(
        f"document.querySelectorAll('.jp-MarkdownCell .myst').length >= {n_markdown}", timeout=120_000
    )
    page.wait_for_timeout(1500)
    return page, source


def _markdown_texts(page) -> list[str]:
    """The rendered text of every Markdown cell (jupyterlab-myst renders each into a ``.myst`` element)."""
    return page.eval_on_selector_all(
        ".jp-MarkdownCell",
        "els => els.map(e => e.querySelector('.myst') ? e.querySelector('.myst').textContent : null)",
    )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_reads_as_the_book(lab_page, chapter):
    page, source = _open(lab_page, chapter)
    assert page.evaluate(RUNNING_KERNELS) == 0, "a chapter opened to be read started a kernel"
    outside = lab_page.outside
    texts = _markdown_texts(page)
    assert len(texts) == sum(c.cell_type == "markdown" for c in source.cells), "a Markdown cell is missing"
    assert None not in texts, f"{chapter}: Markdown cell {texts.index(None)} is not rendered by jupyterlab-myst"
    for text in texts:
        for bad in FORBIDDEN:
            assert bad not in text, f"{chapter}: {bad!r} shows as text in: {text[:300]!r}"
    # every inline expression shows a stored value, not the expression itself (jupyterlab-myst's fallback)
    code = set(page.eval_on_selector_all(".jp-MarkdownCell code", "els => els.map(e => e.textContent.trim())"))
    exprs = [e for c in source.cells if c.cell_type == "markdown" for e in expressions(c.source)]
    shown_as_code = sorted(e for e in exprs if e in code)
    assert not shown_as_code, f"{chapter}: expressions without a stored value: {shown_as_code}"
    errors = page.eval_on_selector_all(
        ".jp-MarkdownCell .myst-RenderedExpressionError, "
        ".jp-MarkdownCell [data-mime-type='application/vnd.jupyter.stderr']",
        "els => els.map(e => e.innerText)",
    )
    assert not errors, f"{chapter}: expressions shown as errors: {errors}"
    # citations and figure references: resolved, readable
    unresolved = page.eval_on_selector_all(UNRESOLVED, "els => els.map(e => e.title + ': ' + e.textContent)")
    assert not unresolved, f"{chapter}: unresolved references shown: {unresolved}"
    missing = [
        m
        for m in lab_page.console_messages
        if "No target for internal reference" in m or "Could not link citation" in m
    ]
    assert not missing, f"{chapter}: jupyterlab-myst could not resolve: {missing[:5]}"
    markdown_sources = [c.source for c in source.cells if c.cell_type == "markdown"]
    n_numref = sum(len(re.findall(r"\{numref\}`", text)) for text in markdown_sources)
    numrefs = page.eval_on_selector_all(".jp-MarkdownCell a[href^='#fig-']", "els => els.map(e => e.textContent)")
    numbered = [t for t in numrefs if re.fullmatch(r"Figure\s\d+\.\d+", t.strip())]
    assert len(numbered) >= n_numref, f"{chapter}: {n_numref} {{numref}} roles, shown as {numrefs}"
    n_figures = sum(1 for c in source.cells if figure_caption(c))
    captions = page.eval_on_selector_all(
        ".jp-MarkdownCell figure figcaption", "els => els.map(e => e.textContent.slice(0, 40))"
    )
    assert len(captions) == n_figures, f"{chapter}: {n_figures} figure captions in source, shown: {captions}"
    assert all(re.match(r"Figure\s\d+\.\d+:", c) for c in captions), captions
    bib = citations.load()
    by_url = citations.keys_by_url(bib)
    cited = [(t, u) for text in markdown_sources for t, u in citations.LINK.findall(text) if u in by_url]
    links = page.eval_on_selector_all(
        ".jp-MarkdownCell a[href^='http']", "els => els.map(e => [e.textContent.trim(), e.getAttribute('href')])"
    )
    shown = {tuple(link) for link in links}
    not_shown = [c for c in cited if c not in shown]
    assert not not_shown, f"{chapter}: citations not shown as linked author-year text: {not_shown[:5]}"
    # solutions: all present, all collapsed
    n_solutions = sum(
        len(re.findall(r"^[`:]{3,}\{solution\}", c.source, re.M)) for c in source.cells if c.cell_type == "markdown"
    )
    solutions = page.eval_on_selector_all(
        ".jp-MarkdownCell details",
        "els => els.filter(e => (e.querySelector('summary')?.textContent || '')"
        ".trim().startsWith('Solution')).map(e => e.open)",
    )
    assert len(solutions) == n_solutions, f"{chapter}: {n_solutions} solutions in source, {len(solutions)} shown"
    assert not any(solutions), f"{chapter}: a solution is open"
    # a solution's text is not visible before it is opened
    assert not outside, f"{chapter}: requests to outside hosts: {outside[:5]}"
    if chapter in SCREENSHOT_CHAPTERS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"jupyterlab-{chapter}.png"))
        # the prose with its numbers and the exercises with their collapsed solutions
        markdown = [c for c in source.cells if c.cell_type == "markdown"]
        for name, wanted in (
            ("numbers", lambda c: len(expressions(c.source)) >= 3),
            ("exercises", lambda c: "{solution}" in c.source),
            ("citations", lambda c: len(re.findall(r"\]\(https://doi\.org/", c.source)) >= 2),
            ("figure", lambda c: figure_caption(c) is not None),
        ):
            k = next((i for i, c in enumerate(markdown) if wanted(c)), None)
            if k is not None:
                block = "end" if name == "figure" else "start"  # a figure's image is in the cell above
                page.evaluate(
                    f"document.querySelectorAll('.jp-MarkdownCell')[{k}].scrollIntoView({{block: '{block}'}})"
                )
                page.wait_for_timeout(500)
                page.screenshot(path=str(SHOTS / f"jupyterlab-{chapter}-{name}.png"))


@pytest.mark.skipif("05_responders" not in CHAPTERS, reason="chapter 5 is not in _toc.yml")
def test_kernel_explorer_slider_changes_the_count(lab_page):
    page, _ = _open(lab_page, "05_responders", kernel=True)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator, .jp-KernelStatus", timeout=60_000)
    # run every cell (Run > Run All Cells) and wait for the explorer
    page.locator(".jp-Notebook").click()
    page.keyboard.press("Escape")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    slider = page.locator(".widget-slider .noUi-handle, .widget-slider .slider-handle").first
    slider.wait_for(timeout=300_000)
    text = page.locator(".widget-html-content").first
    before = text.inner_text()
    slider.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    slider.click()
    count = re.compile(r"(\d+)\s*(?:of|/)\s*(\d+)")
    assert count.search(before), before
    after = before
    for _ in range(60):  # one step at a time (each step is a kernel round trip) until the count moves
        shown = text.inner_text()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "([el, old]) => el.innerText !== old", arg=[text.element_handle(), shown], timeout=30_000
        )
        after = text.inner_text()
        if count.search(after) and count.search(after).groups() != count.search(before).groups():
            break
    page.screenshot(path=str(SHOTS / "jupyterlab-05_responders-explorer.png"))
    assert count.search(after), after
    assert count.search(before).groups() != count.search(after).groups(), (before, after)
