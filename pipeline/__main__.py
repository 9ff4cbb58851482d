"""`python -m pipeline`: the `briefing` command."""
from .commands.start import command

command()
