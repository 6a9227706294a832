"""The responder explorer without a kernel: a Vega-Lite chart that computes in the reader's browser.

:func:`static_responder_explorer` turns a cohort (and optionally its reported-statistics card) into a
:class:`StaticExplorer`: an Altair-built Vega-Lite specification in which a threshold slider (relative 0-100 % in
1 % steps, absolute 0-10 points in 1-point steps), a rest/activity selector and a relative/absolute selector are
parameters, and everything the reader sees at the current threshold is computed by Vega expressions over the
cohort's rows, which are embedded in the specification:

- k of n responders (a decrease of at least the threshold; a relative decrease needs a baseline above 0, and
  patients without a complete pair are left out, exactly as :func:`sacro_kit.responders` counts them);
- the percentage with its Wilson interval, with the same arithmetic as :func:`sacro_kit.proportion_ci`
  (``z`` is computed here in Python from ``conf_level`` and embedded);
- the responder curve with its pointwise Wilson band at every grid threshold, with the current one marked.

Two things are *not* computed in the browser, because they need the reconstruction engine: the spread of the
proportion across cohorts reconstructed from the card (precomputed per grid threshold by
:func:`sacro_kit.responder_bands` and embedded; the caption says so) and the card's reported points.

In the HTML book the chart runs on the vendored Vega bundle (``book/_ext/sacro_kit_html.py`` copies it and this
package's ``static_explorer.js`` runtime into ``_static``); :meth:`StaticExplorer.to_png` writes a still image for
print with ``vl-convert-python`` (no browser, no network).

References
----------
Brown LD, Cai TT, DasGupta A. Interval estimation for a binomial proportion. Stat Sci 2001;16(2):101-133.
doi:10.1214/ss/1009213286
Satyanarayan A, Moritz D, Wongsuphasawat K, Heer J. Vega-Lite: a grammar of interactive graphics. IEEE TVCG
2017;23(1):341-350. doi:10.1109/TVCG.2016.2599030
"""

from __future__ import annotations

import base64
import functools
import html
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtri

from sacro_kit.plotting.paired_figures import PAIRED_VARIABLES, check_band, palette, reported_responders
from sacro_kit.stats.responders import TOLERANCE

__all__ = [
    "static_responder_explorer",
    "StaticExplorer",
    "explorer_runtime_js",
    "explorer_runtime_css",
    "vega_bundle_js",
    "EXPLORER_CSS_CLASS",
]

#: The CSS class of the element that holds a static explorer; the book's HTML extension looks for it.
EXPLORER_CSS_CLASS = "sk-explorer"
#: Slider ranges in display units: percent of baseline for relative thresholds, scale points for absolute ones.
_RANGES = {"relative": (0, 100, 1), "absolute": (0, 10, 1)}
_DEFAULT_THRESHOLD = {"relative": 30, "absolute": 2}  # IMMPACT's 30 % and Farrar's ~2 points, in display units
_EXPLORED = ("rest", "activity")
_KIND_LABELS = {"relative": "relative (% of baseline)", "absolute": "absolute (points)"}


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(255 * c):02x}" for c in rgb[:3])


def _key(variable: str, kind: str, x: float) -> str:
    """Lookup key of a (variable, kind, display threshold); the browser builds the same string."""
    return f"{variable}|{kind}|{x:g}"


def _display(kind: str, threshold: float) -> float:
    """A threshold in display units (percent for relative), rounded off the float noise of 100 * 0.29."""
    return round(100 * threshold, 9) if kind == "relative" else round(float(threshold), 9)


def _number(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


@dataclass(frozen=True)
class StaticExplorer:
    """A kernel-free responder explorer: a Vega-Lite specification with the cohort's rows embedded.

    ``spec`` is the Vega-Lite JSON (a dict); :meth:`to_html` the markup the book embeds; :meth:`to_png` a still
    image of the starting view; in a notebook it displays as that markup and that image (the HTML book runs the
    markup, a PDF build takes the image). ``rows`` says how many cohort rows are embedded per variable.
    """

    spec: dict
    caption: str
    alt: str
    variables: tuple
    start: dict
    rows: dict = field(default_factory=dict)

    def to_json(self) -> str:
        """The specification as compact JSON, safe inside a ``<script>`` element."""
        text = json.dumps(self.spec, separators=(",", ":"), sort_keys=True, allow_nan=False)
        return text.replace("</", "<\\/")

    def _fixed_width(self, width: int) -> dict:
        spec = dict(self.spec)
        spec["width"] = width  # "container" has no meaning outside a page
        return spec

    def to_png(self, scale: float = 1.0, width: int = 640) -> bytes:
        """A PNG of the starting view for print, rendered by ``vl-convert-python`` (offline, no browser)."""
        import vl_convert as vlc

        return vlc.vegalite_to_png(self._fixed_width(width), scale=scale)

    def to_svg(self, width: int = 640) -> str:
        """An SVG of the starting view (the still a page shows until, or unless, the live view runs)."""
        import vl_convert as vlc

        return vlc.vegalite_to_svg(self._fixed_width(width))

    def to_html(self, *, still: bool = True) -> str:
        """The explorer's markup: controls, a readout, the chart, a caption and the specification.

        The runtime (``static_explorer.js`` with the Vega bundle, both added by the book's HTML extension or inlined
        by :meth:`save`) turns it into the live view; without it (a notebook opened from disk, JavaScript off) the
        reader sees a still SVG of the starting view and the caption.
        """
        still_img = ""
        if still:
            svg = base64.b64encode(self.to_svg().encode("utf-8")).decode("ascii")
            still_img = (
                f'<img class="sk-explorer-still" src="data:image/svg+xml;base64,{svg}" '
                f'alt="{html.escape(self.alt)}" width="640">'
            )
        return (
            f'<div class="{EXPLORER_CSS_CLASS}" role="group" aria-label="Responder threshold explorer">'
            '<div class="sk-explorer-controls"></div>'
            '<p class="sk-explorer-readout" aria-live="polite"></p>'
            '<div class="sk-explorer-chart" role="img" aria-label="'
            f'{html.escape(self.alt)}"></div>{still_img}'
            f'<p class="sk-explorer-caption">{html.escape(self.caption)}</p>'
            f'<script type="application/json" class="sk-explorer-spec">{self.to_json()}</script>'
            "</div>"
        )

    def save(self, path, *, title: str = "Responder explorer") -> Path:
        """Write a self-contained HTML page: the explorer with the Vega bundle and its runtime inlined.

        The page opens from ``file://`` with no network (about 1 MB, mostly the bundle).
        """
        from pathlib import Path

        def inline(js: str) -> str:
            return "<script>" + js.replace("</script", "<\\/script") + "</script>"

        page = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{explorer_runtime_css()}</style>"
            f"{inline(vega_bundle_js())}</head><body><main>{self.to_html()}</main>"
            f"{inline(explorer_runtime_js())}</body></html>"
        )
        path = Path(path)
        path.write_text(page, encoding="utf-8")
        return path

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/html": self.to_html(),
            "image/png": base64.b64encode(self.to_png()).decode("ascii"),
            "text/plain": repr(self),
        }

    def __repr__(self) -> str:
        rows = ", ".join(f"{name}: {n} rows" for name, n in self.rows.items())
        return f"StaticExplorer({rows}; start {self.start})"


def explorer_runtime_js() -> str:
    """The browser runtime of :class:`StaticExplorer` (needs the global ``vegaEmbed`` of :func:`vega_bundle_js`)."""
    return resources.files("sacro_kit.widgets").joinpath("static_explorer.js").read_text(encoding="utf-8")


def explorer_runtime_css() -> str:
    """The explorer's style sheet (controls that wrap, a chart that fits the column)."""
    return resources.files("sacro_kit.widgets").joinpath("static_explorer.css").read_text(encoding="utf-8")


#: Run by the bundle: Vega-Embed (with the Vega and Vega-Lite it bundles) as a page global, for ``static_explorer.js``.
_BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed;"


@functools.lru_cache(maxsize=1)
def vega_bundle_js() -> str:
    """Vega, Vega-Lite and Vega-Embed as one classic script, from the ``vl-convert-python`` wheel (no download).

    ``vl_convert.javascript_bundle`` bundles the libraries the wheel ships (no CDN, no npm); the script sets the
    global ``vegaEmbed`` and nothing else (the bundle's top-level declarations are wrapped in a function, so they
    cannot collide with a page's other scripts). Building it takes seconds, so it is cached for the process (the
    book caches it on disk).
    """
    import vl_convert as vlc

    return "(function () {\n" + vlc.javascript_bundle(_BUNDLE_SNIPPET) + "\n})();\n"


def bundle_versions() -> dict:
    """The versions of the vendored libraries: ``{"vl-convert-python": ..., "vega": ..., "vega-lite": ...}``."""
    import vl_convert as vlc

    return {
        "vl-convert-python": getattr(vlc, "__version__", "unknown"),
        "vega": vlc.get_vega_version(),
        "vega-lite": vlc.get_vegalite_versions()[-1],
    }


def _rows(cohort: pd.DataFrame, variables) -> tuple[list, dict]:
    rows, counts = [], {}
    for name in variables:
        pre_col, post_col = PAIRED_VARIABLES[name]
        pre = cohort[pre_col].to_numpy(dtype=float, na_value=np.nan)
        post = cohort[post_col].to_numpy(dtype=float, na_value=np.nan)
        for a, b in zip(pre, post):
            rows.append({"variable": name, "pre": _number(a), "post": _number(b)})
        counts[name] = int(pre.size)
    return rows, counts


def _band_rows(bands: dict, variables) -> list:
    out = []
    for (name, kind), frame in bands.items():
        if name not in variables or frame is None:
            continue
        frame = check_band(frame)
        assert frame is not None  # a band that is not None checks to a frame
        n_cohorts = frame.attrs.get("n_cohorts")
        for row in frame.itertuples(index=False):
            x = _display(kind, row.threshold)
            out.append(
                {
                    "key": _key(name, kind, x),
                    "variable": name,
                    "kind": kind,
                    "x": x,
                    "bmin": float(row.min),
                    "bp05": float(row.p05),
                    "bmedian": float(row.median),
                    "bp95": float(row.p95),
                    "bmax": float(row.max),
                    "ncohorts": None if n_cohorts is None else int(n_cohorts),
                }
            )
    return out


def _reported_rows(card, variables) -> list:
    out = []
    for name in variables:
        for kind in _RANGES:
            for claim in reported_responders(card, PAIRED_VARIABLES[name], kind):
                x = _display(kind, claim.threshold)
                out.append(
                    {
                        "key": _key(name, kind, x),
                        "variable": name,
                        "kind": kind,
                        "x": x,
                        "rk": int(claim.k),
                        "rn": int(claim.n),
                        "rp": claim.k / claim.n,
                    }
                )
    return out


# Vega expressions shared by the readout and the curve. ``t`` is the threshold in the units sk.responders takes.
_VALID = "isValid(datum.pre) && isValid(datum.post)"
_ZERO = f"({_VALID}) && kind == 'relative' && datum.pre == 0 ? 1 : 0"
_CHANGE = (
    f"!({_VALID}) || datum.zero == 1 ? null : "
    "(kind == 'relative' ? (datum.pre - datum.post) / datum.pre : datum.pre - datum.post)"
)


def _wilson(alt) -> list:
    """Calculate transforms for p, lo, hi from k and n: sacro_kit.proportion_ci's Wilson arithmetic, term by term."""
    return [
        alt.CalculateTransform(calculate="datum.n > 0 ? datum.k / datum.n : null", **{"as": "p"}),
        alt.CalculateTransform(calculate="2 * (datum.n + z * z)", **{"as": "denom"}),
        alt.CalculateTransform(calculate="(2 * datum.n * datum.p + z * z) / datum.denom", **{"as": "center"}),
        alt.CalculateTransform(
            calculate="z / datum.denom * sqrt(4 * datum.n * datum.p * (1 - datum.p) + z * z)", **{"as": "delta"}
        ),
        alt.CalculateTransform(
            calculate="datum.n == 0 ? null : datum.k == 0 ? 0 : datum.center - datum.delta", **{"as": "lo"}
        ),
        alt.CalculateTransform(
            calculate="datum.n == 0 ? null : datum.k == datum.n ? 1 : datum.center + datum.delta", **{"as": "hi"}
        ),
    ]


def static_responder_explorer(
    cohort: pd.DataFrame, card=None, *, band=None, n_cohorts: int = 200, seed: int = 2014, conf_level: float = 0.95
) -> StaticExplorer:
    """A responder-threshold explorer that runs in a web page with no kernel and no network.

    Parameters
    ----------
    cohort : DataFrame
        Patient rows with ``rest_pre``/``rest_post`` and/or ``activity_pre``/``activity_post`` (missing allowed).
    card : ReportedCard, optional
        Its responder claims are drawn as reported points, and (with ``band=None``) its reconstructions give the band.
    band : None, False or mapping
        As for :func:`sacro_kit.responder_explorer`: None computes the bands from ``card`` with
        :func:`sacro_kit.responder_bands` (``n_cohorts``, ``seed``); False draws none; a mapping
        ``{(variable, kind): frame}`` supplies them.
    n_cohorts : int, default 200
        Number of reconstructed cohorts behind a computed band.
    seed : int, default 2014
        Seed of the reconstruction.
    conf_level : float
        Confidence level of the Wilson intervals (0.95).

    Returns
    -------
    StaticExplorer
        Displays in a notebook as the explorer's HTML (live in the HTML book) and a PNG still.

    Examples
    --------
    >>> import pandas as pd
    >>> explorer = static_responder_explorer(pd.DataFrame({"rest_pre": [10, 8, 6], "rest_post": [7, 6, 6]}))
    >>> explorer.start
    {'variable': 'rest', 'kind': 'relative', 'relative': 30, 'absolute': 2}
    >>> [p["name"] for p in explorer.spec["params"]][:4]
    ['variable', 'kind', 'rel', 'abs']
    """
    import altair as alt

    from sacro_kit.widgets.explorer import responder_bands

    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be between 0 and 1, got {conf_level!r}")
    available = [
        name
        for name in _EXPLORED
        if set(PAIRED_VARIABLES[name]) <= set(cohort.columns)
        and cohort[list(PAIRED_VARIABLES[name])].notna().all(axis=1).any()
    ]
    if not available:
        raise ValueError("the cohort has no complete rest or activity pain pairs to explore")
    if band is None:
        bands = (
            responder_bands(card, variables=tuple(available), n_cohorts=n_cohorts, seed=seed)
            if card is not None
            else {}
        )
    elif band is False:
        bands = {}
    else:
        bands = dict(band)
        for key in bands:
            if not (isinstance(key, tuple) and len(key) == 2 and key[0] in _EXPLORED and key[1] in _RANGES):
                raise ValueError(
                    f"band keys must be (variable, kind) with variable in {_EXPLORED} and kind "
                    f"'relative' or 'absolute'; got {key!r}"
                )
    rows, counts = _rows(cohort, available)
    band_rows = _band_rows(bands, available)
    reported = _reported_rows(card, available)

    # start where the paper reports something, as the kernel explorer does
    start = {"variable": available[0], "kind": "relative", **_DEFAULT_THRESHOLD}
    first = next((r for r in reported), None)
    if first is not None:
        start.update(variable=first["variable"], kind=first["kind"])
        lo, hi, step = _RANGES[first["kind"]]
        if lo <= first["x"] <= hi and float(first["x"]).is_integer():
            start[first["kind"]] = int(first["x"])

    colours = {name: _hex(rgb) for name, rgb in palette().items()}
    z = float(ndtri(0.5 + 0.5 * conf_level))
    params = [
        alt.param(
            name="variable",
            value=start["variable"],
            bind=alt.binding_radio(options=available, labels=[f"{v} pain" for v in available], name="Pain "),
        ),
        alt.param(
            name="kind",
            value=start["kind"],
            bind=alt.binding_radio(options=list(_RANGES), labels=[_KIND_LABELS[k] for k in _RANGES], name="Threshold "),
        ),
        alt.param(
            name="rel",
            value=start["relative"],
            bind=alt.binding_range(min=0, max=100, step=1, name="at least (% of baseline) "),
        ),
        alt.param(
            name="abs",
            value=start["absolute"],
            bind=alt.binding_range(min=0, max=10, step=1, name="at least (points) "),
        ),
        alt.param(name="t", expr="kind == 'relative' ? rel / 100 : abs"),
        alt.param(name="x", expr="kind == 'relative' ? rel : abs"),
        alt.param(name="z", expr=repr(z)),
        alt.param(name="tol", expr=repr(TOLERANCE)),
    ]
    x_scale = alt.Scale(domain={"expr": "kind == 'relative' ? [0, 100] : [0, 10]"}, nice=False, zero=True)
    x_axis = alt.Axis(title="decrease of at least ... (% of baseline, or points)", grid=True, labelFlush=True)
    y_scale = alt.Scale(domain=[0, 100], nice=False)
    y_axis = alt.Axis(title="patients responding (%)", grid=True)
    x_enc = alt.X("x:Q", scale=x_scale, axis=x_axis)

    def own(source: str):
        return alt.Chart(alt.NamedData(name=source))

    same_view = "datum.variable == variable && datum.kind == kind"
    change = [
        alt.FilterTransform(filter="datum.variable == variable"),
        alt.CalculateTransform(calculate=_ZERO, **{"as": "zero"}),
        alt.CalculateTransform(calculate=_CHANGE, **{"as": "change"}),
        alt.CalculateTransform(calculate="datum.change == null ? 0 : 1", **{"as": "used"}),
    ]
    curve = alt.Chart(
        alt.NamedData(name="rows"),
        transform=[
            *change,
            alt.FilterTransform(filter="datum.used == 1"),
            alt.CalculateTransform(
                calculate="kind == 'relative' ? sequence(0, 101) : sequence(0, 11)", **{"as": "grid"}
            ),
            alt.FlattenTransform(flatten=["grid"], **{"as": ["x"]}),
            alt.CalculateTransform(calculate="kind == 'relative' ? datum.x / 100 : datum.x", **{"as": "thr"}),
            alt.CalculateTransform(calculate="datum.change >= datum.thr - tol ? 1 : 0", **{"as": "r"}),
            alt.AggregateTransform(
                aggregate=[
                    alt.AggregatedFieldDef(op="sum", field="r", **{"as": "k"}),
                    alt.AggregatedFieldDef(op="count", **{"as": "n"}),
                ],
                groupby=["x"],
            ),
            *_wilson(alt),
            alt.CalculateTransform(calculate="100 * datum.p", **{"as": "y"}),
            alt.CalculateTransform(calculate="100 * datum.lo", **{"as": "ylo"}),
            alt.CalculateTransform(calculate="100 * datum.hi", **{"as": "yhi"}),
        ],
    )
    curve_ci = curve.mark_area(interpolate="step-before", opacity=0.14, color=colours["cohort"]).encode(
        x_enc, alt.Y("ylo:Q", scale=y_scale, axis=y_axis), alt.Y2("yhi:Q")
    )
    curve_line = curve.mark_line(interpolate="step-before", color=colours["cohort"], strokeWidth=2).encode(
        x_enc, alt.Y("y:Q", scale=y_scale, axis=y_axis)
    )

    layers = []
    if band_rows:
        band_data = (
            own("band")
            .transform_filter(same_view)
            .transform_calculate(
                ymin="100 * datum.bmin",
                ymax="100 * datum.bmax",
                y05="100 * datum.bp05",
                y95="100 * datum.bp95",
                ymed="100 * datum.bmedian",
            )
        )
        layers += [
            band_data.mark_area(interpolate="step-before", opacity=0.16, color=colours["band"]).encode(
                x_enc, alt.Y("ymin:Q", scale=y_scale, axis=y_axis), alt.Y2("ymax:Q")
            ),
            band_data.mark_area(interpolate="step-before", opacity=0.3, color=colours["band"]).encode(
                x_enc, alt.Y("y05:Q", scale=y_scale, axis=y_axis), alt.Y2("y95:Q")
            ),
            band_data.mark_line(
                interpolate="step-before", color=colours["band"], strokeDash=[4, 3], strokeWidth=1
            ).encode(x_enc, alt.Y("ymed:Q", scale=y_scale, axis=y_axis)),
        ]
    layers += [curve_ci, curve_line]
    # the readout: k of n at the current threshold, counted from the rows (the runtime writes it into the page)
    readout = alt.Chart(
        alt.NamedData(name="rows"),
        transform=[
            *change,
            alt.CalculateTransform(calculate="datum.used == 1 && datum.change >= t - tol ? 1 : 0", **{"as": "r"}),
            alt.AggregateTransform(
                aggregate=[
                    alt.AggregatedFieldDef(op="sum", field="r", **{"as": "k"}),
                    alt.AggregatedFieldDef(op="sum", field="used", **{"as": "n"}),
                    alt.AggregatedFieldDef(op="sum", field="zero", **{"as": "nzero"}),
                ]
            ),
            *_wilson(alt),
            alt.CalculateTransform(calculate="x", **{"as": "x"}),
            alt.CalculateTransform(calculate="t", **{"as": "threshold"}),
            alt.CalculateTransform(calculate="variable", **{"as": "variable"}),
            alt.CalculateTransform(calculate="kind", **{"as": "kind"}),
            alt.CalculateTransform(calculate="variable + '|' + kind + '|' + x", **{"as": "key"}),
            alt.LookupTransform(
                lookup="key",
                **{
                    "from": alt.LookupData(
                        data=alt.NamedData(name="band"),
                        key="key",
                        fields=["bmin", "bp05", "bmedian", "bp95", "bmax", "ncohorts"],
                    )
                },
            ),
            alt.LookupTransform(
                lookup="key",
                **{"from": alt.LookupData(data=alt.NamedData(name="reported"), key="key", fields=["rk", "rn"])},
            ),
            alt.CalculateTransform(calculate="100 * datum.p", **{"as": "y"}),
            alt.CalculateTransform(calculate="100 * datum.lo", **{"as": "ylo"}),
            alt.CalculateTransform(calculate="100 * datum.hi", **{"as": "yhi"}),
            alt.CalculateTransform(calculate="datum.k + '/' + datum.n", **{"as": "label"}),
        ],
    )
    layers += [
        readout.mark_rule(color="#4d4d4d", strokeDash=[2, 2]).encode(x_enc),
        readout.mark_rule(color="#262626", strokeWidth=3).encode(
            x_enc, alt.Y("ylo:Q", scale=y_scale, axis=y_axis), alt.Y2("yhi:Q")
        ),
        readout.mark_point(filled=True, size=60, color="#262626", opacity=1).encode(
            x_enc, alt.Y("y:Q", scale=y_scale, axis=y_axis)
        ),
        readout.mark_text(
            align={"expr": "x > (kind == 'relative' ? 60 : 6) ? 'right' : 'left'"},
            dx={"expr": "x > (kind == 'relative' ? 60 : 6) ? -8 : 8"},
            dy=-10,
            fontSize=13,
            fontWeight="bold",
            color="#262626",
        )
        .encode(x_enc, alt.Y("y:Q", scale=y_scale, axis=y_axis), text="label:N")
        .properties(name="readout"),
    ]
    if reported:  # drawn last: on top of the current threshold's point when the two coincide
        layers.append(
            own("reported")
            .transform_filter(same_view)
            .transform_calculate(y="100 * datum.rp")
            .mark_point(
                shape="diamond",
                size=170,
                filled=True,
                color=colours["reported"],
                opacity=1,
                stroke="white",
                strokeWidth=1,
            )
            .encode(
                x_enc,
                alt.Y("y:Q", scale=y_scale, axis=y_axis),
                tooltip=[alt.Tooltip("rk:Q", title="reported k"), alt.Tooltip("rn:Q", title="reported n")],
            )
        )
    chart = (
        alt.layer(*layers)
        .add_params(*params)
        .properties(
            width="container",
            height=300,
            datasets={"rows": rows, "band": band_rows or [{"key": ""}], "reported": reported or [{"key": ""}]},
            usermeta={
                "sacro_kit": {
                    "readout": "readout",
                    "variables": available,
                    "conf_label": f"{100 * conf_level:g}%",
                    "kind_labels": _KIND_LABELS,
                    "n_rows": counts,
                }
            },
        )
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=12, titleFontSize=12)
    )
    spec = chart.to_dict()
    spec.pop("$schema", None)  # a URL; the runtime needs no schema and loads nothing

    band_note = ""
    if band_rows:
        n_c = next((r["ncohorts"] for r in band_rows if r["ncohorts"]), None)
        band_note = (
            f" Orange: the spread across {n_c or 'the'} cohorts reconstructed from the paper (light: minimum to "
            "maximum; darker: the middle 90%; dashed: median); it needs the reconstruction engine, so it "
            "was computed in Python when the book was built, for every threshold on the slider, and is "
            "looked up here, not recomputed."
        )
    caption = (
        "Responder explorer. Move the slider, or pick rest or activity pain and a relative or absolute "
        "threshold: the count, the percentage and its 95% Wilson interval, and the blue responder curve with "
        "its pointwise Wilson band are computed in your browser from the cohort's rows embedded in this page."
        f"{band_note}"
        + (" Red diamond: the result the paper reports." if reported else "")
        + " Black point and bar: the current threshold."
    )
    alt_text = (
        "Responder curve: percentage of patients whose pain fell by at least each threshold, with the "
        "current threshold marked"
        + (", the spread across reconstructed cohorts" if band_rows else "")
        + (" and the paper's reported result" if reported else "")
        + "."
    )
    return StaticExplorer(
        spec=spec, caption=caption, alt=alt_text, variables=tuple(available), start=start, rows=counts
    )
