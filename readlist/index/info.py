"""`readlist index info`: what the index holds, how current it is, and where it came from."""

from __future__ import annotations

from pathlib import Path

from readlist.index.schema import facts, open_index, size_on_disk
from readlist.words import megabytes


def describe(index: Path) -> dict[str, str]:
    """The index's facts as labelled lines, in the order `readlist index info` prints them."""
    conn = open_index(index)
    try:
        known = facts(conn)
    finally:
        conn.close()
    size = size_on_disk(index)
    source_size = megabytes(int(known.get("source_size") or 0))
    lines = {
        "index": str(index),
        "records": f"{int(known.get('records') or 0):,}",
        "last datestamp": known.get("last_datestamp") or "unknown (update with --from DATE)",
        "size on disk": f"{megabytes(size)} ({size:,} bytes)",
        "built from": f"{known.get('source')} ({source_size}), {known.get('built_at')}",
    }
    if int(known.get("bad_lines") or 0):
        lines["bad lines skipped"] = f"{int(known['bad_lines']):,}"
    if known.get("updated_at"):
        lines["last update"] = (
            f"{known['updated_at']}, {int(known.get('update_records') or 0):,} records from {known.get('update_url')}"
        )
    if known.get("harvest_token"):
        lines["update in progress"] = (
            f"{int(known.get('harvest_records') or 0):,} records since {known.get('harvest_from')} harvested from "
            f"{known.get('harvest_url')}; `readlist index update` resumes it"
        )
    return lines
