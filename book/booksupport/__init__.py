"""Book-only code: exercise self-checks and their answer keys, the literature chapter's pooling workflow, and the
facts and sentences each chapter's prose cites (``booksupport.chapterNN``: one module per chapter, so a chapter's
hidden cells are one-line calls such as ``say.update(chapter04.wilcoxon_facts(results))`` and every sentence can be
read in source; tests/test_chapter_sources.py keeps it so).

Not part of the ``sacro_kit`` library. Chapters run with the working directory ``book/``, so ``import booksupport``
works there; tests put ``book/`` on ``sys.path`` (``tests/conftest.py``).
"""

from booksupport.exercises import check_answer, exercises

__all__ = ["check_answer", "exercises"]
