"""One way to make a Matplotlib figure for every plotting function of the kit.

Figures are made with ``matplotlib.figure.Figure`` rather than pyplot, so a chapter shows each figure exactly once (no
pyplot auto-display beside ``glue``) and nothing leaks between figures. IPython's inline backend registers its PNG
formatter only when pyplot makes its first figure, so without help a notebook that only calls the kit would display
"<Figure size ...>" instead of the picture; :func:`new_figure` registers the formatter when it is missing.
"""

from __future__ import annotations

from matplotlib.figure import Figure


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
