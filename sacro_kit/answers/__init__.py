"""Answer keys for the book's exercises, one module per chapter (``ch01.py`` ...), computed from cohort and card."""
