"""One way to make a Matplotlib figure for every plotting function of the kit.

Figures are made with ``matplotlib.figure.Figure`` rather than pyplot, so a chapter shows each figure exactly once (no
pyplot auto-display beside ``glue``) and nothing leaks between figures. IPython's inline backend registers its PNG
formatter only when pyplot makes its first figure, so without help a notebook that only calls the kit would display
"<Figure size ...>" instead of the picture; :func:`new_figure` registers the formatter when it is missing.

Legible on a phone
------------------
A PNG is scaled to the width the page gives it: about ``DISPLAY_WIDTH_PX`` = 350 CSS px on a 390 px phone. Text of
``pt`` points in an image ``W`` inches wide then shows ``pt / 72 * dpi * 350 / (W * dpi) = pt * 350 / (72 * W)`` px high
(the dpi cancels). Every figure is therefore at most ``FIGURE_WIDTH`` = 4.8 in wide and draws no text smaller than
``SMALL`` = 9.5 pt: 9.5 * 350 / (72 * 4.8) = 9.6 px on a phone (tick labels, ``TEXT`` = 10 pt: 10.1 px). Wide figures
stack their panels instead of placing them side by side. :func:`smallest_text_px` measures a drawn figure.
"""

from __future__ import annotations

import functools
import io

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text

DISPLAY_WIDTH_PX = 350
"""CSS px a 390 px wide phone gives an image in the book's main column."""
FIGURE_WIDTH = 4.8
"""Width of every figure (inches)."""
TEXT = 10.0
"""Body text of a figure: axis labels, tick labels (points)."""
SMALL = 9.5
"""The smallest text a figure draws: legends, annotations, counts (points)."""
TITLE = 10.5
"""Axes titles (points)."""

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
    """Register IPython's PNG formatter for Figures, leaving an existing (user) registration alone."""
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:  # pragma: no cover - IPython is not required outside notebooks
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    if Figure not in shell.display_formatter.formatters["image/png"].type_printers:
        select_figure_formats(shell, {"png"}, bbox_inches="tight")


def new_figure(figsize, **kwargs) -> Figure:
    """A constrained-layout Figure not registered with pyplot, displayable in a notebook."""
    show_figures_in_notebooks()
    kwargs.setdefault("layout", "constrained")
    return Figure(figsize=figsize, **kwargs)


def smallest_text_px(fig: Figure, display_width_px: float = DISPLAY_WIDTH_PX) -> float:
    """Height in px of the figure's smallest visible text when its PNG (saved as a notebook saves it,
    ``bbox_inches="tight"``) is shown ``display_width_px`` wide.

    >>> fig = new_figure((FIGURE_WIDTH, 3.0))
    >>> ax = fig.add_subplot()
    >>> _ = ax.set_xlabel("x", fontsize=SMALL)
    >>> round(smallest_text_px(fig), 1) >= 9.0
    True
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    from PIL import Image

    buffer.seek(0)
    width_px = Image.open(buffer).size[0]
    sizes = [text.get_fontsize() for text in fig.findobj(Text) if text.get_visible() and text.get_text().strip()]
    if not sizes:
        raise ValueError("the figure has no visible text")
    return min(sizes) / 72 * fig.dpi * display_width_px / width_px
