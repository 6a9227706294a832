"""``python -m sacro_kit``: the ``sacro-kit`` command line (see :mod:`sacro_kit.cli`)."""

import sys

from sacro_kit.cli import main

sys.exit(main())
