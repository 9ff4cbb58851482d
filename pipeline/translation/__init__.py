"""The translator workflow: units, drift records, exchange files (XLIFF, PO), write-back and
the structural check of a translation against its original."""
