"""Book-only code: exercise self-checks and their answer keys, and the literature chapter's pooling workflow.

Not part of the ``sacro_kit`` library. Chapters run with the working directory ``book/``, so ``import booksupport``
works there; tests put ``book/`` on ``sys.path`` (``tests/conftest.py``).
"""

from booksupport.exercises import check_answer, exercises

__all__ = ["check_answer", "exercises"]
