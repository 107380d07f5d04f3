-- Version 1: documents and the events derived from their extraction records.
CREATE TABLE documents (
    id          TEXT PRIMARY KEY NOT NULL,
    title       TEXT,
    date        TEXT,
    outlet      TEXT,
    url         TEXT,
    language    TEXT NOT NULL,
    origin      TEXT NOT NULL,
    text        TEXT NOT NULL,
    record      TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX documents_date ON documents(date);
CREATE INDEX documents_outlet ON documents(outlet COLLATE NOCASE);

-- A rowid table: its rows carry the event JSON, too large for WITHOUT ROWID to store compactly.
CREATE TABLE events (
    doc_id            TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx               INTEGER NOT NULL,
    event             TEXT,
    mode              TEXT,
    modality          TEXT,
    date              TEXT,
    earliest          TEXT,
    latest            TEXT,
    actor_code        TEXT,
    actor_country     TEXT,
    recipient_code    TEXT,
    recipient_country TEXT,
    place             TEXT,
    lat               REAL,
    lon               REAL,
    source            TEXT,
    json              TEXT NOT NULL,
    PRIMARY KEY (doc_id, idx)
);
CREATE INDEX events_event ON events(event COLLATE NOCASE);
CREATE INDEX events_time ON events(earliest, latest);
CREATE INDEX events_place ON events(lat, lon);

CREATE TABLE event_actors (
    doc_id  TEXT NOT NULL,
    idx     INTEGER NOT NULL,
    role    TEXT NOT NULL,
    n       INTEGER NOT NULL,
    code    TEXT,
    country TEXT,
    PRIMARY KEY (doc_id, idx, role, n),
    FOREIGN KEY (doc_id, idx) REFERENCES events(doc_id, idx) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX event_actors_code ON event_actors(code);
CREATE INDEX event_actors_country ON event_actors(country);
