"""The local arXiv metadata index: one SQLite file with full-text search, built from arXiv's metadata snapshot and
kept current through arXiv's OAI-PMH interface, so that papers resolve offline, thousands at a time.

- `schema`: the file (tables, facts, the one writer's lock, the upsert every writer uses);
- `snapshot`: lines of the published snapshot (JSON lines, Kaggle "Cornell-University/arxiv") as index rows;
- `build`: `readlist index build FILE` (streamed into a file beside the index, then renamed over it);
- `oai` and `harvest`: `readlist index update` (OAI-PMH ListRecords, resumable);
- `query`: the index as a source of `Record` candidates (by id, title and abstract);
- `info`: `readlist index info`;
- `progress`: the progress line of builds and harvests.
"""
