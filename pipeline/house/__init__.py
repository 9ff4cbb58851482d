"""The house style and what it owns: design tokens, templates and labels, locale rules,
document identifiers and their registry."""
