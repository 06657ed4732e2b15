package store

import (
	"context"
	"fmt"
	"time"
)

// ScreenRuleSet is a screening rule set as stored: its JSON body (the
// shape of screen/scenarios/default.json, kept as written so that what an
// analyst uploaded is what a court can read) and its life: uploaded as a
// draft by an organisation, published later.
type ScreenRuleSet struct {
	Scenario  string
	Version   int
	Status    string // draft or published
	Body      []byte
	OrgID     int64
	Created   time.Time
	Published time.Time // zero while a draft
}

// ScreenRuleSets keeps the rule sets analysts write.
type ScreenRuleSets interface {
	// AddScreenRuleSet stores a rule set; ErrConflict if its scenario and
	// version are taken (versions are never rewritten).
	AddScreenRuleSet(ctx context.Context, rs ScreenRuleSet) error
	// ScreenRuleSets lists a scenario's rule sets ("" for all), newest
	// version first.
	ScreenRuleSets(ctx context.Context, scenario string) ([]ScreenRuleSet, error)
	// PublishScreenRuleSet publishes a draft; ErrNotFound if there is no
	// such rule set, ErrConflict if it is published already.
	PublishScreenRuleSet(ctx context.Context, scenario string, version int, at time.Time) (ScreenRuleSet, error)
}

// AddScreenRuleSet stores a rule set.
func (d *db) AddScreenRuleSet(ctx context.Context, rs ScreenRuleSet) error {
	if rs.Scenario == "" || rs.Version < 1 || (rs.Status != "draft" && rs.Status != "published") || len(rs.Body) == 0 {
		return fmt.Errorf("store: add screen rule set %q %d: %w", rs.Scenario, rs.Version, errInvalid)
	}
	if rs.Created.IsZero() {
		rs.Created = now()
	}
	var published any
	if !rs.Published.IsZero() {
		published = d.b.ts(micro(rs.Published))
	}
	err := d.b.inTx(ctx, func(tx writeTx) error {
		n, err := tx.exec(ctx, `INSERT INTO screen_rule_sets (scenario, version, status, body, org_id, created, published)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (scenario, version) DO NOTHING`,
			rs.Scenario, rs.Version, rs.Status, string(rs.Body), rs.OrgID, d.b.ts(micro(rs.Created)), published)
		if err == nil && n == 0 {
			return ErrConflict
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: add screen rule set %q %d: %w", rs.Scenario, rs.Version, err)
	}
	return nil
}

const ruleSetCols = `scenario, version, status, body, org_id, created, published`

func scanRuleSet(r row) (ScreenRuleSet, error) {
	var rs ScreenRuleSet
	var body string
	err := r.Scan(&rs.Scenario, &rs.Version, &rs.Status, &body, &rs.OrgID, tscan{&rs.Created}, tscan{&rs.Published})
	rs.Body = []byte(body)
	return rs, err
}

// ScreenRuleSets lists rule sets, newest version first.
func (d *db) ScreenRuleSets(ctx context.Context, scenario string) ([]ScreenRuleSet, error) {
	rs, err := d.b.reader().query(ctx, `SELECT `+ruleSetCols+` FROM screen_rule_sets
		WHERE $1 = '' OR scenario = $1 ORDER BY scenario, version DESC`, scenario)
	if err != nil {
		return nil, fmt.Errorf("store: screen rule sets: %w", err)
	}
	defer rs.Close()
	var out []ScreenRuleSet
	for rs.Next() {
		x, err := scanRuleSet(rs)
		if err != nil {
			return nil, fmt.Errorf("store: screen rule sets: %w", err)
		}
		out = append(out, x)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("store: screen rule sets: %w", err)
	}
	return out, nil
}

// PublishScreenRuleSet publishes a draft.
func (d *db) PublishScreenRuleSet(ctx context.Context, scenario string, version int, at time.Time) (ScreenRuleSet, error) {
	var out ScreenRuleSet
	err := d.b.inTx(ctx, func(tx writeTx) error {
		cur, err := scanRuleSet(tx.queryRow(ctx, `SELECT `+ruleSetCols+` FROM screen_rule_sets WHERE scenario = $1 AND version = $2`, scenario, version))
		if noRows(err) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if cur.Status != "draft" {
			return ErrConflict
		}
		cur.Status, cur.Published = "published", micro(at)
		if _, err := tx.exec(ctx, `UPDATE screen_rule_sets SET status = 'published', published = $3 WHERE scenario = $1 AND version = $2`,
			scenario, version, d.b.ts(cur.Published)); err != nil {
			return err
		}
		out = cur
		return nil
	})
	if err != nil {
		return ScreenRuleSet{}, fmt.Errorf("store: publish screen rule set %q %d: %w", scenario, version, err)
	}
	return out, nil
}
