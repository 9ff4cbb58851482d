"""The command line: `briefing` and its commands."""
