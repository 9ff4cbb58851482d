"""Readers: sources (Markdown with YAML front matter, citation syntax, images) into the
document model."""
