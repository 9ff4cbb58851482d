"""`python -m pipeline`: the `briefing` command."""
import sys

from .commands.cli import main

sys.exit(main())
