"""The responder-threshold explorer: move a threshold, see how many patients "responded" and how sure we are.

:func:`responder_explorer` builds an ipywidgets 8 panel (a slider, a relative/absolute toggle, a rest/activity
selector) over a Matplotlib figure rendered to PNG into an :class:`ipywidgets.Image`, so it works in
JupyterLab and classic Notebook with the default inline backend (no ipympl). The figure shows the cohort's
responder curve with its pointwise Wilson interval, the spread of the proportion across many cohorts
reconstructed from the paper, and the reported point; a second panel compares, at the current threshold,
this cohort's interval with the reconstructions' range.

Speed. Everything that does not depend on the threshold (curves, bands, axes) is drawn once per
variable/threshold kind and cached as a pixel background; a threshold change only recounts responders,
moves a few artists (``set_data`` / ``set_xdata``), blits them onto the cached background and encodes the PNG
(``benchmarks/bench_widget.py`` measures it).

References
----------
Dworkin RH et al. IMMPACT recommendations. J Pain 2008;9(2):105-121. doi:10.1016/j.jpain.2007.09.005
Farrar JT et al. Pain 2001;94(2):149-158. doi:10.1016/S0304-3959(01)00349-9
Brown LD, Cai TT, DasGupta A. Interval estimation for a binomial proportion. Stat Sci 2001;16(2):101-133.
doi:10.1214/ss/1009213286
"""

from __future__ import annotations

import html
import io
import math
import warnings
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from sacro_kit.plotting.paired_figures import (
    PAIRED_VARIABLES,
    check_band,
    complete_pairs,
    display_thresholds,
    draw_responder_axes,
    palette,
    reported_responders,
)
from sacro_kit.stats.responders import responder_curve, responders

#: What the band is, in one sentence (the law of sacro_kit.forensics.reconstruction).
BAND_LAW = (
    "The band's cohorts are drawn from the uniform law over the distinct joint cohorts (multisets of "
    "patient rows) that reproduce every printed number of the card."
)

__all__ = [
    "responder_explorer",
    "responder_bands",
    "ResponderExplorer",
    "ExplorerState",
    "BandUnavailable",
    "threshold_grid",
]

#: Slider grids: 1 % steps for relative thresholds (fractions 0..1), 1 point for absolute ones on a 0-10 scale.
_GRIDS = {"relative": np.round(np.arange(101) / 100, 2), "absolute": np.arange(11, dtype=float)}
#: Starting thresholds when the card reports none: IMMPACT's 30 % and Farrar's ~2 points.
_DEFAULT_THRESHOLD = {"relative": 0.30, "absolute": 2.0}
_KIND_LABELS = (("relative (% of baseline)", "relative"), ("absolute (points)", "absolute"))
_EXPLORED = ("rest", "activity")


def threshold_grid(kind: str) -> np.ndarray:
    """The thresholds the explorer's slider offers for ``kind`` ("relative": 0, 0.01 .. 1; "absolute": 0 .. 10)."""
    if kind not in _GRIDS:
        raise ValueError(f"kind must be 'relative' or 'absolute', got {kind!r}")
    return _GRIDS[kind].copy()


@dataclass(frozen=True)
class ExplorerState:
    """What the explorer currently shows (the numbers behind its text and its markers)."""

    variable: str
    kind: str
    threshold: float
    k: int
    n: int
    proportion: float
    ci_low: float
    ci_high: float
    band_min: float | None
    band_p05: float | None
    band_median: float | None
    band_p95: float | None
    band_max: float | None
    n_cohorts: int | None
    reported: tuple[int, int] | None  # (k, n) the card reports at exactly this threshold, if any
    text: str


def _format_threshold(kind: str, threshold: float) -> str:
    if kind == "relative":
        return f"{100 * threshold:.0f}%"
    return f"{threshold:g} point{'s' * (threshold != 1)}"


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


class ResponderExplorer(widgets.VBox):
    """An ipywidgets panel exploring responder thresholds; see :func:`responder_explorer`.

    Drive it from code with :meth:`set_threshold` or :meth:`update`; :attr:`state` holds what is displayed,
    :attr:`image` the rendered PNG and :attr:`artists` the Matplotlib artists that move.
    """

    def __init__(
        self,
        cohort: pd.DataFrame,
        card=None,
        *,
        band=None,
        n_cohorts: int = 200,
        seed: int = 2014,
        dpi: int = 96,
        static: bool = True,
    ):
        self._cohort = cohort
        self._card = card
        self._static = bool(static)
        self._pairs = {
            name: complete_pairs(cohort, PAIRED_VARIABLES[name])
            for name in _EXPLORED
            if set(PAIRED_VARIABLES[name]) <= set(cohort.columns)
        }
        available = [name for name in self._pairs if self._pairs[name][0].size > 0]
        if not available:
            raise ValueError("the cohort has no complete rest or activity pain pairs to explore")
        self._bands = self._resolve_bands(band, card, available, n_cohorts, seed)
        self._curves = {
            (name, kind): responder_curve(*self._pairs[name], kind) for name in available for kind in _GRIDS
        }
        self._reported = {
            (name, kind): reported_responders(card, PAIRED_VARIABLES[name], kind)
            for name in available
            for kind in _GRIDS
        }

        start_variable, start_kind = available[0], "relative"
        for name in available:
            for kind in _GRIDS:
                if self._reported[(name, kind)]:
                    start_variable, start_kind = name, kind
                    break
            else:
                continue
            break
        reported = self._reported[(start_variable, start_kind)]
        start = reported[0].threshold if reported else _DEFAULT_THRESHOLD[start_kind]

        self.variable_selector = widgets.ToggleButtons(
            options=[(f"{name} pain", name) for name in available],
            value=start_variable,
            description="Pain:",
            style={"button_width": "auto"},
        )
        self.kind_toggle = widgets.ToggleButtons(
            options=_KIND_LABELS, value=start_kind, description="Threshold:", style={"button_width": "auto"}
        )
        # one slider per kind, never re-ranged: a browser slider given a new step before its new value snaps the
        # old value to the new step and sends that back, so switching kinds swaps sliders instead
        self.sliders = {
            kind: widgets.FloatSlider(
                min=0.0,
                max=float(grid[-1]),
                step=float(grid[1] - grid[0]),
                value=float(grid[0]),
                continuous_update=True,
                description="at least",
                readout=True,
                readout_format=".0%" if kind == "relative" else ".0f",
                layout=widgets.Layout(width="520px"),
            )
            for kind, grid in _GRIDS.items()
        }
        self._holding = False
        self._show_slider(start_kind, start)
        self.text = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))

        colours = palette()
        self._colours = colours
        self._figure = Figure(figsize=(8.6, 3.7), dpi=dpi, layout="constrained")
        self._canvas = FigureCanvasAgg(self._figure)
        self._ax, self._side = self._figure.subplots(1, 2, width_ratios=(3.2, 1))
        self._background = None
        self._view: tuple[str, str] | None = None
        self.state: ExplorerState | None = None
        self.artists: dict[str, Any] = {}

        super().__init__(
            children=[self.variable_selector, self.kind_toggle, *self.sliders.values(), self.text, self.image]
        )
        for slider in self.sliders.values():
            slider.observe(self._on_slider, names="value")
        self.kind_toggle.observe(self._on_kind, names="value")
        self.variable_selector.observe(self._on_variable, names="value")
        self._refresh()

    # ---------------------------------------------------------------------------------------------- set-up

    @staticmethod
    def _resolve_bands(band, card, available, n_cohorts, seed) -> dict:
        """{(variable, kind): band frame or None}, computing missing ones from the card once."""
        bands: dict = {}
        if band is False:
            return {(name, kind): None for name in available for kind in _GRIDS}
        given = {} if band is None else dict(band)
        computed = None
        for key in given:
            if not (isinstance(key, tuple) and len(key) == 2 and key[0] in _EXPLORED and key[1] in _GRIDS):
                raise ValueError(
                    f"band keys must be (variable, kind) with variable in {_EXPLORED} and kind "
                    f"'relative' or 'absolute'; got {key!r}"
                )
        for name in available:
            for kind in _GRIDS:
                if (name, kind) in given:
                    bands[(name, kind)] = check_band(given[(name, kind)])
                elif band is None and card is not None:
                    if computed is None:
                        computed = responder_bands(card, variables=tuple(available), n_cohorts=n_cohorts, seed=seed)
                    bands[(name, kind)] = computed[(name, kind)]
                else:
                    bands[(name, kind)] = None
        return bands

    @property
    def slider(self) -> widgets.FloatSlider:
        """The slider of the current threshold kind (the other one is hidden)."""
        return self.sliders[self.kind_toggle.value] if hasattr(self, "kind_toggle") else None

    def _show_slider(self, kind: str, value: float) -> None:
        """Show the slider of ``kind`` (hide the other) and put it at the grid point nearest ``value``."""
        grid = _GRIDS[kind]
        self._holding = True
        try:
            for name, slider in self.sliders.items():
                slider.layout.display = None if name == kind else "none"
            self.sliders[kind].value = float(grid[int(np.argmin(np.abs(grid - value)))])
        finally:
            self._holding = False

    # ---------------------------------------------------------------------------------------------- callbacks

    def _on_slider(self, change) -> None:
        if not self._holding:
            self._refresh()

    def _on_kind(self, change) -> None:
        if self._holding:
            return
        kind = change["new"]
        reported = self._reported[(self.variable_selector.value, kind)]
        self._show_slider(kind, reported[0].threshold if reported else _DEFAULT_THRESHOLD[kind])
        self._refresh()

    def _on_variable(self, change) -> None:
        if not self._holding:
            self._refresh()

    def _shown(self) -> ExplorerState:
        """The state just drawn (every redraw sets it)."""
        assert self.state is not None, "the explorer has not drawn yet"
        return self.state

    def set_threshold(self, threshold: float) -> ExplorerState:
        """Move the slider to ``threshold`` (fraction for relative, points for absolute) and redraw."""
        grid = _GRIDS[self.kind_toggle.value]
        if not (grid[0] - 1e-12 <= threshold <= grid[-1] + 1e-12):
            raise ValueError(f"threshold {threshold!r} is outside the slider's range {grid[0]:g}..{grid[-1]:g}")
        if math.isclose(self.slider.value, threshold, abs_tol=1e-12):
            self._refresh()
        else:
            self.slider.value = float(threshold)
        return self._shown()

    def update(
        self, threshold: float | None = None, variable: str | None = None, kind: str | None = None
    ) -> ExplorerState:
        """Set any of threshold, variable ("rest"/"activity") and kind ("relative"/"absolute"); redraw once."""
        if variable is not None and variable not in [v for _, v in self.variable_selector.options]:
            raise ValueError(
                f"variable must be one of {[v for _, v in self.variable_selector.options]}, got {variable!r}"
            )
        if kind is not None and kind not in _GRIDS:
            raise ValueError(f"kind must be 'relative' or 'absolute', got {kind!r}")
        self._holding = True
        try:
            if variable is not None:
                self.variable_selector.value = variable
            if kind is not None and kind != self.kind_toggle.value:
                self.kind_toggle.value = kind
                reported = self._reported[(self.variable_selector.value, kind)]
                self._show_slider(kind, reported[0].threshold if reported else _DEFAULT_THRESHOLD[kind])
                self._holding = True
        finally:
            self._holding = False
        if threshold is not None:
            return self.set_threshold(threshold)
        self._refresh()
        return self._shown()

    # ---------------------------------------------------------------------------------------------- drawing

    def _draw_view(self, variable: str, kind: str) -> None:
        """Draw everything that does not depend on the threshold, and cache it as the blit background."""
        ax, side = self._ax, self._side
        ax.clear()
        side.clear()
        curve = self._curves[(variable, kind)]
        band = self._bands.get((variable, kind))
        handles = draw_responder_axes(
            ax, curve, kind, band=band, reported=self._reported[(variable, kind)], animated=True
        )
        ax.set_title(f"{variable} pain: responder curve", fontsize="medium")
        ax.legend(fontsize="x-small", loc="lower left", frameon=True)
        colours = self._colours
        side.set_xlim(-0.6, 2.6)
        side.set_ylim(0, 100)
        side.set_xticks([0, 1, 2], ["this\ncohort", "recon-\nstructions", "reported"], fontsize="small")
        side.set_ylabel("% responding at this threshold")
        side.grid(True, axis="y", linewidth=0.4, alpha=0.5)
        side.set_title("at this threshold", fontsize="medium")
        (cohort_ci,) = side.plot(
            [0, 0], [0, 0], color=colours["cohort"], linewidth=3, solid_capstyle="butt", animated=True
        )
        (cohort_point,) = side.plot([0], [0], marker="o", markersize=8, color=colours["cohort"], animated=True)
        (band_range,) = side.plot([1, 1], [0, 0], color=colours["band"], linewidth=1.5, alpha=0.6, animated=True)
        (band_mid,) = side.plot(
            [1, 1], [0, 0], color=colours["band"], linewidth=6, solid_capstyle="butt", alpha=0.7, animated=True
        )
        (band_median,) = side.plot([1], [0], marker="_", markersize=14, markeredgewidth=2, color="0.15", animated=True)
        (reported_point,) = side.plot([2], [0], marker="D", markersize=8, color=colours["reported"], animated=True)
        no_band = side.text(1, 50, "no\nband", ha="center", va="center", fontsize="small", color="0.4", animated=True)
        self.artists = {
            "cursor": handles.cursor,
            "point": handles.point,
            "point_ci": handles.point_ci,
            "curve": handles.curve,
            "side_ci": cohort_ci,
            "side_point": cohort_point,
            "side_band_range": band_range,
            "side_band_mid": band_mid,
            "side_band_median": band_median,
            "side_reported": reported_point,
            "side_no_band": no_band,
        }
        self._canvas.draw()
        self._background = self._canvas.copy_from_bbox(self._figure.bbox)
        self._view = (variable, kind)

    def _refresh(self) -> None:
        variable, kind = self.variable_selector.value, self.kind_toggle.value
        if self._view != (variable, kind):
            self._draw_view(variable, kind)
        threshold = float(self.slider.value)
        self.state = self._compute(variable, kind, threshold)
        self._move_artists(self.state)
        self.text.value = self.state.text
        self.image.value = self._render()

    def _compute(self, variable: str, kind: str, threshold: float) -> ExplorerState:
        pre, post = self._pairs[variable]
        result = responders(pre, post, threshold, kind)
        band = self._bands.get((variable, kind))
        row = None
        if band is not None:
            at = np.flatnonzero(np.isclose(band["threshold"].to_numpy(), threshold, rtol=0, atol=1e-9))
            row = band.iloc[at[0]] if at.size else None
        reported = next(
            (
                (c.k, c.n)
                for c in self._reported[(variable, kind)]
                if math.isclose(c.threshold, threshold, abs_tol=1e-9)
            ),
            None,
        )
        values = (None,) * 5 if row is None else tuple(float(row[c]) for c in ("min", "p05", "median", "p95", "max"))
        n_cohorts = None if band is None else band.attrs.get("n_cohorts")
        off_grid = band is not None and row is None
        text = self._describe(variable, kind, threshold, result, values, n_cohorts, reported, off_grid)
        return ExplorerState(
            variable,
            kind,
            threshold,
            result.k,
            result.n,
            result.proportion,
            result.ci_low,
            result.ci_high,
            values[0],
            values[1],
            values[2],
            values[3],
            values[4],
            n_cohorts,
            reported,
            text,
        )

    @staticmethod
    def _describe(variable, kind, threshold, result, band, n_cohorts, reported, off_grid=False) -> str:
        what = _format_threshold(kind, threshold)
        if result.n == 0:
            return f"<p>No patient has a usable {html.escape(variable)} pain pair for this threshold.</p>"
        lines = [
            f"<b>{result.k} of {result.n}</b> patients ({_pct(result.proportion)}; 95% Wilson CI "
            f"{_pct(result.ci_low)} to {_pct(result.ci_high)}) had {html.escape(variable)} pain fall by at "
            f"least {what}{' of their baseline' if kind == 'relative' else ''}."
        ]
        if kind == "relative" and result.n_zero_baseline:
            lines.append(
                f"{result.n_zero_baseline} patient(s) with a baseline of 0 cannot have a relative "
                "decrease and are left out."
            )
        if reported is not None:
            lines.append(f"The paper reports <b>{reported[0]}/{reported[1]}</b> at exactly this threshold.")
        low, p05, median, p95, high = band
        cohorts = f"{n_cohorts} " if n_cohorts else ""
        if off_grid:
            step = "1%" if kind == "relative" else "1 point"
            lines.append(
                f"The band of reconstructed cohorts is tabulated every {step}; this threshold is between "
                "two of its steps."
            )
        elif low is None:
            lines.append("No band of reconstructed cohorts is available for this view.")
        elif math.isclose(low, high, abs_tol=1e-12):
            lines.append(
                f"Every one of the {cohorts}reconstructed cohorts gives {_pct(low)}: the paper pins this number down."
            )
        else:
            lines.append(
                f"Across {cohorts}cohorts reconstructed from the paper it ranges from {_pct(low)} to "
                f"{_pct(high)} (middle 90%: {_pct(p05)} to {_pct(p95)}): the paper does not determine it."
            )
        if low is not None and not off_grid:
            lines.append(BAND_LAW)
        return "<p>" + "<br>".join(lines) + "</p>"

    def _move_artists(self, state: ExplorerState) -> None:
        a = self.artists
        x = display_thresholds(state.kind, [state.threshold])[0]
        y, low, high = 100 * state.proportion, 100 * state.ci_low, 100 * state.ci_high
        a["cursor"].set_xdata([x, x])
        a["point"].set_data([x], [y])
        a["point_ci"].set_data([x, x], [low, high])
        a["side_ci"].set_data([0, 0], [low, high])
        a["side_point"].set_data([0], [y])
        has_band = state.band_min is not None
        for key in ("side_band_range", "side_band_mid", "side_band_median"):
            a[key].set_visible(has_band)
        a["side_no_band"].set_visible(not has_band)
        if has_band:
            band_min, p05, median, p95, band_max = (
                100 * v if v is not None else math.nan
                for v in (state.band_min, state.band_p05, state.band_median, state.band_p95, state.band_max)
            )
            a["side_band_range"].set_data([1, 1], [band_min, band_max])
            a["side_band_mid"].set_data([1, 1], [p05, p95])
            a["side_band_median"].set_data([1], [median])
        a["side_reported"].set_visible(state.reported is not None)
        if state.reported is not None:
            a["side_reported"].set_data([2], [100 * state.reported[0] / state.reported[1]])

    def _render(self) -> bytes:
        canvas = self._canvas
        canvas.restore_region(self._background)
        for key in (
            "cursor",
            "point_ci",
            "point",
            "side_ci",
            "side_point",
            "side_band_range",
            "side_band_mid",
            "side_band_median",
            "side_reported",
            "side_no_band",
        ):
            artist = self.artists[key]
            artist.axes.draw_artist(artist)
        buffer = io.BytesIO()
        PILImage.fromarray(np.asarray(canvas.buffer_rgba())[..., :3]).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    # ---------------------------------------------------------------------------------------------- display

    def static_view(self):
        """The same explorer without a kernel (:class:`sacro_kit.widgets.static.StaticExplorer`), same bands."""
        from sacro_kit.widgets.static import static_responder_explorer

        bands = {key: frame for key, frame in self._bands.items() if frame is not None}
        return static_responder_explorer(self._cohort, self._card, band=bands or False)

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus (``static=True``) the kernel-free explorer as HTML and a PNG still.

        JupyterLab shows the widget; the HTML book, which has no kernel, runs the HTML version in the reader's
        browser (its extension ranks the widget view below HTML); a PDF build takes the PNG.
        """
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None or not self._static:
            return bundle
        static = self.static_view()._repr_mimebundle_()
        static.pop("text/plain", None)
        return {**static, **bundle}

    def close(self) -> None:
        """Close the panel and its controls."""
        for name in ("variable_selector", "kind_toggle", "text", "image"):
            child = getattr(self, name, None)  # absent when construction failed early
            if child is not None:
                child.close()
        for slider in getattr(self, "sliders", {}).values():
            slider.close()
        super().close()


class BandUnavailable(UserWarning):
    """The card cannot be reconstructed, so the explorer shows no band of reconstructed cohorts."""


def responder_bands(
    card, *, variables=_EXPLORED, kinds=("relative", "absolute"), n_cohorts: int = 200, seed: int = 2014
) -> dict:
    """Spread of the responder proportion across reconstructed cohorts, for every variable and threshold kind.

    Returns ``{(variable, kind): frame or None}``; each frame has the columns threshold, min, p05, median, p95,
    max on the explorer's slider grid (:func:`threshold_grid`) and ``attrs["n_cohorts"]``, exactly as
    :func:`sacro_kit.forensics.reconstruction.responder_band` defines them, but from *one* set of ``n_cohorts`` cohorts
    reconstructed with ``seed`` (``sacro_kit.forensics.reconstruction``) shared by every variable and kind, which is four times
    faster than four separate calls. Ready for :func:`responder_explorer` (``band=``) and
    :func:`sacro_kit.plotting.paired_figures.responder_plot` (``band=``). When the card cannot be reconstructed every value is
    None and a :class:`BandUnavailable` warning says why.

    Parameters
    ----------
    card : ReportedCard, str, pathlib.Path or None
        The card to reconstruct cohorts from, as :func:`sacro_kit.reconstruct` takes it: a card from
        :func:`sacro_kit.load_reported`, a card file, or None for the default card.
    variables : sequence of {"rest", "activity"}, default ("rest", "activity")
        The paired pain variables.
    kinds : sequence of {"relative", "absolute"}, default ("relative", "absolute")
        Threshold kinds: fractions of the baseline score, or points.
    n_cohorts : int, default 200
        Number of cohorts reconstructed.
    seed : int, default 2014
        Seed of the reconstruction, so the bands are reproducible.

    Returns
    -------
    dict
        ``{(variable, kind): pandas.DataFrame or None}``; each frame has the columns ``threshold``, ``min``,
        ``p05``, ``median``, ``p95``, ``max`` (proportions of responders) and ``attrs`` ``variables``, ``kind``,
        ``n_cohorts`` and ``seed``. None where the cohorts have no complete pairs of the variable.

    References
    ----------
    Dworkin RH et al. IMMPACT recommendations. J Pain 2008;9(2):105-121. doi:10.1016/j.jpain.2007.09.005

    Examples
    --------
    >>> bands = responder_bands(None, n_cohorts=5)           # the shipped card
    >>> at30 = bands[("rest", "relative")].set_index("threshold").loc[0.3]
    >>> float(at30["min"]) == float(at30["max"]) == 22 / 29   # the paper pins 22/29 at 30 %
    True
    """
    from sacro_kit.forensics.reconstruction import reconstruct

    for name in variables:
        if name not in _EXPLORED:
            raise ValueError(f"variables must be among {_EXPLORED}, got {name!r}")
    grids = {kind: threshold_grid(kind) for kind in kinds}
    try:
        cohorts = reconstruct(card, n_cohorts=n_cohorts, seed=seed)
    except (ValueError, RuntimeError, KeyError) as error:
        warnings.warn(f"no reconstruction band: {error}", BandUnavailable, stacklevel=2)
        return {(name, kind): None for name in variables for kind in kinds}
    bands: dict[tuple[str, str], pd.DataFrame | None] = {}
    for name in variables:
        for kind, grid in grids.items():
            pairs = [complete_pairs(c, PAIRED_VARIABLES[name]) for c in cohorts]
            if any(pre.size == 0 for pre, _ in pairs):
                bands[(name, kind)] = None
                continue
            curves = np.array(
                [responder_curve(pre, post, kind, thresholds=grid)["proportion"].to_numpy() for pre, post in pairs]
            )
            band = pd.DataFrame(
                {
                    "threshold": grid,
                    "min": curves.min(axis=0),
                    "p05": np.quantile(curves, 0.05, axis=0),
                    "median": np.median(curves, axis=0),
                    "p95": np.quantile(curves, 0.95, axis=0),
                    "max": curves.max(axis=0),
                }
            )
            band.attrs.update(variables=PAIRED_VARIABLES[name], kind=kind, n_cohorts=int(n_cohorts), seed=int(seed))
            bands[(name, kind)] = band
    return bands


def responder_explorer(
    cohort: pd.DataFrame, card=None, *, band=None, n_cohorts: int = 200, seed: int = 2014, static: bool = True
) -> ResponderExplorer:
    """An interactive responder-threshold explorer (an ipywidgets ``VBox``) for rest and activity pain.

    A slider sets the threshold (0-100 % of baseline, or 0-10 points with the toggle), a selector picks rest or
    activity pain. The view shows k/n responders with the 95 % Wilson interval (Brown, Cai & DasGupta 2001), the
    responder curve over every threshold with the current one marked (FDA PRO guidance 2009), the card's
    reported point (e.g. 22/29 at 30 %), and the spread of the proportion across ``n_cohorts`` cohorts
    reconstructed from the card with ``seed``: exact where the paper pins it down, uncertain elsewhere.

    ``band``: None computes the bands from ``card`` once per variable/kind (none without a card); False draws
    none; a mapping ``{(variable, kind): frame}`` supplies precomputed frames (columns threshold, min, p05,
    median, p95, max with relative thresholds as fractions), e.g. from ``sacro_kit.forensics.reconstruction.responder_band``.

    ``static``: when displayed, also carry the same explorer without a kernel (``text/html``, computed in the
    reader's browser; :func:`sacro_kit.static_responder_explorer`) and a PNG still, so the HTML book and a PDF build
    get a working explorer and a picture where a live kernel is missing. JupyterLab shows the widget either way.

    Parameters
    ----------
    cohort : pandas.DataFrame
        One row per patient, with ``rest_pre``/``rest_post`` and/or ``activity_pre``/``activity_post``; at least one
        complete pair.
    card : ReportedCard, optional
        A card from :func:`sacro_kit.load_reported`: its responder claims are drawn as reported points and, with
        ``band=None``, its reconstructions give the bands. None (default): neither.
    band : None, False or mapping, default None
        As described above.
    n_cohorts : int, default 200
        Number of reconstructed cohorts behind a computed band.
    seed : int, default 2014
        Seed of the reconstruction.
    static : bool, default True
        Also carry the kernel-free HTML explorer and a PNG still when displayed.

    Returns
    -------
    ResponderExplorer
        The panel (an ``ipywidgets.VBox``); :meth:`~ResponderExplorer.set_threshold` and
        :meth:`~ResponderExplorer.update` drive it, ``state`` (an :class:`ExplorerState`: ``k``, ``n``,
        ``proportion``, ``ci_low``, ``ci_high``, the band's values, ``reported``, ``text``) is what it shows.

    References
    ----------
    Brown LD, Cai TT, DasGupta A. Interval estimation for a binomial proportion. Stat Sci 2001;16(2):101-133.
    doi:10.1214/ss/1009213286
    Dworkin RH et al. IMMPACT recommendations. J Pain 2008;9(2):105-121. doi:10.1016/j.jpain.2007.09.005

    Examples
    --------
    >>> import pandas as pd
    >>> explorer = responder_explorer(pd.DataFrame({"rest_pre": [10, 8, 6], "rest_post": [7, 6, 6]}))
    >>> state = explorer.set_threshold(0.25)
    >>> state.k, state.n
    (2, 3)
    >>> round(state.proportion, 3), round(state.ci_low, 3)
    (0.667, 0.208)
    >>> explorer.close()
    """
    return ResponderExplorer(cohort, card, band=band, n_cohorts=n_cohorts, seed=seed, static=static)
