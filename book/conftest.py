"""nbval over the chapters (``make nbval``): the hooks live in ``booksupport/nbval_plugin.py``, which says what
they change -- the prose numbers are tested, each chapter's execution is handed to the book build, and a kernel
that dies while starting is started again."""

from booksupport.nbval_plugin import pytest_addoption, pytest_configure, pytest_runtest_makereport  # noqa: F401
