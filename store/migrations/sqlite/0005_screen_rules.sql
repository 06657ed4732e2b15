-- Screening rule sets as analysts write them: drafts uploaded, backtested
-- and published without a release. body is the rule set's JSON (the shape
-- of screen/scenarios/default.json); status is draft or published;
-- published is when it was published (NULL while a draft). The newest
-- published version of a scenario is what a node decides with.
CREATE TABLE screen_rule_sets (
    scenario  TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    status    TEXT    NOT NULL,
    body      TEXT    NOT NULL,
    org_id    INTEGER NOT NULL,
    created   INTEGER NOT NULL,
    published INTEGER,
    PRIMARY KEY (scenario, version)
);
