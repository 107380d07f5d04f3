-- Version 5: indexes that keep listings fast at millions of events.
-- Date-ordered listings read the interval's end and the coordinates from the index, so date
-- and box filters check each row without reading it; the (lat, lon) indexes give way to R*Trees, which find the rows inside a
-- box directly.
DROP INDEX events_earliest;
DROP INDEX events_event_time;
DROP INDEX events_place;
CREATE INDEX events_earliest ON events(earliest, latest, lat, lon);
CREATE INDEX events_event_time ON events(event COLLATE NOCASE, earliest, latest, lat, lon);

DROP INDEX happenings_time;
DROP INDEX happenings_event;
DROP INDEX happenings_place;
CREATE INDEX happenings_time ON happenings(earliest, latest, lat, lon);
CREATE INDEX happenings_event ON happenings(event, earliest, lat, lon);

-- Located events and happenings as points (`id` is the row's rowid), kept in step by triggers.
CREATE VIRTUAL TABLE events_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);
INSERT INTO events_rtree (id, min_lon, max_lon, min_lat, max_lat)
    SELECT rowid, lon, lon, lat, lat FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL;
CREATE TRIGGER events_rtree_insert AFTER INSERT ON events
    WHEN new.lat IS NOT NULL AND new.lon IS NOT NULL BEGIN
    INSERT INTO events_rtree (id, min_lon, max_lon, min_lat, max_lat)
        VALUES (new.rowid, new.lon, new.lon, new.lat, new.lat);
END;
CREATE TRIGGER events_rtree_delete AFTER DELETE ON events BEGIN
    DELETE FROM events_rtree WHERE id = old.rowid;
END;
CREATE TRIGGER events_rtree_update AFTER UPDATE OF lat, lon ON events BEGIN
    DELETE FROM events_rtree WHERE id = old.rowid;
    INSERT INTO events_rtree (id, min_lon, max_lon, min_lat, max_lat)
        SELECT new.rowid, new.lon, new.lon, new.lat, new.lat
        WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL;
END;

CREATE VIRTUAL TABLE happenings_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);
INSERT INTO happenings_rtree (id, min_lon, max_lon, min_lat, max_lat)
    SELECT rowid, lon, lon, lat, lat FROM happenings WHERE lat IS NOT NULL AND lon IS NOT NULL;
CREATE TRIGGER happenings_rtree_insert AFTER INSERT ON happenings
    WHEN new.lat IS NOT NULL AND new.lon IS NOT NULL BEGIN
    INSERT INTO happenings_rtree (id, min_lon, max_lon, min_lat, max_lat)
        VALUES (new.rowid, new.lon, new.lon, new.lat, new.lat);
END;
CREATE TRIGGER happenings_rtree_delete AFTER DELETE ON happenings BEGIN
    DELETE FROM happenings_rtree WHERE id = old.rowid;
END;
CREATE TRIGGER happenings_rtree_update AFTER UPDATE OF lat, lon ON happenings BEGIN
    DELETE FROM happenings_rtree WHERE id = old.rowid;
    INSERT INTO happenings_rtree (id, min_lon, max_lon, min_lat, max_lat)
        SELECT new.rowid, new.lon, new.lon, new.lat, new.lat
        WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL;
END;
