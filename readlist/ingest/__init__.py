"""Parse inputs (pasted pages, identifier lines, .bib files, stdin) into `Entry` objects: `reader.read_inputs`.

Nothing is imported here, so that importing one parser (``readlist.ingest.identifiers``) costs only that one.
"""
