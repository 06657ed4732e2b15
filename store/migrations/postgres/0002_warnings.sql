-- Early warnings (telecom.Issued) and the region an organisation answers for.

-- ISO 3166-2 ("CN-JS"); '' answers for the whole country.
ALTER TABLE orgs ADD COLUMN region TEXT COLLATE "C" NOT NULL DEFAULT '';

-- One row per subscriber and suspect line (id = telecom.IssuedID),
-- escalated in place. org_id 0: not routed yet; signed_by and outcome ''
-- with NULL times: not signed for, still open.
CREATE TABLE warnings (
    id               TEXT COLLATE "C" PRIMARY KEY,
    subscriber_kind  SMALLINT         NOT NULL,
    subscriber_value TEXT COLLATE "C" NOT NULL,
    suspect_kind     SMALLINT         NOT NULL,
    suspect_value    TEXT COLLATE "C" NOT NULL,
    first_contact    TIMESTAMPTZ,
    score            INTEGER          NOT NULL,
    grade            TEXT COLLATE "C" NOT NULL,
    reason           TEXT             NOT NULL DEFAULT '',
    region           TEXT COLLATE "C" NOT NULL DEFAULT '',
    org_id           BIGINT           NOT NULL DEFAULT 0,
    raised           TIMESTAMPTZ      NOT NULL,
    escalated        TIMESTAMPTZ,
    signed_by        TEXT             NOT NULL DEFAULT '',
    signed_at        TIMESTAMPTZ,
    outcome          TEXT COLLATE "C" NOT NULL DEFAULT '',
    outcome_at       TIMESTAMPTZ,
    outcome_by       TEXT             NOT NULL DEFAULT '',
    note             TEXT             NOT NULL DEFAULT ''
);
-- Lists are newest raised first, ties by id: every index ends that way.
CREATE INDEX warnings_newest ON warnings (raised DESC, id DESC);
CREATE INDEX warnings_region ON warnings (region, raised DESC, id DESC);
CREATE INDEX warnings_org ON warnings (org_id, raised DESC, id DESC);
CREATE INDEX warnings_subscriber ON warnings (subscriber_kind, subscriber_value);
CREATE INDEX warnings_suspect ON warnings (suspect_kind, suspect_value);
-- The work queue: open warnings are few next to closed ones.
CREATE INDEX warnings_open ON warnings (raised DESC, id DESC) WHERE outcome = '';
