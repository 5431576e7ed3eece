"""``python -m kpawidgets.cli``."""

from __future__ import annotations

import sys

from kpawidgets.cli.main import main

sys.exit(main())
