"""One base for every result the kit returns: a frozen value that unpacks like scipy's and tabulates.

Result classes are frozen dataclasses that inherit :class:`Result` and list, in ``_unpack``, the fields a
caller gets by tuple unpacking (scipy's order: statistic first, then p-value; low then high)::

    @dataclass(frozen=True, repr=False)
    class ProportionCI(Result):
        _unpack: ClassVar[tuple[str, ...]] = ("low", "high")
        low: float
        high: float
        method: str

    low, high = sk.proportion_ci(22, 29)
    sk.proportion_ci(22, 29).to_frame()      # one-row tidy DataFrame

Results never print; their repr is one line with every field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np
import pandas as pd


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, bool, int, float, complex, np.generic))


class Result:
    """Mixin for frozen-dataclass results: scipy-like unpacking, ``to_frame()`` and a readable repr."""

    _unpack: ClassVar[tuple[str, ...]] = ()

    def _unpack_names(self) -> tuple[str, ...]:
        return self._unpack or tuple(f.name for f in dataclasses.fields(self))  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Any]:
        return iter(tuple(getattr(self, name) for name in self._unpack_names()))

    def __len__(self) -> int:
        return len(self._unpack_names())

    def __getitem__(self, index: int) -> Any:
        return tuple(self)[index]

    def to_dict(self) -> dict[str, Any]:
        """Every field by name (nested values as they are)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    def to_frame(self) -> pd.DataFrame:
        """A one-row tidy DataFrame of the result's fields; non-scalar fields are kept as objects."""
        frame = pd.DataFrame(index=pd.RangeIndex(1))
        for name, value in self.to_dict().items():
            frame[name] = pd.Series([value], dtype=None if _scalar(value) else object)
        return frame

    def __repr__(self) -> str:
        def show(value: Any) -> str:
            if isinstance(value, float) or isinstance(value, np.floating):
                return f"{float(value):.6g}"
            if isinstance(value, (list, tuple, np.ndarray, pd.Series, pd.DataFrame)) and len(value) > 6:
                return f"<{type(value).__name__} of {len(value)}>"
            return repr(value)

        body = ", ".join(f"{name}={show(value)}" for name, value in self.to_dict().items())
        return f"{type(self).__name__}({body})"
