package money

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
)

// ReportPayment is a payment as a victim reports it (FORMATS.md `report`,
// its "payments" list): the victim knows whom they paid, how much and
// when, not the bank's reference.
type ReportPayment struct {
	Time          string `json:"time"`
	Amount        string `json:"amount"`
	Currency      string `json:"currency"`
	Rail          string `json:"rail"`
	From          string `json:"from"`
	To            string `json:"to"`
	ToInstitution string `json:"to_institution"`
}

// Locate finds a reported payment in the ledger by payer, payee, amount
// and time (within a day: victims remember times roughly).
func (l *Ledger) Locate(p ReportPayment, opts indicator.Options) (Transfer, error) {
	rail := Bank
	if p.Rail != "" {
		r, err := ParseRail(p.Rail)
		if err != nil {
			return Transfer{}, err
		}
		rail = r
	}
	from, err := ParseAccount(rail, p.From, opts)
	if err != nil {
		return Transfer{}, fmt.Errorf("from: %w", err)
	}
	to, err := ParseAccount(rail, p.To, opts)
	if err != nil {
		return Transfer{}, fmt.Errorf("to: %w", err)
	}
	amt, err := ParseAmount(p.Amount)
	if err != nil {
		return Transfer{}, fmt.Errorf("amount: %w", err)
	}
	at, err := time.Parse(time.RFC3339, p.Time)
	if err != nil {
		return Transfer{}, fmt.Errorf("time %q is not an RFC 3339 time", p.Time)
	}
	t, ok := l.Find(from, to, amt, at)
	if !ok {
		return Transfer{}, fmt.Errorf("no transfer of %s from %s to %s within a day of %s: %w", p.Amount, from.Value(), to.Value(), p.Time, ErrNoPayment)
	}
	return t, nil
}

// ReadReportPayments reads victim reports (NDJSON or a JSON array) and
// calls fn with the ledger id of every payment they name: the report's
// "payment_ids" when it carries them, else each payment located by payer,
// payee, amount and time. A payment not in the ledger is passed on as
// "report-id#n" so the caller reports it missing rather than dropping it.
func ReadReportPayments(r io.Reader, f records.Format, l *Ledger, opts indicator.Options, fn func(id string)) error {
	if f == records.CSV {
		return errors.New("victim reports are JSON or NDJSON, not CSV")
	}
	rd, err := records.NewReader(r, f)
	if err != nil {
		return err
	}
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		var le *records.LineError
		if errors.As(err, &le) {
			return fmt.Errorf("report on %v", le)
		}
		if err != nil {
			return err
		}
		id := row.Get("id")
		if ids := row.Get("payment_ids"); ids != "" {
			var list []string
			if err := json.Unmarshal([]byte(ids), &list); err != nil {
				return fmt.Errorf("line %d: payment_ids: want a JSON array of ids: %w", row.Line, err)
			}
			for _, x := range list {
				fn(x)
			}
			continue
		}
		var pays []ReportPayment
		if raw := row.Get("payments"); raw != "" {
			if err := json.Unmarshal([]byte(raw), &pays); err != nil {
				return fmt.Errorf("line %d: payments: %w", row.Line, err)
			}
		}
		for i, p := range pays {
			t, err := l.Locate(p, opts)
			if err != nil {
				fn(fmt.Sprintf("%s#%d", strings.TrimSpace(id), i+1))
				continue
			}
			fn(t.ID)
		}
	}
}
