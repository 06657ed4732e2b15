package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/registry"
)

// reportBody is the part of a report kept as one JSON document: read whole,
// never searched by the store.
type reportBody struct {
	Narrative string             `json:"narrative,omitempty"`
	Loss      *registry.Money    `json:"loss,omitempty"`
	Payments  []registry.Payment `json:"payments,omitempty"`
	Contacts  []registry.Contact `json:"contacts,omitempty"`
	Reporter  *registry.Reporter `json:"reporter,omitempty"`
}

// normReport puts r in the form it reads back in, so the report AddReport
// returns equals the one Report returns later: times in UTC microseconds,
// empty lists nil.
func normReport(r registry.Report) registry.Report {
	r.Time, r.Received = micro(r.Time), micro(r.Received)
	if len(r.Payments) == 0 {
		r.Payments = nil
	} else {
		r.Payments = append([]registry.Payment(nil), r.Payments...)
		for i := range r.Payments {
			r.Payments[i].Time = micro(r.Payments[i].Time)
		}
	}
	if len(r.Contacts) == 0 {
		r.Contacts = nil
	} else {
		r.Contacts = append([]registry.Contact(nil), r.Contacts...)
		for i := range r.Contacts {
			r.Contacts[i].Time = micro(r.Contacts[i].Time)
		}
	}
	return r
}

// AddReport sets Received to now when it is zero. A different report with
// the same Receipt is ErrConflict.
func (d *db) AddReport(ctx context.Context, r registry.Report, inds []indicator.Indicator, sigs []registry.Signal, links []registry.Link) (registry.Report, bool, error) {
	if r.ID == "" {
		return registry.Report{}, false, fmt.Errorf("store: add report: empty ID: %w", errInvalid)
	}
	for _, ind := range inds {
		if ind.IsZero() {
			return registry.Report{}, false, fmt.Errorf("store: add report %s: zero indicator: %w", r.ID, errInvalid)
		}
	}
	sigs, links, err := prepareSignals(sigs, links)
	if err != nil {
		return registry.Report{}, false, fmt.Errorf("store: add report %s: %w", r.ID, err)
	}
	if r.Received.IsZero() {
		r.Received = now()
	}
	r = normReport(r)
	body, err := json.Marshal(reportBody{r.Narrative, r.Loss, r.Payments, r.Contacts, r.Reporter})
	if err != nil {
		return registry.Report{}, false, fmt.Errorf("store: add report %s: %w", r.ID, err)
	}
	var (
		stored  = r
		created bool
	)
	err = d.b.inTx(ctx, func(tx writeTx) error {
		// ON CONFLICT (id) rather than a look first: two racing sends of
		// one report both end well, the later one finding the earlier.
		n, err := tx.exec(ctx, `INSERT INTO reports (id, receipt, occurred, region, typology, org_id, channel, received, body)
			VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
			r.ID, r.Receipt, d.b.ts(r.Time), r.Region, r.Typology, r.OrgID, r.Channel, d.b.ts(r.Received), string(body))
		if err != nil {
			if d.b.isUnique(err) {
				return fmt.Errorf("receipt %q belongs to another report: %w", r.Receipt, ErrConflict)
			}
			return err
		}
		if n == 0 {
			stored, err = scanReport(tx.queryRow(ctx, selectReports+` WHERE id = $1`, r.ID))
			return err
		}
		created = true
		for _, ind := range inds {
			if _, err := tx.exec(ctx, `INSERT INTO report_indicators (kind, value, report_id) VALUES ($1, $2, $3)
				ON CONFLICT DO NOTHING`, int64(ind.Kind()), ind.Value(), r.ID); err != nil {
				return err
			}
		}
		if _, err := tx.insertSignals(ctx, sigs); err != nil {
			return err
		}
		return tx.insertLinks(ctx, links)
	})
	if err != nil {
		return registry.Report{}, false, fmt.Errorf("store: add report %s: %w", r.ID, err)
	}
	return stored, created, nil
}

const selectReports = `SELECT id, COALESCE(receipt, ''), occurred, region, typology, org_id, channel, received, body FROM reports`

func scanReport(rw row) (registry.Report, error) {
	var (
		r    registry.Report
		body []byte
		b    reportBody
	)
	if err := rw.Scan(&r.ID, &r.Receipt, tscan{&r.Time}, &r.Region, &r.Typology, &r.OrgID, &r.Channel, tscan{&r.Received}, &body); err != nil {
		return registry.Report{}, err
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return registry.Report{}, fmt.Errorf("report %s body: %w", r.ID, err)
	}
	r.Narrative, r.Loss, r.Payments, r.Contacts, r.Reporter = b.Narrative, b.Loss, b.Payments, b.Contacts, b.Reporter
	return r, nil
}

func (d *db) Report(ctx context.Context, id string) (registry.Report, error) {
	r, err := scanReport(d.b.reader().queryRow(ctx, selectReports+` WHERE id = $1`, id))
	if noRows(err) {
		return registry.Report{}, fmt.Errorf("store: report %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return registry.Report{}, fmt.Errorf("store: report %q: %w", id, err)
	}
	return r, nil
}

func (d *db) ReportByReceipt(ctx context.Context, receipt string) (registry.Report, error) {
	if receipt == "" {
		return registry.Report{}, fmt.Errorf("store: report by receipt: empty receipt: %w", ErrNotFound)
	}
	r, err := scanReport(d.b.reader().queryRow(ctx, selectReports+` WHERE receipt = $1`, receipt))
	if noRows(err) {
		return registry.Report{}, fmt.Errorf("store: report with receipt %q: %w", receipt, ErrNotFound)
	}
	if err != nil {
		return registry.Report{}, fmt.Errorf("store: report with receipt %q: %w", receipt, err)
	}
	return r, nil
}

// Page sizes of SearchReports.
const (
	defaultReportLimit = 100
	maxReportLimit     = 1000
)

// SearchReports pages newest received first, ties broken by ID descending;
// q.After continues after that report (ErrNotFound if it does not exist).
// From and To bound Received: From inclusive, To exclusive. Region matches
// exactly or as a parent: "CN" matches "CN" and "CN-JS", never "CNX".
func (d *db) SearchReports(ctx context.Context, q registry.ReportQuery) ([]registry.Report, error) {
	rd := d.b.reader()
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if !q.Indicator.IsZero() {
		where = append(where, `EXISTS (SELECT 1 FROM report_indicators ri WHERE ri.report_id = reports.id AND ri.kind = `+
			arg(int64(q.Indicator.Kind()))+` AND ri.value = `+arg(q.Indicator.Value())+`)`)
	}
	if q.Typology != "" {
		where = append(where, `typology = `+arg(q.Typology))
	}
	if region := strings.TrimSuffix(q.Region, "-"); region != "" {
		// A range, not LIKE: bytewise on both stores, no escaping, and it
		// uses the region index. '.' is the byte after '-'.
		where = append(where, `(region = `+arg(region)+` OR (region >= `+arg(region+"-")+` AND region < `+arg(region+".")+`))`)
	}
	if !q.From.IsZero() {
		where = append(where, `received >= `+arg(d.b.ts(micro(q.From))))
	}
	if !q.To.IsZero() {
		where = append(where, `received < `+arg(d.b.ts(micro(q.To))))
	}
	if q.After != "" {
		var after registry.Report
		err := rd.queryRow(ctx, `SELECT received FROM reports WHERE id = $1`, q.After).Scan(tscan{&after.Received})
		if noRows(err) {
			return nil, fmt.Errorf("store: search reports after %q: %w", q.After, ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("store: search reports: %w", err)
		}
		rcv := arg(d.b.ts(after.Received))
		where = append(where, `(received < `+rcv+` OR (received = `+rcv+` AND id < `+arg(q.After)+`))`)
	}
	sqlText := selectReports
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY received DESC, id DESC LIMIT ` + arg(clamp(q.Limit, defaultReportLimit, maxReportLimit))
	rs, err := rd.query(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search reports: %w", err)
	}
	defer rs.Close()
	var out []registry.Report
	for rs.Next() {
		r, err := scanReport(rs)
		if err != nil {
			return nil, fmt.Errorf("store: search reports: %w", err)
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("store: search reports: %w", err)
	}
	return out, nil
}
