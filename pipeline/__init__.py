"""briefing: compile Markdown policy briefings into the official PDF."""
__version__ = "0.1.0"
