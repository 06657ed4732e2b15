-- fanzha schema, SQLite dialect. Times are INTEGER microseconds since the
-- Unix epoch in UTC (NULL: not set), the precision PostgreSQL keeps, so both
-- stores give back the same instants and audit hashes verify on either.
-- Indicator kinds are the stored numbers of indicator.Kind.

CREATE TABLE orgs (
    id      INTEGER PRIMARY KEY,
    name    TEXT    NOT NULL UNIQUE,
    sector  TEXT    NOT NULL,
    created INTEGER NOT NULL
);

-- Only the SHA-256 of a token's secret is kept.
CREATE TABLE tokens (
    id      INTEGER PRIMARY KEY,
    org_id  INTEGER NOT NULL REFERENCES orgs (id),
    role    TEXT    NOT NULL,
    hash    BLOB    NOT NULL UNIQUE,
    label   TEXT    NOT NULL DEFAULT '',
    created INTEGER NOT NULL,
    expires INTEGER,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_org ON tokens (org_id);

-- seq is the insertion order that EachSignal replays; id is the sender's
-- idempotency key.
CREATE TABLE signals (
    seq        INTEGER PRIMARY KEY,
    id         TEXT    NOT NULL UNIQUE,
    kind       INTEGER NOT NULL,
    value      TEXT    NOT NULL,
    org_id     INTEGER NOT NULL,
    sector     TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    typology   TEXT    NOT NULL,
    confidence REAL    NOT NULL,
    confirmed  INTEGER NOT NULL,
    tlp        TEXT    NOT NULL,
    evidence   TEXT    NOT NULL,
    first_seen INTEGER,
    last_seen  INTEGER,
    expires    INTEGER,
    received   INTEGER NOT NULL,
    report_id  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX signals_indicator ON signals (kind, value);

-- The unique key also serves lookups by the A side; links_b serves the B side.
CREATE TABLE links (
    seq      INTEGER PRIMARY KEY,
    a_kind   INTEGER NOT NULL,
    a_value  TEXT    NOT NULL,
    b_kind   INTEGER NOT NULL,
    b_value  TEXT    NOT NULL,
    source   TEXT    NOT NULL,
    org_id   INTEGER NOT NULL,
    tlp      TEXT    NOT NULL,
    received INTEGER NOT NULL,
    UNIQUE (a_kind, a_value, b_kind, b_value, source)
);
CREATE INDEX links_b ON links (b_kind, b_value);

-- Searchable fields are columns; the rest of the report (narrative, loss,
-- payments, contacts, reporter) is one JSON body, read back whole.
CREATE TABLE reports (
    id       TEXT    PRIMARY KEY,
    receipt  TEXT    UNIQUE,
    occurred INTEGER,
    region   TEXT    NOT NULL DEFAULT '',
    typology TEXT    NOT NULL DEFAULT '',
    org_id   INTEGER NOT NULL,
    channel  TEXT    NOT NULL DEFAULT '',
    received INTEGER NOT NULL,
    body     TEXT    NOT NULL
);
CREATE INDEX reports_newest ON reports (received DESC, id DESC);
CREATE INDEX reports_typology ON reports (typology, received DESC);
CREATE INDEX reports_region ON reports (region);

-- Which indicators a report names, for search by indicator.
CREATE TABLE report_indicators (
    kind      INTEGER NOT NULL,
    value     TEXT    NOT NULL,
    report_id TEXT    NOT NULL REFERENCES reports (id),
    PRIMARY KEY (kind, value, report_id)
) WITHOUT ROWID;

-- The hash-chained audit log: hash = auth.ChainHash(prev_hash, row).
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    org_id    INTEGER NOT NULL,
    org_name  TEXT    NOT NULL,
    role      TEXT    NOT NULL,
    token_id  INTEGER NOT NULL,
    addr      TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    target    TEXT    NOT NULL,
    detail    TEXT    NOT NULL,
    prev_hash BLOB    NOT NULL,
    hash      BLOB    NOT NULL,
    target_key INTEGER NOT NULL -- see store.targetKey
);
-- Every agency read adds a row, so the audit table carries only the two
-- indexes investigations need: what one organisation did, and who touched
-- one indicator or record. Seq order is time order, so time ranges and
-- action filters scan from the newest end.
CREATE INDEX audit_org ON audit (org_id, seq);
CREATE INDEX audit_target ON audit (target_key, seq);
