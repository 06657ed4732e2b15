-- Payment screening decisions (POST /api/v1/screen): every payment a bank
-- or payment firm asked about, what was decided, by which scenario and
-- version, and why — kept so that a held payer, an auditor or a court can
-- see the figures the decision rested on.
--
-- id is the decision's own id (SD-…); payment_id is the asker's reference.
-- The payment is stored in the transfers' shape (amount as exact TEXT,
-- indicators as kind numbers and values); device and payer phone are kind
-- 0 and '' when not given. rules is the JSON list of the rules that fired
-- with their reasons; detail is the JSON of the features the rules read.
-- signal_id is the finance-sector signal the decision raised, if any.
CREATE TABLE screen_decisions (
    id               TEXT    PRIMARY KEY,
    payment_id       TEXT    NOT NULL,
    org_id           INTEGER NOT NULL,
    org_name         TEXT    NOT NULL,
    decided          INTEGER NOT NULL,
    paid             INTEGER NOT NULL,
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
    channel          TEXT    NOT NULL DEFAULT '',
    device_kind      INTEGER NOT NULL DEFAULT 0,
    device_value     TEXT    NOT NULL DEFAULT '',
    phone_kind       INTEGER NOT NULL DEFAULT 0,
    phone_value      TEXT    NOT NULL DEFAULT '',
    decision         TEXT    NOT NULL,
    score            INTEGER NOT NULL,
    typology         TEXT    NOT NULL DEFAULT '',
    scenario         TEXT    NOT NULL,
    version          INTEGER NOT NULL,
    rules            TEXT    NOT NULL,
    detail           TEXT    NOT NULL,
    signal_id        TEXT    NOT NULL DEFAULT ''
);

-- An organisation's decisions by time; decisions about a payee.
CREATE INDEX screen_decisions_org ON screen_decisions (org_id, decided);
CREATE INDEX screen_decisions_payee ON screen_decisions (to_kind, to_value);
