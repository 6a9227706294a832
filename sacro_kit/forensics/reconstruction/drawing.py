"""reconstruct(): cohorts drawn by the joint chain, verified, and cached once per card, code and seed.

Part of :mod:`sacro_kit.forensics.reconstruction` (the law, the method and the assumptions are documented there).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sacro_kit._compat import renamed_arguments
from sacro_kit.forensics.lattice import check_rounding as _check_rounding
from sacro_kit.forensics.reconstruction.pairing import _frame
from sacro_kit.forensics.reconstruction.planning import (
    DEFAULT_SEED,
    RECONSTRUCTION_COUNT_MAX,
    _check_seed,
    _load_card,
    _plan,
    reading,
)
from sacro_kit.forensics.reconstruction.verification import verify_cohort

#: Environment variable naming the on-disk cache of verified reconstructions ("off" disables it).
CACHE_ENV = "SACRO_KIT_RECONSTRUCTION_CACHE"


_MEMORY: dict[str, list] = {}


def _package_digest() -> str:
    """A hash of the package's source files: a cached reconstruction is reused only by the code that made it."""
    import hashlib

    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[2]  # the whole sacro_kit package
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_key(card, n_cohorts, seed, method, rounding, decimals, count_max) -> str | None:
    """The key of a cached run; ``decimals`` is the resolved reading (:func:`reading`: the int and its sentence)."""
    import hashlib

    try:
        content = repr(
            (sorted((k, repr(v)) for k, v in card.claims.items()), sorted((k, repr(v)) for k, v in card.scales.items()))
        )
    except AttributeError:
        return None
    parts = (
        content,
        int(n_cohorts),
        int(seed),
        repr(method),
        rounding,
        repr(decimals),
        int(count_max),
        _package_digest(),
        np.__version__,
        pd.__version__,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _cache_dir() -> Path | None:
    import os
    import tempfile

    setting = os.environ.get(CACHE_ENV)
    if setting is not None and setting.strip().lower() in ("", "0", "off", "no", "false"):
        return None
    return Path(setting) if setting else Path(tempfile.gettempdir()) / "sacro_kit-reconstructions"


@renamed_arguments(method="quantile_type")
def reconstruct(
    card=None,
    n_cohorts: int = 1,
    seed: int = DEFAULT_SEED,
    quantile_type=None,
    *,
    rounding: str = "up_or_down",
    decimals: int | None = None,
    count_max: int = RECONSTRUCTION_COUNT_MAX,
    verify: bool = True,
) -> list[pd.DataFrame]:
    """Draw ``n_cohorts`` patient-level cohorts that reproduce every statistic of the card jointly.

    Each cohort is a DataFrame in the loader schema (``sacro_kit.io.cohort.COHORT_COLUMNS``, nullable dtypes,
    ids "R01".."R57"), with ``attrs`` recording seed, cohort index, quantile method and the reporting precision
    read (``attrs["decimals"]``: the int, or None for each printed value at its own precision; ``attrs["precision"]``:
    the sentence saying which reading and why). These are
    **reconstructed, not real patients**, drawn from the law in ``LAW`` (see the module docstring for the
    law, its assumptions and the chain). ``method=None`` uses the first quantile definition that fits every
    printed median/IQR (type 4 for the Dougherty card). Deterministic: the cohorts are successive states of one
    chain seeded with ``seed`` (kept every ``THIN_PER_PATIENT * n`` steps), so ``reconstruct(seed=s)[0]`` is the
    first of any longer run with that seed. With ``verify=True`` every cohort is checked before it is returned:
    all of them at once, every printed number recomputed with numpy and scipy from their stacked values (the same
    statistics as :func:`verify_cohort`, which a test keeps in agreement), and the first by :func:`verify_cohort`
    itself; a cohort that fails raises a RuntimeError. The chain runs compiled (numba, imported at the first call;
    the machine code is cached on disk, so only the first call on a machine pays the compilation): 1,000 verified
    cohorts of the Dougherty card take about 2 s once numba is loaded (benchmarks/results.md).

    **Cards with groups** (a schema-2 card whose claims name groups, such as the arms of a trial) are reconstructed
    group by group on separate patients, each group under its own claims (module ``groups``): the cohort has a ``group`` column after ``patient_id`` and ids prefixed by the group ("ct-R01"); the
    groups' chains are seeded with children of ``seed``, and one quantile definition (the first that fits every group)
    and one reading of the printed precision (the grouped card's declaration, else per value) serve all groups. A test *between* groups is no constraint (``attrs["not_reproduced"]``
    lists it; :func:`verify_cohort` reports it as "not reproduced: ..."); a pooled claim of all groups together, or a
    group without a size, is a ValueError naming it.

    **Several time points.** An outcome summarised (median and IQR, the same n) at more than two time points, with
    tests within pairs of them (pre vs 1 week, pre vs 6 months), gets one cohort column per time point (the outcome's
    ``cohort:`` mapping; the columns outside the cohort schema follow its ten columns) and one paired block per test,
    each reproducing its printed p under its named test; the blocks share the columns they have in common and the
    law is the same (see the package docstring). A card the lattice cannot draw at all (a mean ± SD, a real-valued
    scale with no step, a time point without a cohort column) is a ValueError naming the claim and why.

    Verified runs of 20 or more cohorts are computed once: kept in memory and on disk (``$SACRO_KIT_RECONSTRUCTION_CACHE``,
    default a folder in the system's temporary directory; ``off`` disables it), keyed by a hash of the card's
    claims and scales, every argument and the package's source, so the chapters that share the same 100 cohorts
    compute them once per build and any change to the code recomputes them.


    Parameters
    ----------
    card : ReportedCard, Card or None, default None
        The card whose printed numbers every cohort reproduces (either schema, a card file, or None for the default
        card: ``$SACRO_KIT_CARD``, else the shipped one).
    n_cohorts : int, default 1
        How many cohorts to draw.
    seed : int, default DEFAULT_SEED (2014)
        Seed of the chain; the same seed gives the same cohorts.
    quantile_type : int, str or None, default None
        The Hyndman-Fan quantile definition the paper used (1-9 or ``"tukey"``); None takes the first that fits
        every printed median/IQR. ``method=`` before 0.2.0, still accepted with a DeprecationWarning.
    rounding : str, default "up_or_down"
        How the paper rounded (``sacro_kit.forensics.consistency.ROUNDING_RULES``).
    decimals : int, optional
        Read every printed centre and quartile at this many decimals or more (a sensitivity reading). None (default):
        the precision the card declares (``reconstruction: {decimals: k, why: ...}``, as the shipped Dougherty card
        declares one decimal), else each printed value at its own precision, as the checks read it.
    count_max : int, default RECONSTRUCTION_COUNT_MAX (4)
        The largest count drawn per patient on a count scale the card leaves open (opioid doses).
    verify : bool, default True
        Check every cohort against every printed number before returning it.

    Returns
    -------
    list of pandas.DataFrame
        ``n_cohorts`` cohorts in the loader schema, each with ``attrs`` (seed, index, quantile method,
        ``reconstructed=True``).

    Examples
    --------
    >>> cohort = reconstruct(seed=2014)[0]
    >>> cohort.shape, int(cohort["rest_pre"].notna().sum())
    ((57, 10), 29)
    """
    method = quantile_type
    from sacro_kit.forensics.reconstruction import groups

    groups.refuse(card)
    card2 = groups.grouped(card)
    if card2 is not None:
        return _reconstruct_groups(
            card2, n_cohorts, seed, method, rounding=rounding, decimals=decimals, count_max=count_max, verify=verify
        )
    card = _load_card(card)
    key = None
    if verify and isinstance(n_cohorts, (int, np.integer)) and not isinstance(n_cohorts, bool) and n_cohorts >= 20:
        key = _cache_key(card, n_cohorts, _check_seed(seed), method, rounding, reading(card, decimals), count_max)
    if key is not None:
        cached = _MEMORY.get(key)
        folder = _cache_dir()
        if cached is None and folder is not None and (folder / f"{key}.pkl").is_file():
            import pickle

            try:
                cached = pickle.loads((folder / f"{key}.pkl").read_bytes())
            except Exception:  # a damaged cache file is recomputed, never trusted
                cached = None
        if cached is not None:
            _MEMORY[key] = cached
            return [c.copy() for c in cached]
    cohorts = _reconstruct(
        card, n_cohorts, seed, method, rounding=rounding, decimals=decimals, count_max=count_max, verify=verify
    )
    if key is not None:
        _MEMORY[key] = [c.copy() for c in cohorts]
        folder = _cache_dir()
        if folder is not None:
            import os
            import pickle

            try:
                folder.mkdir(parents=True, exist_ok=True)
                temporary = folder / f"{key}.{os.getpid()}.tmp"
                temporary.write_bytes(pickle.dumps(cohorts))
                temporary.replace(folder / f"{key}.pkl")
            except OSError:
                pass  # a read-only or full disk only costs the recomputation
    return cohorts


def _reconstruct_groups(
    card2, n_cohorts, seed, method, *, rounding: str, decimals, count_max: int, verify: bool
) -> list[pd.DataFrame]:
    """:func:`reconstruct` of a card with groups: each group on its own patients, under its own claims, with one
    quantile definition for all; the groups' chains are seeded with children of ``seed``."""
    from sacro_kit.forensics.reconstruction import groups

    seed = _check_seed(seed)
    rounding = _check_rounding(rounding)
    cards, between = groups.split(card2)
    # every group's card carries the grouped card's declaration, so each group resolves the same reading
    method = groups.common_method(cards, method, rounding, reading(card2, decimals)[0])
    drawn = {
        group: reconstruct(
            card,
            n_cohorts,
            groups.group_seed(seed, index),
            method,
            rounding=rounding,
            decimals=decimals,
            count_max=count_max,
            verify=verify,
        )
        for index, (group, card) in enumerate(cards.items())
    }
    cohorts = []
    for index in range(int(n_cohorts)):
        parts = {group: runs[index] for group, runs in drawn.items()}
        cohort = groups.stack(parts)
        first = next(iter(parts.values()))
        cohort.attrs.update(
            source="reconstructed (not real patients)",
            seed=seed,
            cohort_index=index,
            quantile_method=first.attrs["quantile_method"],
            rounding=rounding,
            decimals=first.attrs["decimals"],
            precision=first.attrs["precision"],
            card=str(card2.path),
            groups=list(parts),
            group_seeds={group: part.attrs["seed"] for group, part in parts.items()},
            not_reproduced=[f"{key}: {test.describe()}" for key, test in between],
        )
        cohorts.append(cohort)
    return cohorts


def _reconstruct(
    card,
    n_cohorts: int = 1,
    seed: int = DEFAULT_SEED,
    method=None,
    *,
    rounding: str = "up_or_down",
    decimals: int | None = None,
    count_max: int = RECONSTRUCTION_COUNT_MAX,
    verify: bool = True,
) -> list[pd.DataFrame]:
    """The uncached :func:`reconstruct`."""
    card = _load_card(card)
    seed = _check_seed(seed)
    rounding = _check_rounding(rounding)
    if isinstance(n_cohorts, bool) or not isinstance(n_cohorts, (int, np.integer)) or n_cohorts < 1:
        raise ValueError(f"n_cohorts must be a positive integer, got {n_cohorts!r}")
    if isinstance(count_max, bool) or not isinstance(count_max, (int, np.integer)) or count_max < 1:
        raise ValueError(f"count_max must be a positive integer, got {count_max!r}")
    decimals, precision = reading(card, decimals)
    plan = _plan(card, method, rounding, decimals, int(count_max))
    from sacro_kit.forensics.reconstruction.chain import start_chain, thin_steps

    chain = start_chain(plan, seed)
    thin = thin_steps(plan)
    cohorts, stacked = [], []
    for index in range(int(n_cohorts)):
        chain.run(thin)
        data, decreased = chain.values()
        stacked.append((data, decreased))
        cohort = _frame(data, decreased)
        cohort.attrs.update(
            source="reconstructed (not real patients)",
            seed=seed,
            cohort_index=index,
            quantile_method=plan.method,
            rounding=rounding,
            decimals=decimals,
            precision=precision,
            card=str(card.path),
        )
        cohorts.append(cohort)
    if verify:
        _verify_all(cohorts, stacked, card, plan, rounding, seed)
    return cohorts


def _verify_all(cohorts, stacked, card, plan, rounding: str, seed: int) -> None:
    """Check that every cohort reproduces every printed number (a RuntimeError names the first that does not).

    All cohorts at once on their stacked values (``_verify_stacked``, independent of the chain), and the first
    cohort's DataFrame by :func:`verify_cohort` as well, so the frames are checked, not only the arrays; a card the
    stacked check does not cover is checked by :func:`verify_cohort` cohort by cohort.
    """
    from sacro_kit.forensics.reconstruction.verification import _verify_stacked

    def fail(index, table):
        failed = table.loc[table["ok"].eq(False), ["claim", "statistic"]].to_records(index=False)
        raise RuntimeError(
            f"reconstructed cohort {index} (seed {seed}) fails {list(failed)}; "
            "this is a bug in sacro_kit.forensics.reconstruction"
        )

    def check(index):
        table = verify_cohort(
            cohorts[index], card, quantile_type=plan.method, rounding=rounding, decimals=plan.decimals
        )
        if not table["ok"].all():
            fail(index, table)

    check(0)
    columns = {name: np.stack([data[name] for data, _ in stacked]) for name in stacked[0][0]}
    columns["pain_decreased"] = np.stack([decreased for _, decreased in stacked])
    ok = _verify_stacked(columns, card, plan.method, rounding, plan.decimals)
    if ok is None:
        for index in range(1, len(cohorts)):
            check(index)
        return
    for index in np.flatnonzero(~ok).tolist():
        check(index)  # names what fails
        raise RuntimeError(
            f"reconstructed cohort {index} (seed {seed}) fails the stacked verification but passes verify_cohort; "
            "this is a bug in sacro_kit.forensics.reconstruction"
        )
