"""Forensic checks of published numbers: can the printed statistics all be true at once?

The consistency checks of a card (:mod:`sacro_kit.forensics.consistency`), exact GRIM, GRIMMER and DEBIT
(:mod:`sacro_kit.forensics.granularity`), and the reconstruction of cohorts that reproduce a card
(:mod:`sacro_kit.forensics.reconstruction`). Every check returns a frozen result with a ``verdict`` ("consistent",
"inconsistent" or "unverifiable: <why>") and a ``detail`` holding its proof (a witness sample, or the arithmetic that
rules every sample out).
"""
