"""Sentences whose wording depends on the data (book-support code; the chapters cite them with ``{eval}``).

Each function takes the numbers a chapter computed and returns :class:`booksupport.prose.Text`, so the sentence a
reader sees follows the data, whichever cohort (``SACRO_KIT_COHORT``) the book is built on.
"""

from __future__ import annotations

from booksupport.prose import Text, pct


def _patients(k: int) -> str:
    return f"{k} patient" + ("" if k == 1 else "s")


def zero_baseline(k: int) -> Text:
    """Who has no relative change: the patients whose baseline score is 0, worded from their count.

    >>> zero_baseline(0)
    No patient started at 0, so every one has a relative change.
    >>> zero_baseline(1)
    1 patient started at 0 and has no relative change.
    >>> zero_baseline(3)
    3 patients started at 0 and have no relative change.
    """
    if k == 0:
        return Text("No patient started at 0, so every one has a relative change.")
    return Text(f"{_patients(k)} started at 0 and {'has' if k == 1 else 'have'} no relative change.")


def rules_compared(rest: tuple[int, int], activity: tuple[int, int] | None = None,
                   threshold_text: str = "the paper's threshold", points: int = 2) -> Text:
    """How the relative and the absolute responder rules differ on this cohort, worded from the counts.

    ``rest`` and ``activity`` are (responders by the relative rule only, by the absolute rule only).

    >>> rules_compared((0, 0), (1, 3), "30%")
    On this cohort the two rules pick out exactly the same patients for rest pain: 30% and 2 points agree here. For activity pain they do not: 1 patient responds by the relative rule only and 3 patients by the absolute rule only.
    >>> rules_compared((2, 0))
    On this cohort the two rules disagree for rest pain: 2 patients respond by the relative rule only and 0 patients by the absolute rule only.
    """
    def differ(pair):
        return pair[0] > 0 or pair[1] > 0

    def detail(pair):
        return (f"{_patients(pair[0])} respond{'s' if pair[0] == 1 else ''} by the relative rule only and "
                f"{_patients(pair[1])} by the absolute rule only")

    if differ(rest):
        text = f"On this cohort the two rules disagree for rest pain: {detail(rest)}."
    else:
        text = (f"On this cohort the two rules pick out exactly the same patients for rest pain: {threshold_text} "
                f"and {points} points agree here.")
    if activity is not None:
        if differ(activity):
            text += f" For activity pain they do not: {detail(activity)}." if not differ(rest) else (
                f" For activity pain, {detail(activity)}.")
        else:
            text += " For activity pain, too, they pick out the same patients."
    if not differ(rest) and (activity is None or not differ(activity)):
        text += (" They can still disagree on another cohort, for patients who start low or high on the scale; the"
                 " example above shows how.")
    return Text(text)


def curve_start(at_zero: tuple[int, int], above_zero: tuple[int, int]) -> Text:
    """Where the responder curve starts: at threshold 0 it counts every patient who did not get worse, and just
    above 0 only those whose pain fell at all.

    >>> curve_start((25, 29), (22, 29))
    At a threshold of 0 the curve counts the 25 of 29 patients (86.2%) whose pain did not get worse; just above 0 it drops to the 22 (75.9%) whose pain fell at all, and it falls further as the threshold rises.
    """
    (k0, n), (k1, _) = at_zero, above_zero
    if k0 == k1:
        return Text(f"At a threshold of 0 the curve counts the {k0} of {n} patients ({pct(k0 / n)}) whose pain did "
                    "not get worse (none stayed the same), and it falls as the threshold rises.")
    return Text(f"At a threshold of 0 the curve counts the {k0} of {n} patients ({pct(k0 / n)}) whose pain did not "
                f"get worse; just above 0 it drops to the {k1} ({pct(k1 / n)}) whose pain fell at all, and it falls "
                "further as the threshold rises.")
