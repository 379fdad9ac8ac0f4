"""The SQLite library: papers, authors, notes, tags, sources, read state and match evidence.

`library.Store` is the API the rest of readlist uses; each of its jobs is a module of its own (`queries`,
`loading`, `batch` and `identity`, `merging`, `citekeys`, `writes`, `export_cache`, `db`, `maintenance`).
"""
