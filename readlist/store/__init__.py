"""The SQLite library: papers, authors, notes, tags, sources, read state and match evidence.

`library` holds the `Store` API; `db` the connection and migrations, `query` the filters and listing SQL.
Nothing is imported here, so that the light modules load without the library API (see readlist.program).
"""
