package registry

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
)

// Report is what a victim or witness tells, in the FORMATS.md `report`
// shape. Reporter and the payers' accounts are personal data: they are masked
// for readers who do not need them.
type Report struct {
	ID        string    `json:"id"`
	Receipt   string    `json:"receipt,omitempty"` // given to the reporter at once
	Time      time.Time `json:"time"`
	Region    string    `json:"region,omitempty"` // ISO 3166-2, e.g. CN-JS
	Typology  string    `json:"typology,omitempty"`
	Narrative string    `json:"narrative,omitempty"`
	Loss      *Money    `json:"loss,omitempty"`
	Payments  []Payment `json:"payments,omitempty"`
	Contacts  []Contact `json:"contacts,omitempty"`
	Reporter  *Reporter `json:"reporter,omitempty"`
	// Set by fanzha, not by the sender.
	OrgID    int64     `json:"org_id,omitempty"`  // 0: the public portal
	Channel  string    `json:"channel,omitempty"` // "api" or "public"
	Received time.Time `json:"received"`
}

// Money is an exact decimal amount in a currency or asset.
type Money struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// Payment is one payment the victim made to the fraudsters.
type Payment struct {
	Time          time.Time `json:"time,omitzero"`
	Amount        string    `json:"amount"`
	Currency      string    `json:"currency,omitempty"`
	Rail          string    `json:"rail,omitempty"`
	From          string    `json:"from,omitempty"`
	To            string    `json:"to"`
	ToInstitution string    `json:"to_institution,omitempty"`
}

// Contact is an identifier the fraudsters used to reach the victim.
type Contact struct {
	Kind  string    `json:"kind"`
	Value string    `json:"value"`
	Time  time.Time `json:"time,omitzero"`
}

// Reporter is who made the report; personal data.
type Reporter struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// ReportQuery selects reports. Zero fields do not filter.
type ReportQuery struct {
	Indicator indicator.Indicator
	Typology  string
	Region    string // exact or prefix ("CN" matches "CN-JS")
	From, To  time.Time
	Limit     int
	After     string // cursor: the last report ID of the previous page
}

// FieldError says which field of a record is wrong and why.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// ReportSignals checks a report and derives what the registry learns from
// it: the suspect indicators it names (contacts and payees; never the
// victim's own account), one signal per indicator, and links between all of
// them. orgID 0 is the public portal; public reports are TLP CLEAR, since
// the public verdict is built from them, and weigh as one unverified report.
func ReportSignals(r *Report, orgID int64, sector auth.Sector, opts indicator.Options) ([]indicator.Indicator, []Signal, []Link, error) {
	if r.Time.IsZero() {
		r.Time = r.Received
	}
	if r.Typology != "" && !ValidTypology(r.Typology) {
		return nil, nil, nil, &FieldError{"typology", fmt.Sprintf("unknown typology %q (want one of %s)", r.Typology, strings.Join(Typologies, ", "))}
	}
	if r.Region != "" && !ValidRegion(r.Region) {
		return nil, nil, nil, &FieldError{"region", fmt.Sprintf("want an ISO 3166 code like CN or CN-JS, got %q", r.Region)}
	}
	if len(r.Narrative) > 20000 {
		return nil, nil, nil, &FieldError{"narrative", "longer than 20000 bytes"}
	}
	if r.Loss != nil {
		if err := checkAmount(r.Loss.Amount); err != nil {
			return nil, nil, nil, &FieldError{"loss.amount", err.Error()}
		}
	}
	if len(r.Payments)+len(r.Contacts) > 200 {
		return nil, nil, nil, &FieldError{"payments", "more than 200 payments and contacts in one report"}
	}
	var inds []indicator.Indicator
	for i, p := range r.Payments {
		if err := checkAmount(p.Amount); err != nil {
			return nil, nil, nil, &FieldError{fmt.Sprintf("payments[%d].amount", i), err.Error()}
		}
		if strings.TrimSpace(p.To) == "" {
			return nil, nil, nil, &FieldError{fmt.Sprintf("payments[%d].to", i), "required: the account, card or wallet that was paid"}
		}
		ind, err := payee(p, opts)
		if err != nil {
			return nil, nil, nil, &FieldError{fmt.Sprintf("payments[%d].to", i), err.Error()}
		}
		inds = append(inds, ind)
	}
	for i, c := range r.Contacts {
		var (
			ind indicator.Indicator
			err error
		)
		if c.Kind == "" {
			ind, err = opts.Detect(c.Value)
		} else {
			var k indicator.Kind
			if k, err = indicator.ParseKind(c.Kind); err != nil {
				return nil, nil, nil, &FieldError{fmt.Sprintf("contacts[%d].kind", i), err.Error()}
			}
			ind, err = opts.Parse(k, c.Value)
		}
		if err != nil {
			return nil, nil, nil, &FieldError{fmt.Sprintf("contacts[%d].value", i), err.Error()}
		}
		inds = append(inds, ind)
	}
	tlp, conf := auth.TLPGreen, defaultConfidence
	if orgID == 0 {
		tlp, conf = auth.TLPClear, publicReportConf
	}
	seen := map[indicator.Indicator]bool{}
	var sigs []Signal
	for _, ind := range inds {
		if seen[ind] {
			continue
		}
		seen[ind] = true
		sigs = append(sigs, Signal{
			ID:         "report/" + r.ID + "/" + ind.String(),
			Indicator:  ind,
			OrgID:      orgID,
			Sector:     sector,
			Source:     "report:" + r.ID,
			Typology:   r.Typology,
			Confidence: conf,
			TLP:        tlp,
			Evidence:   "report:" + r.ID,
			FirstSeen:  r.Time,
			LastSeen:   r.Time,
			Received:   r.Received,
			ReportID:   r.ID,
		})
	}
	links := LinkTogether(inds, "report:"+r.ID, orgID, tlp, r.Received)
	return inds, sigs, links, nil
}

// payee parses the account a victim paid: as the rail says, or detected.
func payee(p Payment, opts indicator.Options) (indicator.Indicator, error) {
	switch strings.ToLower(p.Rail) {
	case "bank", "card":
		return opts.ParseBankOrCard(p.To) // as the ledger and screening read it
	case "btc":
		return opts.Parse(indicator.BTC, p.To)
	case "eth", "bsc":
		return opts.Parse(indicator.ETH, p.To)
	case "tron":
		return opts.Parse(indicator.TRON, p.To)
	}
	if ind, err := opts.Detect(p.To); err == nil && ind.Kind() != indicator.Phone {
		return ind, nil
	}
	return opts.Parse(indicator.BankAccount, p.To)
}

// ValidRegion reports whether s is an ISO 3166-1 alpha-2 ("CN") or
// 3166-2 ("CN-JS") code, the regions reports and organisations carry.
func ValidRegion(s string) bool {
	country, sub, hasSub := strings.Cut(s, "-")
	if len(country) != 2 || !isUpperAlpha(country) {
		return false
	}
	return !hasSub || (len(sub) >= 1 && len(sub) <= 3 && isUpperAlnum(sub))
}

func isUpperAlpha(s string) bool {
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func isUpperAlnum(s string) bool {
	for _, c := range s {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// checkAmount accepts a positive decimal string with at most 8 fraction
// digits ("1250.00"); amounts are never floats.
func checkAmount(a string) error {
	whole, frac, _ := strings.Cut(a, ".")
	if whole == "" || len(whole) > 18 || len(frac) > 8 || !digits(whole) || !digits(frac) {
		return fmt.Errorf("want a positive decimal amount like 1250.00, got %q", a)
	}
	if strings.Trim(whole+frac, "0") == "" {
		return fmt.Errorf("amount must be greater than zero")
	}
	return nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Masked returns a copy of the report with personal data masked: the
// reporter's name and contacts and the victim's own accounts. Suspects'
// identifiers are not personal data of the victim and stay as they are.
func (r Report) Masked() Report {
	if r.Reporter != nil {
		m := Reporter{Name: auth.MaskName(r.Reporter.Name), Phone: auth.MaskPhone(r.Reporter.Phone), Email: auth.MaskEmail(r.Reporter.Email)}
		r.Reporter = &m
	}
	if len(r.Payments) > 0 {
		ps := make([]Payment, len(r.Payments))
		for i, p := range r.Payments {
			p.From = auth.MaskAccount(p.From)
			ps[i] = p
		}
		r.Payments = ps
	}
	return r
}

// NewReceipt makes the number a reporter is given at once: the date and
// ten random base-32 characters ("FZ-20261120-7KQ2M9XW4D"), easy to read out
// on the phone and impossible to guess.
func NewReceipt(now time.Time) string {
	return "FZ-" + now.UTC().Format("20060102") + "-" + randomCode(10)
}

// NewReportID names a report that came without an ID.
func NewReportID(now time.Time) string {
	return "R-" + now.UTC().Format("20060102") + "-" + randomCode(12)
}

// crockford is Crockford's base-32 alphabet: no I, L, O or U to misread.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func randomCode(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error()) // never fails on supported platforms
	}
	for i := range b {
		b[i] = crockford[b[i]&31]
	}
	return string(b)
}
