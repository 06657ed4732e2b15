package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/store"
	"github.com/fanzha/fanzha/telecom"
)

const maxCDRBody = 4 << 30 // a day of an operator's records, streamed

// ingestCDR answers POST /api/v1/ingest/cdr: call records in the `cdr`
// shape (CSV, gzip CSV or NDJSON), streamed into the detectors. The answer
// comes once the stream holds every accepted record.
func (s *Server) ingestCDR(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if s.telecom == nil {
		return errorf(CodeUnavailable, "", "call-record ingest is not running on this node")
	}
	format, ok := records.FormatOf(r.Header.Get("Content-Type"), "")
	if !ok || format == records.JSON {
		return errorf(CodeInvalid, "Content-Type", "send text/csv (gzip allowed) or application/x-ndjson")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxCDRBody)
	sum, err := s.telecom.Ingest(r.Context(), p.Org, r.Body, format)
	if rerr := s.recordSync(r, s.entry(p, "cdr.ingest", "batch:"+strconv.Itoa(sum.Accepted), "rejected "+strconv.Itoa(sum.Rejected))); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		if e := classify(err); e != nil {
			writeJSON(w, codeStatus[e.Code], map[string]any{"error": e, "summary": sum})
			return nil
		}
		s.log.Error("call-record ingest failed", "org", p.Org.Name, "err", err)
		w.Header().Set("Retry-After", "2")
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{
			"error":   errorf(CodeUnavailable, "", "the record stream failed part way; re-send the file (re-sent records are harmless)"),
			"summary": sum,
		})
		return nil
	}
	status := http.StatusOK
	if sum.Accepted == 0 && sum.Rejected > 0 {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, sum)
	return nil
}

// exposure answers GET /api/v1/telecom/exposure?subscriber=[&hours=6]: is
// this person, or were they lately, in contact with a suspect line? What a
// bank asks before releasing a large transfer.
func (s *Server) exposure(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if s.telecom == nil {
		return errorf(CodeUnavailable, "", "the telecom detectors are not running on this node")
	}
	sub, err := s.opts.Parse.Parse(indicator.Phone, r.URL.Query().Get("subscriber"))
	if err != nil {
		return withField(err, "subscriber")
	}
	hours := 6
	if v := r.URL.Query().Get("hours"); v != "" {
		if hours, err = strconv.Atoi(v); err != nil || hours < 1 || hours > 72 {
			return errorf(CodeInvalid, "hours", "want a number of hours from 1 to 72")
		}
	}
	contacts := s.telecom.Exposure(sub, time.Now().Add(-time.Duration(hours)*time.Hour))
	type contactView struct {
		Suspect   string    `json:"suspect"`
		Time      time.Time `json:"time"`
		Outgoing  bool      `json:"subscriber_called"`
		SMS       bool      `json:"sms"`
		Seconds   int       `json:"seconds"`
		Score     int       `json:"suspect_score"`
		Detectors []string  `json:"detectors"`
		Verdict   string    `json:"registry_verdict"`
	}
	out := make([]contactView, 0, len(contacts))
	maxScore := 0
	for _, c := range contacts {
		reg, _ := s.registry.Lookup(c.Suspect, p)
		score := max(c.Score, reg.Score)
		maxScore = max(maxScore, score)
		out = append(out, contactView{c.Suspect.Value(), c.Time, c.Outgoing, c.SMS, int(c.Duration / time.Second), score, c.Detectors, reg.Verdict()})
	}
	if err := s.record(r, s.entry(p, "telecom.exposure", sub.String(), strconv.Itoa(len(out))+" contacts with suspects")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"subscriber": sub.Value(), "hours": hours, "exposed": len(out) > 0, "max_suspect_score": maxScore, "contacts": out,
	})
	return nil
}

type warningView struct {
	ID           string    `json:"id"`
	Subscriber   string    `json:"subscriber"`
	Suspect      string    `json:"suspect"`
	FirstContact time.Time `json:"first_contact"`
	Score        int       `json:"score"`
	Grade        string    `json:"grade"`
	Reason       string    `json:"reason"`
	Region       string    `json:"region,omitempty"`
	Organisation string    `json:"organisation,omitempty"`
	Raised       time.Time `json:"raised"`
	Escalated    time.Time `json:"escalated,omitzero"`
	SignedBy     string    `json:"signed_by,omitempty"`
	SignedAt     time.Time `json:"signed_at,omitzero"`
	Outcome      string    `json:"outcome,omitempty"`
	OutcomeAt    time.Time `json:"outcome_at,omitzero"`
	OutcomeBy    string    `json:"outcome_by,omitempty"`
	Note         string    `json:"note,omitempty"`
}

func viewWarning(w telecom.Issued, names map[int64]string, p auth.Principal) warningView {
	sub := w.Subscriber.Value()
	if !auth.SeesPersonalData(p) {
		sub = auth.MaskPhone(sub) // the person being scammed is not a suspect
	}
	return warningView{w.ID, sub, w.Suspect.Value(), w.FirstContact, w.Score, w.Grade, w.Reason, w.Region, names[w.OrgID],
		w.Raised, w.Escalated, w.SignedBy, w.SignedAt, w.Outcome, w.OutcomeAt, w.OutcomeBy, w.Note}
}

// warningQuery reads the filters shared by the warning list and stats.
func warningQuery(r *http.Request) (store.WarningQuery, error) {
	q := r.URL.Query()
	wq := store.WarningQuery{Region: q.Get("region"), Grade: q.Get("grade"), After: q.Get("after"), Open: q.Get("open") == "true"}
	switch wq.Grade {
	case "", telecom.GradeHigh, telecom.GradeMedium, telecom.GradeLow:
	default:
		return wq, errorf(CodeInvalid, "grade", "want high, medium or low")
	}
	var err error
	wq.From, wq.To, wq.Limit, err = rangeParams(q, 100)
	return wq, err
}

// listWarnings answers GET /api/v1/warnings?region=&grade=&open=true: the
// warnings queue, newest first.
func (s *Server) listWarnings(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	wq, err := warningQuery(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("mine") == "true" {
		wq.OrgID = p.Org.ID
	}
	ws, err := s.store.SearchWarnings(r.Context(), wq)
	if err != nil {
		return err
	}
	if err := s.record(r, s.entry(p, "warning.list", r.URL.RawQuery, strconv.Itoa(len(ws))+" warnings")); err != nil {
		return err
	}
	names := s.orgNames(r.Context())
	out := make([]warningView, len(ws))
	for i, x := range ws {
		out[i] = viewWarning(x, names, p)
	}
	next := ""
	if len(ws) > 0 && len(ws) == wq.Limit {
		next = ws[len(ws)-1].ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"warnings": out, "next": next})
	return nil
}

func (s *Server) getWarning(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	x, err := s.store.Warning(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.record(r, s.entry(p, "warning.read", x.ID, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewWarning(x, s.orgNames(r.Context()), p))
	return nil
}

// officer names the person acting: the token's label if it has one.
func officer(p auth.Principal) string {
	return p.Org.Name + " (token " + strconv.FormatInt(p.TokenID, 10) + ")"
}

// signWarning answers POST /api/v1/warnings/{id}/sign: an officer takes
// the warning on.
func (s *Server) signWarning(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	x, err := s.store.SignWarning(r.Context(), r.PathValue("id"), officer(p), time.Now().UTC())
	if err != nil {
		return err
	}
	if err := s.recordSync(r, s.entry(p, "warning.sign", x.ID, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewWarning(x, s.orgNames(r.Context()), p))
	return nil
}

// warningOutcome answers POST /api/v1/warnings/{id}/outcome with
// {"outcome": "dissuaded", "note": "..."}.
func (s *Server) warningOutcome(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var body struct{ Outcome, Note string }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil && err != io.EOF {
		return bodyErr(err)
	}
	if !telecom.ValidOutcome(body.Outcome) {
		return errorf(CodeInvalid, "outcome", "want one of contacted, dissuaded, loss_prevented, already_paid, false_alarm, unreachable")
	}
	if len(body.Note) > 4000 {
		return errorf(CodeInvalid, "note", "longer than 4000 bytes")
	}
	x, err := s.store.CloseWarning(r.Context(), r.PathValue("id"), body.Outcome, officer(p), body.Note, time.Now().UTC())
	if err != nil {
		return err
	}
	if err := s.recordSync(r, s.entry(p, "warning.outcome", x.ID, body.Outcome)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewWarning(x, s.orgNames(r.Context()), p))
	return nil
}

// warningStats answers GET /api/v1/warnings/stats: how many were warned,
// how fast, and how many were saved.
func (s *Server) warningStats(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	wq, err := warningQuery(r)
	if err != nil {
		return err
	}
	st, err := s.store.WarningStats(r.Context(), wq)
	if err != nil {
		return err
	}
	if err := s.record(r, s.entry(p, "warning.stats", r.URL.RawQuery, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}
