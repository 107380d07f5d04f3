-- Fewer index writes per happening written.
-- * Merging adds each new located happening to `happenings_rtree` itself, in the transaction
--   that writes it (`Store::merge_pending`), as the writer does for events since version 6: an
--   AFTER INSERT trigger makes every INSERT into `happenings` a multi-row write that needs a
--   statement journal. Deletes and updates keep their triggers.
-- * Indexes that no query can use are dropped: listings from a date read `latest` from
--   `happenings_time (earliest, latest, lat, lon)`, which bounds `earliest` too; the country
--   filter is an OR over the place and the parties' codes (a LIKE), which no single index
--   answers; contradictions are read by happening (the primary key), never by kind.
DROP TRIGGER happenings_rtree_insert;
DROP INDEX happenings_latest;
DROP INDEX happenings_country;
DROP INDEX happening_contradictions_kind;
