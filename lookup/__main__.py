"""`python -m lookup …` is the engine's CLI (lookup.engine.cli)."""

import sys

from lookup.engine.cli import main

sys.exit(main())
