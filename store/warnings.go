package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/telecom"
)

// gradeRank orders the grades an escalation climbs; 0 is not a grade.
var gradeRank = map[string]int{telecom.GradeLow: 1, telecom.GradeMedium: 2, telecom.GradeHigh: 3}

// storedRank is gradeRank of the stored grade, in SQL.
const storedRank = `CASE grade WHEN '` + telecom.GradeHigh + `' THEN 3 WHEN '` + telecom.GradeMedium +
	`' THEN 2 WHEN '` + telecom.GradeLow + `' THEN 1 ELSE 0 END`

const warningCols = `id, subscriber_kind, subscriber_value, suspect_kind, suspect_value, first_contact,
	score, grade, reason, region, org_id, raised, escalated, signed_by, signed_at,
	outcome, outcome_at, outcome_by, note`

const selectWarnings = `SELECT ` + warningCols + ` FROM warnings`

func scanIssued(r row) (telecom.Issued, error) {
	var (
		w                      telecom.Issued
		subKind, suspectKind   int64
		subValue, suspectValue string
	)
	err := r.Scan(&w.ID, &subKind, &subValue, &suspectKind, &suspectValue, tscan{&w.FirstContact},
		&w.Score, &w.Grade, &w.Reason, &w.Region, &w.OrgID, tscan{&w.Raised}, tscan{&w.Escalated},
		&w.SignedBy, tscan{&w.SignedAt}, &w.Outcome, tscan{&w.OutcomeAt}, &w.OutcomeBy, &w.Note)
	if err != nil {
		return telecom.Issued{}, err
	}
	// Stored, not Parse, as for signals: what went in comes out.
	w.Subscriber = indicator.Stored(indicator.Kind(subKind), subValue)
	w.Suspect = indicator.Stored(indicator.Kind(suspectKind), suspectValue)
	return w, nil
}

// normIssued checks a warning and puts it in the form it reads back in. An
// empty ID becomes telecom.IssuedID, the only ID a warning has anyway; a
// zero Raised becomes t.
func normIssued(w telecom.Issued, t time.Time) (telecom.Issued, error) {
	if w.Subscriber.IsZero() || w.Suspect.IsZero() {
		return telecom.Issued{}, fmt.Errorf("warning %q: missing subscriber or suspect: %w", w.ID, errInvalid)
	}
	if w.ID == "" {
		w.ID = telecom.IssuedID(w.Warning)
	}
	if gradeRank[w.Grade] == 0 {
		return telecom.Issued{}, fmt.Errorf("warning %s: unknown grade %q: %w", w.ID, w.Grade, errInvalid)
	}
	if w.Score < 0 || w.Score > 100 {
		return telecom.Issued{}, fmt.Errorf("warning %s: score %d outside 0..100: %w", w.ID, w.Score, errInvalid)
	}
	if w.Outcome != "" && !telecom.ValidOutcome(w.Outcome) {
		return telecom.Issued{}, fmt.Errorf("warning %s: unknown outcome %q: %w", w.ID, w.Outcome, errInvalid)
	}
	if w.Raised.IsZero() {
		w.Raised = t
	}
	w.FirstContact, w.Raised, w.Escalated = micro(w.FirstContact), micro(w.Raised), micro(w.Escalated)
	w.SignedAt, w.OutcomeAt = micro(w.SignedAt), micro(w.OutcomeAt)
	return w, nil
}

// escalateWarning raises a stored warning to a new assessment. Every SET
// sees the row as it was, so each CASE compares against the old grade and
// score. Reason follows the more severe assessment (higher grade, or the
// same grade and a higher score); Escalated moves only when the grade
// rises; the earliest first contact is kept; region and routing are only
// filled in when missing. Sign-for and outcome are not touched.
const escalateWarning = `UPDATE warnings SET
	grade = CASE WHEN $2 > ` + storedRank + ` THEN $3 ELSE grade END,
	escalated = CASE WHEN $2 > ` + storedRank + ` AND (escalated IS NULL OR escalated < $4) THEN $4 ELSE escalated END,
	reason = CASE WHEN $2 > ` + storedRank + ` OR ($2 = ` + storedRank + ` AND $6 > score) THEN $5 ELSE reason END,
	score = CASE WHEN $6 > score THEN $6 ELSE score END,
	first_contact = CASE WHEN first_contact IS NULL OR first_contact > $7 THEN $7 ELSE first_contact END,
	region = CASE WHEN region = '' THEN $8 ELSE region END,
	org_id = CASE WHEN org_id = 0 THEN $9 ELSE org_id END
	WHERE id = $1`

// AddWarnings writes the batch in one transaction. A new warning is stored
// as given (sign-for and outcome included, so warnings can be restored);
// one already stored is escalated (escalateWarning), at its Escalated time
// or, when that is zero, now.
func (d *db) AddWarnings(ctx context.Context, ws []telecom.Issued) (int, error) {
	if len(ws) == 0 {
		return 0, nil
	}
	t := now()
	in := make([]telecom.Issued, len(ws))
	for i, w := range ws {
		var err error
		if in[i], err = normIssued(w, t); err != nil {
			return 0, fmt.Errorf("store: add warnings: %w", err)
		}
	}
	var added int
	err := d.b.inTx(ctx, func(tx writeTx) error {
		for _, w := range in {
			// Insert first, update when that found the ID: this tells new
			// from escalated on both stores, which ON CONFLICT DO UPDATE
			// does not.
			n, err := tx.exec(ctx, `INSERT INTO warnings (`+warningCols+`) VALUES
				($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
				ON CONFLICT (id) DO NOTHING`,
				w.ID, int64(w.Subscriber.Kind()), w.Subscriber.Value(), int64(w.Suspect.Kind()), w.Suspect.Value(),
				d.b.ts(w.FirstContact), w.Score, w.Grade, w.Reason, w.Region, w.OrgID, d.b.ts(w.Raised),
				d.b.ts(w.Escalated), w.SignedBy, d.b.ts(w.SignedAt), w.Outcome, d.b.ts(w.OutcomeAt), w.OutcomeBy, w.Note)
			if err != nil {
				return fmt.Errorf("warning %s: %w", w.ID, err)
			}
			if n == 1 {
				added++
				continue
			}
			esc := w.Escalated
			if esc.IsZero() {
				esc = t
			}
			if _, err := tx.exec(ctx, escalateWarning, w.ID, gradeRank[w.Grade], w.Grade, d.b.ts(esc),
				w.Reason, w.Score, d.b.ts(w.FirstContact), w.Region, w.OrgID); err != nil {
				return fmt.Errorf("escalate warning %s: %w", w.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: add %d warnings: %w", len(in), err)
	}
	return added, nil
}

func (d *db) Warning(ctx context.Context, id string) (telecom.Issued, error) {
	w, err := scanIssued(d.b.reader().queryRow(ctx, selectWarnings+` WHERE id = $1`, id))
	if noRows(err) {
		return telecom.Issued{}, fmt.Errorf("store: warning %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return telecom.Issued{}, fmt.Errorf("store: warning %q: %w", id, err)
	}
	return w, nil
}

// SignWarning sets the officer and time once. Signing again by the same
// officer changes nothing and succeeds (a retried request); by another it
// is ErrConflict, naming who has it. A zero at is now.
func (d *db) SignWarning(ctx context.Context, id, officer string, at time.Time) (telecom.Issued, error) {
	if officer == "" {
		return telecom.Issued{}, fmt.Errorf("store: sign warning %q: no officer: %w", id, errInvalid)
	}
	if at.IsZero() {
		at = now()
	}
	var w telecom.Issued
	err := d.b.inTx(ctx, func(tx writeTx) error {
		n, err := tx.exec(ctx, `UPDATE warnings SET signed_by = $1, signed_at = $2 WHERE id = $3 AND signed_by = ''`,
			officer, d.b.ts(micro(at)), id)
		if err != nil {
			return err
		}
		w, err = scanIssued(tx.queryRow(ctx, selectWarnings+` WHERE id = $1`, id))
		if noRows(err) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if n == 0 && w.SignedBy != officer {
			return fmt.Errorf("signed for by %s: %w", w.SignedBy, ErrConflict)
		}
		return nil
	})
	if err != nil {
		return telecom.Issued{}, fmt.Errorf("store: sign warning %q: %w", id, err)
	}
	return w, nil
}

// CloseWarning overwrites any earlier outcome and note: the audit log, not
// the row, keeps the history. It does not require the warning to be
// signed for. A zero at is now.
func (d *db) CloseWarning(ctx context.Context, id, outcome, officer, note string, at time.Time) (telecom.Issued, error) {
	if !telecom.ValidOutcome(outcome) {
		return telecom.Issued{}, fmt.Errorf("store: close warning %q: unknown outcome %q (want one of %s): %w",
			id, outcome, strings.Join(telecom.Outcomes, ", "), errInvalid)
	}
	if officer == "" {
		return telecom.Issued{}, fmt.Errorf("store: close warning %q: no officer: %w", id, errInvalid)
	}
	if at.IsZero() {
		at = now()
	}
	var w telecom.Issued
	err := d.b.inTx(ctx, func(tx writeTx) error {
		var err error
		w, err = scanIssued(tx.queryRow(ctx, `UPDATE warnings SET outcome = $1, outcome_at = $2, outcome_by = $3, note = $4
			WHERE id = $5 RETURNING `+warningCols, outcome, d.b.ts(micro(at)), officer, note, id))
		if noRows(err) {
			return ErrNotFound
		}
		return err
	})
	if err != nil {
		return telecom.Issued{}, fmt.Errorf("store: close warning %q: %w", id, err)
	}
	return w, nil
}

// RouteWarning hands the warning to orgID, replacing any earlier routing;
// orgID 0 takes it back to the unrouted pile. ErrNotFound if the warning or
// the organisation does not exist.
func (d *db) RouteWarning(ctx context.Context, id string, orgID int64) error {
	if orgID < 0 {
		return fmt.Errorf("store: route warning %q: org %d: %w", id, orgID, errInvalid)
	}
	err := d.b.inTx(ctx, func(tx writeTx) error {
		if orgID != 0 {
			var one int
			if err := tx.queryRow(ctx, `SELECT 1 FROM orgs WHERE id = $1`, orgID).Scan(&one); err != nil {
				if noRows(err) {
					return fmt.Errorf("org %d: %w", orgID, ErrNotFound)
				}
				return err
			}
		}
		n, err := tx.exec(ctx, `UPDATE warnings SET org_id = $1 WHERE id = $2`, orgID, id)
		if err == nil && n == 0 {
			err = ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: route warning %q to org %d: %w", id, orgID, err)
	}
	return nil
}

// warningFilter turns every field of q but Limit and After into WHERE
// terms, adding their arguments with arg.
func (d *db) warningFilter(q WarningQuery, arg func(any) string) []string {
	var where []string
	if region := strings.TrimSuffix(q.Region, "-"); region != "" {
		// A range, not LIKE, as in SearchReports: '.' is the byte after '-'.
		where = append(where, `(region = `+arg(region)+` OR (region >= `+arg(region+"-")+` AND region < `+arg(region+".")+`))`)
	}
	if q.Grade != "" {
		where = append(where, `grade = `+arg(q.Grade))
	}
	if q.OrgID != 0 {
		where = append(where, `org_id = `+arg(q.OrgID))
	}
	if q.Open {
		// A literal, so PostgreSQL can match the partial index warnings_open.
		where = append(where, `outcome = ''`)
	}
	if !q.Subscriber.IsZero() {
		where = append(where, `subscriber_kind = `+arg(int64(q.Subscriber.Kind()))+` AND subscriber_value = `+arg(q.Subscriber.Value()))
	}
	if !q.Suspect.IsZero() {
		where = append(where, `suspect_kind = `+arg(int64(q.Suspect.Kind()))+` AND suspect_value = `+arg(q.Suspect.Value()))
	}
	if !q.From.IsZero() {
		where = append(where, `raised >= `+arg(d.b.ts(micro(q.From))))
	}
	if !q.To.IsZero() {
		where = append(where, `raised < `+arg(d.b.ts(micro(q.To))))
	}
	return where
}

// Page sizes of SearchWarnings.
const (
	defaultWarningLimit = 100
	maxWarningLimit     = 1000
)

// SearchWarnings pages newest raised first, ties broken by ID descending;
// q.After continues after that warning (ErrNotFound if it does not exist).
// From is inclusive, To exclusive. Region matches exactly or as a parent:
// "CN" matches "CN" and "CN-JS", never "CNX".
func (d *db) SearchWarnings(ctx context.Context, q WarningQuery) ([]telecom.Issued, error) {
	rd := d.b.reader()
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where := d.warningFilter(q, arg)
	if q.After != "" {
		var raised time.Time
		err := rd.queryRow(ctx, `SELECT raised FROM warnings WHERE id = $1`, q.After).Scan(tscan{&raised})
		if noRows(err) {
			return nil, fmt.Errorf("store: search warnings after %q: %w", q.After, ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("store: search warnings: %w", err)
		}
		r := arg(d.b.ts(raised))
		where = append(where, `(raised < `+r+` OR (raised = `+r+` AND id < `+arg(q.After)+`))`)
	}
	sqlText := selectWarnings
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY raised DESC, id DESC LIMIT ` + arg(clamp(q.Limit, defaultWarningLimit, maxWarningLimit))
	rs, err := rd.query(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search warnings: %w", err)
	}
	defer rs.Close()
	var out []telecom.Issued
	for rs.Next() {
		w, err := scanIssued(rs)
		if err != nil {
			return nil, fmt.Errorf("store: search warnings: %w", err)
		}
		out = append(out, w)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("store: search warnings: %w", err)
	}
	return out, nil
}

// WarningStats applies every filter of q but Limit and After. ByOutcome
// counts closed warnings only (open ones are Raised minus its sum); both
// maps are empty, not nil, when nothing matches. The median is taken in Go
// over the signed warnings: the dialects differ in both date arithmetic
// and percentiles, and the signed warnings of a period are few enough.
func (d *db) WarningStats(ctx context.Context, q WarningQuery) (WarningStats, error) {
	rd := d.b.reader()
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where := strings.Join(append(d.warningFilter(q, arg), `TRUE`), ` AND `)
	st := WarningStats{ByGrade: map[string]int{}, ByOutcome: map[string]int{}}
	rs, err := rd.query(ctx, `SELECT grade, outcome, COUNT(*), COUNT(signed_at) FROM warnings WHERE `+where+
		` GROUP BY grade, outcome`, args...)
	if err != nil {
		return WarningStats{}, fmt.Errorf("store: warning stats: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var (
			grade, outcome string
			n, signed      int
		)
		if err := rs.Scan(&grade, &outcome, &n, &signed); err != nil {
			return WarningStats{}, fmt.Errorf("store: warning stats: %w", err)
		}
		st.Raised += n
		st.Signed += signed
		st.ByGrade[grade] += n
		if outcome != "" {
			st.ByOutcome[outcome] += n
		}
	}
	if err := rs.Err(); err != nil {
		return WarningStats{}, fmt.Errorf("store: warning stats: %w", err)
	}
	rs.Close()
	if st.Signed == 0 {
		return st, nil
	}

	rs, err = rd.query(ctx, `SELECT raised, signed_at FROM warnings WHERE `+where+` AND signed_at IS NOT NULL`, args...)
	if err != nil {
		return WarningStats{}, fmt.Errorf("store: warning stats: %w", err)
	}
	defer rs.Close()
	mins := make([]float64, 0, st.Signed)
	for rs.Next() {
		var raised, signed time.Time
		if err := rs.Scan(tscan{&raised}, tscan{&signed}); err != nil {
			return WarningStats{}, fmt.Errorf("store: warning stats: %w", err)
		}
		// A sign-for stamped before the warning (clocks apart) counts as
		// immediate, not as negative time.
		mins = append(mins, max(0, signed.Sub(raised).Minutes()))
	}
	if err := rs.Err(); err != nil {
		return WarningStats{}, fmt.Errorf("store: warning stats: %w", err)
	}
	st.MedianSignMin = median(mins)
	return st, nil
}

// median returns the middle of xs, or the mean of the two middles; 0 for
// none. It sorts xs.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}
