package web

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/screen"
	"github.com/fanzha/fanzha/store"
	"github.com/fanzha/fanzha/telecom"
	"github.com/fanzha/fanzha/worker"
)

// Payment screening: a bank or payment firm asks, before a payment goes,
// whether it may; the node's one screen.Engine decides with the published
// scenario, every decision is stored with its figures, and a hold or a
// block on a payee the registry knew nothing of becomes the asker's signal
// — the decision is what the bank knows, and the next bank should too.

// Bounds of the screening endpoint.
const (
	MaxScreenBatch = 10_000
	maxScreenBody  = 32 << 20 // 10,000 payments of a few hundred bytes each, with room
	// screenSignalTTL is how long a signal raised by a decision counts: a
	// model's suspicion, not a victim's report, so it fades unless someone
	// confirms it.
	screenSignalTTL = 90 * 24 * time.Hour
)

// Screening is the node's payment screening: one engine, so that every
// payment screened here feeds the velocity the next one is judged on, and
// the registry adapter whose viewer is the organisation asking.
type Screening struct {
	mu     sync.Mutex // held across setting the viewer and deciding
	engine *screen.Engine
	risk   *screen.RegistryRisk
	writes chan decisionWrite // to the group-commit writer; started on first use
	once   sync.Once
}

// decisionWrite is one request's decisions waiting to be stored.
type decisionWrite struct {
	rows []store.ScreenDecision
	done chan error
}

// maxGroup bounds the decisions one commit takes.
const maxGroup = 20_000

// store writes the decisions of many concurrent requests in one
// transaction and answers each when that transaction is durable: a commit
// costs a disk sync whether it holds one decision or thousands, so a bank
// sending payments one at a time on many connections is not held to one
// sync per payment. Each caller still returns only once its own decisions
// are stored.
func (sc *Screening) store(ctx context.Context, st store.ScreenDecisions, rows []store.ScreenDecision) error {
	sc.once.Do(func() {
		sc.writes = make(chan decisionWrite, 1024)
		go sc.writer(st)
	})
	w := decisionWrite{rows: rows, done: make(chan error, 1)}
	select {
	case sc.writes <- w:
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-w.done // the writer always answers: the decisions were taken
}

func (sc *Screening) writer(st store.ScreenDecisions) {
	for w := range sc.writes {
		group := []decisionWrite{w}
		rows := append([]store.ScreenDecision(nil), w.rows...)
	more:
		for len(rows) < maxGroup {
			select {
			case x := <-sc.writes:
				group = append(group, x)
				rows = append(rows, x.rows...)
			default:
				break more
			}
		}
		// Not the request's context: a request that gave up must not
		// fail the others' commit.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := st.AddScreenDecisions(ctx, rows)
		cancel()
		for _, g := range group {
			g.done <- err
		}
	}
}

// NewScreening builds the engine with the published default scenario and
// the node's sources — the registry as each asker sees it, the telecom
// detectors' exposure when tel is not nil, the memo classifier — and warms
// its velocity with the stored ledger, in time order, so that the first
// payment after a restart is judged on the same history as the last one
// before it. It returns how many transfers it learned from.
func NewScreening(ctx context.Context, ledger store.Money, reg *registry.Registry, tel *worker.Telecom) (*Screening, int, error) {
	rs, err := screen.DefaultRuleSet()
	if err != nil {
		return nil, 0, err
	}
	// The newest rule set an analyst published, when there is one.
	if kept, ok := ledger.(store.ScreenRuleSets); ok {
		if pub, err := publishedRuleSet(ctx, kept, rs.Scenario); err != nil {
			return nil, 0, err
		} else if pub != nil {
			rs = pub
		}
	}
	risk := screen.NewRegistryRisk(reg)
	eng, err := screen.NewEngine(rs, nil, screen.Sources{Risk: risk, Exposure: screen.TelecomExposure(tel)})
	if err != nil {
		return nil, 0, fmt.Errorf("screening engine: %w", err)
	}
	var ts []money.Transfer
	if ledger != nil {
		if err := ledger.EachTransfer(ctx, func(t money.Transfer) error {
			ts = append(ts, t)
			return nil
		}); err != nil {
			return nil, 0, fmt.Errorf("warm screening velocity: %w", err)
		}
	}
	slices.SortStableFunc(ts, func(a, b money.Transfer) int { return a.Time.Compare(b.Time) })
	for _, t := range ts {
		eng.Record(t)
	}
	return &Screening{engine: eng, risk: risk}, len(ts), nil
}

// decideAll decides payments in order as p sees the registry.
func (sc *Screening) decideAll(p auth.Principal, pays []screen.Payment, out []screen.Decision, errs []error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.risk.As(p)
	for i := range pays {
		if errs[i] != nil {
			continue
		}
		out[i], errs[i] = sc.engine.Decide(pays[i])
	}
	sc.risk.As(registry.PublicViewer)
}

// screenResult is the answer for one payment.
type screenResult struct {
	PaymentID  string         `json:"payment_id,omitempty"`
	DecisionID string         `json:"decision_id,omitempty"`
	Decision   string         `json:"decision,omitempty"`
	Score      int            `json:"score"`
	Typology   string         `json:"typology,omitempty"`
	Rules      []screen.Fired `json:"rules"`
	Scenario   string         `json:"scenario,omitempty"`
	Version    int            `json:"version,omitempty"`
	Signal     string         `json:"signal,omitempty"`  // the signal this decision raised
	Warning    string         `json:"warning,omitempty"` // the early warning it raised for the payer
	Repeat     bool           `json:"repeat,omitempty"`  // decided before: this is that decision
	Error      *Error         `json:"error,omitempty"`
}

// MarshalJSON writes a rejected payment as its id and error alone.
func (r screenResult) MarshalJSON() ([]byte, error) {
	if r.Error != nil {
		return json.Marshal(struct {
			PaymentID string `json:"payment_id,omitempty"`
			Error     *Error `json:"error"`
		}{r.PaymentID, r.Error})
	}
	type plain screenResult
	return json.Marshal(plain(r))
}

// featureMap names each feature as the rules do (payee_pass_through, not
// PayeePassThrough), so that a stored decision reads like its rules.
func featureMap(f *screen.Features) map[string]any {
	v := reflect.ValueOf(f).Elem()
	t := v.Type()
	m := make(map[string]any, t.NumField())
	for i := range t.NumField() {
		if name := t.Field(i).Tag.Get("expr"); name != "" {
			m[name] = v.Field(i).Interface()
		}
	}
	return m
}

// screenBatchAnswer is the answer to a batch.
type screenBatchAnswer struct {
	Count    int            `json:"count"`
	Decided  int            `json:"decided"`
	Rejected int            `json:"rejected"`
	Results  []screenResult `json:"results"`
}

// screenPayments answers POST /api/v1/screen: one payment (a JSON object
// with the FORMATS.md transfer fields and channel, device, payer_phone),
// a batch ({"payments": [...]}, or a JSON array) or NDJSON, up to
// MaxScreenBatch. A single payment answers its decision or a 400 naming
// the field; a batch answers every payment in order, a bad one with its
// error and the rest decided.
func (s *Server) screenPayments(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	sc := s.screening
	if sc == nil {
		return errorf(CodeUnavailable, "", "payment screening is not running on this node")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxScreenBody)
	raws, single, ndjson, err := readScreenBody(r)
	if err != nil {
		return err
	}
	n := len(raws)
	pays := make([]screen.Payment, n)
	errs := make([]error, n)
	for i, raw := range raws {
		pays[i], errs[i] = s.parsePayment(raw, i+1)
	}
	if single && errs[0] != nil {
		return errs[0]
	}
	// A payment this organisation had decided already — a retry after a
	// timeout, or the same payment twice in a batch — gets that decision
	// back: deciding it again would count it twice in the velocity and
	// could answer differently.
	prior := make([]*store.ScreenDecision, n)
	first := map[string]int{}
	ids := make([]string, n) // each payment's decision id
	var asked []string
	for i := range pays {
		if errs[i] == nil {
			ids[i] = decisionID(p.Org.ID, pays[i].ID)
			asked = append(asked, ids[i])
		}
	}
	decided, err := s.store.ScreenDecided(r.Context(), asked)
	if err != nil {
		return err
	}
	for i := range pays {
		if errs[i] != nil {
			continue
		}
		id := ids[i]
		if _, ok := first[id]; ok {
			prior[i], errs[i] = &store.ScreenDecision{ID: id}, errDecided // answered from the first below
			continue
		}
		first[id] = i
		if decided[id] {
			old, err := s.store.ScreenDecision(r.Context(), id)
			if err != nil {
				return err
			}
			prior[i], errs[i] = &old, errDecided
		}
	}
	decs := make([]screen.Decision, n)
	sc.decideAll(p, pays, decs, errs)

	now := s.now()
	results := make([]screenResult, n)
	rows := make([]store.ScreenDecision, 0, n)
	var (
		sigs     []registry.Signal
		warns    []telecom.Issued
		flagged  = map[indicator.Indicator]bool{} // payees this request already raised or found flagged
		counts   = map[string]int{}
		stopped  []string
		rejected int
	)
	for i := range n {
		res := &results[i]
		res.PaymentID = pays[i].ID
		if errs[i] == errDecided {
			if old := prior[i]; old.Decision != "" {
				*res = storedResult(old)
			} else {
				*res = results[first[old.ID]] // the same payment earlier in this batch
			}
			res.Repeat = true
			counts[res.Decision]++
			continue
		}
		if errs[i] != nil {
			rejected++
			res.Error = asError(errs[i])
			if res.PaymentID == "" {
				res.PaymentID = lineID(raws[i])
			}
			continue
		}
		d := &decs[i]
		id := ids[i]
		res.DecisionID, res.Decision, res.Score, res.Typology = id, d.Decision, d.Score, d.Typology
		res.Rules, res.Scenario, res.Version = orEmpty(d.Rules), d.Scenario, d.Version
		counts[d.Decision]++
		if d.Decision == screen.Hold || d.Decision == screen.Block {
			stopped = append(stopped, id+"="+pays[i].To.String())
			if sig, ok := s.newPayeeSignal(p, &pays[i], d, id, now, flagged); ok {
				sigs = append(sigs, sig)
				res.Signal = sig.ID
			}
			if w, ok := payerWarning(p, &pays[i], d, now); ok {
				warns = append(warns, w)
				res.Warning = w.ID
			}
		}
		detail, err := json.Marshal(struct {
			Signals map[string]any         `json:"signals"`
			Skipped []string               `json:"skipped,omitempty"`
			Shadow  *screen.ShadowDecision `json:"shadow,omitempty"`
		}{featureMap(&d.Signals), d.Skipped, d.Shadow})
		if err != nil {
			return fmt.Errorf("screen decision %s: %w", id, err)
		}
		rules := make([]store.ScreenRule, len(d.Rules))
		for j, f := range d.Rules {
			rules[j] = store.ScreenRule{Name: f.Name, Typology: f.Typology, Weight: f.Weight, Reason: f.Reason}
		}
		rows = append(rows, store.ScreenDecision{
			ID: id, OrgID: p.Org.ID, OrgName: p.Org.Name, Decided: now, Payment: pays[i].Transfer,
			Channel: pays[i].Channel, Device: pays[i].Device, PayerPhone: pays[i].PayerPhone,
			Decision: d.Decision, Score: d.Score, Typology: d.Typology, Scenario: d.Scenario, Version: d.Version,
			Rules: rules, Detail: detail, SignalID: res.Signal,
		})
	}
	// The decisions are stored, and their signals, before the answer: a
	// bank told "block" must be able to show why, later, to anyone.
	if err := sc.store(r.Context(), s.store, rows); err != nil {
		return err
	}
	if len(sigs) > 0 {
		if _, err := s.registry.Submit(r.Context(), sigs, nil); err != nil {
			return err
		}
	}
	if len(warns) > 0 {
		// The payer is being scammed now: the police station answering
		// for their phone's region gets the warning, as for a call.
		orgs, err := s.store.ListOrgs(r.Context())
		if err != nil {
			return err
		}
		for i := range warns {
			warns[i].OrgID = worker.RouteTo(orgs, warns[i].Region)
		}
		if _, err := s.store.AddWarnings(r.Context(), warns); err != nil {
			return err
		}
	}
	target := "batch:" + strconv.Itoa(n)
	if single {
		target = "payment:" + pays[0].ID
	}
	detail := fmt.Sprintf("decided %d (allow %d, review %d, hold %d, block %d), rejected %d, signals %d",
		len(rows), counts[screen.Allow], counts[screen.Review], counts[screen.Hold], counts[screen.Block], rejected, len(sigs))
	if len(stopped) > 0 {
		detail += "; stopped: " + truncate(strings.Join(stopped, " "), 60_000)
	}
	if err := s.recordSync(r, s.entry(p, "screen", target, detail)); err != nil {
		return err
	}

	switch {
	case single:
		writeJSON(w, http.StatusOK, results[0])
	case ndjson:
		w.Header().Set("Content-Type", "application/x-ndjson")
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		for i := range results {
			if err := enc.Encode(&results[i]); err != nil {
				return err
			}
		}
		w.Write(buf.Bytes()) // an error means the client went away
	default:
		status := http.StatusOK
		if rejected == n {
			status = http.StatusBadRequest
		}
		writeJSON(w, status, screenBatchAnswer{Count: n, Decided: n - rejected, Rejected: rejected, Results: results})
	}
	return nil
}

// newPayeeSignal makes the finance-sector signal a hold or a block raises
// when the registry does not already flag the payee as the asker sees it:
// the decision then says something new. Within one request a payee is
// raised once.
func (s *Server) newPayeeSignal(p auth.Principal, pay *screen.Payment, d *screen.Decision, id string, now time.Time, seen map[indicator.Indicator]bool) (registry.Signal, bool) {
	if seen[pay.To] {
		return registry.Signal{}, false
	}
	seen[pay.To] = true
	if sum, known := s.registry.Lookup(pay.To, p); known && sum.Signals > 0 {
		return registry.Signal{}, false
	}
	typ := d.Typology
	if !slices.Contains(registry.Typologies, typ) {
		typ = "other"
	}
	return registry.Signal{
		ID: "screen:" + id, Indicator: pay.To, OrgID: p.Org.ID, Sector: auth.Finance,
		Source: "screen:" + d.Scenario + "/v" + strconv.Itoa(d.Version), Typology: typ,
		Confidence: float64(d.Score) / 100, TLP: auth.TLPGreen, Evidence: id,
		FirstSeen: pay.Time.UTC(), LastSeen: pay.Time.UTC(), Expires: now.Add(screenSignalTTL),
	}, true
}

// getScreenDecision answers GET /api/v1/screen/decisions/{id}: the stored
// decision with the figures it rested on. A finance organisation reads
// only its own decisions (another's are "not found", which reveals
// nothing); police and judicial read any.
func (s *Server) getScreenDecision(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	id := r.PathValue("id")
	d, err := s.store.ScreenDecision(r.Context(), id)
	if err != nil && !isNotFound(err) {
		return err
	}
	if err == nil && p.Org.Sector == auth.Finance && d.OrgID != p.Org.ID {
		_ = s.record(r, s.entry(p, "denied:screen.read", "screen:"+id, "another organisation's decision"))
		return errorf(CodeNotFound, "id", "no screening decision "+strconv.Quote(id))
	}
	if err != nil {
		if err := s.record(r, s.entry(p, "screen.read", "screen:"+id, "not found")); err != nil {
			return err
		}
		return errorf(CodeNotFound, "id", "no screening decision "+strconv.Quote(id))
	}
	if err := s.record(r, s.entry(p, "screen.read", "screen:"+id, d.Decision+" "+strconv.Itoa(d.Score)+" by "+d.OrgName)); err != nil {
		return err
	}
	pay := d.Payment
	payment := map[string]any{
		"id": pay.ID, "time": pay.Time.Format(time.RFC3339), "rail": pay.Rail.String(), "asset": pay.Asset,
		"amount": pay.Amount.StringFixed(uint8(pay.Amount.Prec())), "from": pay.From.Value(), "to": pay.To.Value(),
		"from_institution": pay.FromInstitution, "to_institution": pay.ToInstitution, "memo": pay.Memo,
		"channel": d.Channel,
	}
	if !d.Device.IsZero() {
		payment["device"] = d.Device.Value()
	}
	if !d.PayerPhone.IsZero() {
		payment["payer_phone"] = d.PayerPhone.Value()
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"decision_id": d.ID, "organisation": d.OrgName, "decided": d.Decided.Format(time.RFC3339Nano),
		"payment": payment, "decision": d.Decision, "score": d.Score, "typology": d.Typology,
		"scenario": d.Scenario, "version": d.Version, "rules": orEmpty(d.Rules),
		"detail": d.Detail, "signal": d.SignalID,
	})
	return nil
}

// newDecisionID is SD- and 16 random hex digits: not guessable, so that a
// decision id in a signal's evidence says nothing to those who may not read
// the decision.
// decisionID names the decision on one organisation's payment: the same
// payment sent again maps to the same decision.
func decisionID(org int64, paymentID string) string {
	h := sha256.Sum256([]byte(strconv.FormatInt(org, 10) + "\x00" + paymentID))
	return "SD-" + hex.EncodeToString(h[:10])
}

// errDecided marks a payment decided before; it is answered, not rejected.
var errDecided = errors.New("decided before")

// storedResult answers a payment from its stored decision.
func storedResult(d *store.ScreenDecision) screenResult {
	rules := make([]screen.Fired, len(d.Rules))
	for i, r := range d.Rules {
		rules[i] = screen.Fired{Name: r.Name, Typology: r.Typology, Weight: r.Weight, Reason: r.Reason}
	}
	return screenResult{PaymentID: d.Payment.ID, DecisionID: d.ID, Decision: d.Decision, Score: d.Score, Typology: d.Typology,
		Rules: rules, Scenario: d.Scenario, Version: d.Version, Signal: d.SignalID}
}

// asError gives an item's error the API's shape.
func asError(err error) *Error {
	if e := classify(err); e != nil {
		return e
	}
	return errorf(CodeInvalid, "", err.Error())
}

// lineID reads a rejected payment's id, if it has one, for its answer.
func lineID(raw json.RawMessage) string {
	var x struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(raw, &x) == nil {
		if s, ok := x.ID.(string); ok && len(s) <= 256 {
			return s
		}
	}
	return ""
}

// readScreenBody splits the body into payment objects: NDJSON by its
// Content-Type, else JSON — one object, {"payments": [...]}, or an array.
func readScreenBody(r *http.Request) (raws []json.RawMessage, single, ndjson bool, err error) {
	ct := r.Header.Get("Content-Type")
	tooMany := errorf(CodeTooLarge, "payments", "screen at most "+strconv.Itoa(MaxScreenBatch)+" payments a request")
	if strings.Contains(ct, "ndjson") || strings.Contains(ct, "jsonl") {
		sc := bufio.NewScanner(r.Body)
		sc.Buffer(make([]byte, 64<<10), records.MaxLine)
		for sc.Scan() {
			line := bytes.TrimSpace(sc.Bytes())
			if len(line) == 0 {
				continue
			}
			if len(raws) == MaxScreenBatch {
				return nil, false, false, tooMany
			}
			raws = append(raws, json.RawMessage(bytes.Clone(line)))
		}
		if err := sc.Err(); err != nil {
			return nil, false, false, bodyErr(err)
		}
		if len(raws) == 0 {
			return nil, false, false, errorf(CodeInvalid, "payments", "no payments to screen")
		}
		return raws, false, true, nil
	}
	if ct != "" && !strings.Contains(ct, "json") {
		return nil, false, false, errorf(CodeInvalid, "Content-Type", "send application/json or application/x-ndjson")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, false, false, bodyErr(err)
	}
	body = bytes.TrimSpace(body)
	switch {
	case len(body) == 0:
		return nil, false, false, errorf(CodeInvalid, "payments", "no payment to screen: send a JSON object, {\"payments\": [...]} or NDJSON")
	case body[0] == '[':
		if err := json.Unmarshal(body, &raws); err != nil {
			return nil, false, false, errorf(CodeInvalid, "payments", "want a JSON array of payment objects: "+err.Error())
		}
	case body[0] == '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return nil, false, false, errorf(CodeInvalid, "", "not a JSON object: "+err.Error())
		}
		batch, ok := obj["payments"]
		if !ok {
			return []json.RawMessage{body}, true, false, nil
		}
		if err := json.Unmarshal(batch, &raws); err != nil {
			return nil, false, false, errorf(CodeInvalid, "payments", "want a JSON array of payment objects: "+err.Error())
		}
	default:
		return nil, false, false, errorf(CodeInvalid, "", "want a JSON payment object, {\"payments\": [...]} or NDJSON")
	}
	if len(raws) > MaxScreenBatch {
		return nil, false, false, tooMany
	}
	if len(raws) == 0 {
		return nil, false, false, errorf(CodeInvalid, "payments", "no payments to screen")
	}
	return raws, false, false, nil
}

// maxChannelLen bounds the free-text channel.
const maxChannelLen = 32

// parsePayment reads one payment: the transfer fields as money parses an
// uploaded transfer, then the session fields. Errors name the field, and
// in a batch the payment's position.
func (s *Server) parsePayment(raw json.RawMessage, n int) (screen.Payment, error) {
	row, err := records.ObjectRow(raw, n)
	if err != nil {
		return screen.Payment{}, errorf(CodeInvalid, "payments["+strconv.Itoa(n-1)+"]", err.Error())
	}
	t, le := money.ParseTransfer(row, s.opts.Parse)
	if le != nil {
		return screen.Payment{}, errorf(CodeInvalid, le.Field, le.Reason)
	}
	pay := screen.Payment{Transfer: t, Channel: strings.ToLower(row.Get("channel"))}
	if len(pay.Channel) > maxChannelLen {
		return screen.Payment{}, errorf(CodeInvalid, "channel", "longer than "+strconv.Itoa(maxChannelLen)+" bytes")
	}
	if v := row.Get("device"); v != "" {
		ind, err := s.opts.Parse.Detect(v)
		if err != nil {
			return screen.Payment{}, errorf(CodeInvalid, "device", "not an indicator fanzha knows (an IP address, app id, phone…): "+err.Error())
		}
		pay.Device = ind
	}
	if v := row.Get("payer_phone"); v != "" {
		ind, err := s.opts.Parse.Parse(indicator.Phone, v)
		if err != nil {
			return screen.Payment{}, errorf(CodeInvalid, "payer_phone", err.Error())
		}
		pay.PayerPhone = ind
	}
	return pay, nil
}

// payerWarning is the early warning a held or blocked payment raises for
// its payer, when the bank gave the payer's phone: someone paying a
// suspected mule is likely being scammed right now, and the police can
// call them before they try another bank. A block is graded high, a hold
// medium; the suspect is the payee's account.
func payerWarning(p auth.Principal, pay *screen.Payment, d *screen.Decision, now time.Time) (telecom.Issued, bool) {
	if pay.PayerPhone.IsZero() || pay.PayerPhone.Kind() != indicator.Phone {
		return telecom.Issued{}, false
	}
	grade := telecom.GradeMedium
	if d.Decision == screen.Block {
		grade = telecom.GradeHigh
	}
	w := telecom.Warning{Subscriber: pay.PayerPhone, Suspect: pay.To, FirstContact: pay.Time.UTC(), Score: d.Score, Grade: grade,
		Reason: fmt.Sprintf("%s %s a payment of %s %s to %s: %s", p.Org.Name, map[string]string{screen.Hold: "held", screen.Block: "blocked"}[d.Decision],
			pay.Amount.String(), pay.Asset, pay.To.Value(), d.Reasons())}
	return telecom.Issued{ID: telecom.IssuedID(w), Warning: w, Region: indicator.Area(pay.PayerPhone), Raised: now}, true
}

// maxBacktest bounds the stored payments one backtest replays.
const maxBacktest = 2_000_000

// backtestScreen answers POST /api/v1/screen/backtest: the body is a draft
// rule set (the JSON of screen/scenarios/default.json); it is run in
// shadow beside the published one over the stored payments, in time order
// and from empty velocity, and the answer says how its outcomes would
// differ — before an analyst publishes it. The registry is read as the
// caller sees it now (payments are not replayed against the registry of
// their day).
func (s *Server) backtestScreen(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	sc := s.screening
	if sc == nil {
		return errorf(CodeUnavailable, "", "payment screening is not running on this node")
	}
	draft, err := screen.ReadRuleSet(http.MaxBytesReader(w, r.Body, 4<<20))
	if err != nil {
		return errorf(CodeInvalid, "", err.Error())
	}
	risk := screen.NewRegistryRisk(s.registry)
	risk.As(p)
	live, _ := sc.engine.Rules()
	eng, err := screen.NewEngine(live, draft, screen.Sources{Risk: risk})
	if err != nil {
		return errorf(CodeInvalid, "", err.Error())
	}
	var ts []money.Transfer
	if err := s.store.EachTransfer(r.Context(), func(t money.Transfer) error {
		if len(ts) == maxBacktest {
			return errBacktestFull
		}
		ts = append(ts, t)
		return nil
	}); err != nil && err != errBacktestFull {
		return err
	}
	slices.SortStableFunc(ts, func(a, b money.Transfer) int { return a.Time.Compare(b.Time) })
	var bt screen.Backtest
	for _, t := range ts {
		if err := r.Context().Err(); err != nil {
			return err
		}
		d, err := eng.Decide(screen.Payment{Transfer: t})
		if err != nil {
			continue // a stored transfer the engine cannot take: counted out
		}
		bt.Add(d)
	}
	if err := s.record(r, s.entry(p, "screen.backtest", fmt.Sprintf("scenario:%s/%d", draft.Scenario, draft.Version),
		fmt.Sprintf("%d payments, %d outcomes changed", bt.Payments, bt.Changed))); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Scenario  string                    `json:"scenario"`
		Published int                       `json:"published_version"`
		Draft     int                       `json:"draft_version"`
		Payments  int                       `json:"payments"`
		Changed   int                       `json:"changed"`
		Moves     map[string]map[string]int `json:"moves"`
		Examples  []string                  `json:"examples"`
		Truncated bool                      `json:"truncated,omitempty"`
	}{draft.Scenario, live.Version, draft.Version, bt.Payments, bt.Changed, bt.Moves, bt.Examples, len(ts) == maxBacktest})
	return nil
}

var errBacktestFull = errors.New("backtest: enough payments")

// publishedRuleSet is a scenario's newest published rule set in the store,
// or nil.
func publishedRuleSet(ctx context.Context, st store.ScreenRuleSets, scenario string) (*screen.RuleSet, error) {
	all, err := st.ScreenRuleSets(ctx, scenario)
	if err != nil {
		return nil, err
	}
	for _, x := range all { // newest first
		if x.Status != screen.Published {
			continue
		}
		rs, err := screen.ReadRuleSet(bytes.NewReader(x.Body))
		if err != nil {
			return nil, fmt.Errorf("stored rule set %s %d: %w", x.Scenario, x.Version, err)
		}
		rs.Status = screen.Published
		return rs, nil
	}
	return nil, nil
}

// ruleSetView is a stored rule set as the API lists it.
type ruleSetView struct {
	Scenario  string          `json:"scenario"`
	Version   int             `json:"version"`
	Status    string          `json:"status"`
	OrgID     int64           `json:"org_id"`
	Created   time.Time       `json:"created"`
	Published *time.Time      `json:"published,omitempty"`
	Live      bool            `json:"live,omitempty"`   // this node decides with it
	Shadow    bool            `json:"shadow,omitempty"` // this node runs it in shadow
	Rules     json.RawMessage `json:"rule_set,omitempty"`
}

// listRuleSets answers GET /api/v1/screen/rules: the stored rule sets,
// newest version first, and which this node decides with or shadows.
func (s *Server) listRuleSets(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	sc := s.screening
	if sc == nil {
		return errorf(CodeUnavailable, "", "payment screening is not running on this node")
	}
	all, err := s.store.ScreenRuleSets(r.Context(), r.URL.Query().Get("scenario"))
	if err != nil {
		return err
	}
	live, shadow := sc.engine.Rules()
	views := []ruleSetView{}
	for _, x := range all {
		v := ruleSetView{Scenario: x.Scenario, Version: x.Version, Status: x.Status, OrgID: x.OrgID, Created: x.Created, Rules: x.Body}
		if !x.Published.IsZero() {
			v.Published = &x.Published
		}
		v.Live = live.Scenario == x.Scenario && live.Version == x.Version
		v.Shadow = shadow != nil && shadow.Scenario == x.Scenario && shadow.Version == x.Version
		views = append(views, v)
	}
	if err := s.record(r, s.entry(p, "screen.rules.read", "scenario:"+r.URL.Query().Get("scenario"), fmt.Sprintf("%d rule sets", len(views)))); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"live": map[string]any{"scenario": live.Scenario, "version": live.Version}, "rule_sets": views})
	return nil
}

// addRuleSet answers POST /api/v1/screen/rules[?shadow=true]: a draft rule
// set, checked (every expression compiles, every feature exists) and kept
// under a version higher than any of its scenario's; with shadow=true this
// node runs it in shadow beside the published set, so that its verdicts
// are stored with every decision, never acted on.
func (s *Server) addRuleSet(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	sc := s.screening
	if sc == nil {
		return errorf(CodeUnavailable, "", "payment screening is not running on this node")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<20))
	if err != nil {
		return errorf(CodeTooLarge, "", "a rule set is at most 4 MB")
	}
	draft, err := screen.ReadRuleSet(bytes.NewReader(body))
	if err != nil {
		return errorf(CodeInvalid, "", err.Error())
	}
	draft.Status = screen.Draft
	live, _ := sc.engine.Rules()
	if _, err := screen.NewEngine(live, draft, screen.Sources{}); err != nil {
		return errorf(CodeInvalid, "", err.Error())
	}
	kept, err := s.store.ScreenRuleSets(r.Context(), draft.Scenario)
	if err != nil {
		return err
	}
	top := 0
	if live.Scenario == draft.Scenario {
		top = live.Version
	}
	for _, x := range kept {
		top = max(top, x.Version)
	}
	if draft.Version <= top {
		return errorf(CodeConflict, "version", fmt.Sprintf("scenario %q has version %d already: a new rule set takes a higher version", draft.Scenario, top))
	}
	body, err = json.Marshal(draft)
	if err != nil {
		return err
	}
	if err := s.store.AddScreenRuleSet(r.Context(), store.ScreenRuleSet{Scenario: draft.Scenario, Version: draft.Version, Status: screen.Draft,
		Body: body, OrgID: p.Org.ID, Created: s.now()}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return errorf(CodeConflict, "version", "this version was stored meanwhile")
		}
		return err
	}
	shadow := r.URL.Query().Get("shadow") == "true"
	if shadow {
		if err := sc.engine.SetRules(live, draft); err != nil {
			return err
		}
	}
	if err := s.recordSync(r, s.entry(p, "screen.rules.add", fmt.Sprintf("scenario:%s/%d", draft.Scenario, draft.Version),
		fmt.Sprintf("%d rules, shadow %t", len(draft.Rules), shadow))); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"scenario": draft.Scenario, "version": draft.Version, "status": screen.Draft, "shadow": shadow})
	return nil
}

// publishRuleSet answers POST /api/v1/screen/rules/{scenario}/{version}/publish:
// a supervisor makes a stored draft the rule set this node decides with,
// without a release. Velocity learnt so far is kept.
func (s *Server) publishRuleSet(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	sc := s.screening
	if sc == nil {
		return errorf(CodeUnavailable, "", "payment screening is not running on this node")
	}
	if p.Role != auth.Supervisor && p.Role != auth.Admin {
		_ = s.record(r, s.entry(p, "denied:screen.rules.publish", r.URL.Path, "role "+string(p.Role)))
		return errorf(CodeForbidden, "", "only a supervisor or an admin publishes rule sets")
	}
	version, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || version < 1 {
		return errorf(CodeInvalid, "version", "want a version number")
	}
	x, err := s.store.PublishScreenRuleSet(r.Context(), r.PathValue("scenario"), version, s.now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errorf(CodeNotFound, "version", "no such rule set")
	case errors.Is(err, store.ErrConflict):
		return errorf(CodeConflict, "version", "this rule set is published already")
	case err != nil:
		return err
	}
	rs, err := screen.ReadRuleSet(bytes.NewReader(x.Body))
	if err != nil {
		return err
	}
	rs.Status = screen.Published
	if err := sc.engine.SetRules(rs, nil); err != nil {
		return err
	}
	if err := s.recordSync(r, s.entry(p, "screen.rules.publish", fmt.Sprintf("scenario:%s/%d", rs.Scenario, rs.Version), "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"scenario": rs.Scenario, "version": rs.Version, "status": screen.Published, "live": true})
	return nil
}

// shadowReport answers GET /api/v1/screen/shadow[?from=&to=]: how the draft
// running in shadow would have decided the caller's live payments in the
// window (the last 24 hours by default) — every published outcome against
// the draft's, from the verdicts stored with each decision.
func (s *Server) shadowReport(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	now := s.now()
	from, to := now.Add(-24*time.Hour), now.Add(time.Second)
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := r.URL.Query().Get(f.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return errorf(CodeInvalid, f.name, "not an RFC 3339 time like 2026-11-20T09:15:00+08:00")
			}
			*f.dst = t
		}
	}
	if !from.Before(to) {
		return errorf(CodeInvalid, "to", "the window ends before it starts")
	}
	var (
		decisions, shadowed, changed int
		versions                     = map[int]int{}
		moves                        = map[string]map[string]int{}
		examples                     []string
	)
	err := s.store.EachScreenDecision(r.Context(), p.Org.ID, from, to, func(id, decision string, _ int, detail []byte) error {
		decisions++
		var d struct {
			Shadow *screen.ShadowDecision `json:"shadow"`
		}
		if json.Unmarshal(detail, &d) != nil || d.Shadow == nil {
			return nil
		}
		shadowed++
		versions[d.Shadow.Version]++
		if moves[decision] == nil {
			moves[decision] = map[string]int{}
		}
		moves[decision][d.Shadow.Decision]++
		if d.Shadow.Decision != decision {
			changed++
			if len(examples) < 20 {
				examples = append(examples, fmt.Sprintf("%s: %s → %s (%d) [%s]", id, decision, d.Shadow.Decision, d.Shadow.Score, strings.Join(d.Shadow.Rules, ", ")))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.record(r, s.entry(p, "screen.shadow.read", r.URL.RawQuery, fmt.Sprintf("%d decisions, %d shadowed, %d changed", decisions, shadowed, changed))); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from.UTC(), "to": to.UTC(), "decisions": decisions, "shadowed": shadowed,
		"changed": changed, "draft_versions": versions, "moves": moves, "examples": orEmpty(examples)})
	return nil
}
