package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
)

// The screening decisions: every payment screened through POST
// /api/v1/screen, with the figures its decision rested on. The store keeps
// them in its own shape rather than package screen's, which depends on the
// engines (and so, through the telecom worker, on this package).

// ScreenDecision is one decision as stored.
type ScreenDecision struct {
	ID         string // the decision's id, SD-…
	OrgID      int64  // who asked
	OrgName    string
	Decided    time.Time
	Payment    money.Transfer // Payment.ID is the asker's reference
	Channel    string
	Device     indicator.Indicator // zero: not given
	PayerPhone indicator.Indicator // zero: not given
	Decision   string              // allow | review | hold | block
	Score      int
	Typology   string
	Scenario   string
	Version    int
	Rules      []ScreenRule    // the rules that fired, in the order they were evaluated
	Detail     json.RawMessage // the features the rules read, as the engine gave them
	SignalID   string          // the signal the decision raised; "" if none
}

// ScreenRule is one rule that fired, with its reason in figures.
type ScreenRule struct {
	Name     string `json:"name"`
	Typology string `json:"typology,omitempty"`
	Weight   int    `json:"weight"`
	Reason   string `json:"reason"`
}

// ScreenDecisions keeps screening decisions.
type ScreenDecisions interface {
	// AddScreenDecisions stores decisions in one transaction; a decision
	// whose id is stored already is left as it is.
	AddScreenDecisions(ctx context.Context, ds []ScreenDecision) error
	// ScreenDecision reads one decision; ErrNotFound if there is none.
	ScreenDecision(ctx context.Context, id string) (ScreenDecision, error)
	// EachScreenDecision calls fn with the id, outcome, scenario version
	// and detail JSON of an organisation's decisions (0: every
	// organisation's) taken in [from, to), oldest first.
	EachScreenDecision(ctx context.Context, orgID int64, from, to time.Time, fn func(id, decision string, version int, detail []byte) error) error
	// ScreenDecided reports which of ids are stored decisions: a retried
	// payment is found among a batch's in one query a few hundred at a time.
	ScreenDecided(ctx context.Context, ids []string) (map[string]bool, error)
}

const screenCols = `id, payment_id, org_id, org_name, decided, paid, rail, asset, amount, from_kind, from_value,
	to_kind, to_value, from_institution, to_institution, memo, channel, device_kind, device_value,
	phone_kind, phone_value, decision, score, typology, scenario, version, rules, detail, signal_id`

const nScreenCols = 29

// screenRowsPerInsert keeps a multi-row INSERT under both engines' limits
// on bound parameters (SQLite 32766, PostgreSQL 65535).
const screenRowsPerInsert = 500

// decisionNames are the outcomes a stored decision may have.
var decisionNames = map[string]bool{"allow": true, "review": true, "hold": true, "block": true}

// checkScreen refuses a decision the engine could not have made.
func checkScreen(d *ScreenDecision) error {
	if d.ID == "" {
		return fmt.Errorf("screen decision without an id: %w", errInvalid)
	}
	if err := checkTransfer(&d.Payment); err != nil {
		return fmt.Errorf("screen decision %s: %w", d.ID, err)
	}
	switch {
	case !decisionNames[d.Decision]:
		return fmt.Errorf("screen decision %s: decision %q is not allow, review, hold or block: %w", d.ID, d.Decision, errInvalid)
	case d.Score < 0 || d.Score > 100:
		return fmt.Errorf("screen decision %s: score %d outside 0..100: %w", d.ID, d.Score, errInvalid)
	case d.Scenario == "" || d.Decided.IsZero():
		return fmt.Errorf("screen decision %s: no scenario or time: %w", d.ID, errInvalid)
	case len(d.Detail) > 0 && !json.Valid(d.Detail):
		return fmt.Errorf("screen decision %s: detail is not JSON: %w", d.ID, errInvalid)
	}
	return nil
}

// AddScreenDecisions stores a batch of decisions in one transaction, in
// multi-row INSERTs on both engines.
func (d *db) AddScreenDecisions(ctx context.Context, ds []ScreenDecision) error {
	if len(ds) == 0 {
		return nil
	}
	for i := range ds {
		if err := checkScreen(&ds[i]); err != nil {
			return fmt.Errorf("store: add screen decisions: %w", err)
		}
	}
	positional := d.b.dialect() == "sqlite"
	err := d.b.inTx(ctx, func(tx writeTx) error {
		args := make([]any, 0, min(len(ds), screenRowsPerInsert)*nScreenCols)
		for lo := 0; lo < len(ds); lo += screenRowsPerInsert {
			chunk := ds[lo:min(lo+screenRowsPerInsert, len(ds))]
			args = args[:0]
			for i := range chunk {
				x := &chunk[i]
				rules, err := json.Marshal(orEmpty(x.Rules))
				if err != nil {
					return fmt.Errorf("screen decision %s rules: %w", x.ID, err)
				}
				detail := string(x.Detail)
				if detail == "" {
					detail = "{}"
				}
				p := &x.Payment
				args = append(args, x.ID, p.ID, x.OrgID, x.OrgName, d.b.ts(micro(x.Decided)), d.b.ts(micro(p.Time)),
					int64(p.Rail), p.Asset, amountText(p.Amount), int64(p.From.Kind()), p.From.Value(),
					int64(p.To.Kind()), p.To.Value(), p.FromInstitution, p.ToInstitution, p.Memo, x.Channel,
					int64(x.Device.Kind()), x.Device.Value(), int64(x.PayerPhone.Kind()), x.PayerPhone.Value(),
					x.Decision, x.Score, x.Typology, x.Scenario, x.Version, string(rules), detail, x.SignalID)
			}
			q := `INSERT INTO screen_decisions (` + screenCols + `) VALUES ` +
				valuesList(positional, len(chunk), nScreenCols) + ` ON CONFLICT (id) DO NOTHING`
			if _, err := tx.exec(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: add %d screen decisions: %w", len(ds), err)
	}
	return nil
}

// EachScreenDecision walks decisions in a time range.
func (d *db) EachScreenDecision(ctx context.Context, orgID int64, from, to time.Time, fn func(id, decision string, version int, detail []byte) error) error {
	rs, err := d.b.reader().query(ctx, `SELECT id, decision, version, CAST(detail AS TEXT) FROM screen_decisions
		WHERE ($1 = 0 OR org_id = $1) AND decided >= $2 AND decided < $3 ORDER BY decided, id`,
		orgID, d.b.ts(micro(from)), d.b.ts(micro(to)))
	if err != nil {
		return fmt.Errorf("store: screen decisions: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var (
			id, decision string
			version      int
			detail       []byte
		)
		if err := rs.Scan(&id, &decision, &version, &detail); err != nil {
			return fmt.Errorf("store: screen decisions: %w", err)
		}
		if err := fn(id, decision, version, detail); err != nil {
			return err
		}
	}
	return rs.Err()
}

// ScreenDecided reports which of ids are stored.
func (d *db) ScreenDecided(ctx context.Context, ids []string) (map[string]bool, error) {
	found := map[string]bool{}
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		var q strings.Builder
		q.WriteString("SELECT id FROM screen_decisions WHERE id IN (")
		args := make([]any, len(part))
		for i, id := range part {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("$" + strconv.Itoa(i+1))
			args[i] = id
		}
		q.WriteByte(')')
		rs, err := d.b.reader().query(ctx, q.String(), args...)
		if err != nil {
			return nil, fmt.Errorf("store: screen decisions decided: %w", err)
		}
		for rs.Next() {
			var id string
			if err := rs.Scan(&id); err != nil {
				rs.Close()
				return nil, fmt.Errorf("store: screen decisions decided: %w", err)
			}
			found[id] = true
		}
		err = rs.Err()
		rs.Close()
		if err != nil {
			return nil, fmt.Errorf("store: screen decisions decided: %w", err)
		}
	}
	return found, nil
}

// ScreenDecision reads one decision.
func (d *db) ScreenDecision(ctx context.Context, id string) (ScreenDecision, error) {
	var (
		x                              ScreenDecision
		p                              = &x.Payment
		rail, fromK, toK, devK, phoneK int64
		fromV, toV, devV, phoneV       string
		rules, detail                  []byte
	)
	err := d.b.reader().queryRow(ctx, `SELECT id, payment_id, org_id, org_name, decided, paid, rail, asset,
		CAST(amount AS TEXT), from_kind, from_value, to_kind, to_value, from_institution, to_institution, memo,
		channel, device_kind, device_value, phone_kind, phone_value, decision, score, typology, scenario, version,
		CAST(rules AS TEXT), CAST(detail AS TEXT), signal_id FROM screen_decisions WHERE id = $1`, id).Scan(
		&x.ID, &p.ID, &x.OrgID, &x.OrgName, tscan{&x.Decided}, tscan{&p.Time}, &rail, &p.Asset,
		dscan{&p.Amount}, &fromK, &fromV, &toK, &toV, &p.FromInstitution, &p.ToInstitution, &p.Memo,
		&x.Channel, &devK, &devV, &phoneK, &phoneV, &x.Decision, &x.Score, &x.Typology, &x.Scenario, &x.Version,
		&rules, &detail, &x.SignalID)
	if noRows(err) {
		return ScreenDecision{}, fmt.Errorf("store: screen decision %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return ScreenDecision{}, fmt.Errorf("store: screen decision %q: %w", id, err)
	}
	p.Rail = money.Rail(rail)
	p.From, p.To = indicator.Stored(indicator.Kind(fromK), fromV), indicator.Stored(indicator.Kind(toK), toV)
	if devV != "" {
		x.Device = indicator.Stored(indicator.Kind(devK), devV)
	}
	if phoneV != "" {
		x.PayerPhone = indicator.Stored(indicator.Kind(phoneK), phoneV)
	}
	if err := json.Unmarshal(rules, &x.Rules); err != nil {
		return ScreenDecision{}, fmt.Errorf("store: screen decision %q rules: %w", id, err)
	}
	x.Detail = json.RawMessage(detail)
	return x, nil
}
