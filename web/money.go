package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/store"
)

// The money endpoints: transfers and attributions in, traces out, and the
// stop-payment and freeze requests drafted from them and moved on by the
// police and the banks. The ledger lives twice — in the store (the source
// of truth) and in memory, where traces run — and every ingest writes the
// store first, so nothing acknowledged is lost when the server restarts
// (store.LoadLedger rebuilds the memory).

// moneyState is what the money endpoints share.
type moneyState struct {
	ledger *money.Ledger // nil: the ledger is not loaded on this node
	rules  money.FreezeRules
	// mu makes each batch reach the store and the ledger in the same
	// order, so a ledger rebuilt from the store is the ledger that served.
	mu sync.Mutex
}

func newMoneyState(opts Options) moneyState {
	rules := money.DefaultFreezeRules()
	if opts.FreezeRules != nil {
		rules = *opts.FreezeRules
	}
	return moneyState{ledger: opts.Ledger, rules: rules}
}

// Bounds of the money endpoints.
const (
	maxTransferBody    = 1 << 30 // an institution's day of transfers, streamed
	maxAttributionBody = 64 << 20
	transferBatch      = 5000
	maxFreezeBody      = 64 << 10
)

func (s *Server) ledger() (*money.Ledger, error) {
	if s.money.ledger == nil {
		return nil, errorf(CodeUnavailable, "", "the money ledger is not loaded on this node")
	}
	return s.money.ledger, nil
}

// now is the clock of the money work: the registry's, so tests can fix it.
func (s *Server) now() time.Time { return s.registry.Now().UTC() }

// recordFormat reads the format of a record upload from its Content-Type.
func recordFormat(r *http.Request) (records.Format, error) {
	f, ok := records.FormatOf(r.Header.Get("Content-Type"), "")
	if !ok {
		return 0, errorf(CodeInvalid, "Content-Type", "send text/csv (gzip allowed), application/x-ndjson or application/json")
	}
	return f, nil
}

// storeFailure marks an error of the store met while a body was still
// being read, so the answer can tell it from bad input.
type storeFailure struct{ err error }

func (e *storeFailure) Error() string { return e.err.Error() }
func (e *storeFailure) Unwrap() error { return e.err }

// transferSummary is the answer to a transfer upload.
type transferSummary struct {
	money.ReadSummary
	Added int `json:"added"` // accepted transfers that were new (the rest were re-sent)
}

// ingestTransfers answers POST /api/v1/ingest/transfers: transfers in the
// FORMATS.md transfer shape, or a block-explorer export, as CSV (gzip
// allowed), NDJSON or JSON. Rows stream through in batches, each stored
// and then added to the ledger before the next is read; bad rows are
// reported with their line and reason and the good ones kept.
func (s *Server) ingestTransfers(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	format, err := recordFormat(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxTransferBody)
	var (
		sum    transferSummary
		stored int
		batch  = make([]money.Transfer, 0, transferBatch)
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		s.money.mu.Lock()
		defer s.money.mu.Unlock()
		added, err := s.store.AddTransfers(r.Context(), p.Org.ID, batch)
		if err != nil {
			return &storeFailure{err}
		}
		for _, t := range batch {
			// New transfers also teach screening what each account did,
			// so its velocity is that of the ledger; a re-sent one, not twice.
			if l.Add(t) && s.screening != nil {
				s.screening.engine.Record(t)
			}
		}
		sum.Added += added
		stored += len(batch)
		batch = batch[:0]
		return nil
	}
	rs, readErr := money.ReadTransfers(r.Body, format, s.opts.Parse, func(t money.Transfer) error {
		batch = append(batch, t)
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	})
	sum.ReadSummary = rs
	if readErr == nil || !isStoreFailure(readErr) {
		// What came before a broken part is good: keep it.
		if err := flush(); err != nil {
			readErr = err
		}
	}
	sum.Accepted = stored // rows read but not stored are not accepted
	detail := fmt.Sprintf("%s: added %d, rejected %d, skipped %d", sum.Dialect, sum.Added, sum.Rejected, sum.SkippedTotal())
	if readErr != nil {
		detail += "; stopped: " + truncate(readErr.Error(), 200)
	}
	if err := s.recordSync(r, s.entry(p, "transfers.ingest", "batch:"+strconv.Itoa(stored), detail)); err != nil {
		return err
	}
	return s.answerUpload(w, r, p, "transfers", sum, sum.Accepted, sum.Rejected, readErr)
}

func isStoreFailure(err error) bool {
	var sf *storeFailure
	return errors.As(err, &sf)
}

// answerUpload answers a streamed upload: the summary, with the error that
// stopped it if one did. A store failure is 503 (re-sending is harmless);
// a body that could not be read further is 400 or 413, the rows before it
// kept.
func (s *Server) answerUpload(w http.ResponseWriter, r *http.Request, p auth.Principal, what string, sum any, accepted, rejected int, err error) error {
	switch {
	case err == nil:
		status := http.StatusOK
		if accepted == 0 && rejected > 0 {
			status = http.StatusBadRequest
		}
		writeJSON(w, status, sum)
	case isStoreFailure(err):
		s.log.Error("money upload failed", "what", what, "org", p.Org.Name, "stored", accepted, "err", err)
		w.Header().Set("Retry-After", "2")
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{
			"error":   errorf(CodeUnavailable, "", fmt.Sprintf("storage failed after %d %s were stored; re-send the file (stored rows are not duplicated)", accepted, what)),
			"summary": sum,
		})
	default:
		e := classify(err)
		if e == nil || e.Code != CodeTooLarge {
			e = errorf(CodeInvalid, "", "the body could not be read past a point: "+err.Error())
			if accepted == 0 && rejected == 0 {
				e.Message = err.Error()
			}
		}
		writeJSON(w, codeStatus[e.Code], map[string]any{"error": e, "summary": sum})
	}
	return nil
}

// submitAttributions answers POST /api/v1/attributions: who controls which
// accounts (the FORMATS.md attribution shape, CSV, NDJSON or JSON), so
// traces cross rails at OTC desks and stop at exchanges.
func (s *Server) submitAttributions(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	format, err := recordFormat(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAttributionBody)
	var (
		batch  []money.Attribution
		stored int
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		s.money.mu.Lock()
		defer s.money.mu.Unlock()
		if err := s.store.AddAttributions(r.Context(), p.Org.ID, batch); err != nil {
			return &storeFailure{err}
		}
		for _, a := range batch {
			l.Attribute(a)
		}
		stored += len(batch)
		batch = batch[:0]
		return nil
	}
	sum, readErr := money.ReadAttributions(r.Body, format, s.opts.Parse, func(a money.Attribution) error {
		batch = append(batch, a)
		if len(batch) == transferBatch {
			return flush()
		}
		return nil
	})
	if readErr == nil || !isStoreFailure(readErr) {
		if err := flush(); err != nil {
			readErr = err
		}
	}
	sum.Accepted = stored
	detail := "rejected " + strconv.Itoa(sum.Rejected)
	if readErr != nil {
		detail += "; stopped: " + truncate(readErr.Error(), 200)
	}
	if err := s.recordSync(r, s.entry(p, "attributions.submit", "batch:"+strconv.Itoa(stored), detail)); err != nil {
		return err
	}
	return s.answerUpload(w, r, p, "attributions", sum, sum.Accepted, sum.Rejected, readErr)
}

// traceOptions reads policy and as_of.
func traceOptions(r *http.Request) (money.TraceOptions, error) {
	q := r.URL.Query()
	var opts money.TraceOptions
	var err error
	if opts.Policy, err = money.ParsePolicy(q.Get("policy")); err != nil {
		return opts, errorf(CodeInvalid, "policy", err.Error())
	}
	if v := q.Get("as_of"); v != "" {
		if opts.AsOf, err = time.Parse(time.RFC3339, v); err != nil {
			return opts, errorf(CodeInvalid, "as_of", "want an RFC 3339 time like 2026-11-20T09:15:00+08:00")
		}
	}
	return opts, nil
}

// traceError turns a trace's error into the caller's.
func traceError(err error, field string) error {
	if errors.Is(err, money.ErrNoPayment) {
		return errorf(CodeNotFound, field, err.Error())
	}
	return errorf(CodeInvalid, "as_of", err.Error()) // the one other way a trace fails
}

// maskTrace hides the payer's account — usually the victim's own — from
// callers who may not see personal data, wherever the trace shows it.
func maskTrace(tr *money.Trace, p auth.Principal) {
	if auth.SeesPersonalData(p) {
		return
	}
	payer := tr.From
	masked := payer
	switch payer.Kind {
	case "phone":
		masked.Value = auth.MaskPhone(payer.Value)
	case "email":
		masked.Value = auth.MaskEmail(payer.Value)
	default:
		masked.Value = auth.MaskAccount(payer.Value)
	}
	mask := func(pt *money.Party) {
		if *pt == payer {
			*pt = masked
		}
	}
	mask(&tr.From)
	for i := range tr.Hops {
		mask(&tr.Hops[i].From)
		mask(&tr.Hops[i].To)
	}
	for i := range tr.Holders {
		if h := &tr.Holders[i]; h.Kind == payer.Kind && h.Value == payer.Value {
			h.Value = masked.Value
		}
	}
}

// trace answers GET /api/v1/trace?payment=ID&policy=fifo|lifo|proportional
// [&as_of=RFC3339][&format=svg]: where one transfer's money went, as the
// Trace JSON or drawn as an SVG money-flow diagram.
func (s *Server) trace(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	payment := strings.TrimSpace(q.Get("payment"))
	if payment == "" {
		return errorf(CodeInvalid, "payment", "give the transfer id to trace in payment")
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "svg" {
		return errorf(CodeInvalid, "format", "want json or svg")
	}
	opts, err := traceOptions(r)
	if err != nil {
		return err
	}
	tr, err := l.Trace(payment, opts)
	if err != nil {
		return traceError(err, "payment")
	}
	maskTrace(tr, p)
	var svg bytes.Buffer
	if format == "svg" {
		if err := tr.SVG(&svg, money.DiagramOptions{}); err != nil {
			return fmt.Errorf("draw trace of %s: %w", payment, err)
		}
	}
	detail := fmt.Sprintf("%s: %d holders, %d institutions", tr.Policy, len(tr.Holders), len(tr.Institutions))
	if err := s.record(r, s.entry(p, "money.trace", "transfer:"+payment, detail)); err != nil {
		return err
	}
	if format == "svg" {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Write(svg.Bytes())
		return nil
	}
	writeJSON(w, http.StatusOK, tr)
	return nil
}

// reportPayments are a stored report's payments as the ledger looks for
// them. A payment without a time is looked for around the report's time.
func reportPayments(rep registry.Report) []money.ReportPayment {
	out := make([]money.ReportPayment, len(rep.Payments))
	for i, pay := range rep.Payments {
		at := pay.Time
		if at.IsZero() {
			at = rep.Time
		}
		out[i] = money.ReportPayment{Amount: pay.Amount, Currency: pay.Currency, Rail: pay.Rail, From: pay.From, To: pay.To, ToInstitution: pay.ToInstitution}
		if !at.IsZero() {
			out[i].Time = at.Format(time.RFC3339)
		}
	}
	return out
}

// reportTrace answers GET /api/v1/reports/{id}/trace?policy=[&as_of=]: a
// stored victim report's payments found in the ledger and traced; those
// not found are listed with why.
func (s *Server) reportTrace(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	opts, err := traceOptions(r)
	if err != nil {
		return err
	}
	rep, err := s.store.Report(r.Context(), r.PathValue("id"))
	if err != nil {
		if isNotFound(err) {
			return errorf(CodeNotFound, "id", "no report with this id")
		}
		return err
	}
	traces, missing := l.TraceReport(reportPayments(rep), opts, s.opts.Parse)
	for _, tr := range traces {
		maskTrace(tr, p)
	}
	detail := fmt.Sprintf("%d payments traced, %d not found", len(traces), len(missing))
	if err := s.record(r, s.entry(p, "report.trace", "report:"+rep.ID, detail)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"report": rep.ID, "policy": opts.Policy.String(), "reported_loss": rep.Loss,
		"traces": orEmpty(traces), "not_found": orEmpty(missing),
	})
	return nil
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// actor is the caller as the freeze workflow's history names it.
func actor(p auth.Principal) money.Actor {
	return money.Actor{OrgID: p.Org.ID, OrgName: p.Org.Name, Sector: p.Org.Sector, Name: officer(p)}
}

// stepError turns the workflow's refusal into the caller's: bad input 400,
// a step the request's state does not allow 409, another's step 403.
func stepError(err error) error {
	var se *money.StepError
	if !errors.As(err, &se) {
		return err
	}
	switch se.Kind {
	case money.BadStep:
		return errorf(CodeInvalid, se.Field, se.Reason)
	case money.NotAllowed:
		return errorf(CodeForbidden, "", se.Reason)
	}
	return errorf(CodeConflict, "", se.Reason)
}

// decodeBody reads one JSON object into v, refusing unknown fields so a
// typo is not silently ignored; an empty body leaves v as it is.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFreezeBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if err == io.EOF {
			return nil
		}
		if e := classify(err); e != nil {
			return e
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return errorf(CodeInvalid, te.Field, "wrong type: want "+te.Type.String())
		}
		return errorf(CodeInvalid, "", "want one JSON object: "+err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return errorf(CodeInvalid, "", "send one JSON object")
	}
	return nil
}

// draftBody is the optional body of a draft.
type draftBody struct {
	Policy         string `json:"policy"`
	Case           string `json:"case"`
	LegalBasis     string `json:"legal_basis"`
	HoldEveryLayer *bool  `json:"hold_every_layer"`
	AsOf           string `json:"as_of"`
}

// draftFreeze answers POST /api/v1/reports/{id}/freeze-requests: the
// police trace a victim report's payments and draft one request per
// institution and asset. Drafting again keeps the requests already
// drafted (and their progress), adds any new ones, and drafts a successor
// for a request whose hold has lapsed.
func (s *Server) draftFreeze(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	var body draftBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	var opts money.TraceOptions
	if opts.Policy, err = money.ParsePolicy(body.Policy); err != nil {
		return errorf(CodeInvalid, "policy", err.Error())
	}
	if body.AsOf != "" {
		if opts.AsOf, err = time.Parse(time.RFC3339, body.AsOf); err != nil {
			return errorf(CodeInvalid, "as_of", "want an RFC 3339 time like 2026-11-20T09:15:00+08:00")
		}
	}
	if len(body.Case) > 200 {
		return errorf(CodeInvalid, "case", "longer than 200 bytes")
	}
	if len(body.LegalBasis) > 4000 {
		return errorf(CodeInvalid, "legal_basis", "longer than 4000 bytes")
	}
	rep, err := s.store.Report(r.Context(), r.PathValue("id"))
	if err != nil {
		if isNotFound(err) {
			return errorf(CodeNotFound, "id", "no report with this id")
		}
		return err
	}
	rules := s.money.rules
	if body.HoldEveryLayer != nil {
		rules.HoldEveryLayer = *body.HoldEveryLayer
	}
	at := s.now()
	fd, err := DraftFreeze(r.Context(), s.store, l, rules, s.opts.Parse, rep, opts,
		money.Draft{CaseRef: body.Case, LegalBasis: body.LegalBasis, Actor: actor(p), At: at})
	if err != nil {
		return stepError(err)
	}
	var news, olds []string
	views := make([]money.FreezeView, len(fd.Requests))
	for i, f := range fd.Requests {
		views[i] = s.money.rules.View(f, at)
		if fd.Created[i] {
			news = append(news, f.ID)
		} else {
			olds = append(olds, f.ID)
		}
	}
	missing := fd.Missing
	detail := fmt.Sprintf("%d new %s; %d already drafted; %d payments not found", len(news), strings.Join(news, " "), len(olds), len(missing))
	if err := s.recordSync(r, s.entry(p, "freeze.draft", "report:"+rep.ID, detail)); err != nil {
		return err
	}
	status := http.StatusOK
	if len(news) > 0 {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{
		"report": rep.ID, "policy": opts.Policy.String(), "requests": views,
		"created": orEmpty(news), "existing": orEmpty(olds), "not_found": orEmpty(missing),
	})
	return nil
}

// FreezeDraft is what DraftFreeze did: the report's requests as stored,
// which of them it created, and the payments it could not trace.
type FreezeDraft struct {
	Requests []money.FreezeRequest
	Created  []bool
	Missing  []money.MissingPayment
}

// DraftFreeze drafts a stored report's stop-payment and freeze requests:
// its payments located in the ledger and traced, the requests drafted under
// rules (d gives the case, legal basis, actor and time; the report fills
// in the rest), each addressed to the finance organisation registered
// under its institution's name if there is one (else any finance
// organisation answers it), and stored, keeping any drafted before. The
// API and the CLI both draft through it.
func DraftFreeze(ctx context.Context, st store.Store, l *money.Ledger, rules money.FreezeRules, parse indicator.Options,
	rep registry.Report, opts money.TraceOptions, d money.Draft) (FreezeDraft, error) {
	var fd FreezeDraft
	var traces []*money.Trace
	traces, fd.Missing = l.TraceReport(reportPayments(rep), opts, parse)
	d.ReportID, d.Traces = rep.ID, traces
	if rep.Loss != nil {
		d.LossAmount, d.LossCurrency = rep.Loss.Amount, rep.Loss.Currency
	}
	drafted, err := rules.Draft(d)
	if err != nil {
		return fd, err
	}
	for i := range drafted {
		org, err := st.OrgByName(ctx, drafted[i].Institution)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return fd, err
		}
		if org.Sector == auth.Finance {
			drafted[i].InstitutionOrgID = org.ID
		}
	}
	if len(drafted) == 0 {
		return fd, nil
	}
	if fd.Requests, fd.Created, err = st.AddFreezeRequests(ctx, drafted); err != nil {
		return fd, err
	}
	// A request drafted before whose hold has lapsed cannot hold the money
	// again: draft its successor ("FR-…-2", "-3", …) in its place.
	for i := range fd.Requests {
		for n := 2; !fd.Created[i] && fd.Requests[i].StatusAt(d.At) == money.StatusExpired && n <= maxRedrafts; n++ {
			next := drafted[i]
			next.ID = fmt.Sprintf("%s-%d", drafted[i].ID, n)
			stored, created, err := st.AddFreezeRequests(ctx, []money.FreezeRequest{next})
			if err != nil {
				return fd, err
			}
			fd.Requests[i], fd.Created[i] = stored[0], created[0]
		}
	}
	return fd, nil
}

// maxRedrafts bounds how many times a lapsed request is drafted again.
const maxRedrafts = 20

// readsFreeze reports whether p may see request f: police and judicial
// see every request; a finance organisation those sent to it or to anyone
// in finance, never the police's drafts.
func readsFreeze(p auth.Principal, f money.FreezeRequest) bool {
	if p.Org.Sector != auth.Finance {
		return true
	}
	return f.Status != money.StatusDraft && (f.InstitutionOrgID == 0 || f.InstitutionOrgID == p.Org.ID)
}

var errNoSuchFreeze = errorf(CodeNotFound, "id", "no freeze request with this id for your organisation")

// listFreeze answers GET /api/v1/freeze-requests?report=&status=
// &institution=&limit=&after=: newest first, without history.
func (s *Server) listFreeze(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	q := r.URL.Query()
	fq := store.FreezeQuery{ReportID: q.Get("report"), Institution: q.Get("institution"), After: q.Get("after"), Now: s.now()}
	if v := q.Get("status"); v != "" {
		st, err := money.ParseFreezeStatus(v)
		if err != nil {
			return errorf(CodeInvalid, "status", err.Error())
		}
		fq.Status = st
	}
	var err error
	if _, _, fq.Limit, err = rangeParams(q, 100); err != nil {
		return err
	}
	if p.Org.Sector == auth.Finance {
		fq.Addressee = p.Org.ID
	}
	rs, err := s.store.SearchFreezeRequests(r.Context(), fq)
	if err != nil {
		if fq.After != "" && isNotFound(err) {
			return errorf(CodeNotFound, "after", "no freeze request with this id")
		}
		return err
	}
	ids := make([]string, len(rs))
	views := make([]money.FreezeView, len(rs))
	for i, f := range rs {
		ids[i] = f.ID
		views[i] = s.money.rules.View(f, fq.Now)
	}
	if err := s.record(r, s.entry(p, "freeze.list", r.URL.RawQuery, strconv.Itoa(len(rs))+" requests: "+truncate(strings.Join(ids, " "), 60_000))); err != nil {
		return err
	}
	next := ""
	if len(rs) > 0 && len(rs) == fq.Limit {
		next = rs[len(rs)-1].ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": views, "next": next})
	return nil
}

// getFreeze answers GET /api/v1/freeze-requests/{id}: one request with its
// whole history.
func (s *Server) getFreeze(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	f, err := s.store.FreezeRequest(r.Context(), r.PathValue("id"))
	if isNotFound(err) || err == nil && !readsFreeze(p, f) {
		return errNoSuchFreeze
	}
	if err != nil {
		return err
	}
	if err := s.record(r, s.entry(p, "freeze.read", "freeze:"+f.ID, string(f.StatusAt(s.now())))); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.money.rules.View(f, s.now()))
	return nil
}

// exactAmount is an amount as sent: a JSON string or number, kept as its
// digits (never through a float).
type exactAmount string

func (a *exactAmount) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else if string(b) != "null" {
		s = string(b)
	}
	*a = exactAmount(s)
	return nil
}

// freezeEvent answers POST /api/v1/freeze-requests/{id}/events with
// {"action": "send|acknowledge|stop|freeze|refuse|gone|renew|order_return|return",
// "amount": "…", "note": "…", "seq": N}: one step of the workflow, or 409
// saying why the request cannot take it. seq, when sent, is the last
// history row the caller saw: if the request has moved on since, the step
// is refused, so a retried request is never applied twice (a second
// renewal would otherwise extend a freeze again).
func (s *Server) freezeEvent(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	var body struct {
		Action string      `json:"action"`
		Amount exactAmount `json:"amount"`
		Note   string      `json:"note"`
		Seq    *int        `json:"seq"`
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	if body.Action == "" {
		return errorf(CodeInvalid, "action", "say what happened: one of "+actionNames())
	}
	id := r.PathValue("id")
	step := money.Step{Action: money.FreezeAction(body.Action), Amount: strings.TrimSpace(string(body.Amount)), Note: body.Note, Actor: actor(p), At: s.now()}
	var from money.FreezeStatus
	f, err := s.store.UpdateFreezeRequest(r.Context(), id, func(f *money.FreezeRequest) error {
		if !readsFreeze(p, *f) {
			return errNoSuchFreeze
		}
		if body.Seq != nil && *body.Seq != len(f.History) {
			return errorf(CodeConflict, "seq", fmt.Sprintf("request %s has moved on since step %d: it is at step %d (%s); read it again",
				f.ID, *body.Seq, len(f.History), f.StatusAt(step.At)))
		}
		from = f.StatusAt(step.At)
		return s.money.rules.Apply(f, step)
	})
	if err != nil {
		if isNotFound(err) {
			return errNoSuchFreeze
		}
		var se *money.StepError
		if errors.As(err, &se) && se.Kind == money.NotAllowed {
			_ = s.record(r, s.entry(p, "denied:freeze."+body.Action, "freeze:"+id, se.Reason))
		}
		return stepError(err)
	}
	detail := fmt.Sprintf("%s → %s", from, f.Status)
	if step.Amount != "" {
		detail += " " + step.Amount + " " + f.Asset
	}
	if step.Note != "" {
		detail += ": " + truncate(step.Note, 200)
	}
	if err := s.recordSync(r, s.entry(p, "freeze."+body.Action, "freeze:"+f.ID, detail)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.money.rules.View(f, step.At))
	return nil
}

func actionNames() string {
	var names []string
	for _, a := range money.FreezeActions() {
		names = append(names, string(a))
	}
	return strings.Join(names, ", ")
}

// moneyTotals answers GET /api/v1/money/totals[?report=]: reported loss,
// requested, stopped, frozen, returned and expired, by asset, over every
// report in the freeze workflow or one. A finance organisation's totals
// cover the requests it answers.
func (s *Server) moneyTotals(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	now := s.now()
	q := store.FreezeQuery{ReportID: r.URL.Query().Get("report"), Now: now}
	if p.Org.Sector == auth.Finance {
		q.Addressee = p.Org.ID
	}
	tally := money.NewTally(now)
	if q.ReportID != "" && p.Org.Sector != auth.Finance {
		rep, err := s.store.Report(r.Context(), q.ReportID)
		if err != nil {
			if isNotFound(err) {
				return errorf(CodeNotFound, "report", "no report with this id")
			}
			return err
		}
		if rep.Loss != nil {
			tally.AddReport(rep.ID, rep.Loss.Amount, rep.Loss.Currency)
		} else {
			tally.AddReport(rep.ID, "", "")
		}
	}
	if err := s.store.EachFreezeRequest(r.Context(), q, func(f money.FreezeRequest) error { tally.Add(f); return nil }); err != nil {
		return err
	}
	tot := tally.Totals()
	if err := s.record(r, s.entry(p, "money.totals", r.URL.RawQuery, fmt.Sprintf("%d reports, %d requests", tot.Reports, tot.Requests))); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Report string    `json:"report,omitempty"`
		AsOf   time.Time `json:"as_of"`
		money.FreezeTotals
	}{q.ReportID, now, tot})
	return nil
}

// maxMuleReports bounds the stored victim reports a mule scan reads for
// its victim evidence.
const maxMuleReports = 200_000

// mules answers POST /api/v1/money/mules: the ledger scored for mule
// accounts, with the stored victim reports as evidence (their payers are
// victims, their payees first-layer suspects). With "submit": true the
// suspects become signals of the caller's organisation — a finance-sector
// signal when a bank or payment firm asks — so every sector's lookups see
// them. Body (optional): {"min_score": 50, "as_of": RFC 3339, "submit": false, "limit": 1000}.
func (s *Server) mules(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	var req struct {
		MinScore int    `json:"min_score"`
		AsOf     string `json:"as_of"`
		Submit   bool   `json:"submit"`
		Limit    int    `json:"limit"`
	}
	if r.ContentLength != 0 {
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil && err != io.EOF {
			return errorf(CodeInvalid, "", "want a JSON object like {\"min_score\": 50, \"submit\": true}: "+err.Error())
		}
	}
	opts := money.MuleOptions{MinScore: req.MinScore}
	switch {
	case req.MinScore < 0 || req.MinScore > 100:
		return errorf(CodeInvalid, "min_score", "want a score from 0 to 100")
	case req.Limit < 0:
		return errorf(CodeInvalid, "limit", "want a positive number")
	case req.Limit == 0:
		req.Limit = 1000
	}
	if req.AsOf != "" {
		if opts.AsOf, err = time.Parse(time.RFC3339, req.AsOf); err != nil {
			return errorf(CodeInvalid, "as_of", "not an RFC 3339 time like 2026-11-20T09:15:00+08:00")
		}
	}
	if req.Submit {
		if err := auth.Allow(p, auth.SubmitSignals); err != nil {
			_ = s.record(r, s.entry(p, "denied:"+auth.SubmitSignals.String(), r.URL.Path, err.Error()))
			return err
		}
	}
	reports := 0
	for after := ""; reports < maxMuleReports; {
		page, err := s.store.SearchReports(r.Context(), registry.ReportQuery{Limit: 1000, After: after})
		if err != nil {
			return err
		}
		for _, rep := range page {
			for _, pay := range rep.Payments {
				rail := money.Bank
				if rr, err := money.ParseRail(pay.Rail); err == nil && pay.Rail != "" {
					rail = rr
				}
				if from, err := money.ParseAccount(rail, pay.From, s.opts.Parse); err == nil && pay.From != "" {
					opts.Victims = append(opts.Victims, from)
				}
				if to, err := money.ParseAccount(rail, pay.To, s.opts.Parse); err == nil {
					opts.Payees = append(opts.Payees, to)
				}
			}
		}
		reports += len(page)
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].ID
	}
	suspects, stats := l.Mules(opts)
	type suspectView struct {
		Kind        string    `json:"kind"`
		Value       string    `json:"value"`
		Score       int       `json:"score"`
		Detector    string    `json:"detector"`
		Reasons     []string  `json:"reasons"`
		Institution string    `json:"institution,omitempty"`
		FirstSeen   time.Time `json:"first_seen"`
		LastSeen    time.Time `json:"last_seen"`
	}
	views := make([]suspectView, 0, min(len(suspects), req.Limit))
	for i, m := range suspects {
		if i == req.Limit {
			break
		}
		views = append(views, suspectView{Kind: m.Indicator.Kind().String(), Value: m.Indicator.Value(), Score: m.Score,
			Detector: m.Detector(), Reasons: m.Reasons, Institution: m.Institution, FirstSeen: m.FirstSeen.UTC(), LastSeen: m.LastSeen.UTC()})
	}
	added := 0
	if req.Submit && len(suspects) > 0 {
		now := s.now()
		sigs := make([]registry.Signal, 0, len(suspects))
		for _, m := range suspects {
			sigs = append(sigs, MuleSignal(p.Org, m, now))
		}
		if added, err = s.registry.Submit(r.Context(), sigs, nil); err != nil {
			return err
		}
		if err := s.recordSync(r, s.entry(p, "money.mules.submit", "", fmt.Sprintf("%d suspects, %d new signals", len(sigs), added))); err != nil {
			return err
		}
	} else if err := s.record(r, s.entry(p, "money.mules", "", fmt.Sprintf("%d suspects", len(suspects)))); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Suspects  []suspectView `json:"suspects"`
		Total     int           `json:"total"`
		Scored    int           `json:"accounts_scored"`
		Reports   int           `json:"reports_read"`
		Submitted bool          `json:"submitted"`
		Added     int           `json:"signals_added"`
	}{views, len(suspects), stats.Scored, reports, req.Submit, added})
	return nil
}

// MuleSignal turns a mule suspect into a signal of the organisation that
// asked for the scan. The id changes only when the score crosses a tenth
// of the scale, so scanning again is harmless.
func MuleSignal(org auth.Org, m money.MuleSuspect, now time.Time) registry.Signal {
	return registry.Signal{
		ID:         fmt.Sprintf("mules/%d/%s/%s/%d", org.ID, m.Indicator.Kind(), m.Indicator.Value(), m.Score/10),
		Indicator:  m.Indicator,
		OrgID:      org.ID,
		Sector:     org.Sector,
		Source:     "detector:mules:" + m.Detector(),
		Confidence: float64(m.Score) / 100,
		TLP:        auth.TLPGreen,
		Evidence:   strings.Join(m.Reasons, "; "),
		FirstSeen:  m.FirstSeen.UTC(),
		LastSeen:   m.LastSeen.UTC(),
		Expires:    m.LastSeen.UTC().Add(180 * 24 * time.Hour),
		Received:   now.UTC(),
	}
}
