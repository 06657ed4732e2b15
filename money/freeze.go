package money

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/quagmt/udecimal"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
)

// This file holds the rules of the stop-payment and freeze workflow: which
// request a traced holder gets, who may move a request on and to where,
// how long a hold lasts, how often it may be renewed, and the totals the
// work adds up to. The store keeps the requests; the web API and the CLI
// drive them through FreezeRules.Apply, so every rule lives here once.
//
// A request goes
//
//	draft ──send──▶ sent ──acknowledge──▶ acknowledged
//	                 │                        │
//	                 ├── stop (stop_payment) ─┼──▶ stopped ──freeze──▶ frozen
//	                 ├── freeze (freeze) ─────┼──▶ frozen
//	                 ├── refuse ──────────────┼──▶ refused        (final)
//	                 └── gone ────────────────┴──▶ gone           (final)
//	stopped, frozen ──renew──▶ the same, later expiry (within the limits)
//	stopped, frozen ──order_return──▶ return_ordered ──return──▶ returned (final)
//	stopped, frozen ──return──▶ returned
//
// Police draft, send, renew and order returns; the finance side
// acknowledges, stops, freezes, refuses, reports funds gone and returns.
// On the finance side a request is answered by the institution's own
// organisation when one is registered in fanzha under the institution's
// name (resolved when the request is drafted, InstitutionOrgID); when none
// is, any finance organisation may answer it in this first version, and
// the history says which one did. A stopped or frozen request past its
// expiry shows as expired: the hold lapsed, and nothing but a new request
// can hold the money again.

// FreezeKind is what a request asks an institution to do.
type FreezeKind string

const (
	// StopPayment (紧急止付) holds an account at once on the police's
	// request, for a short time while a freeze is decided.
	StopPayment FreezeKind = "stop_payment"
	// Freeze (冻结) holds the money under a formal decision, for months.
	Freeze FreezeKind = "freeze"
)

// FreezeStatus is where a request is in the workflow.
type FreezeStatus string

// The statuses. StatusExpired is never stored: it is what a stopped or
// frozen request shows once its expiry has passed (see StatusAt).
const (
	StatusDraft         FreezeStatus = "draft"
	StatusSent          FreezeStatus = "sent"
	StatusAcknowledged  FreezeStatus = "acknowledged"
	StatusStopped       FreezeStatus = "stopped"
	StatusFrozen        FreezeStatus = "frozen"
	StatusRefused       FreezeStatus = "refused"
	StatusGone          FreezeStatus = "gone"
	StatusReturnOrdered FreezeStatus = "return_ordered"
	StatusReturned      FreezeStatus = "returned"
	StatusExpired       FreezeStatus = "expired"
)

// FreezeStatuses lists every status a request can show, in workflow order.
var FreezeStatuses = []FreezeStatus{StatusDraft, StatusSent, StatusAcknowledged, StatusStopped, StatusFrozen,
	StatusRefused, StatusGone, StatusReturnOrdered, StatusReturned, StatusExpired}

// ParseFreezeStatus checks a status name, as a filter would give it.
func ParseFreezeStatus(s string) (FreezeStatus, error) {
	for _, st := range FreezeStatuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown status %q: want one of %s", s, joinStatuses(FreezeStatuses))
}

// FreezeAction is one step of the workflow.
type FreezeAction string

// The actions. ActionDraft only ever appears in a request's history, as
// its first row.
const (
	ActionDraft       FreezeAction = "draft"
	ActionSend        FreezeAction = "send"
	ActionAcknowledge FreezeAction = "acknowledge"
	ActionStop        FreezeAction = "stop"
	ActionFreeze      FreezeAction = "freeze"
	ActionRefuse      FreezeAction = "refuse"
	ActionGone        FreezeAction = "gone"
	ActionRenew       FreezeAction = "renew"
	ActionOrderReturn FreezeAction = "order_return"
	ActionReturn      FreezeAction = "return"
)

// freezeStep is one row of the transition table: who may take the action and
// from which statuses, and where it leads ("" = the status stays).
type freezeStep struct {
	action FreezeAction
	by     auth.Sector
	from   []FreezeStatus
	to     FreezeStatus
	amount string // "required", "optional" or "" (none allowed)
}

// freezeSteps is the whole transition table; FreezeRules.Apply adds the checks
// that depend on the request (its kind, its expiry, its amounts).
var freezeSteps = []freezeStep{
	{ActionSend, auth.Police, []FreezeStatus{StatusDraft}, StatusSent, ""},
	{ActionAcknowledge, auth.Finance, []FreezeStatus{StatusSent}, StatusAcknowledged, ""},
	{ActionStop, auth.Finance, []FreezeStatus{StatusSent, StatusAcknowledged}, StatusStopped, "required"},
	{ActionFreeze, auth.Finance, []FreezeStatus{StatusSent, StatusAcknowledged, StatusStopped}, StatusFrozen, "optional"},
	{ActionRefuse, auth.Finance, []FreezeStatus{StatusSent, StatusAcknowledged}, StatusRefused, ""},
	{ActionGone, auth.Finance, []FreezeStatus{StatusSent, StatusAcknowledged}, StatusGone, ""},
	{ActionRenew, auth.Police, []FreezeStatus{StatusStopped, StatusFrozen}, "", ""},
	{ActionOrderReturn, auth.Police, []FreezeStatus{StatusStopped, StatusFrozen}, StatusReturnOrdered, "optional"},
	{ActionReturn, auth.Finance, []FreezeStatus{StatusStopped, StatusFrozen, StatusReturnOrdered}, StatusReturned, "optional"},
}

// FreezeActions lists the actions a caller may take, in workflow order.
func FreezeActions() []FreezeAction {
	out := make([]FreezeAction, len(freezeSteps))
	for i, s := range freezeSteps {
		out[i] = s.action
	}
	return out
}

// Unlimited, as a number of renewals, means there is no limit.
const Unlimited = -1

// FreezeRules are the legal limits and choices of the workflow. They
// differ between countries and change with the law, so they are
// configuration, not code; DefaultFreezeRules gives China's.
type FreezeRules struct {
	// StopPaymentWindow: money that reached a bank or payment-firm account
	// at most this long before the request is drafted gets a stop-payment
	// (it may still be there); older money, and money at exchanges or with
	// token issuers, gets a freeze.
	StopPaymentWindow time.Duration
	// StopPaymentTypes are the entity types that take stop-payments. An
	// account no attribution names counts as a bank's when it is not a
	// blockchain address: the transfer named the bank that holds it.
	StopPaymentTypes []string
	// StopPaymentHold is how long a stop-payment holds; each renewal adds
	// as much again.
	StopPaymentHold time.Duration
	// StopPaymentRenewals is how many times a stop-payment may be renewed.
	StopPaymentRenewals int
	// FreezeMonths is how long a freeze lasts; each renewal adds as much again.
	FreezeMonths int
	// FreezeRenewals is how many times a freeze may be renewed; Unlimited
	// for no limit.
	FreezeRenewals int
	// ReturnWorkingDays is how many working days an institution has to
	// return money once its return is ordered.
	ReturnWorkingDays int
	// Holidays are dates ("2026-10-01") that are not working days.
	// Saturdays and Sundays never are.
	Holidays []string
	// Location is where days, months and working days are counted; nil is
	// China Standard Time.
	Location *time.Location
	// HoldEveryLayer drafts a request for every account holding the
	// victim's money, not only those an institution is known to hold: the
	// "hold every layer" practice of India's cyber-crime portal. Accounts
	// with no known institution are grouped under UnknownInstitution, for
	// the police to find out who holds them.
	HoldEveryLayer bool
	// StopPaymentBasis and FreezeBasis are the legal basis each request
	// cites; the case officer's own text can replace them when drafting.
	StopPaymentBasis string
	FreezeBasis      string
}

// UnknownInstitution names the group of accounts HoldEveryLayer adds
// whose institution nobody knows yet.
const UnknownInstitution = "(institution unknown)"

// chinaStandardTime is China Standard Time, without depending on a time zone
// database being installed.
var chinaStandardTime = time.FixedZone("CST", 8*3600)

// DefaultFreezeRules are China's: a stop-payment holds 48 hours and may be
// renewed once; a freeze lasts six months and may be renewed, six months
// at a time, without a set limit; money ordered returned is due within
// three working days. The legal-basis texts are defaults for the case
// officer to check against the current law.
func DefaultFreezeRules() FreezeRules {
	return FreezeRules{
		StopPaymentWindow:   48 * time.Hour,
		StopPaymentTypes:    []string{BankEntity, PaymentFirm},
		StopPaymentHold:     48 * time.Hour,
		StopPaymentRenewals: 1,
		FreezeMonths:        6,
		FreezeRenewals:      Unlimited,
		ReturnWorkingDays:   3,
		Location:            chinaStandardTime,
		StopPaymentBasis: "Anti-Telecom and Online Fraud Law of the PRC (反电信网络诈骗法), Art. 20: emergency stop-payment " +
			"of accounts involved in telecom and online fraud (紧急止付).",
		FreezeBasis: "Criminal Procedure Law of the PRC (刑事诉讼法), Art. 144: freezing of deposits and remittances; " +
			"Anti-Telecom and Online Fraud Law of the PRC (反电信网络诈骗法), Art. 20: quick freeze and return of funds (快速冻结、资金返还).",
	}
}

// Validate checks that the rules make sense, naming the first that does not.
func (rules FreezeRules) Validate() error {
	switch {
	case rules.StopPaymentWindow < 0:
		return fmt.Errorf("freeze rules: the stop-payment window %s is negative", rules.StopPaymentWindow)
	case rules.StopPaymentHold <= 0:
		return fmt.Errorf("freeze rules: a stop-payment must hold for some time, not %s", rules.StopPaymentHold)
	case rules.FreezeMonths <= 0:
		return fmt.Errorf("freeze rules: a freeze must last at least a month, not %d", rules.FreezeMonths)
	case rules.StopPaymentRenewals < 0:
		return fmt.Errorf("freeze rules: stop-payment renewals %d: want 0 or more", rules.StopPaymentRenewals)
	case rules.FreezeRenewals < Unlimited:
		return fmt.Errorf("freeze rules: freeze renewals %d: want 0 or more, or Unlimited (-1)", rules.FreezeRenewals)
	case rules.ReturnWorkingDays < 0:
		return fmt.Errorf("freeze rules: return working days %d: want 0 or more", rules.ReturnWorkingDays)
	}
	for _, d := range rules.Holidays {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return fmt.Errorf("freeze rules: holiday %q is not a date like 2026-10-01", d)
		}
	}
	for _, t := range rules.StopPaymentTypes {
		if !validEntityType(t) {
			return fmt.Errorf("freeze rules: stop-payment entity type %q: want one of %s", t, strings.Join(EntityTypes, ", "))
		}
	}
	return nil
}

func (rules FreezeRules) loc() *time.Location {
	if rules.Location == nil {
		return chinaStandardTime
	}
	return rules.Location
}

// AddWorkingDays returns the time n working days after t: the same clock
// time on the n-th day after t's that is neither a weekend nor a holiday.
func (rules FreezeRules) AddWorkingDays(t time.Time, n int) time.Time {
	holiday := make(map[string]bool, len(rules.Holidays))
	for _, d := range rules.Holidays {
		holiday[d] = true
	}
	d := t.In(rules.loc())
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday || holiday[d.Format(time.DateOnly)] {
			continue
		}
		n--
	}
	return d.In(t.Location())
}

// holdUntil is when a hold of kind made (or last extended to) at t ends.
func (rules FreezeRules) holdUntil(kind FreezeKind, t time.Time) time.Time {
	if kind == StopPayment {
		return t.Add(rules.StopPaymentHold)
	}
	return t.In(rules.loc()).AddDate(0, rules.FreezeMonths, 0).In(t.Location())
}

// renewalsAllowed is how many times a hold of kind may be renewed.
func (rules FreezeRules) renewalsAllowed(kind FreezeKind) int {
	if kind == StopPayment {
		return rules.StopPaymentRenewals
	}
	return rules.FreezeRenewals
}

// Actor is who takes a step: the organisation, its sector, and the person
// or token acting for it.
type Actor struct {
	OrgID   int64       `json:"org_id"`
	OrgName string      `json:"organisation"`
	Sector  auth.Sector `json:"sector"`
	Name    string      `json:"by,omitempty"`
}

// FreezeEvent is one row of a request's history.
type FreezeEvent struct {
	Seq      int // 1 for the draft, then in order
	At       time.Time
	Action   FreezeAction
	From, To FreezeStatus     // From is "" for the draft
	Amount   udecimal.Decimal // zero when the step has none
	Note     string
	Actor    Actor
}

// FreezeRequest is one request to one institution for the accounts it
// holds with one report's money, in one asset.
type FreezeRequest struct {
	ID               string
	ReportID         string
	CaseRef          string
	Institution      string
	InstitutionOrgID int64 // the organisation answering for the institution; 0: any finance organisation
	Kind             FreezeKind
	Asset            string
	Amount           udecimal.Decimal // traced to the accounts: what the request asks to hold
	Accounts         []HeldAccount
	Payments         []string // the traced transfers that brought the money
	Policy           string   // the trace's allocation policy
	LegalBasis       string
	LossAmount       string // the report's reported loss, as the victim gave it; "" unknown
	LossCurrency     string

	Status    FreezeStatus     // as stored: StatusAt says whether it has expired
	Held      udecimal.Decimal // stopped or frozen
	ToReturn  udecimal.Decimal // ordered returned
	Returned  udecimal.Decimal
	Expires   time.Time // of the hold; zero until stopped or frozen
	ReturnDue time.Time // zero until a return is ordered
	Renewals  int
	Reason    string // why the institution refused, or what it said of funds gone
	DraftedBy Actor
	Created   time.Time
	Updated   time.Time
	History   []FreezeEvent // empty in lists, where only the request is read
}

// StatusAt is the request's status at now: a stopped or frozen request
// whose hold has ended is expired.
func (r *FreezeRequest) StatusAt(now time.Time) FreezeStatus {
	if (r.Status == StatusStopped || r.Status == StatusFrozen) && !r.Expires.IsZero() && !now.Before(r.Expires) {
		return StatusExpired
	}
	return r.Status
}

// StepError is why a step was refused. Its Kind says whose fault it is:
// the input (BadStep), the request's state (WrongState), or the actor
// (NotAllowed).
type StepError struct {
	Kind   StepErrorKind
	Field  string // for BadStep: which input
	Reason string
}

// StepErrorKind classifies a StepError.
type StepErrorKind int

const (
	BadStep    StepErrorKind = iota + 1 // the step itself is malformed: 400
	WrongState                          // not possible in the request's state: 409
	NotAllowed                          // not this actor's step to take: 403
)

func (e *StepError) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Reason
	}
	return e.Reason
}

func freezeBad(field, format string, args ...any) error {
	return &StepError{Kind: BadStep, Field: field, Reason: fmt.Sprintf(format, args...)}
}

func freezeWrongState(format string, args ...any) error {
	return &StepError{Kind: WrongState, Reason: fmt.Sprintf(format, args...)}
}

func freezeNotAllowed(format string, args ...any) error {
	return &StepError{Kind: NotAllowed, Reason: fmt.Sprintf(format, args...)}
}

// Step is what a caller asks to do to a request.
type Step struct {
	Action FreezeAction
	Amount string // a decimal in the request's asset; "" when none
	Note   string
	Actor  Actor
	At     time.Time
}

// maxFreezeNote bounds a history note.
const maxFreezeNote = 4000

// Apply takes one step on r, or refuses it with a *StepError saying why.
// On success r has its new status, amounts and expiry, and one more
// history row; on failure r is unchanged.
func (rules FreezeRules) Apply(r *FreezeRequest, s Step) error {
	var st *freezeStep
	for i := range freezeSteps {
		if freezeSteps[i].action == s.Action {
			st = &freezeSteps[i]
		}
	}
	if st == nil {
		return freezeBad("action", "unknown action %q: want one of %s", s.Action, joinActions(FreezeActions()))
	}
	if len(s.Note) > maxFreezeNote {
		return freezeBad("note", "longer than %d bytes", maxFreezeNote)
	}
	if s.At.IsZero() {
		return freezeBad("at", "the step has no time")
	}
	if s.Actor.Sector != st.by {
		return freezeNotAllowed("%s is a %s step; %s is %s", s.Action, st.by, actorName(s.Actor), s.Actor.Sector)
	}
	if st.by == auth.Finance && r.InstitutionOrgID != 0 && s.Actor.OrgID != r.InstitutionOrgID {
		return freezeNotAllowed("request %s is addressed to %s; only that organisation answers it", r.ID, r.Institution)
	}
	var amount udecimal.Decimal
	switch {
	case s.Amount == "" && st.amount == "required":
		return freezeBad("amount", "%s needs the amount held, in %s", s.Action, r.Asset)
	case s.Amount != "" && st.amount == "":
		return freezeBad("amount", "%s takes no amount", s.Action)
	case s.Amount != "":
		a, err := ParseAmount(s.Amount)
		if err != nil {
			return freezeBad("amount", "%v", err)
		}
		amount = a
	}

	now := r.StatusAt(s.At)
	if !slices.Contains(st.from, r.Status) {
		return freezeWrongState("request %s is %s; %s is possible only when it is %s", r.ID, now, s.Action, joinStatuses(st.from))
	}
	if now == StatusExpired {
		return freezeWrongState("request %s expired at %s: the hold lapsed; draft a new request to hold the money again",
			r.ID, r.Expires.Format(time.RFC3339))
	}

	next := *r
	next.Updated = s.At
	if st.to != "" {
		next.Status = st.to
	}
	switch s.Action {
	case ActionStop:
		if r.Kind != StopPayment {
			return freezeWrongState("request %s asks for a freeze, not a stop-payment: answer it with freeze", r.ID)
		}
		if exceeds(amount, r.Amount, r.Asset) {
			return freezeBad("amount", "%s is more than the %s %s the request asks to hold", amount, formatAmount(r.Amount, r.Asset), r.Asset)
		}
		next.Held = amount
		next.Expires = rules.holdUntil(StopPayment, s.At)
	case ActionFreeze:
		switch {
		case r.Status == StatusStopped:
			// The stop-payment becomes a freeze: the police decided to
			// freeze what the institution stopped. The hold starts again.
			if amount.IsZero() {
				amount = r.Held
			}
			if exceeds(amount, r.Held, r.Asset) {
				return freezeBad("amount", "%s is more than the %s stopped", amount, formatAmount(r.Held, r.Asset))
			}
			next.Kind, next.Renewals = Freeze, 0
			if r.LegalBasis == rules.StopPaymentBasis {
				next.LegalBasis = rules.FreezeBasis
			}
		case r.Kind != Freeze:
			return freezeWrongState("request %s asks for a stop-payment: answer it with stop; it can be frozen once stopped", r.ID)
		case amount.IsZero():
			return freezeBad("amount", "freeze needs the amount frozen, in %s", r.Asset)
		case exceeds(amount, r.Amount, r.Asset):
			return freezeBad("amount", "%s is more than the %s %s the request asks to hold", amount, formatAmount(r.Amount, r.Asset), r.Asset)
		}
		next.Held = amount
		next.Expires = rules.holdUntil(Freeze, s.At)
	case ActionRefuse:
		if strings.TrimSpace(s.Note) == "" {
			return freezeBad("note", "say why the request is refused")
		}
		next.Reason = s.Note
	case ActionGone:
		next.Reason = s.Note
	case ActionRenew:
		allowed := rules.renewalsAllowed(r.Kind)
		if allowed != Unlimited && r.Renewals >= allowed {
			return freezeWrongState("request %s: a %s may be renewed %s, and it has been", r.ID, r.Kind, timesWord(allowed))
		}
		next.Renewals++
		next.Expires = rules.holdUntil(r.Kind, r.Expires)
	case ActionOrderReturn:
		if amount.IsZero() {
			amount = r.Held
		}
		if exceeds(amount, r.Held, r.Asset) {
			return freezeBad("amount", "%s is more than the %s held", amount, formatAmount(r.Held, r.Asset))
		}
		next.ToReturn = amount
		next.ReturnDue = rules.AddWorkingDays(s.At, rules.ReturnWorkingDays)
	case ActionReturn:
		limit, what := r.Held, "held"
		if r.Status == StatusReturnOrdered {
			limit, what = r.ToReturn, "ordered returned"
		}
		if amount.IsZero() {
			amount = limit
		}
		if exceeds(amount, limit, r.Asset) {
			return freezeBad("amount", "%s is more than the %s %s", amount, formatAmount(limit, r.Asset), what)
		}
		next.Returned = amount
	}
	next.History = append(append([]FreezeEvent(nil), r.History...), FreezeEvent{
		Seq: len(r.History) + 1, At: s.At, Action: s.Action, From: r.Status, To: next.Status,
		Amount: amount, Note: s.Note, Actor: s.Actor,
	})
	*r = next
	return nil
}

// exceeds reports whether amount is more than limit as the caller was
// shown it: a limit shown rounded up (crypto to 8 decimals) may be given
// back exactly as shown.
func exceeds(amount, limit udecimal.Decimal, asset string) bool {
	if !amount.GreaterThan(limit) {
		return false
	}
	shown, err := udecimal.Parse(formatAmount(limit, asset))
	return err != nil || amount.GreaterThan(shown)
}

func actorName(a Actor) string {
	if a.OrgName != "" {
		return a.OrgName
	}
	return "the caller"
}

func timesWord(n int) string {
	switch n {
	case 0:
		return "never"
	case 1:
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

func joinStatuses(ss []FreezeStatus) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, " or ")
}

func joinActions(as []FreezeAction) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a)
	}
	return strings.Join(out, ", ")
}

// MissingPayment is a reported payment the ledger does not have, and why.
type MissingPayment struct {
	Index  int    `json:"index"` // in the report's payments
	Amount string `json:"amount"`
	To     string `json:"to"`
	Why    string `json:"why"`
}

// TraceReport finds a victim report's payments in the ledger (Locate:
// payer, payee, amount, time within a day) and traces each. A payment not
// found, found twice, or not traceable is listed with why, never dropped.
func (l *Ledger) TraceReport(pays []ReportPayment, opts TraceOptions, iopts indicator.Options) ([]*Trace, []MissingPayment) {
	var (
		traces  []*Trace
		missing []MissingPayment
		seen    = map[string]int{}
	)
	for i, p := range pays {
		miss := MissingPayment{Index: i, Amount: p.Amount, To: p.To}
		t, err := l.Locate(p, iopts)
		if err != nil {
			miss.Why = err.Error()
			missing = append(missing, miss)
			continue
		}
		if j, dup := seen[t.ID]; dup {
			miss.Why = fmt.Sprintf("the same transfer (%s) as payment %d", t.ID, j)
			missing = append(missing, miss)
			continue
		}
		seen[t.ID] = i
		tr, err := l.Trace(t.ID, opts)
		if err != nil {
			miss.Why = err.Error()
			missing = append(missing, miss)
			continue
		}
		traces = append(traces, tr)
	}
	return traces, missing
}

// Draft is what requests are drafted from: one victim report and the
// traces of its payments.
type Draft struct {
	ReportID     string
	CaseRef      string // "" = the report id
	LegalBasis   string // "" = the rules' text for the kind
	LossAmount   string // the report's reported loss
	LossCurrency string
	Traces       []*Trace
	Actor        Actor
	At           time.Time
}

// Draft turns the traces of a report's payments into requests, one per
// institution and asset: the accounts it holds with the victim's money (an
// account reached by several payments counts once, with their sum), the
// amount, the case reference and the legal basis. The request is a
// stop-payment when the money reached one of the institution's bank or
// payment-firm accounts within the stop-payment window before d.At — the
// stop then holds all its accounts at once, and a freeze follows on the
// police's decision — and a freeze otherwise. Request ids follow from the
// report, institution and asset, so drafting again finds the requests
// already drafted, whatever the kind would be now, instead of making new
// ones.
func (rules FreezeRules) Draft(d Draft) ([]FreezeRequest, error) {
	switch {
	case strings.TrimSpace(d.ReportID) == "":
		return nil, freezeBad("report", "drafting needs the victim report's id")
	case d.Actor.Sector != auth.Police:
		return nil, freezeNotAllowed("the police draft stop-payment and freeze requests; %s is %s", actorName(d.Actor), d.Actor.Sector)
	case d.At.IsZero():
		return nil, freezeBad("at", "the draft has no time")
	}
	caseRef := d.CaseRef
	if caseRef == "" {
		caseRef = d.ReportID
	}
	type key struct{ inst, asset string }
	type acctKey struct{ kind, value string }
	type group struct {
		accounts map[acctKey]udecimal.Decimal
		payments []string
		policy   string
		kind     FreezeKind
	}
	groups := map[key]*group{}
	for _, tr := range d.Traces {
		if tr == nil {
			continue
		}
		for _, h := range tr.Holders {
			inst := h.Institution
			if inst == "" {
				if !rules.HoldEveryLayer {
					continue // nobody known to ask
				}
				inst = UnknownInstitution
			}
			amt, err := udecimal.Parse(h.Amount)
			if err != nil || !amt.IsPos() {
				continue // a trace never holds nothing; be safe all the same
			}
			k := key{inst, h.Asset}
			g := groups[k]
			if g == nil {
				g = &group{accounts: map[acctKey]udecimal.Decimal{}, policy: tr.Policy, kind: Freeze}
				groups[k] = g
			}
			if rules.kindFor(h, d.At) == StopPayment {
				g.kind = StopPayment
			}
			ak := acctKey{h.Kind, h.Value}
			g.accounts[ak] = g.accounts[ak].Add(amt)
			if !slices.Contains(g.payments, tr.Payment) {
				g.payments = append(g.payments, tr.Payment)
			}
		}
	}
	out := make([]FreezeRequest, 0, len(groups))
	for k, g := range groups {
		r := FreezeRequest{
			ID: FreezeRequestID(d.ReportID, k.inst, k.asset), ReportID: d.ReportID, CaseRef: caseRef,
			Institution: k.inst, Kind: g.kind, Asset: k.asset, Payments: g.payments, Policy: g.policy,
			LegalBasis: d.LegalBasis, LossAmount: d.LossAmount, LossCurrency: d.LossCurrency,
			Status: StatusDraft, DraftedBy: d.Actor, Created: d.At, Updated: d.At,
		}
		if r.LegalBasis == "" {
			r.LegalBasis = rules.FreezeBasis
			if g.kind == StopPayment {
				r.LegalBasis = rules.StopPaymentBasis
			}
		}
		for ak, amt := range g.accounts {
			r.Accounts = append(r.Accounts, HeldAccount{Kind: ak.kind, Value: ak.value, Amount: formatAmount(amt, k.asset), Asset: k.asset})
			r.Amount = r.Amount.Add(amt)
		}
		sort.Slice(r.Accounts, func(i, j int) bool { return r.Accounts[i].Value < r.Accounts[j].Value })
		sort.Strings(r.Payments)
		r.History = []FreezeEvent{{Seq: 1, At: d.At, Action: ActionDraft, To: StatusDraft, Amount: r.Amount,
			Note: fmt.Sprintf("%d accounts, traced with policy %s", len(r.Accounts), r.Policy), Actor: d.Actor}}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Institution != b.Institution {
			return a.Institution < b.Institution
		}
		return a.Asset < b.Asset
	})
	return out, nil
}

// FreezeRequestID is the id of the request to institution for report's
// money in asset: "FR-" and 12 hex digits of their hash. A request drafted
// after an earlier one lapsed takes its id and "-2", "-3"….
func FreezeRequestID(report, institution, asset string) string {
	h := sha256.Sum256([]byte(report + "\x00" + institution + "\x00" + asset))
	return "FR-" + strings.ToUpper(hex.EncodeToString(h[:6]))
}

// kindFor decides what a holder alone would have its institution asked.
func (rules FreezeRules) kindFor(h Holder, at time.Time) FreezeKind {
	eligible := slices.Contains(rules.StopPaymentTypes, h.EntityType)
	if h.EntityType == "" && h.Institution != "" && !isChainKind(h.Kind) {
		eligible = true // an account the transfer says a bank holds
	}
	if eligible && !h.Since.IsZero() && at.Sub(h.Since) <= rules.StopPaymentWindow {
		return StopPayment
	}
	return Freeze
}

// isChainKind reports whether an account kind is a blockchain address.
func isChainKind(kind string) bool {
	switch kind {
	case "btc", "eth", "tron", "crypto_other":
		return true
	}
	return false
}

// FreezeView is a request as the API and the CLI show it: amounts written
// for people, the status as of now, and what is left to do.
type FreezeView struct {
	ID           string        `json:"id"`
	Report       string        `json:"report"`
	Case         string        `json:"case"`
	Institution  string        `json:"institution"`
	Kind         FreezeKind    `json:"kind"`
	Status       FreezeStatus  `json:"status"`
	Asset        string        `json:"asset"`
	Amount       string        `json:"amount"`
	Accounts     []HeldAccount `json:"accounts"`
	Payments     []string      `json:"payments"`
	Policy       string        `json:"policy"`
	LegalBasis   string        `json:"legal_basis"`
	ReportedLoss *AssetAmount  `json:"reported_loss,omitempty"`
	Held         string        `json:"held,omitempty"`
	ToReturn     string        `json:"to_return,omitempty"`
	Returned     string        `json:"returned,omitempty"`
	Expires      time.Time     `json:"expires,omitzero"`
	Renewals     int           `json:"renewals"`
	RenewalsLeft *int          `json:"renewals_left,omitempty"` // absent when unlimited or not held
	ReturnDue    time.Time     `json:"return_due,omitzero"`
	Overdue      bool          `json:"return_overdue,omitempty"`
	Reason       string        `json:"reason,omitempty"`
	DraftedBy    string        `json:"drafted_by"`
	AnsweredBy   string        `json:"answered_by"` // who may take the finance freezeSteps
	Created      time.Time     `json:"created"`
	Updated      time.Time     `json:"updated"`
	History      []EventView   `json:"history,omitempty"`
}

// EventView is a history row as shown.
type EventView struct {
	Seq          int          `json:"seq"`
	At           time.Time    `json:"at"`
	Action       FreezeAction `json:"action"`
	From         FreezeStatus `json:"from,omitempty"`
	To           FreezeStatus `json:"to"`
	Amount       string       `json:"amount,omitempty"`
	Note         string       `json:"note,omitempty"`
	Organisation string       `json:"organisation"`
	Sector       auth.Sector  `json:"sector"`
	By           string       `json:"by,omitempty"`
}

// View shows r as of now under rules.
func (rules FreezeRules) View(r FreezeRequest, now time.Time) FreezeView {
	v := FreezeView{
		ID: r.ID, Report: r.ReportID, Case: r.CaseRef, Institution: r.Institution, Kind: r.Kind, Status: r.StatusAt(now),
		Asset: r.Asset, Amount: formatAmount(r.Amount, r.Asset), Accounts: r.Accounts, Payments: r.Payments,
		Policy: r.Policy, LegalBasis: r.LegalBasis, Held: amountOrEmpty(r.Held, r.Asset), ToReturn: amountOrEmpty(r.ToReturn, r.Asset),
		Returned: amountOrEmpty(r.Returned, r.Asset), Expires: r.Expires, Renewals: r.Renewals, ReturnDue: r.ReturnDue,
		Reason: r.Reason, DraftedBy: r.DraftedBy.OrgName, AnsweredBy: "any finance organisation",
		Created: r.Created, Updated: r.Updated,
	}
	if r.InstitutionOrgID != 0 {
		v.AnsweredBy = r.Institution
	}
	if r.LossAmount != "" {
		v.ReportedLoss = &AssetAmount{Asset: r.LossCurrency, Amount: r.LossAmount}
	}
	if v.Status == StatusStopped || v.Status == StatusFrozen {
		if allowed := rules.renewalsAllowed(r.Kind); allowed != Unlimited {
			left := max(0, allowed-r.Renewals)
			v.RenewalsLeft = &left
		}
	}
	v.Overdue = r.Status == StatusReturnOrdered && !r.ReturnDue.IsZero() && now.After(r.ReturnDue)
	for _, e := range r.History {
		v.History = append(v.History, EventView{Seq: e.Seq, At: e.At, Action: e.Action, From: e.From, To: e.To,
			Amount: amountOrEmpty(e.Amount, r.Asset), Note: e.Note, Organisation: e.Actor.OrgName, Sector: e.Actor.Sector, By: e.Actor.Name})
	}
	return v
}

func amountOrEmpty(d udecimal.Decimal, asset string) string {
	if d.IsZero() {
		return ""
	}
	return formatAmount(d, asset)
}

// FreezeTotals are the figures of the recovery work, each by asset: what
// the victims reported lost, what the requests asked to hold, and what is
// stopped, frozen, returned, or was held until its hold expired.
type FreezeTotals struct {
	Reports      int               `json:"reports"`
	Requests     int               `json:"requests"`
	ByStatus     map[string]int    `json:"by_status"`
	ReportedLoss map[string]string `json:"reported_loss"`
	Requested    map[string]string `json:"requested"`
	Stopped      map[string]string `json:"stopped"`
	Frozen       map[string]string `json:"frozen"` // frozen, and ordered returned but not yet returned
	Returned     map[string]string `json:"returned"`
	Expired      map[string]string `json:"expired"`
}

// Tally adds requests up into FreezeTotals, one at a time, so that the
// store can stream them. The zero Tally is ready to use; reports are
// counted once however many requests they have.
type Tally struct {
	now      time.Time
	reports  map[string]bool
	requests int
	byStatus map[string]int
	sums     map[string]map[string]udecimal.Decimal // figure → asset → sum
}

// NewTally starts a tally of requests as of now.
func NewTally(now time.Time) *Tally {
	return &Tally{now: now, reports: map[string]bool{}, byStatus: map[string]int{}, sums: map[string]map[string]udecimal.Decimal{}}
}

func (t *Tally) add(figure, asset string, d udecimal.Decimal) {
	if d.IsZero() {
		return
	}
	m := t.sums[figure]
	if m == nil {
		m = map[string]udecimal.Decimal{}
		t.sums[figure] = m
	}
	m[asset] = m[asset].Add(d)
}

// AddReport counts a report and its reported loss, once per id; a loss
// that is not a decimal is left out of the sum (the report still counts).
func (t *Tally) AddReport(id, lossAmount, lossCurrency string) {
	if t.reports[id] {
		return
	}
	t.reports[id] = true
	if d, err := udecimal.Parse(lossAmount); err == nil && d.IsPos() {
		t.add("loss", strings.ToUpper(lossCurrency), d)
	}
}

// Add counts one request, and its report.
func (t *Tally) Add(r FreezeRequest) {
	t.AddReport(r.ReportID, r.LossAmount, r.LossCurrency)
	t.requests++
	st := r.StatusAt(t.now)
	t.byStatus[string(st)]++
	t.add("requested", r.Asset, r.Amount)
	switch st {
	case StatusStopped:
		t.add("stopped", r.Asset, r.Held)
	case StatusFrozen, StatusReturnOrdered:
		t.add("frozen", r.Asset, r.Held)
	case StatusExpired:
		t.add("expired", r.Asset, r.Held)
	case StatusReturned:
		t.add("returned", r.Asset, r.Returned)
	}
}

// Totals are the figures so far.
func (t *Tally) Totals() FreezeTotals {
	fig := func(name string) map[string]string {
		out := map[string]string{}
		for asset, d := range t.sums[name] {
			out[asset] = formatAmount(d, asset)
		}
		return out
	}
	by := make(map[string]int, len(t.byStatus))
	for k, v := range t.byStatus {
		by[k] = v
	}
	return FreezeTotals{Reports: len(t.reports), Requests: t.requests, ByStatus: by,
		ReportedLoss: fig("loss"), Requested: fig("requested"), Stopped: fig("stopped"), Frozen: fig("frozen"),
		Returned: fig("returned"), Expired: fig("expired")}
}
