-- `readlist list` prints one line per paper, in key order. SQLite formatting the lines was ~10 ms of a 50 ms
-- `readlist list` at 10,000 papers (docs/performance.md). Each line is now a generated column, computed from
-- the row and never stored in it, and kept in the index `readlist list` reads in key order: listing copies the
-- lines from the index instead of formatting them, and SQLite updates a paper's index entry with its row.
-- The line: "   id [m] key status year  title", m being x (read), ~ (reading) or a space; printf's "!" counts
-- widths in characters, not bytes.
ALTER TABLE papers ADD COLUMN listing_line TEXT GENERATED ALWAYS AS (
    printf(
        '%5d [%s] %!-28s %-12s %-4s  %s',
        id, CASE state WHEN 'read' THEN 'x' WHEN 'reading' THEN '~' ELSE ' ' END, key, status, coalesce(year, ''),
        title
    )
) VIRTUAL;

-- The filters `list` narrows a large selection by (state, status) are read from the same index.
DROP INDEX papers_listing;
CREATE INDEX papers_listing ON papers (key, state, status, listing_line);
