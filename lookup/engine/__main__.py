"""`python -m lookup.engine …`: the same CLI as `python -m lookup`."""

import sys

from lookup.engine.cli import main

sys.exit(main())
