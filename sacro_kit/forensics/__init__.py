"""Forensic checks of published numbers: can the printed statistics all be true at once?

Every check returns a frozen result with a ``verdict`` ("consistent", "inconsistent" or "unverifiable: <why>")
and a ``detail`` holding its proof (a witness sample, or the arithmetic that rules every sample out).
"""
