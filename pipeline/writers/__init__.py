"""Writers: the document model to output formats."""
