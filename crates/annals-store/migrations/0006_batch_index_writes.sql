-- Version 6: the writer adds new documents to the full-text index and new located events to
-- the R*Tree itself, in the transaction that stores them (`Store::insert_records`), instead of
-- per-row AFTER INSERT triggers. A trigger makes every INSERT a multi-row write that needs a
-- statement journal, and FTS5 flushes its pending terms to a new segment at each statement
-- savepoint: one tiny segment per document, merged over and over. Deletes and updates (rare)
-- keep their triggers, so the indexes still follow any other change to the rows.
DROP TRIGGER documents_fts_insert;
DROP TRIGGER events_rtree_insert;
