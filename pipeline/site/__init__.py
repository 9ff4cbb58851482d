"""The document library (`briefing site`): the catalogue of published documents, their
pages and lists, and the search index."""
