-- The money ledger (money.Transfer, money.Attribution) and the stop-payment
-- and freeze requests drafted from it (money.FreezeRequest).
--
-- Amounts are exact NUMERIC without a fixed scale, so '1250.00' and an
-- 18-decimal token amount keep every digit; they are read back as text.

-- seq is the order the in-memory ledger is rebuilt in; id is the sender's
-- idempotency key (bank reference, or chain tx hash and log index). Rails
-- and indicator kinds are their stored numbers; settled is the transfer's
-- time. org_id is who supplied it.
CREATE TABLE transfers (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id               TEXT COLLATE "C" NOT NULL UNIQUE,
    settled          TIMESTAMPTZ      NOT NULL,
    rail             SMALLINT         NOT NULL,
    asset            TEXT             NOT NULL,
    amount           NUMERIC          NOT NULL,
    from_kind        SMALLINT         NOT NULL,
    from_value       TEXT             NOT NULL,
    to_kind          SMALLINT         NOT NULL,
    to_value         TEXT             NOT NULL,
    from_institution TEXT             NOT NULL DEFAULT '',
    to_institution   TEXT             NOT NULL DEFAULT '',
    memo             TEXT             NOT NULL DEFAULT '',
    org_id           BIGINT           NOT NULL,
    received         TIMESTAMPTZ      NOT NULL
);

-- Who controls an account: one row per account, the latest word kept, as
-- the ledger keeps it. org_id is who said so.
CREATE TABLE attributions (
    kind        SMALLINT         NOT NULL,
    value       TEXT COLLATE "C" NOT NULL,
    entity      TEXT             NOT NULL,
    entity_type TEXT             NOT NULL,
    source      TEXT             NOT NULL DEFAULT '',
    org_id      BIGINT           NOT NULL,
    received    TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (kind, value)
);

-- One request to one institution for one report's money in one asset,
-- changed in place as it moves on; freeze_events keeps every step.
-- institution_org 0: any finance organisation answers it. expires and
-- return_due are NULL until set. accounts and payments are JSON lists.
CREATE TABLE freeze_requests (
    id              TEXT COLLATE "C" PRIMARY KEY,
    report_id       TEXT COLLATE "C" NOT NULL,
    case_ref        TEXT             NOT NULL DEFAULT '',
    institution     TEXT COLLATE "C" NOT NULL,
    institution_org BIGINT           NOT NULL DEFAULT 0,
    kind            TEXT COLLATE "C" NOT NULL,
    asset           TEXT COLLATE "C" NOT NULL,
    amount          NUMERIC          NOT NULL,
    accounts        JSONB            NOT NULL,
    payments        JSONB            NOT NULL,
    policy          TEXT             NOT NULL DEFAULT '',
    legal_basis     TEXT             NOT NULL DEFAULT '',
    loss_amount     TEXT             NOT NULL DEFAULT '',
    loss_currency   TEXT             NOT NULL DEFAULT '',
    status          TEXT COLLATE "C" NOT NULL,
    held            NUMERIC          NOT NULL DEFAULT 0,
    to_return       NUMERIC          NOT NULL DEFAULT 0,
    returned        NUMERIC          NOT NULL DEFAULT 0,
    expires         TIMESTAMPTZ,
    return_due      TIMESTAMPTZ,
    renewals        INTEGER          NOT NULL DEFAULT 0,
    reason          TEXT             NOT NULL DEFAULT '',
    org_id          BIGINT           NOT NULL,
    org_name        TEXT             NOT NULL,
    drafted_by      TEXT             NOT NULL DEFAULT '',
    created         TIMESTAMPTZ      NOT NULL,
    updated         TIMESTAMPTZ      NOT NULL
);
-- Lists are newest first, ties by id: every index ends that way.
CREATE INDEX freeze_requests_newest ON freeze_requests (created DESC, id DESC);
CREATE INDEX freeze_requests_report ON freeze_requests (report_id, created DESC, id DESC);
CREATE INDEX freeze_requests_institution ON freeze_requests (institution, created DESC, id DESC);
CREATE INDEX freeze_requests_status ON freeze_requests (status, created DESC, id DESC);

-- Every step of a request: who (organisation, sector, person), when, what.
-- amount '' when the step had none.
CREATE TABLE freeze_events (
    request_id  TEXT COLLATE "C" NOT NULL REFERENCES freeze_requests (id),
    seq         INTEGER          NOT NULL,
    at          TIMESTAMPTZ      NOT NULL,
    action      TEXT             NOT NULL,
    from_status TEXT             NOT NULL DEFAULT '',
    to_status   TEXT             NOT NULL,
    amount      TEXT             NOT NULL DEFAULT '',
    note        TEXT             NOT NULL DEFAULT '',
    org_id      BIGINT           NOT NULL,
    org_name    TEXT             NOT NULL,
    sector      TEXT             NOT NULL,
    actor       TEXT             NOT NULL DEFAULT '',
    PRIMARY KEY (request_id, seq)
);
