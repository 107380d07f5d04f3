-- Version 3: events keep the country of their place; an event's modes (a list) are stored
-- joined with ',' (version 1 kept only a single mode given as a string).
ALTER TABLE events ADD COLUMN place_country TEXT;
UPDATE events SET place_country = json_extract(json, '$.event_loc.country')
    WHERE json_valid(json) AND json_type(json, '$.event_loc.country') = 'text';
UPDATE events SET mode = (
        SELECT group_concat(value, ',') FROM json_each(events.json, '$.mode')
        WHERE type = 'text' AND trim(value) <> ''
    )
    WHERE json_valid(json) AND json_type(json, '$.mode') = 'array';
CREATE INDEX events_place_country ON events(place_country COLLATE NOCASE);
