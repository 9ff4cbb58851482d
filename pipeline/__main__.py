"""`python -m pipeline`: the `briefing` command."""
from .commands.cli import command

command()
