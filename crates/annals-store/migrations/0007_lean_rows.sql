-- Version 7: fewer bytes and index entries per stored document and event.
-- * `documents.record` is written compressed, as a BLOB (a format byte, then the JSON as an
--   LZ4 block, see `src/packed.rs`); records stored before stay TEXT and are read as they are.
-- * `event_actors` keeps only the participants after the first of each role: the first actor
--   and recipient are the event row's `actor_code`/`actor_country` and
--   `recipient_code`/`recipient_country`, which the actor and country filters read too.
-- * Indexes that no query can use are dropped: the filters on participants look them up by
--   event (the primary key), compare codes with LIKE and countries with NOCASE (which these
--   BINARY indexes cannot serve), and the country filter is an OR over the place and the
--   participants, which no single index answers.
DROP INDEX event_actors_code;
DROP INDEX event_actors_country;
DROP INDEX events_place_country;
DELETE FROM event_actors
    WHERE n = 0 AND EXISTS (
        SELECT 1 FROM events e
        WHERE e.doc_id = event_actors.doc_id AND e.idx = event_actors.idx
            AND CASE event_actors.role
                WHEN 'actor' THEN e.actor_code IS event_actors.code
                    AND e.actor_country IS event_actors.country
                WHEN 'recipient' THEN e.recipient_code IS event_actors.code
                    AND e.recipient_country IS event_actors.country
                ELSE 0 END);
