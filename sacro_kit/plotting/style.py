"""One way to make a Matplotlib figure for every plotting function of the kit.

Figures are made with ``matplotlib.figure.Figure`` rather than pyplot, so a chapter shows each figure exactly once (no
pyplot auto-display beside ``glue``) and nothing leaks between figures. IPython's inline backend registers its PNG
formatter only when pyplot makes its first figure, so without help a notebook that only calls the kit would display
"<Figure size ...>" instead of the picture; :func:`new_figure` registers the formatter when it is missing.

Legible on a phone
------------------
A PNG is scaled to the width the page gives it: ``DISPLAY_WIDTH_PX`` = 342 CSS px in the book's main column on a
390 px phone (measured in Chromium by tests/built_book). Text of ``pt`` points in an image ``W`` inches wide then shows
``pt / 72 * dpi * 342 / (W * dpi) = pt * 342 / (72 * W)`` px high (the dpi cancels). Every figure is therefore at most
``FIGURE_WIDTH`` = 4.5 in wide (about 4.6 in once saved with ``bbox_inches="tight"``) and draws no text smaller than
``SMALL`` = 10 pt: 10 * 342 / (72 * 4.6) = 10.3 px on a phone, above ``MIN_TEXT_PX`` = 10 (tick and axis labels,
``TEXT`` = 10.5 pt: 10.8 px). Wide figures stack their panels instead of placing them side by side.
:func:`smallest_text_px` measures a drawn figure; the PNG a notebook stores (:func:`png_base64`) records the size of
its smallest text in image pixels under the PNG text key ``PNG_TEXT_KEY``, so the browser test of the built book can
compute, for every figure on every page, the size that text is shown at (its displayed width / natural width times
that size).
"""

from __future__ import annotations

import base64
import functools
import io
import struct
import zlib

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text

DISPLAY_WIDTH_PX = 342
"""CSS px a 390 px wide phone gives an image in the book's main column (measured in Chromium)."""
MIN_TEXT_PX = 10.0
"""The smallest text a figure may show on that phone (CSS px)."""
FIGURE_WIDTH = 4.5
"""Width of every figure (inches)."""
TEXT = 10.5
"""Body text of a figure: axis labels, tick labels (points)."""
SMALL = 10.0
"""The smallest text a figure draws: legends, annotations, counts (points)."""
TITLE = 11.0
"""Axes titles (points)."""
PNG_TEXT_KEY = "sacro_kit smallest text px"
"""PNG text chunk in which :func:`png_base64` records the figure's smallest text height in image pixels."""

RC = {
    "font.size": TEXT,
    "axes.labelsize": TEXT,
    "axes.titlesize": TITLE,
    "xtick.labelsize": TEXT,
    "ytick.labelsize": TEXT,
    "legend.fontsize": SMALL,
    "legend.title_fontsize": SMALL,
    "figure.titlesize": TITLE,
}
"""Matplotlib settings every figure function draws under (see :func:`styled`)."""


def styled(func):
    """Decorate a figure function so it draws under :data:`RC` (the caller's rcParams are restored after)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(RC):
            return func(*args, **kwargs)

    return wrapper


def show_figures_in_notebooks() -> None:
    """Register a PNG formatter for Figures (:func:`png_base64`), leaving a user's own registration alone."""
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:  # pragma: no cover - IPython is not required outside notebooks
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    formatter = shell.display_formatter.formatters["image/png"]
    printer = formatter.type_printers.get(Figure)
    # IPython's own PNG printer (registered here, or by the inline backend when pyplot is imported, which may happen
    # after the first figure) is replaced by the same PNG with its smallest text size recorded; a user's own stays
    if printer is None or getattr(getattr(printer, "func", None), "__name__", "") == "print_figure":
        select_figure_formats(shell, {"png"}, bbox_inches="tight")  # the inline backend's set-up
        formatter.for_type(Figure, png_base64)


def new_figure(figsize, **kwargs) -> Figure:
    """A constrained-layout Figure not registered with pyplot, displayable in a notebook."""
    show_figures_in_notebooks()
    kwargs.setdefault("layout", "constrained")
    return Figure(figsize=figsize, **kwargs)


def _text_sizes_pt(fig: Figure) -> list[float]:
    return [float(text.get_fontsize()) for text in fig.findobj(Text) if text.get_visible() and text.get_text().strip()]


def png_bytes(fig: Figure, **kwargs) -> bytes:
    """The figure as a notebook stores it (PNG, ``bbox_inches="tight"``), with the height of its smallest visible
    text in image pixels in the PNG text chunk ``PNG_TEXT_KEY`` (no key when the figure has no text).

    >>> fig = new_figure((FIGURE_WIDTH, 2.0), dpi=100)
    >>> _ = fig.add_subplot().set_xlabel("x", fontsize=SMALL)
    >>> from PIL import Image
    >>> Image.open(io.BytesIO(png_bytes(fig))).text[PNG_TEXT_KEY]
    '13.89'
    """
    kwargs.setdefault("bbox_inches", "tight")
    dpi = kwargs.get("dpi") or fig.dpi
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", **kwargs)
    data = buffer.getvalue()
    sizes = _text_sizes_pt(fig)  # after the drawing that laid out the ticks whose labels are measured
    if not sizes:
        return data
    # a tEXt chunk just before IEND: the image itself stays exactly as saved
    chunk = b"tEXt" + PNG_TEXT_KEY.encode("latin-1") + b"\0" + f"{min(sizes) / 72 * dpi:.2f}".encode("latin-1")
    text = struct.pack(">I", len(chunk) - 4) + chunk + struct.pack(">I", zlib.crc32(chunk))
    end = data.rindex(b"IEND") - 4
    return data[:end] + text + data[end:]


def png_base64(fig: Figure) -> str:
    """IPython's ``image/png`` formatter for Figures: :func:`png_bytes`, base64-encoded as a notebook stores it."""
    return base64.b64encode(png_bytes(fig)).decode("ascii")


def smallest_text_px(fig: Figure, display_width_px: float = DISPLAY_WIDTH_PX) -> float:
    """Height in CSS px of the figure's smallest visible text when its PNG (saved as a notebook saves it,
    ``bbox_inches="tight"``) is shown ``display_width_px`` wide.

    >>> fig = new_figure((FIGURE_WIDTH, 3.0))
    >>> ax = fig.add_subplot()
    >>> _ = ax.set_xlabel("x", fontsize=SMALL)
    >>> round(smallest_text_px(fig), 1) >= MIN_TEXT_PX
    True
    """
    from PIL import Image

    image = Image.open(io.BytesIO(png_bytes(fig)))
    texts = getattr(image, "text", {})  # a PNG's text chunks (PngImageFile.text; ImageFile's stubs lack it)
    if PNG_TEXT_KEY not in texts:
        raise ValueError("the figure has no visible text")
    return float(texts[PNG_TEXT_KEY]) * display_width_px / image.size[0]
