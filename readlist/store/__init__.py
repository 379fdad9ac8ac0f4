"""The SQLite library: papers, authors, notes, tags, sources, read state and match evidence.

`library` holds the `Store` API; `db` the connection and migrations; `sql` the statements the program's fast
paths share with the Store.
Nothing is imported here, so that the light modules load without the library API (see readlist.program).
"""
