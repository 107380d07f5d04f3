-- Version 4: happenings (events of different articles merged), and the event columns merging
-- and the read API need: the quad code and the text of the event's sentence.
ALTER TABLE events ADD COLUMN quad_code INTEGER;
ALTER TABLE events ADD COLUMN sentence TEXT;
UPDATE events SET quad_code = json_extract(json, '$.quad_code')
    WHERE json_valid(json) AND json_type(json, '$.quad_code') = 'integer';
-- The sentence span is in bytes: cut the text as a blob.
UPDATE events SET sentence = CAST(substr(
        CAST((SELECT d.text FROM documents d WHERE d.id = events.doc_id) AS BLOB),
        json_extract(json, '$.sentence.start') + 1,
        json_extract(json, '$.sentence.end') - json_extract(json, '$.sentence.start')) AS TEXT)
    WHERE json_valid(json) AND json_type(json, '$.sentence.start') = 'integer'
        AND json_type(json, '$.sentence.end') = 'integer';
-- Listing: newest first.
-- Listing by type, newest first; it covers lookups by type alone too.
DROP INDEX events_event;
DROP INDEX events_time;
CREATE INDEX events_event_time ON events(event COLLATE NOCASE, earliest);
CREATE INDEX events_earliest ON events(earliest);

CREATE TABLE happenings (
    id                  TEXT PRIMARY KEY NOT NULL,
    event               TEXT,
    quad_code           INTEGER,
    modality            TEXT,
    earliest            TEXT,
    latest              TEXT,
    place               TEXT,
    place_country       TEXT,
    lat                 REAL,
    lon                 REAL,
    actor               TEXT,
    recipient           TEXT,
    first_reported      TEXT,
    last_reported       TEXT,
    reports             INTEGER NOT NULL,
    outlets             INTEGER NOT NULL,
    independent_sources INTEGER NOT NULL,
    corroborated        INTEGER NOT NULL,
    contradictions      INTEGER NOT NULL,
    json                TEXT NOT NULL,
    -- A hash of the whole happening as merged (reports, reasons and contradictions included):
    -- a merge that gives the same happening again leaves its rows alone.
    digest              INTEGER NOT NULL
);
CREATE INDEX happenings_time ON happenings(earliest, latest);
CREATE INDEX happenings_latest ON happenings(latest);
CREATE INDEX happenings_event ON happenings(event, earliest);
CREATE INDEX happenings_place ON happenings(lat, lon);
CREATE INDEX happenings_country ON happenings(place_country);

-- Which happening each event (report) belongs to.
CREATE TABLE happening_reports (
    doc_id       TEXT NOT NULL,
    idx          INTEGER NOT NULL,
    happening_id TEXT NOT NULL REFERENCES happenings(id) ON DELETE CASCADE,
    stance       TEXT NOT NULL,
    PRIMARY KEY (doc_id, idx),
    FOREIGN KEY (doc_id, idx) REFERENCES events(doc_id, idx) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX happening_reports_happening ON happening_reports(happening_id);

-- Why two reports were merged (one row per join).
CREATE TABLE happening_reasons (
    happening_id TEXT NOT NULL REFERENCES happenings(id) ON DELETE CASCADE,
    n            INTEGER NOT NULL,
    a            TEXT NOT NULL,
    b            TEXT NOT NULL,
    score        REAL NOT NULL,
    signals      TEXT NOT NULL,
    PRIMARY KEY (happening_id, n)
) WITHOUT ROWID;

-- Denials and differing figures, dates or places among the reports of a happening.
CREATE TABLE happening_contradictions (
    happening_id TEXT NOT NULL REFERENCES happenings(id) ON DELETE CASCADE,
    n            INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    a            TEXT NOT NULL,
    b            TEXT NOT NULL,
    detail       TEXT NOT NULL,
    PRIMARY KEY (happening_id, n)
) WITHOUT ROWID;
CREATE INDEX happening_contradictions_kind ON happening_contradictions(kind);

-- Merge blocking: each merged event under each country key the merger blocks on (its parties'
-- countries or code prefixes, else its place's country, else ''), with its quad code (REJECT
-- events once more under quad code -1, for denial lookups) and its days; `long` marks
-- intervals over three days. Merging looks candidates up here by key, quad and start day.
CREATE TABLE merge_keys (
    key       TEXT NOT NULL,
    quad_code INTEGER NOT NULL,
    long      INTEGER NOT NULL,
    earliest  TEXT NOT NULL,
    latest    TEXT NOT NULL,
    doc_id    TEXT NOT NULL,
    idx       INTEGER NOT NULL,
    PRIMARY KEY (key, quad_code, long, earliest, doc_id, idx)
) WITHOUT ROWID;

-- Events stored but not merged yet; merging removes them in the transaction that files them.
CREATE TABLE merge_pending (
    doc_id TEXT NOT NULL,
    idx    INTEGER NOT NULL,
    PRIMARY KEY (doc_id, idx)
) WITHOUT ROWID;
INSERT INTO merge_pending (doc_id, idx) SELECT doc_id, idx FROM events;

-- Facts about the whole store. `max_span_days`: the longest event interval (earliest to
-- latest) stored, which bounds date-range lookups from below; stores written before this
-- version get a century, since their intervals are not measured.
CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO store_meta (key, value)
    VALUES ('max_span_days', CASE WHEN EXISTS (SELECT 1 FROM events) THEN 36600 ELSE 0 END);
