"""Printed numbers, lattices and pinned order statistics shared by the forensic modules.

Public within :mod:`sacro_kit.forensics`: the consistency checks define these helpers, and the reconstruction package
uses them through these names (issue 11: no private name is imported from another module).
"""

from __future__ import annotations

from sacro_kit.forensics.consistency import _P_CANDIDATES as P_CANDIDATES
from sacro_kit.forensics.consistency import _check_n as check_n
from sacro_kit.forensics.consistency import _check_rounding as check_rounding
from sacro_kit.forensics.consistency import _constraints as constraints
from sacro_kit.forensics.consistency import _Lattice as Lattice
from sacro_kit.forensics.consistency import _lattice as lattice
from sacro_kit.forensics.consistency import _pinned as pinned
from sacro_kit.forensics.consistency import _prints_as as prints_as
from sacro_kit.forensics.consistency import _read_triple as read_triple

__all__ = [
    "P_CANDIDATES",
    "check_n",
    "check_rounding",
    "constraints",
    "lattice",
    "Lattice",
    "pinned",
    "prints_as",
    "read_triple",
]
