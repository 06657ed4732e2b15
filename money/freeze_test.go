package money

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/quagmt/udecimal"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
)

var (
	officer = Actor{OrgID: 1, OrgName: "Jiangsu PSB", Sector: auth.Police, Name: "officer wang"}
	icbc    = Actor{OrgID: 2, OrgName: "ICBC", Sector: auth.Finance}
	ccb     = Actor{OrgID: 3, OrgName: "CCB", Sector: auth.Finance}
	court   = Actor{OrgID: 4, OrgName: "Court", Sector: auth.Judicial}
	draftAt = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) // a Friday
)

func freezeDec(s string) udecimal.Decimal { return udecimal.MustParse(s) }

// request is a drafted request of kind for 1000 CNY at an institution
// answered by organisation 2.
func draftRequest(kind FreezeKind) FreezeRequest {
	return FreezeRequest{ID: "FR-1", ReportID: "R-1", Institution: "ICBC", InstitutionOrgID: 2, Kind: kind,
		Asset: "CNY", Amount: freezeDec("1000"), Status: StatusDraft, Created: draftAt, Updated: draftAt,
		History: []FreezeEvent{{Seq: 1, At: draftAt, Action: ActionDraft, To: StatusDraft, Actor: officer}}}
}

// walk applies steps in order, an hour apart, failing on the first error.
func walkSteps(t *testing.T, rules FreezeRules, r *FreezeRequest, steps ...Step) {
	t.Helper()
	at := r.Updated
	for _, s := range steps {
		if s.At.IsZero() {
			at = at.Add(time.Hour)
			s.At = at
		}
		if err := rules.Apply(r, s); err != nil {
			t.Fatalf("%s: %v", s.Action, err)
		}
	}
}

func TestFreezeTransitions(t *testing.T) {
	rules := DefaultFreezeRules()
	send := Step{Action: ActionSend, Actor: officer}
	ack := Step{Action: ActionAcknowledge, Actor: icbc}
	stop := Step{Action: ActionStop, Amount: "800", Actor: icbc}
	freeze := Step{Action: ActionFreeze, Amount: "800", Actor: icbc}
	tests := []struct {
		name    string
		kind    FreezeKind
		before  []Step
		step    Step
		want    FreezeStatus // on success
		errKind StepErrorKind
		errHas  string
	}{
		{"police send a draft", StopPayment, nil, send, StatusSent, 0, ""},
		{"a bank may not send", StopPayment, nil, Step{Action: ActionSend, Actor: icbc}, "", NotAllowed, "police step"},
		{"judicial may only read", StopPayment, []Step{send}, Step{Action: ActionAcknowledge, Actor: court}, "", NotAllowed, "finance step"},
		{"acknowledge", StopPayment, []Step{send}, ack, StatusAcknowledged, 0, ""},
		{"another bank may not answer", StopPayment, []Step{send}, Step{Action: ActionAcknowledge, Actor: ccb}, "", NotAllowed, "addressed to ICBC"},
		{"not before it is sent", StopPayment, nil, ack, "", WrongState, "is draft"},
		{"stop after acknowledging", StopPayment, []Step{send, ack}, stop, StatusStopped, 0, ""},
		{"stop straight away", StopPayment, []Step{send}, stop, StatusStopped, 0, ""},
		{"stop needs the amount", StopPayment, []Step{send}, Step{Action: ActionStop, Actor: icbc}, "", BadStep, "needs the amount"},
		{"stop no more than asked", StopPayment, []Step{send}, Step{Action: ActionStop, Amount: "1000.01", Actor: icbc}, "", BadStep, "more than"},
		{"an amount must be a decimal", StopPayment, []Step{send}, Step{Action: ActionStop, Amount: "lots", Actor: icbc}, "", BadStep, "not a decimal"},
		{"a freeze request is not stopped", Freeze, []Step{send}, stop, "", WrongState, "answer it with freeze"},
		{"freeze a freeze request", Freeze, []Step{send, ack}, freeze, StatusFrozen, 0, ""},
		{"freeze needs the amount", Freeze, []Step{send}, Step{Action: ActionFreeze, Actor: icbc}, "", BadStep, "needs the amount"},
		{"a stop-payment is stopped first", StopPayment, []Step{send}, freeze, "", WrongState, "answer it with stop"},
		{"stopped money is frozen", StopPayment, []Step{send, stop}, Step{Action: ActionFreeze, Actor: icbc}, StatusFrozen, 0, ""},
		{"no more frozen than stopped", StopPayment, []Step{send, stop}, Step{Action: ActionFreeze, Amount: "900", Actor: icbc}, "", BadStep, "more than the 800.00 stopped"},
		{"refuse with a reason", Freeze, []Step{send}, Step{Action: ActionRefuse, Note: "no such account", Actor: icbc}, StatusRefused, 0, ""},
		{"refuse needs a reason", Freeze, []Step{send}, Step{Action: ActionRefuse, Actor: icbc}, "", BadStep, "say why"},
		{"funds gone", Freeze, []Step{send, ack}, Step{Action: ActionGone, Note: "balance 0.00", Actor: icbc}, StatusGone, 0, ""},
		{"gone takes no amount", Freeze, []Step{send}, Step{Action: ActionGone, Amount: "1", Actor: icbc}, "", BadStep, "takes no amount"},
		{"nothing after refusal", Freeze, []Step{send, {Action: ActionRefuse, Note: "no", Actor: icbc}}, freeze, "", WrongState, "is refused"},
		{"renew a freeze", Freeze, []Step{send, freeze}, Step{Action: ActionRenew, Actor: officer}, StatusFrozen, 0, ""},
		{"a bank does not renew", Freeze, []Step{send, freeze}, Step{Action: ActionRenew, Actor: icbc}, "", NotAllowed, "police step"},
		{"renew only what is held", Freeze, []Step{send}, Step{Action: ActionRenew, Actor: officer}, "", WrongState, "stopped or frozen"},
		{"order a return", Freeze, []Step{send, freeze}, Step{Action: ActionOrderReturn, Amount: "500", Actor: officer}, StatusReturnOrdered, 0, ""},
		{"no more returned than held", Freeze, []Step{send, freeze}, Step{Action: ActionOrderReturn, Amount: "801", Actor: officer}, "", BadStep, "more than the 800.00 held"},
		{"return what was ordered", Freeze, []Step{send, freeze, {Action: ActionOrderReturn, Amount: "500", Actor: officer}},
			Step{Action: ActionReturn, Actor: icbc}, StatusReturned, 0, ""},
		{"no more than ordered", Freeze, []Step{send, freeze, {Action: ActionOrderReturn, Amount: "500", Actor: officer}},
			Step{Action: ActionReturn, Amount: "600", Actor: icbc}, "", BadStep, "ordered returned"},
		{"return without an order", StopPayment, []Step{send, stop}, Step{Action: ActionReturn, Amount: "800", Actor: icbc}, StatusReturned, 0, ""},
		{"nothing after the return", Freeze, []Step{send, freeze, {Action: ActionReturn, Actor: icbc}}, Step{Action: ActionRenew, Actor: officer}, "", WrongState, "is returned"},
		{"unknown action", Freeze, nil, Step{Action: "cancel", Actor: officer}, "", BadStep, "unknown action"},
		{"note too long", Freeze, nil, Step{Action: ActionSend, Note: strings.Repeat("x", maxFreezeNote+1), Actor: officer}, "", BadStep, "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := draftRequest(tt.kind)
			walkSteps(t, rules, &r, tt.before...)
			before := r
			s := tt.step
			s.At = r.Updated.Add(time.Hour)
			err := rules.Apply(&r, s)
			if tt.errKind != 0 {
				var se *StepError
				if !errors.As(err, &se) || se.Kind != tt.errKind || !strings.Contains(se.Error(), tt.errHas) {
					t.Fatalf("got %v, want a %d error saying %q", err, tt.errKind, tt.errHas)
				}
				if r.Status != before.Status || len(r.History) != len(before.History) {
					t.Errorf("a refused step changed the request: %+v", r)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.want {
				t.Errorf("status %s, want %s", r.Status, tt.want)
			}
			last := r.History[len(r.History)-1]
			if len(r.History) != len(before.History)+1 || last.Action != s.Action || last.From != before.Status ||
				last.To != r.Status || last.Actor != s.Actor || !last.At.Equal(s.At) || last.Seq != len(r.History) {
				t.Errorf("history row %+v", last)
			}
		})
	}
}

func TestFreezeExpiryAndRenewal(t *testing.T) {
	rules := DefaultFreezeRules()
	send := Step{Action: ActionSend, Actor: officer}
	renew := func(r *FreezeRequest, at time.Time) error {
		return rules.Apply(r, Step{Action: ActionRenew, Actor: officer, At: at})
	}

	// A stop-payment holds 48 hours and may be renewed once.
	r := draftRequest(StopPayment)
	walkSteps(t, rules, &r, send)
	stopAt := r.Updated.Add(time.Hour)
	walkSteps(t, rules, &r, Step{Action: ActionStop, Amount: "1000", Actor: icbc, At: stopAt})
	if want := stopAt.Add(48 * time.Hour); !r.Expires.Equal(want) {
		t.Fatalf("stop-payment expires %v, want %v", r.Expires, want)
	}
	if err := renew(&r, stopAt.Add(47*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if want := stopAt.Add(96 * time.Hour); !r.Expires.Equal(want) || r.Renewals != 1 {
		t.Fatalf("renewed: expires %v renewals %d, want %v and 1", r.Expires, r.Renewals, want)
	}
	var se *StepError
	if err := renew(&r, stopAt.Add(50*time.Hour)); !errors.As(err, &se) || se.Kind != WrongState || !strings.Contains(err.Error(), "renewed once") {
		t.Fatalf("second renewal: %v", err)
	}
	if v := rules.View(r, stopAt.Add(50*time.Hour)); v.RenewalsLeft == nil || *v.RenewalsLeft != 0 || v.Status != StatusStopped {
		t.Errorf("view before expiry: %+v", v)
	}
	// At its expiry it shows as expired, and nothing more can be done.
	if got := r.StatusAt(r.Expires); got != StatusExpired {
		t.Errorf("status at expiry %s", got)
	}
	if got := r.StatusAt(r.Expires.Add(-time.Second)); got != StatusStopped {
		t.Errorf("status a second before expiry %s", got)
	}
	err := rules.Apply(&r, Step{Action: ActionFreeze, Actor: icbc, At: r.Expires.Add(time.Minute)})
	if !errors.As(err, &se) || se.Kind != WrongState || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("freezing a lapsed stop-payment: %v", err)
	}

	// Stopped money frozen in time becomes a freeze of six months, renewals
	// reset, citing the freeze's legal basis.
	r = draftRequest(StopPayment)
	r.LegalBasis = rules.StopPaymentBasis
	walkSteps(t, rules, &r, send, Step{Action: ActionStop, Amount: "600", Actor: icbc}, Step{Action: ActionRenew, Actor: officer})
	freezeAt := r.Updated.Add(time.Hour)
	walkSteps(t, rules, &r, Step{Action: ActionFreeze, Actor: icbc, At: freezeAt})
	if r.Kind != Freeze || r.Renewals != 0 || r.Held.String() != "600" || r.LegalBasis != rules.FreezeBasis {
		t.Fatalf("converted: kind %s renewals %d held %s", r.Kind, r.Renewals, r.Held)
	}
	if want := freezeAt.AddDate(0, 6, 0); !r.Expires.Equal(want) {
		t.Fatalf("freeze expires %v, want %v", r.Expires, want)
	}
	// A freeze renews six months at a time, from its expiry, without limit.
	for i := 1; i <= 4; i++ {
		old := r.Expires
		if err := renew(&r, old.Add(-24*time.Hour)); err != nil {
			t.Fatalf("renewal %d: %v", i, err)
		}
		if want := old.In(chinaStandardTime).AddDate(0, 6, 0); !r.Expires.Equal(want) || r.Renewals != i {
			t.Fatalf("renewal %d: expires %v, want %v", i, r.Expires, want)
		}
	}
	if v := rules.View(r, freezeAt); v.RenewalsLeft != nil {
		t.Errorf("unlimited renewals shown as %d left", *v.RenewalsLeft)
	}
	// A limit set in the rules holds.
	limited := rules
	limited.FreezeRenewals = 0
	r = draftRequest(Freeze)
	walkSteps(t, limited, &r, send, Step{Action: ActionFreeze, Amount: "1", Actor: icbc})
	if err := limited.Apply(&r, Step{Action: ActionRenew, Actor: officer, At: r.Updated.Add(time.Hour)}); err == nil || !strings.Contains(err.Error(), "renewed never") {
		t.Errorf("renewing beyond a limit of 0: %v", err)
	}
}

// TestShownAmounts: a bank may give back an amount exactly as it was
// shown, rounded up, but not more.
func TestShownAmounts(t *testing.T) {
	rules := DefaultFreezeRules()
	r := draftRequest(Freeze)
	r.Asset, r.Amount = "USDT", freezeDec("0.123456789")
	walkSteps(t, rules, &r, Step{Action: ActionSend, Actor: officer})
	if v := rules.View(r, draftAt); v.Amount != "0.12345679" {
		t.Fatalf("shown %s", v.Amount)
	}
	at := r.Updated.Add(time.Hour)
	if err := rules.Apply(&r, Step{Action: ActionFreeze, Amount: "0.1234568", Actor: icbc, At: at}); err == nil {
		t.Fatal("more than shown accepted")
	}
	if err := rules.Apply(&r, Step{Action: ActionFreeze, Amount: "0.12345679", Actor: icbc, At: at}); err != nil {
		t.Fatalf("the amount as shown: %v", err)
	}
	if err := rules.Apply(&r, Step{Action: ActionReturn, Amount: "0.12345679", Actor: icbc, At: at}); err != nil || r.Returned.String() != "0.12345679" {
		t.Fatalf("return as held: %v", err)
	}
}

func TestWorkingDays(t *testing.T) {
	rules := DefaultFreezeRules()
	rules.Holidays = []string{"2026-11-24"}
	cst := chinaStandardTime
	for _, tc := range []struct {
		from time.Time
		n    int
		want string
	}{
		{time.Date(2026, 11, 18, 10, 0, 0, 0, cst), 3, "2026-11-23"},      // Wed → Mon: the weekend skipped
		{time.Date(2026, 11, 20, 10, 0, 0, 0, cst), 3, "2026-11-26"},      // Fri → Thu: weekend and the holiday skipped
		{time.Date(2026, 11, 21, 10, 0, 0, 0, cst), 1, "2026-11-23"},      // Sat → Mon
		{time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC), 1, "2026-11-23"}, // Saturday 01:00 in China → Monday
		{time.Date(2026, 11, 20, 10, 0, 0, 0, cst), 0, "2026-11-20"},
	} {
		got := rules.AddWorkingDays(tc.from, tc.n)
		if d := got.In(cst).Format(time.DateOnly); d != tc.want || got.Location() != tc.from.Location() {
			t.Errorf("%v + %d working days = %v, want %s", tc.from, tc.n, got, tc.want)
		}
	}
	// An ordered return is due three working days later, and overdue after.
	r := draftRequest(Freeze)
	walkSteps(t, rules, &r, Step{Action: ActionSend, Actor: officer}, Step{Action: ActionFreeze, Amount: "1000", Actor: icbc})
	orderAt := time.Date(2026, 11, 20, 15, 0, 0, 0, cst)
	walkSteps(t, rules, &r, Step{Action: ActionOrderReturn, Actor: officer, At: orderAt})
	if d := r.ReturnDue.In(cst).Format(time.DateOnly); d != "2026-11-26" || r.ToReturn.String() != "1000" {
		t.Fatalf("return due %s of %s", d, r.ToReturn)
	}
	if rules.View(r, r.ReturnDue).Overdue || !rules.View(r, r.ReturnDue.Add(time.Minute)).Overdue {
		t.Error("overdue flag wrong")
	}
}

func TestFreezeRulesValidate(t *testing.T) {
	if err := DefaultFreezeRules().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*FreezeRules){
		"hold":      func(r *FreezeRules) { r.StopPaymentHold = 0 },
		"months":    func(r *FreezeRules) { r.FreezeMonths = 0 },
		"renewals":  func(r *FreezeRules) { r.FreezeRenewals = -2 },
		"holiday":   func(r *FreezeRules) { r.Holidays = []string{"1 Oct"} },
		"type":      func(r *FreezeRules) { r.StopPaymentTypes = []string{"bakery"} },
		"window":    func(r *FreezeRules) { r.StopPaymentWindow = -time.Hour },
		"stop":      func(r *FreezeRules) { r.StopPaymentRenewals = -1 },
		"work days": func(r *FreezeRules) { r.ReturnWorkingDays = -1 },
	} {
		r := DefaultFreezeRules()
		change(&r)
		if err := r.Validate(); err == nil {
			t.Errorf("%s: bad rules accepted", name)
		}
	}
}

// holder is a traced holder of amount CNY since the given time.
func tracedHolder(value, inst, entityType, kind, amount, asset string, since time.Time) Holder {
	return Holder{Kind: kind, Value: value, Institution: inst, EntityType: entityType, Amount: amount, Asset: asset, Since: since, Freezable: inst != ""}
}

func TestDraft(t *testing.T) {
	rules := DefaultFreezeRules()
	recent, old := draftAt.Add(-2*time.Hour), draftAt.Add(-72*time.Hour)
	traces := []*Trace{
		{Payment: "p1", Policy: "fifo", Holders: []Holder{
			tracedHolder("6217000011112222", "CCB", "", "bank_account", "3000.00", "CNY", recent),
			tracedHolder("6217000033334444", "CCB", "", "bank_account", "1000.00", "CNY", old),
			tracedHolder("TXYZ", "Binance", Exchange, "tron", "500", "USDT", recent),
			tracedHolder("alipay-1", "Alipay", PaymentFirm, "bank_account", "200.00", "CNY", recent),
			tracedHolder("0xabc", "", "", "eth", "1.5", "ETH", recent), // nobody known holds it
		}},
		{Payment: "p2", Policy: "fifo", Holders: []Holder{
			tracedHolder("6217000011112222", "CCB", "", "bank_account", "500.00", "CNY", recent), // again: summed
			tracedHolder("TXYZ", "Tether (issuer)", "", "tron", "10", "USDT", recent),
		}},
		nil,
	}
	d := Draft{ReportID: "R-9", LossAmount: "5200.00", LossCurrency: "CNY", Traces: traces, Actor: officer, At: draftAt}
	rs, err := rules.Draft(d)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		var accts []string
		for _, a := range r.Accounts {
			accts = append(accts, a.Value+"="+a.Amount)
		}
		got = append(got, r.Institution+" "+string(r.Kind)+" "+r.Amount.String()+" "+r.Asset+" ["+strings.Join(accts, " ")+"] "+strings.Join(r.Payments, ","))
	}
	want := []string{
		"Alipay stop_payment 200 CNY [alipay-1=200.00] p1",
		"Binance freeze 500 USDT [TXYZ=500] p1", // exchanges get freezes
		// One account got money within the window: the stop covers both.
		"CCB stop_payment 4500 CNY [6217000011112222=3500.00 6217000033334444=1000.00] p1,p2",
		"Tether (issuer) freeze 10 USDT [TXYZ=10] p2", // a chain address is never a bank's
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("drafted\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	r := rs[2]
	if r.Status != StatusDraft || r.CaseRef != "R-9" || r.LegalBasis != rules.StopPaymentBasis || r.LossAmount != "5200.00" ||
		len(r.History) != 1 || r.History[0].Action != ActionDraft || r.DraftedBy != officer || r.Policy != "fifo" {
		t.Errorf("request %+v", r)
	}
	if rs[1].LegalBasis != rules.FreezeBasis {
		t.Errorf("freeze cites %q", rs[1].LegalBasis)
	}
	// Drafting again, even once the window has passed, gives the same ids.
	later := d
	later.At = draftAt.Add(30 * 24 * time.Hour)
	again, _ := rules.Draft(later)
	if again[2].ID != r.ID || again[2].Kind != Freeze || rs[2].ID == rs[3].ID || !strings.HasPrefix(r.ID, "FR-") || len(r.ID) != 15 {
		t.Errorf("ids %s %s %s, later kind %s", again[2].ID, rs[2].ID, rs[3].ID, again[2].Kind)
	}
	// Hold every layer: the unknown holder is included too.
	every := rules
	every.HoldEveryLayer = true
	d.CaseRef, d.LegalBasis = "case 2026-77", "my own basis"
	rs, _ = every.Draft(d)
	if len(rs) != 5 || rs[0].Institution != UnknownInstitution || rs[0].Kind != Freeze || rs[0].CaseRef != "case 2026-77" || rs[0].LegalBasis != "my own basis" {
		t.Errorf("every layer: %d requests, first %+v", len(rs), rs[0])
	}
	// Only officer draft, and only for a report.
	var se *StepError
	if _, err := rules.Draft(Draft{ReportID: "R-9", Actor: icbc, At: draftAt}); !errors.As(err, &se) || se.Kind != NotAllowed {
		t.Errorf("a bank drafted: %v", err)
	}
	if _, err := rules.Draft(Draft{Actor: officer, At: draftAt}); !errors.As(err, &se) || se.Kind != BadStep {
		t.Errorf("draft without a report: %v", err)
	}
	if rs, err := rules.Draft(Draft{ReportID: "R-0", Actor: officer, At: draftAt}); err != nil || len(rs) != 0 {
		t.Errorf("draft without traces: %v %v", rs, err)
	}
}

// TestDraftFromLedger drafts from a real trace: the victim's money sits at
// a bank account and an exchange.
func TestDraftFromLedger(t *testing.T) {
	b := newBook(t)
	b.pay("p", "victim", "mule", "50000", "CNY", Bank, 0, "ICBC")
	b.pay("x1", "mule", "layer2", "30000", "CNY", Bank, 10, "CCB")
	b.pay("x2", "mule", "payfirm", "20000", "CNY", Bank, 20, "")
	b.attribute("payfirm", Bank, "Alipay", PaymentFirm)
	tr, err := b.l.Trace("p", TraceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := DefaultFreezeRules().Draft(Draft{ReportID: "R-1", Traces: []*Trace{tr}, Actor: officer, At: t0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Institution != "Alipay" || rs[1].Institution != "CCB" || rs[1].Amount.String() != "30000" ||
		rs[0].Kind != StopPayment || rs[1].Kind != StopPayment || len(tr.Institutions) != 2 {
		t.Fatalf("drafted %+v from institutions %+v", rs, tr.Institutions)
	}
	// A report's payments: found, found again, not in the ledger.
	victim, mule := b.acct("victim", Bank).Value(), b.acct("mule", Bank).Value()
	traces, missing := b.l.TraceReport([]ReportPayment{
		{Time: t0.Add(2 * time.Hour).Format(time.RFC3339), Amount: "50000.00", Rail: "bank", From: victim, To: mule},
		{Time: t0.Format(time.RFC3339), Amount: "50000", From: victim, To: mule},
		{Time: t0.Format(time.RFC3339), Amount: "7.00", From: victim, To: mule},
		{Amount: "1", From: victim, To: mule},
	}, TraceOptions{}, indicator.Options{})
	if len(traces) != 1 || traces[0].Payment != "p" || len(missing) != 3 || missing[0].Index != 1 ||
		!strings.Contains(missing[0].Why, "same transfer (p) as payment 0") || !strings.Contains(missing[1].Why, "no transfer of 7.00") ||
		!strings.Contains(missing[2].Why, "time") {
		t.Errorf("traced %d, missing %+v", len(traces), missing)
	}
	// A day later the window has passed: freezes.
	rs, _ = DefaultFreezeRules().Draft(Draft{ReportID: "R-1", Traces: []*Trace{tr}, Actor: officer, At: t0.Add(72 * time.Hour)})
	if rs[0].Kind != Freeze || rs[1].Kind != Freeze {
		t.Errorf("late draft kinds %s %s", rs[0].Kind, rs[1].Kind)
	}
}

func TestTally(t *testing.T) {
	rules := DefaultFreezeRules()
	mk := func(report, loss string, kind FreezeKind, asset, amount string, steps ...Step) FreezeRequest {
		r := draftRequest(kind)
		r.ID, r.ReportID, r.LossAmount, r.LossCurrency, r.Asset, r.Amount = report+string(kind)+asset, report, loss, "CNY", asset, freezeDec(amount)
		walkSteps(t, rules, &r, steps...)
		return r
	}
	send := Step{Action: ActionSend, Actor: officer}
	rs := []FreezeRequest{
		mk("R-1", "38000.00", StopPayment, "CNY", "20000", send, Step{Action: ActionStop, Amount: "15000.50", Actor: icbc}),
		mk("R-1", "38000.00", Freeze, "CNY", "10000", send, Step{Action: ActionFreeze, Amount: "9000", Actor: icbc}),
		mk("R-1", "38000.00", Freeze, "USDT", "700", send, Step{Action: ActionFreeze, Amount: "700", Actor: icbc}, Step{Action: ActionReturn, Amount: "650.5", Actor: icbc}),
		mk("R-2", "1000", Freeze, "CNY", "1000"),
		mk("R-2", "1000", Freeze, "ETH", "1", send, Step{Action: ActionRefuse, Note: "closed", Actor: icbc}),
		mk("R-3", "not a number", StopPayment, "CNY", "500", send, Step{Action: ActionStop, Amount: "500", Actor: icbc}),
	}
	now := rs[5].Expires.Add(time.Hour) // R-3's stop-payment has lapsed; R-1's, stopped earlier, too
	rs[0].Expires = now.Add(time.Hour)  // …but R-1's was renewed
	tl := NewTally(now)
	for _, r := range rs {
		tl.Add(r)
	}
	tl.AddReport("R-4", "250.00", "cny") // a report with no requests
	tl.AddReport("R-1", "99999", "CNY")  // counted once
	got := tl.Totals()
	want := FreezeTotals{
		Reports: 4, Requests: 6,
		ByStatus:     map[string]int{"stopped": 1, "frozen": 1, "returned": 1, "draft": 1, "refused": 1, "expired": 1},
		ReportedLoss: map[string]string{"CNY": "39250.00"},
		Requested:    map[string]string{"CNY": "31500.00", "USDT": "700", "ETH": "1"},
		Stopped:      map[string]string{"CNY": "15000.50"},
		Frozen:       map[string]string{"CNY": "9000.00"},
		Returned:     map[string]string{"USDT": "650.5"},
		Expired:      map[string]string{"CNY": "500.00"},
	}
	if freezeJSON(got) != freezeJSON(want) {
		t.Errorf("totals\n%s\nwant\n%s", freezeJSON(got), freezeJSON(want))
	}
	if empty := NewTally(now).Totals(); empty.Reports != 0 || empty.Stopped == nil || len(empty.Stopped) != 0 {
		t.Errorf("empty totals %+v", empty)
	}
}

func TestParseFreezeStatus(t *testing.T) {
	for _, s := range FreezeStatuses {
		if got, err := ParseFreezeStatus(string(s)); err != nil || got != s {
			t.Errorf("%s: %v", s, err)
		}
	}
	if _, err := ParseFreezeStatus("pending"); err == nil || !strings.Contains(err.Error(), "return_ordered") {
		t.Errorf("unknown status: %v", err)
	}
}

func freezeJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
