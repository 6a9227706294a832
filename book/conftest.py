"""pytest plumbing for nbval over the chapters (``make nbval``): a kernel that dies while starting is started again.

``make test`` runs nbval beside the book build and the unit tests, which start kernels of their own. jupyter_client
picks a kernel's TCP ports by binding port 0 and releasing it, so another process can take a port in the moment
before the new kernel binds it; that kernel then exits ("Kernel died before replying to kernel_info") and every cell
of its chapter errors without having run. Such a start is retried (up to three attempts, each logged); a chapter
whose kernel starts and then fails still fails exactly as before.
"""

from __future__ import annotations

import logging
import time

import pytest

logger = logging.getLogger(__name__)
ATTEMPTS = 3


def _retrying(start):
    def start_new_kernel(*args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return start(*args, **kwargs)
            except RuntimeError as error:
                if "died before replying" not in str(error) or attempt == ATTEMPTS:
                    raise
                logger.warning("kernel died while starting (attempt %d of %d): starting it again", attempt, ATTEMPTS)
                time.sleep(1)

    return start_new_kernel


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    try:
        from nbval import kernel
    except ImportError:  # nbval not installed: nothing to harden
        return
    if not getattr(kernel.start_new_kernel, "_sacro_kit_retrying", False):
        kernel.start_new_kernel = _retrying(kernel.start_new_kernel)
        kernel.start_new_kernel._sacro_kit_retrying = True
