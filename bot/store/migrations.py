"""Schema versions. Each step runs once, in order, inside one transaction on open.

A new version is a new entry at the end; existing entries never change, so a database
written by any earlier release opens with its data intact. Every version is written twice,
for SQLite and for PostgreSQL, with the same tables, columns and meaning: dates stay ISO
text and flags integers on both, so every query reads the same rows either way.
"""

from __future__ import annotations

from dataclasses import dataclass

V1 = """
CREATE TABLE channels (
    id          INTEGER PRIMARY KEY,
    username    TEXT,
    title       TEXT,
    side        TEXT NOT NULL DEFAULT 'other',
    kind        TEXT NOT NULL DEFAULT 'media',
    followed    INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL
);
CREATE INDEX channels_username ON channels(lower(username));

CREATE TABLE posts (
    id              INTEGER PRIMARY KEY,
    channel_id      INTEGER NOT NULL,
    message_id      INTEGER NOT NULL,
    date            TEXT NOT NULL,
    text            TEXT NOT NULL,
    edit_date       TEXT,
    fwd_name        TEXT,
    fwd_channel_id  INTEGER,
    fwd_message_id  INTEGER,
    link            TEXT NOT NULL,
    late            INTEGER NOT NULL DEFAULT 0,
    deleted_at      TEXT,
    stored_at       TEXT NOT NULL,
    UNIQUE (channel_id, message_id)
);
CREATE INDEX posts_date ON posts(date);

CREATE TABLE post_versions (
    post_id     INTEGER NOT NULL REFERENCES posts(id),
    version     INTEGER NOT NULL,
    text        TEXT NOT NULL,
    edit_date   TEXT,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (post_id, version)
);

CREATE TABLE detections (
    post_id     INTEGER PRIMARY KEY REFERENCES posts(id),
    language    TEXT NOT NULL,
    places      TEXT NOT NULL,
    topics      TEXT NOT NULL,
    matches     TEXT NOT NULL
);

CREATE TABLE post_places (
    post_id     INTEGER NOT NULL REFERENCES posts(id),
    place_id    TEXT NOT NULL,
    PRIMARY KEY (post_id, place_id)
);
CREATE INDEX post_places_place ON post_places(place_id);

CREATE TABLE post_topics (
    post_id     INTEGER NOT NULL REFERENCES posts(id),
    topic_id    TEXT NOT NULL,
    PRIMARY KEY (post_id, topic_id)
);
CREATE INDEX post_topics_topic ON post_topics(topic_id);

CREATE TABLE read_positions (
    channel_id      INTEGER PRIMARY KEY,
    last_message_id INTEGER NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    severity        TEXT NOT NULL,
    post_id         INTEGER REFERENCES posts(id),
    places          TEXT NOT NULL DEFAULT '[]',
    topics          TEXT NOT NULL DEFAULT '[]',
    html            TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    random_id       INTEGER NOT NULL,
    tg_message_id   INTEGER,
    needs_edit      INTEGER NOT NULL DEFAULT 0,
    folded_into     INTEGER REFERENCES alerts(id),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    event_date      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX alerts_state ON alerts(state, id);
CREATE INDEX alerts_post ON alerts(post_id);

CREATE TABLE alert_posts (
    alert_id    INTEGER NOT NULL REFERENCES alerts(id),
    post_id     INTEGER NOT NULL REFERENCES posts(id),
    relation    TEXT NOT NULL,
    PRIMARY KEY (alert_id, post_id)
);
CREATE INDEX alert_posts_post ON alert_posts(post_id);

CREATE TABLE corroborations (
    id          INTEGER PRIMARY KEY,
    place_id    TEXT NOT NULL,
    topic_id    TEXT NOT NULL,
    first_date  TEXT NOT NULL,
    last_date   TEXT NOT NULL,
    alert_id    INTEGER REFERENCES alerts(id)
);
CREATE INDEX corroborations_place ON corroborations(place_id, topic_id, last_date);

CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
"""

V2 = """
CREATE VIRTUAL TABLE posts_fts USING fts5(
    text, places, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO posts_fts(rowid, text, places)
    SELECT p.id, fw_fold(p.text), coalesce((SELECT group_concat(replace(place_id, '-', ''), ' ') FROM post_places WHERE post_id = p.id), '')
    FROM posts p;
"""

# Every text a post has had is kept by the database itself, so no code path can forget it.
V3 = """
CREATE TRIGGER posts_first_version AFTER INSERT ON posts BEGIN INSERT INTO post_versions(post_id, version, text, edit_date, recorded_at) VALUES (new.id, 1, new.text, new.edit_date, new.stored_at); END;
CREATE TRIGGER posts_next_version AFTER UPDATE OF text ON posts WHEN new.text IS NOT old.text BEGIN INSERT INTO post_versions(post_id, version, text, edit_date, recorded_at) VALUES (new.id, (SELECT coalesce(max(version), 0) + 1 FROM post_versions WHERE post_id = new.id), new.text, new.edit_date, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')); END;
"""

# Claims: what each post says happened (its events), and the claims those events add up to
# within the corroboration window, with the tier the claim's alert shows. Posts stored
# before this version have no event rows; corroboration only looks at recent posts anyway.
V4 = """
CREATE TABLE post_events (
    post_id     INTEGER NOT NULL REFERENCES posts(id),
    seq         INTEGER NOT NULL,
    action      TEXT NOT NULL,
    place_id    TEXT,
    by_side     TEXT,
    stance      TEXT NOT NULL,
    matches     TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (post_id, seq)
);
CREATE INDEX post_events_place ON post_events(place_id, action);

CREATE TABLE claims (
    id          INTEGER PRIMARY KEY,
    action      TEXT NOT NULL,
    place_id    TEXT NOT NULL,
    tier        TEXT NOT NULL DEFAULT 'single',
    disputed    INTEGER NOT NULL DEFAULT 0,
    first_date  TEXT NOT NULL,
    last_date   TEXT NOT NULL,
    alert_id    INTEGER REFERENCES alerts(id)
);
CREATE INDEX claims_place ON claims(place_id, action, last_date);

CREATE TABLE claim_posts (
    claim_id        INTEGER NOT NULL REFERENCES claims(id),
    post_id         INTEGER NOT NULL REFERENCES posts(id),
    stance          TEXT NOT NULL,
    by_side         TEXT,
    source          TEXT NOT NULL,
    source_side     TEXT,
    PRIMARY KEY (claim_id, post_id, stance)
);
CREATE INDEX claim_posts_post ON claim_posts(post_id);
"""

# Scale. The search index is keyed by date: its rowid is the post's publication time in
# seconds shifted left 32 bits, or'ed with the post id, so the index itself is in
# (date, id) order and a search newest first walks it backwards and stops at the page's
# end, however common the word. The digest's day is read through covering indexes: posts
# of a day by channel, deleted posts by when.
V5 = """
CREATE VIRTUAL TABLE posts_fts_by_date USING fts5(
    text, places, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO posts_fts_by_date(rowid, text, places)
    SELECT (CAST(strftime('%s', p.date) AS INTEGER) << 32) | p.id, f.text, f.places
    FROM posts_fts f JOIN posts p ON p.id = f.rowid;
DROP TABLE posts_fts;
ALTER TABLE posts_fts_by_date RENAME TO posts_fts;
CREATE INDEX posts_deleted ON posts(deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX posts_date_channel ON posts(date, channel_id);
"""

# Several senders on one store: an alert is claimed (owner and lease) before it is sent, so a
# second sender leaves it alone and a crashed sender's claim runs out. A lease names one
# holder of a duty (the daily digest) among processes that may all be able to do it.
V6 = """
ALTER TABLE alerts ADD COLUMN claimed_by TEXT;
ALTER TABLE alerts ADD COLUMN claimed_until TEXT;
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,
    until       TEXT NOT NULL
);
"""

# A year of alerts: near-copy matching reads the post alerts of a window by date, the outbox
# claims what waits to be sent or edited, and a claim is found by its alert, each through
# an index instead of a pass over every alert.
V7 = """
CREATE INDEX alerts_post_date ON alerts(event_date) WHERE kind = 'post';
CREATE INDEX alerts_edits ON alerts(state, needs_edit, id);
CREATE INDEX claims_alert ON claims(alert_id);
"""

# The morning report counts places over a day and stories over a week: each place row keeps
# its post's date and channel (neither ever changes), so those are read from one index of
# the place rows alone instead of the date index of every post of the week (a 100,000-post
# day from a cold cache: the week's stories 0.5 → 0.15 s).
V8 = """
ALTER TABLE post_places ADD COLUMN date TEXT;
ALTER TABLE post_places ADD COLUMN channel_id INTEGER;
UPDATE post_places SET date = (SELECT p.date FROM posts p WHERE p.id = post_places.post_id), channel_id = (SELECT p.channel_id FROM posts p WHERE p.id = post_places.post_id);
CREATE INDEX post_places_date ON post_places(date, place_id, post_id, channel_id);
"""

# Near-copy matching follows text versions as they are written (bot/store/alerted.py): in
# SQLite their rowid already says in which order, so only PostgreSQL needs a column for it.
V9 = ""

PG_V1 = """
CREATE TABLE channels (
    id          BIGINT PRIMARY KEY,
    username    TEXT,
    title       TEXT,
    side        TEXT NOT NULL DEFAULT 'other',
    kind        TEXT NOT NULL DEFAULT 'media',
    followed    INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL
);
CREATE INDEX channels_username ON channels(lower(username));

CREATE TABLE posts (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    channel_id      BIGINT NOT NULL,
    message_id      BIGINT NOT NULL,
    date            TEXT NOT NULL,
    text            TEXT NOT NULL,
    edit_date       TEXT,
    fwd_name        TEXT,
    fwd_channel_id  BIGINT,
    fwd_message_id  BIGINT,
    link            TEXT NOT NULL,
    late            INTEGER NOT NULL DEFAULT 0,
    deleted_at      TEXT,
    stored_at       TEXT NOT NULL,
    UNIQUE (channel_id, message_id)
);
CREATE INDEX posts_date ON posts(date);

CREATE TABLE post_versions (
    post_id     BIGINT NOT NULL REFERENCES posts(id),
    version     INTEGER NOT NULL,
    text        TEXT NOT NULL,
    edit_date   TEXT,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (post_id, version)
);

CREATE TABLE detections (
    post_id     BIGINT PRIMARY KEY REFERENCES posts(id),
    language    TEXT NOT NULL,
    places      TEXT NOT NULL,
    topics      TEXT NOT NULL,
    matches     TEXT NOT NULL
);

CREATE TABLE post_places (
    post_id     BIGINT NOT NULL REFERENCES posts(id),
    place_id    TEXT NOT NULL,
    PRIMARY KEY (post_id, place_id)
);
CREATE INDEX post_places_place ON post_places(place_id);

CREATE TABLE post_topics (
    post_id     BIGINT NOT NULL REFERENCES posts(id),
    topic_id    TEXT NOT NULL,
    PRIMARY KEY (post_id, topic_id)
);
CREATE INDEX post_topics_topic ON post_topics(topic_id);

CREATE TABLE read_positions (
    channel_id      BIGINT PRIMARY KEY,
    last_message_id BIGINT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE alerts (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    kind            TEXT NOT NULL,
    severity        TEXT NOT NULL,
    post_id         BIGINT REFERENCES posts(id),
    places          TEXT NOT NULL DEFAULT '[]',
    topics          TEXT NOT NULL DEFAULT '[]',
    html            TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    random_id       BIGINT NOT NULL,
    tg_message_id   BIGINT,
    needs_edit      INTEGER NOT NULL DEFAULT 0,
    folded_into     BIGINT REFERENCES alerts(id),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    event_date      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX alerts_state ON alerts(state, id);
CREATE INDEX alerts_post ON alerts(post_id);

CREATE TABLE alert_posts (
    alert_id    BIGINT NOT NULL REFERENCES alerts(id),
    post_id     BIGINT NOT NULL REFERENCES posts(id),
    relation    TEXT NOT NULL,
    PRIMARY KEY (alert_id, post_id)
);
CREATE INDEX alert_posts_post ON alert_posts(post_id);

CREATE TABLE corroborations (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    place_id    TEXT NOT NULL,
    topic_id    TEXT NOT NULL,
    first_date  TEXT NOT NULL,
    last_date   TEXT NOT NULL,
    alert_id    BIGINT REFERENCES alerts(id)
);
CREATE INDEX corroborations_place ON corroborations(place_id, topic_id, last_date);

CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
"""

# The words come ready made from Python (bot/store/fulltext.py): place tokens at weight A,
# the folded text's words at weight D, so one GIN index answers both kinds of term.
PG_V2 = """
CREATE TABLE posts_fts (
    post_id     BIGINT PRIMARY KEY REFERENCES posts(id),
    words       TSVECTOR NOT NULL
);
CREATE INDEX posts_fts_words ON posts_fts USING GIN (words);
"""

PG_V3 = """
CREATE FUNCTION fw_post_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO post_versions(post_id, version, text, edit_date, recorded_at)
            VALUES (NEW.id, 1, NEW.text, NEW.edit_date, NEW.stored_at);
    ELSIF NEW.text IS DISTINCT FROM OLD.text THEN
        INSERT INTO post_versions(post_id, version, text, edit_date, recorded_at)
            VALUES (NEW.id, (SELECT coalesce(max(version), 0) + 1 FROM post_versions WHERE post_id = NEW.id),
                    NEW.text, NEW.edit_date,
                    to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER posts_first_version AFTER INSERT ON posts FOR EACH ROW EXECUTE FUNCTION fw_post_version();
CREATE TRIGGER posts_next_version AFTER UPDATE OF text ON posts FOR EACH ROW EXECUTE FUNCTION fw_post_version();
"""

PG_V4 = """
CREATE TABLE post_events (
    post_id     BIGINT NOT NULL REFERENCES posts(id),
    seq         INTEGER NOT NULL,
    action      TEXT NOT NULL,
    place_id    TEXT,
    by_side     TEXT,
    stance      TEXT NOT NULL,
    matches     TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (post_id, seq)
);
CREATE INDEX post_events_place ON post_events(place_id, action);

CREATE TABLE claims (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    action      TEXT NOT NULL,
    place_id    TEXT NOT NULL,
    tier        TEXT NOT NULL DEFAULT 'single',
    disputed    INTEGER NOT NULL DEFAULT 0,
    first_date  TEXT NOT NULL,
    last_date   TEXT NOT NULL,
    alert_id    BIGINT REFERENCES alerts(id)
);
CREATE INDEX claims_place ON claims(place_id, action, last_date);

CREATE TABLE claim_posts (
    claim_id        BIGINT NOT NULL REFERENCES claims(id),
    post_id         BIGINT NOT NULL REFERENCES posts(id),
    stance          TEXT NOT NULL,
    by_side         TEXT,
    source          TEXT NOT NULL,
    source_side     TEXT,
    PRIMARY KEY (claim_id, post_id, stance)
);
CREATE INDEX claim_posts_post ON claim_posts(post_id);
"""

# The search index stays keyed by post id in PostgreSQL: its GIN index finds the posts and
# the planner sorts the few a page needs by posts_date; the digest's indexes are the same.
PG_V5 = """
CREATE INDEX posts_deleted ON posts(deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX posts_date_channel ON posts(date, channel_id);
"""

PG_V6 = V6
PG_V7 = V7

PG_V8 = """
ALTER TABLE post_places ADD COLUMN date TEXT, ADD COLUMN channel_id BIGINT;
UPDATE post_places pp SET date = p.date, channel_id = p.channel_id FROM posts p WHERE p.id = pp.post_id;
CREATE INDEX post_places_date ON post_places(date, place_id, post_id, channel_id);
"""

PG_V9 = """
ALTER TABLE post_versions ADD COLUMN seq BIGINT GENERATED BY DEFAULT AS IDENTITY;
CREATE INDEX post_versions_seq ON post_versions(seq);
"""


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema version in both dialects."""

    sqlite: str
    postgresql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(V1, PG_V1), Migration(V2, PG_V2), Migration(V3, PG_V3), Migration(V4, PG_V4), Migration(V5, PG_V5),
    Migration(V6, PG_V6), Migration(V7, PG_V7), Migration(V8, PG_V8), Migration(V9, PG_V9),
)
SCHEMA_VERSION = len(MIGRATIONS)
