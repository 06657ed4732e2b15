package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/quagmt/udecimal"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
)

// The money ledger is kept twice: here, the source of truth, and in memory
// (money.Ledger), where traces run. Both are fed by the same ingest, store
// first, and LoadLedger rebuilds the memory from here at start.

// transferCols are the transfers columns in the order inserts fill them.
const transferCols = "id, settled, rail, asset, amount, from_kind, from_value, to_kind, to_value, from_institution, to_institution, memo, org_id, received"

const nTransferCols = 14

// checkTransfer refuses a transfer no parser would make: the store is not
// the place to find out that an amount was negative.
func checkTransfer(t *money.Transfer) error {
	switch {
	case t.ID == "":
		return fmt.Errorf("transfer without an id: %w", errInvalid)
	case t.Time.IsZero():
		return fmt.Errorf("transfer %s: no time: %w", t.ID, errInvalid)
	case t.Rail == money.RailInvalid || t.Rail.String() == "invalid":
		return fmt.Errorf("transfer %s: no rail: %w", t.ID, errInvalid)
	case !t.Amount.IsPos():
		return fmt.Errorf("transfer %s: amount %s is not positive: %w", t.ID, t.Amount, errInvalid)
	case t.From.IsZero() || t.To.IsZero():
		return fmt.Errorf("transfer %s: missing from or to account: %w", t.ID, errInvalid)
	case t.Asset == "":
		return fmt.Errorf("transfer %s: no asset: %w", t.ID, errInvalid)
	}
	return nil
}

// amountText writes an amount exactly, keeping the scale it was given in
// ("1250.00" stays "1250.00").
func amountText(d udecimal.Decimal) string { return d.StringFixed(uint8(d.Prec())) }

// AddTransfers stores a batch in one transaction, in order, skipping ids
// already stored (a re-sent transfer is harmless; the first one sent is
// kept). orgID is the organisation that supplied them. It returns how many
// were new. SQLite takes multi-row INSERTs; PostgreSQL COPY.
func (d *db) AddTransfers(ctx context.Context, orgID int64, ts []money.Transfer) (int, error) {
	if len(ts) == 0 {
		return 0, nil
	}
	for i := range ts {
		if err := checkTransfer(&ts[i]); err != nil {
			return 0, fmt.Errorf("store: add transfers: %w", err)
		}
	}
	received := now()
	var added int
	err := d.b.inTx(ctx, func(tx writeTx) error {
		var err error
		switch t := tx.(type) {
		case *pgTx:
			added, err = t.copyTransfers(ctx, orgID, received, ts)
		case *sqliteTx:
			added, err = t.insertTransfers(ctx, orgID, received, ts)
		default:
			err = fmt.Errorf("no transfer loader for %T", tx)
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: add %d transfers: %w", len(ts), err)
	}
	return added, nil
}

func (t *sqliteTx) insertTransfers(ctx context.Context, orgID int64, received time.Time, ts []money.Transfer) (int, error) {
	args := make([]any, 0, min(len(ts), rowsPerInsert)*nTransferCols)
	added := 0
	for start := 0; start < len(ts); start += rowsPerInsert {
		chunk := ts[start:min(start+rowsPerInsert, len(ts))]
		args = args[:0]
		for i := range chunk {
			x := &chunk[i]
			args = append(args, x.ID, t.s.ts(micro(x.Time)), int64(x.Rail), x.Asset, amountText(x.Amount),
				int64(x.From.Kind()), x.From.Value(), int64(x.To.Kind()), x.To.Value(),
				x.FromInstitution, x.ToInstitution, x.Memo, orgID, t.s.ts(received))
		}
		res, err := t.tx.ExecContext(ctx, multiInsert("transfers", transferCols, nTransferCols, len(chunk), "ON CONFLICT (id) DO NOTHING"), args...)
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		added += int(n)
	}
	return added, nil
}

// copyTransfers loads the batch with COPY into a session temp table and
// moves it with one INSERT … SELECT … ON CONFLICT DO NOTHING, as
// insertSignals does: COPY cannot skip duplicates, ord keeps the order.
func (t *pgTx) copyTransfers(ctx context.Context, orgID int64, received time.Time, ts []money.Transfer) (int, error) {
	if _, err := t.tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS transfers_in (
		ord int, id text, settled timestamptz, rail smallint, asset text, amount numeric,
		from_kind smallint, from_value text, to_kind smallint, to_value text,
		from_institution text, to_institution text, memo text, org_id bigint, received timestamptz) ON COMMIT DELETE ROWS`); err != nil {
		return 0, err
	}
	cols := append([]string{"ord"}, strings.Split(strings.ReplaceAll(transferCols, " ", ""), ",")...)
	vals := make([]any, len(cols))
	src := pgx.CopyFromSlice(len(ts), func(i int) ([]any, error) {
		x := &ts[i]
		vals[0], vals[1], vals[2], vals[3], vals[4] = int32(i), x.ID, micro(x.Time), int16(x.Rail), x.Asset
		vals[5], vals[6], vals[7], vals[8], vals[9] = amountText(x.Amount), int16(x.From.Kind()), x.From.Value(), int16(x.To.Kind()), x.To.Value()
		vals[10], vals[11], vals[12], vals[13], vals[14] = x.FromInstitution, x.ToInstitution, x.Memo, orgID, received
		return vals, nil
	})
	if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{"transfers_in"}, cols, src); err != nil {
		return 0, err
	}
	tag, err := t.tx.Exec(ctx, `INSERT INTO transfers (`+transferCols+`)
		SELECT `+transferCols+` FROM transfers_in ORDER BY ord
		ON CONFLICT (id) DO NOTHING`)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// EachTransfer reads every stored transfer in the order it was stored.
// Values come back through indicator.Stored, as signals do: what went in
// comes out, whatever the parsers have learnt since.
func (d *db) EachTransfer(ctx context.Context, fn func(money.Transfer) error) error {
	rs, err := d.b.reader().query(ctx, `SELECT id, settled, rail, asset, CAST(amount AS TEXT), from_kind, from_value,
		to_kind, to_value, from_institution, to_institution, memo FROM transfers ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("store: read transfers: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var (
			t                money.Transfer
			rail, fromK, toK int64
			amount, from, to string
		)
		if err := rs.Scan(&t.ID, tscan{&t.Time}, &rail, &t.Asset, &amount, &fromK, &from, &toK, &to,
			&t.FromInstitution, &t.ToInstitution, &t.Memo); err != nil {
			return fmt.Errorf("store: read transfers: %w", err)
		}
		t.Rail = money.Rail(rail)
		if t.Amount, err = udecimal.Parse(amount); err != nil {
			return fmt.Errorf("store: transfer %s: stored amount %q: %w", t.ID, amount, err)
		}
		t.From, t.To = indicator.Stored(indicator.Kind(fromK), from), indicator.Stored(indicator.Kind(toK), to)
		if err := fn(t); err != nil {
			return err
		}
	}
	if err := rs.Err(); err != nil {
		return fmt.Errorf("store: read transfers: %w", err)
	}
	return nil
}

// attributionRowsPerInsert keeps one INSERT's parameters well under both
// databases' limits (7 a row).
const attributionRowsPerInsert = 500

// AddAttributions stores who controls which accounts, replacing what was
// said of the same account before: the ledger, too, keeps the latest word.
// Within a batch, the last attribution of an account wins.
func (d *db) AddAttributions(ctx context.Context, orgID int64, as []money.Attribution) error {
	if len(as) == 0 {
		return nil
	}
	last := make(map[indicator.Indicator]int, len(as))
	for i, a := range as {
		if a.Indicator.IsZero() || a.Entity == "" || a.EntityType == "" {
			return fmt.Errorf("store: add attributions: attribution %d lacks an account, entity or entity type: %w", i+1, errInvalid)
		}
		last[a.Indicator] = i
	}
	rows := make([]money.Attribution, 0, len(last))
	for i, a := range as {
		if last[a.Indicator] == i {
			rows = append(rows, a)
		}
	}
	received := d.b.ts(now())
	positional := d.b.dialect() == "sqlite"
	err := d.b.inTx(ctx, func(tx writeTx) error {
		for lo := 0; lo < len(rows); lo += attributionRowsPerInsert {
			chunk := rows[lo:min(lo+attributionRowsPerInsert, len(rows))]
			args := make([]any, 0, 7*len(chunk))
			for _, a := range chunk {
				args = append(args, int64(a.Indicator.Kind()), a.Indicator.Value(), a.Entity, a.EntityType, a.Source, orgID, received)
			}
			q := `INSERT INTO attributions (kind, value, entity, entity_type, source, org_id, received) VALUES ` +
				valuesList(positional, len(chunk), 7) + ` ON CONFLICT (kind, value) DO UPDATE SET
				entity = excluded.entity, entity_type = excluded.entity_type, source = excluded.source,
				org_id = excluded.org_id, received = excluded.received`
			if _, err := tx.exec(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: add %d attributions: %w", len(rows), err)
	}
	return nil
}

// valuesList writes nrows groups of ncols placeholders: "?" for SQLite,
// which binds by position, "$n" for PostgreSQL.
func valuesList(positional bool, nrows, ncols int) string {
	var b strings.Builder
	for r := range nrows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range ncols {
			if c > 0 {
				b.WriteByte(',')
			}
			if positional {
				b.WriteByte('?')
			} else {
				b.WriteString("$" + strconv.Itoa(r*ncols+c+1))
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// EachAttribution reads every attribution, oldest word first.
func (d *db) EachAttribution(ctx context.Context, fn func(money.Attribution) error) error {
	rs, err := d.b.reader().query(ctx, `SELECT kind, value, entity, entity_type, source FROM attributions ORDER BY received, kind, value`)
	if err != nil {
		return fmt.Errorf("store: read attributions: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var (
			a     money.Attribution
			kind  int64
			value string
		)
		if err := rs.Scan(&kind, &value, &a.Entity, &a.EntityType, &a.Source); err != nil {
			return fmt.Errorf("store: read attributions: %w", err)
		}
		a.Indicator = indicator.Stored(indicator.Kind(kind), value)
		if err := fn(a); err != nil {
			return err
		}
	}
	if err := rs.Err(); err != nil {
		return fmt.Errorf("store: read attributions: %w", err)
	}
	return nil
}

// ledgerBatch is how many stored transfers LoadLedger adds under one lock.
const ledgerBatch = 8192

// LoadLedger rebuilds the in-memory ledger from the store: every transfer
// in the order it was stored, then every attribution.
func LoadLedger(ctx context.Context, m Money) (*money.Ledger, error) {
	l := money.NewLedger()
	batch := make([]money.Transfer, 0, ledgerBatch)
	err := m.EachTransfer(ctx, func(t money.Transfer) error {
		batch = append(batch, t)
		if len(batch) == ledgerBatch {
			l.AddAll(batch)
			batch = batch[:0]
			return ctx.Err()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.AddAll(batch)
	if err := m.EachAttribution(ctx, func(a money.Attribution) error { l.Attribute(a); return nil }); err != nil {
		return nil, err
	}
	return l, nil
}

// freezeCols are the freeze_requests columns in the order inserts fill
// and selects read them.
const freezeCols = `id, report_id, case_ref, institution, institution_org, kind, asset, amount, accounts, payments,
	policy, legal_basis, loss_amount, loss_currency, status, held, to_return, returned, expires, return_due,
	renewals, reason, org_id, org_name, drafted_by, created, updated`

// selectFreeze reads the amounts back as text, exact on both stores.
const selectFreeze = `SELECT id, report_id, case_ref, institution, institution_org, kind, asset, CAST(amount AS TEXT),
	accounts, payments, policy, legal_basis, loss_amount, loss_currency, status, CAST(held AS TEXT),
	CAST(to_return AS TEXT), CAST(returned AS TEXT), expires, return_due, renewals, reason, org_id, org_name,
	drafted_by, created, updated FROM freeze_requests`

// dscan scans an exact decimal stored as text (or PostgreSQL's NUMERIC
// cast to text).
type dscan struct{ d *udecimal.Decimal }

func (s dscan) Scan(src any) error {
	var text string
	switch v := src.(type) {
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		return fmt.Errorf("store: cannot scan %T as a decimal", src)
	}
	if text == "" {
		*s.d = udecimal.Zero
		return nil
	}
	d, err := udecimal.Parse(text)
	if err != nil {
		return fmt.Errorf("store: stored amount %q: %w", text, err)
	}
	*s.d = d
	return nil
}

func scanFreeze(r row) (money.FreezeRequest, error) {
	var (
		f                  money.FreezeRequest
		accounts, payments []byte
		kind, status       string
	)
	err := r.Scan(&f.ID, &f.ReportID, &f.CaseRef, &f.Institution, &f.InstitutionOrgID, &kind, &f.Asset, dscan{&f.Amount},
		&accounts, &payments, &f.Policy, &f.LegalBasis, &f.LossAmount, &f.LossCurrency, &status, dscan{&f.Held},
		dscan{&f.ToReturn}, dscan{&f.Returned}, tscan{&f.Expires}, tscan{&f.ReturnDue}, &f.Renewals, &f.Reason,
		&f.DraftedBy.OrgID, &f.DraftedBy.OrgName, &f.DraftedBy.Name, tscan{&f.Created}, tscan{&f.Updated})
	if err != nil {
		return money.FreezeRequest{}, err
	}
	f.Kind, f.Status = money.FreezeKind(kind), money.FreezeStatus(status)
	f.DraftedBy.Sector = auth.Police
	if err := json.Unmarshal(accounts, &f.Accounts); err != nil {
		return money.FreezeRequest{}, fmt.Errorf("freeze request %s accounts: %w", f.ID, err)
	}
	if err := json.Unmarshal(payments, &f.Payments); err != nil {
		return money.FreezeRequest{}, fmt.Errorf("freeze request %s payments: %w", f.ID, err)
	}
	return f, nil
}

const eventCols = `request_id, seq, at, action, from_status, to_status, amount, note, org_id, org_name, sector, actor`

// readFreeze reads one request and its history through q (the pool, or
// a transaction).
func readFreeze(ctx context.Context, q querier, id string) (money.FreezeRequest, error) {
	f, err := scanFreeze(q.queryRow(ctx, selectFreeze+` WHERE id = $1`, id))
	if noRows(err) {
		return money.FreezeRequest{}, fmt.Errorf("freeze request %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return money.FreezeRequest{}, err
	}
	rs, err := q.query(ctx, `SELECT seq, at, action, from_status, to_status, amount, note, org_id, org_name, sector, actor
		FROM freeze_events WHERE request_id = $1 ORDER BY seq`, id)
	if err != nil {
		return money.FreezeRequest{}, err
	}
	defer rs.Close()
	for rs.Next() {
		var (
			e                        money.FreezeEvent
			action, from, to, sector string
		)
		if err := rs.Scan(&e.Seq, tscan{&e.At}, &action, &from, &to, dscan{&e.Amount}, &e.Note,
			&e.Actor.OrgID, &e.Actor.OrgName, &sector, &e.Actor.Name); err != nil {
			return money.FreezeRequest{}, err
		}
		e.Action, e.From, e.To, e.Actor.Sector = money.FreezeAction(action), money.FreezeStatus(from), money.FreezeStatus(to), auth.Sector(sector)
		f.History = append(f.History, e)
	}
	return f, rs.Err()
}

// insertEvents stores history rows.
func (d *db) insertEvents(ctx context.Context, tx writeTx, id string, es []money.FreezeEvent) error {
	for _, e := range es {
		amount := ""
		if !e.Amount.IsZero() {
			amount = amountText(e.Amount)
		}
		if _, err := tx.exec(ctx, `INSERT INTO freeze_events (`+eventCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			id, e.Seq, d.b.ts(micro(e.At)), string(e.Action), string(e.From), string(e.To), amount, e.Note,
			e.Actor.OrgID, e.Actor.OrgName, string(e.Actor.Sector), e.Actor.Name); err != nil {
			return fmt.Errorf("history of %s: %w", id, err)
		}
	}
	return nil
}

// checkFreeze refuses a request the workflow could not have made.
func checkFreeze(f *money.FreezeRequest) error {
	switch {
	case f.ID == "" || f.ReportID == "":
		return fmt.Errorf("freeze request %q: missing id or report: %w", f.ID, errInvalid)
	case f.Kind != money.StopPayment && f.Kind != money.Freeze:
		return fmt.Errorf("freeze request %s: unknown kind %q: %w", f.ID, f.Kind, errInvalid)
	case f.Status == money.StatusExpired:
		return fmt.Errorf("freeze request %s: expired is shown, never stored: %w", f.ID, errInvalid)
	case f.Institution == "" || f.Asset == "":
		return fmt.Errorf("freeze request %s: missing institution or asset: %w", f.ID, errInvalid)
	case f.Created.IsZero():
		return fmt.Errorf("freeze request %s: no time: %w", f.ID, errInvalid)
	case len(f.History) == 0:
		return fmt.Errorf("freeze request %s: no history row for its draft: %w", f.ID, errInvalid)
	}
	if _, err := money.ParseFreezeStatus(string(f.Status)); err != nil {
		return fmt.Errorf("freeze request %s: %v: %w", f.ID, err, errInvalid)
	}
	return nil
}

// AddFreezeRequests stores drafted requests with their history in one
// transaction. A request whose id is stored already is left as it is (a
// report drafted twice keeps its requests and their progress). It returns
// every request as stored, and which of them this call created.
func (d *db) AddFreezeRequests(ctx context.Context, fs []money.FreezeRequest) ([]money.FreezeRequest, []bool, error) {
	for i := range fs {
		if err := checkFreeze(&fs[i]); err != nil {
			return nil, nil, fmt.Errorf("store: add freeze requests: %w", err)
		}
	}
	stored := make([]money.FreezeRequest, len(fs))
	created := make([]bool, len(fs))
	err := d.b.inTx(ctx, func(tx writeTx) error {
		for i, f := range fs {
			accounts, err := json.Marshal(orEmpty(f.Accounts))
			if err != nil {
				return err
			}
			payments, err := json.Marshal(orEmpty(f.Payments))
			if err != nil {
				return err
			}
			n, err := tx.exec(ctx, `INSERT INTO freeze_requests (`+freezeCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
				$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27) ON CONFLICT (id) DO NOTHING`,
				f.ID, f.ReportID, f.CaseRef, f.Institution, f.InstitutionOrgID, string(f.Kind), f.Asset, amountText(f.Amount),
				string(accounts), string(payments), f.Policy, f.LegalBasis, f.LossAmount, f.LossCurrency, string(f.Status),
				amountText(f.Held), amountText(f.ToReturn), amountText(f.Returned), d.b.ts(micro(f.Expires)), d.b.ts(micro(f.ReturnDue)),
				f.Renewals, f.Reason, f.DraftedBy.OrgID, f.DraftedBy.OrgName, f.DraftedBy.Name, d.b.ts(micro(f.Created)), d.b.ts(micro(f.Updated)))
			if err != nil {
				return fmt.Errorf("freeze request %s: %w", f.ID, err)
			}
			if n == 1 {
				created[i] = true
				if err := d.insertEvents(ctx, tx, f.ID, f.History); err != nil {
					return err
				}
			}
			if stored[i], err = readFreeze(ctx, tx, f.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: add %d freeze requests: %w", len(fs), err)
	}
	return stored, created, nil
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// FreezeRequest reads one request with its whole history.
func (d *db) FreezeRequest(ctx context.Context, id string) (money.FreezeRequest, error) {
	f, err := readFreeze(ctx, d.b.reader(), id)
	if err != nil {
		return money.FreezeRequest{}, fmt.Errorf("store: %w", err)
	}
	return f, nil
}

// UpdateFreezeRequest reads the request, lets fn move it on (fn applies the
// workflow's rules and appends its history row), and stores the result in
// the same transaction, so two organisations answering at once take turns
// and each sees the other's step. An error from fn is returned as it is
// (wrapped), and nothing changes.
func (d *db) UpdateFreezeRequest(ctx context.Context, id string, fn func(*money.FreezeRequest) error) (money.FreezeRequest, error) {
	var out money.FreezeRequest
	err := d.b.inTx(ctx, func(tx writeTx) error {
		if err := tx.lock(ctx, targetKey("freeze:"+id)); err != nil {
			return err
		}
		f, err := readFreeze(ctx, tx, id)
		if err != nil {
			return err
		}
		had := len(f.History)
		if err := fn(&f); err != nil {
			return err
		}
		if f.ID != id || len(f.History) < had {
			return fmt.Errorf("freeze request %s: the update changed its id or dropped history: %w", id, errInvalid)
		}
		if err := checkFreeze(&f); err != nil {
			return err
		}
		n, err := tx.exec(ctx, `UPDATE freeze_requests SET kind = $1, status = $2, held = $3, to_return = $4, returned = $5,
			expires = $6, return_due = $7, renewals = $8, reason = $9, legal_basis = $10, updated = $11 WHERE id = $12`,
			string(f.Kind), string(f.Status), amountText(f.Held), amountText(f.ToReturn), amountText(f.Returned),
			d.b.ts(micro(f.Expires)), d.b.ts(micro(f.ReturnDue)), f.Renewals, f.Reason, f.LegalBasis, d.b.ts(micro(f.Updated)), id)
		if err != nil {
			return err
		}
		if n != 1 {
			return fmt.Errorf("freeze request %q: %w", id, ErrNotFound)
		}
		if err := d.insertEvents(ctx, tx, id, f.History[had:]); err != nil {
			return err
		}
		out, err = readFreeze(ctx, tx, id)
		return err
	})
	if err != nil {
		return money.FreezeRequest{}, fmt.Errorf("store: update freeze request %s: %w", id, err)
	}
	return out, nil
}

// freezeFilter turns q's filters (not Limit and After) into WHERE terms.
// Expired is judged at q.Now: a stopped or frozen request whose hold has
// ended is expired and no longer stopped or frozen.
func (d *db) freezeFilter(q FreezeQuery, arg func(any) string) ([]string, error) {
	at := q.Now
	if at.IsZero() {
		at = now()
	}
	var where []string
	if q.ReportID != "" {
		where = append(where, `report_id = `+arg(q.ReportID))
	}
	if q.Institution != "" {
		where = append(where, `institution = `+arg(q.Institution))
	}
	switch q.Status {
	case "":
	case money.StatusExpired:
		where = append(where, `status IN ('stopped', 'frozen') AND expires <= `+arg(d.b.ts(micro(at))))
	case money.StatusStopped, money.StatusFrozen:
		where = append(where, `status = `+arg(string(q.Status))+` AND (expires IS NULL OR expires > `+arg(d.b.ts(micro(at)))+`)`)
	default:
		if _, err := money.ParseFreezeStatus(string(q.Status)); err != nil {
			return nil, fmt.Errorf("%v: %w", err, errInvalid)
		}
		where = append(where, `status = `+arg(string(q.Status)))
	}
	if q.Addressee != 0 {
		where = append(where, `(institution_org = `+arg(q.Addressee)+` OR institution_org = 0) AND status <> 'draft'`)
	}
	return where, nil
}

// Page sizes of SearchFreezeRequests.
const (
	defaultFreezeLimit = 100
	maxFreezeLimit     = 1000
)

// SearchFreezeRequests pages newest drafted first, ties by id descending;
// q.After continues after that request (ErrNotFound if it does not exist).
// The requests come without their history.
func (d *db) SearchFreezeRequests(ctx context.Context, q FreezeQuery) ([]money.FreezeRequest, error) {
	var out []money.FreezeRequest
	err := d.eachFreeze(ctx, q, clamp(q.Limit, defaultFreezeLimit, maxFreezeLimit), func(f money.FreezeRequest) error {
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: search freeze requests: %w", err)
	}
	return out, nil
}

// EachFreezeRequest calls fn for every request q selects (Limit and After
// ignored), newest first, without their history: what totals are summed
// from.
func (d *db) EachFreezeRequest(ctx context.Context, q FreezeQuery, fn func(money.FreezeRequest) error) error {
	q.After = ""
	if err := d.eachFreeze(ctx, q, 0, fn); err != nil {
		return fmt.Errorf("store: read freeze requests: %w", err)
	}
	return nil
}

func (d *db) eachFreeze(ctx context.Context, q FreezeQuery, limit int, fn func(money.FreezeRequest) error) error {
	rd := d.b.reader()
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where, err := d.freezeFilter(q, arg)
	if err != nil {
		return err
	}
	if q.After != "" {
		var created time.Time
		err := rd.queryRow(ctx, `SELECT created FROM freeze_requests WHERE id = $1`, q.After).Scan(tscan{&created})
		if noRows(err) {
			return fmt.Errorf("after %q: %w", q.After, ErrNotFound)
		}
		if err != nil {
			return err
		}
		c := arg(d.b.ts(created))
		where = append(where, `(created < `+c+` OR (created = `+c+` AND id < `+arg(q.After)+`))`)
	}
	sqlText := selectFreeze
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY created DESC, id DESC`
	if limit > 0 {
		sqlText += ` LIMIT ` + arg(limit)
	}
	rs, err := rd.query(ctx, sqlText, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		f, err := scanFreeze(rs)
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return rs.Err()
}
