-- The money ledger (money.Transfer, money.Attribution) and the stop-payment
-- and freeze requests drafted from it (money.FreezeRequest).
--
-- Amounts are exact decimal strings. They are TEXT, not NUMERIC or REAL:
-- a column of NUMERIC affinity would turn '1250.00' into a number and a
-- long crypto amount into a rounded float. Sums are taken in Go.

-- seq is the order the in-memory ledger is rebuilt in; id is the sender's
-- idempotency key (bank reference, or chain tx hash and log index). Rails
-- and indicator kinds are their stored numbers; settled is the transfer's
-- time. org_id is who supplied it.
CREATE TABLE transfers (
    seq              INTEGER PRIMARY KEY,
    id               TEXT    NOT NULL UNIQUE,
    settled          INTEGER NOT NULL,
    rail             INTEGER NOT NULL,
    asset            TEXT    NOT NULL,
    amount           TEXT    NOT NULL,
    from_kind        INTEGER NOT NULL,
    from_value       TEXT    NOT NULL,
    to_kind          INTEGER NOT NULL,
    to_value         TEXT    NOT NULL,
    from_institution TEXT    NOT NULL DEFAULT '',
    to_institution   TEXT    NOT NULL DEFAULT '',
    memo             TEXT    NOT NULL DEFAULT '',
    org_id           INTEGER NOT NULL,
    received         INTEGER NOT NULL
);

-- Who controls an account: one row per account, the latest word kept, as
-- the ledger keeps it. org_id is who said so.
CREATE TABLE attributions (
    kind        INTEGER NOT NULL,
    value       TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    entity_type TEXT    NOT NULL,
    source      TEXT    NOT NULL DEFAULT '',
    org_id      INTEGER NOT NULL,
    received    INTEGER NOT NULL,
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;

-- One request to one institution for one report's money in one asset,
-- changed in place as it moves on; freeze_events keeps every step.
-- institution_org 0: any finance organisation answers it. expires and
-- return_due are NULL until set. accounts and payments are JSON lists.
CREATE TABLE freeze_requests (
    id              TEXT    PRIMARY KEY,
    report_id       TEXT    NOT NULL,
    case_ref        TEXT    NOT NULL DEFAULT '',
    institution     TEXT    NOT NULL,
    institution_org INTEGER NOT NULL DEFAULT 0,
    kind            TEXT    NOT NULL,
    asset           TEXT    NOT NULL,
    amount          TEXT    NOT NULL,
    accounts        TEXT    NOT NULL,
    payments        TEXT    NOT NULL,
    policy          TEXT    NOT NULL DEFAULT '',
    legal_basis     TEXT    NOT NULL DEFAULT '',
    loss_amount     TEXT    NOT NULL DEFAULT '',
    loss_currency   TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL,
    held            TEXT    NOT NULL DEFAULT '0',
    to_return       TEXT    NOT NULL DEFAULT '0',
    returned        TEXT    NOT NULL DEFAULT '0',
    expires         INTEGER,
    return_due      INTEGER,
    renewals        INTEGER NOT NULL DEFAULT 0,
    reason          TEXT    NOT NULL DEFAULT '',
    org_id          INTEGER NOT NULL,
    org_name        TEXT    NOT NULL,
    drafted_by      TEXT    NOT NULL DEFAULT '',
    created         INTEGER NOT NULL,
    updated         INTEGER NOT NULL
);
-- Lists are newest first, ties by id: every index ends that way.
CREATE INDEX freeze_requests_newest ON freeze_requests (created DESC, id DESC);
CREATE INDEX freeze_requests_report ON freeze_requests (report_id, created DESC, id DESC);
CREATE INDEX freeze_requests_institution ON freeze_requests (institution, created DESC, id DESC);
CREATE INDEX freeze_requests_status ON freeze_requests (status, created DESC, id DESC);

-- Every step of a request: who (organisation, sector, person), when, what.
-- amount '' when the step had none.
CREATE TABLE freeze_events (
    request_id  TEXT    NOT NULL REFERENCES freeze_requests (id),
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    action      TEXT    NOT NULL,
    from_status TEXT    NOT NULL DEFAULT '',
    to_status   TEXT    NOT NULL,
    amount      TEXT    NOT NULL DEFAULT '',
    note        TEXT    NOT NULL DEFAULT '',
    org_id      INTEGER NOT NULL,
    org_name    TEXT    NOT NULL,
    sector      TEXT    NOT NULL,
    actor       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (request_id, seq)
) WITHOUT ROWID;
