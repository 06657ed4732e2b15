package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/registry"
)

const (
	maxSignalsBody = 256 << 20
	signalBatch    = 5000
)

// submitSummary is the answer to a signal submission.
type submitSummary struct {
	records.Summary
	Added int `json:"added"` // accepted rows that were new (the rest were re-sent)
	Links int `json:"links"`
}

// submitSignals takes signals in the FORMATS.md `indicator` shape as CSV,
// JSON or NDJSON (by Content-Type). Rows stream through in batches: each
// batch is stored before the next is read, a bad row is reported with its
// line and reason, and the good rows are kept.
func (s *Server) submitSignals(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	format, ok := records.FormatOf(r.Header.Get("Content-Type"), "")
	if !ok {
		return errorf(CodeInvalid, "Content-Type", "send text/csv, application/x-ndjson or application/json")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxSignalsBody)
	rd, err := records.NewReader(r.Body, format, "kind", "value")
	if err != nil {
		return errorf(CodeInvalid, "", err.Error())
	}
	tlp := auth.TLPGreen
	if v := r.URL.Query().Get("tlp"); v != "" {
		if tlp, err = auth.ParseTLP(v); err != nil {
			return errorf(CodeInvalid, "tlp", err.Error())
		}
	}
	sub := registry.Submitter{OrgID: p.Org.ID, Sector: p.Org.Sector, DefaultTLP: tlp, Parse: s.opts.Parse, Now: s.registry.Now().UTC()}
	var (
		sum   submitSummary
		batch []registry.Signal
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		links := registry.LinkByEvidence(batch, p.Org.ID, sub.Now)
		added, err := s.registry.Submit(r.Context(), batch, links)
		if err != nil {
			return err
		}
		sum.Accepted += len(batch)
		sum.Added += added
		sum.Links += len(links)
		batch = batch[:0]
		return nil
	}
	var readErr error
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		var le *records.LineError
		if errors.As(err, &le) {
			sum.Reject(le)
			continue
		}
		if err != nil {
			readErr = err
			break
		}
		sig, le := sub.ParseSignal(row)
		if le != nil {
			sum.Reject(le)
			continue
		}
		batch = append(batch, sig)
		if len(batch) == signalBatch {
			if err := flush(); err != nil {
				return s.partial(w, r, p, sum, err)
			}
		}
	}
	if err := flush(); err != nil {
		return s.partial(w, r, p, sum, err)
	}
	if err := s.recordSync(r, s.entry(p, "signals.submit", "batch:"+strconv.Itoa(sum.Accepted),
		"added "+strconv.Itoa(sum.Added)+", rejected "+strconv.Itoa(sum.Rejected))); err != nil {
		return err
	}
	if readErr != nil {
		// What came before the broken part is stored; say so, and why the
		// rest was not read.
		if e := classify(readErr); e != nil && e.Code == CodeTooLarge {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": e, "summary": sum})
			return nil
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"error": errorf(CodeInvalid, "", "the body could not be read past a point: "+readErr.Error()), "summary": sum})
		return nil
	}
	status := http.StatusOK
	if sum.Accepted == 0 && sum.Rejected > 0 {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, sum)
	return nil
}

// partial answers a submission whose store write failed midway: the
// batches before it are durable and counted; the client re-sends the rest
// (re-sending is harmless).
func (s *Server) partial(w http.ResponseWriter, r *http.Request, p auth.Principal, sum submitSummary, err error) error {
	s.log.Error("signal submission failed", "org", p.Org.Name, "stored", sum.Accepted, "err", err)
	_ = s.record(r, s.entry(p, "signals.submit", "batch:"+strconv.Itoa(sum.Accepted), "failed after "+strconv.Itoa(sum.Accepted)+" stored"))
	w.Header().Set("Retry-After", "2")
	writeJSON(w, http.StatusServiceUnavailable, map[string]any{
		"error":   errorf(CodeUnavailable, "", "storage failed after "+strconv.Itoa(sum.Accepted)+" rows were stored; re-send the submission (stored rows are not duplicated)"),
		"summary": sum,
	})
	return nil
}
