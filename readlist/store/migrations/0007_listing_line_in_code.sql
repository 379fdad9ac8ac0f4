-- The `list` line is code's, not the schema's (readlist.store.queries.LISTING_LINE formats it when listing): the
-- generated column of 0004 and the index that held it go, and the listing index holds the columns the line is
-- made of, in key order, as 0003 had it. Changing what `list` prints no longer needs a migration.
DROP INDEX papers_listing;
ALTER TABLE papers DROP COLUMN listing_line;
CREATE INDEX papers_listing ON papers (key, state, status, year, title);
