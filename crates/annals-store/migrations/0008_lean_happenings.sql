-- Fewer rows and index writes per happening written.
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

-- Merge reasons: one row per happening instead of one per join, its reasons in order as a JSON
-- array of `[a, b, score, [signals...]]` (signals that are not a JSON list of strings become `[]`, as the
-- reader took them before).
CREATE TABLE happening_reasons_packed (
    happening_id TEXT PRIMARY KEY NOT NULL REFERENCES happenings(id) ON DELETE CASCADE,
    reasons      TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO happening_reasons_packed (happening_id, reasons)
    SELECT happening_id, json_group_array(json_array(a, b, score,
            CASE WHEN json_valid(signals) AND json_type(signals) = 'array'
                    AND NOT EXISTS (SELECT 1 FROM json_each(signals) WHERE type <> 'text')
                THEN json(signals) ELSE json_array() END) ORDER BY n)
    FROM happening_reasons GROUP BY happening_id;
DROP TABLE happening_reasons;
ALTER TABLE happening_reasons_packed RENAME TO happening_reasons;
