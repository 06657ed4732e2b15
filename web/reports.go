package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/store"
)

const (
	maxReportBody       = 1 << 20
	maxPublicReportBody = 64 << 10
)

type receipt struct {
	ID       string    `json:"id"`
	Receipt  string    `json:"receipt"`
	Received time.Time `json:"received"`
	Created  bool      `json:"created"`
	Linked   int       `json:"indicators"`
}

// writeReceipt answers a filed report: 201 when this request filed it, 200
// when the same report had been filed before.
func writeReceipt(w http.ResponseWriter, stored registry.Report, created bool, indicators int) {
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	writeJSON(w, status, receipt{stored.ID, stored.Receipt, stored.Received, created, indicators})
}

// decodeReport reads one report object, rejecting unknown fields so a typo
// does not silently lose what the victim said.
func decodeReport(w http.ResponseWriter, r *http.Request, limit int64) (registry.Report, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	var rep registry.Report
	if err := dec.Decode(&rep); err != nil {
		if e := classify(err); e != nil {
			return rep, e
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return rep, errorf(CodeInvalid, te.Field, "wrong type: want "+te.Type.String())
		}
		return rep, errorf(CodeInvalid, "", "want one report as a JSON object: "+err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return rep, errorf(CodeInvalid, "", "send one report per request")
	}
	return rep, nil
}

// file validates a report, derives its signals and stores it.
func (s *Server) file(r *http.Request, rep registry.Report, orgID int64, sector auth.Sector, channel string) (registry.Report, bool, int, error) {
	now := s.registry.Now().UTC()
	rep.Received, rep.OrgID, rep.Channel = now, orgID, channel
	rep.Receipt = registry.NewReceipt(now)
	inds, sigs, links, err := registry.ReportSignals(&rep, orgID, sector, s.opts.Parse)
	if err != nil {
		return rep, false, 0, err
	}
	stored, created, err := s.registry.File(r.Context(), rep, inds, sigs, links)
	if err != nil {
		return rep, false, 0, err
	}
	if !created && stored.OrgID != orgID {
		return rep, false, 0, errorf(CodeConflict, "id", "another organisation already filed a report with this id")
	}
	return stored, created, len(sigs), nil
}

// submitReport answers POST /api/v1/reports: an agency files a victim's or
// witness's report and gets its receipt at once.
func (s *Server) submitReport(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	rep, err := decodeReport(w, r, maxReportBody)
	if err != nil {
		return err
	}
	if rep.ID == "" {
		rep.ID = registry.NewReportID(s.registry.Now())
	} else if len(rep.ID) > 100 {
		return errorf(CodeInvalid, "id", "longer than 100 characters")
	}
	stored, created, n, err := s.file(r, rep, p.Org.ID, p.Org.Sector, "api")
	if err != nil {
		return err
	}
	if err := s.recordSync(r, s.entry(p, "report.submit", "report:"+stored.ID, strconv.Itoa(n)+" indicators")); err != nil {
		return err
	}
	writeReceipt(w, stored, created, n)
	return nil
}

// viewReport masks personal data for callers who do not need it.
func viewReport(rep registry.Report, p auth.Principal) registry.Report {
	if auth.SeesPersonalData(p) {
		return rep
	}
	return rep.Masked()
}

func (s *Server) getReport(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	rep, err := s.store.Report(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.record(r, s.entry(p, "report.read", "report:"+rep.ID, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewReport(rep, p))
	return nil
}

// searchReports answers GET /api/v1/reports?indicator=&kind=&typology=
// &region=&from=&to=&limit=&after=.
func (s *Server) searchReports(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	q := r.URL.Query()
	var rq registry.ReportQuery
	if v := q.Get("indicator"); v != "" {
		ind, err := s.parseQuery(v, q.Get("kind"))
		if err != nil {
			return withField(err, "indicator")
		}
		rq.Indicator = ind
	}
	if rq.Typology = q.Get("typology"); rq.Typology != "" && !registry.ValidTypology(rq.Typology) {
		return errorf(CodeInvalid, "typology", "unknown typology "+strconv.Quote(rq.Typology)+" (want one of "+strings.Join(registry.Typologies, ", ")+")")
	}
	rq.Region, rq.After = q.Get("region"), q.Get("after")
	var err error
	if rq.From, rq.To, rq.Limit, err = rangeParams(q, rq.Limit); err != nil {
		return err
	}
	reps, err := s.store.SearchReports(r.Context(), rq)
	if err != nil {
		return err
	}
	out := make([]registry.Report, len(reps))
	ids := make([]string, len(reps))
	for i, rep := range reps {
		out[i] = viewReport(rep, p)
		ids[i] = rep.ID
	}
	if err := s.record(r, s.entry(p, "report.search", r.URL.RawQuery, strconv.Itoa(len(reps))+" reports: "+truncate(strings.Join(ids, " "), 60_000))); err != nil {
		return err
	}
	next := ""
	if len(reps) > 0 && (rq.Limit == 0 || len(reps) == rq.Limit) {
		next = reps[len(reps)-1].ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": out, "next": next})
	return nil
}

// rangeParams reads the from, to and limit parameters that listings share;
// limit keeps def when absent.
func rangeParams(q url.Values, def int) (from, to time.Time, limit int, err error) {
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(f.name); v != "" {
			t, perr := time.Parse(time.RFC3339, v)
			if perr != nil {
				return from, to, 0, errorf(CodeInvalid, f.name, "want an RFC 3339 time like 2026-11-20T09:15:00+08:00")
			}
			*f.dst = t
		}
	}
	limit = def
	if v := q.Get("limit"); v != "" {
		n, aerr := strconv.Atoi(v)
		if aerr != nil || n < 1 || n > 1000 {
			return from, to, 0, errorf(CodeInvalid, "limit", "want a number from 1 to 1000")
		}
		limit = n
	}
	return from, to, limit, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// publicReport answers POST /public/v1/reports: anyone may report; the
// receipt comes at once. A client-sent id only makes re-sending harmless:
// it is hashed into a public namespace so it can never reach another's report.
func (s *Server) publicReport(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	rep, err := decodeReport(w, r, maxPublicReportBody)
	if err != nil {
		return err
	}
	if rep.ID != "" {
		sum := sha256.Sum256([]byte("public/" + rep.ID))
		rep.ID = "P-" + strings.ToUpper(hex.EncodeToString(sum[:8]))
	} else {
		rep.ID = "P" + registry.NewReportID(s.registry.Now())[1:]
	}
	stored, created, n, err := s.file(r, rep, 0, auth.Public, "public")
	if err != nil {
		return err
	}
	writeReceipt(w, stored, created, n)
	return nil
}

// publicReceipt answers GET /public/v1/reports/{receipt}: a reporter checks
// that the report arrived. Nothing but its arrival and type is shown.
func (s *Server) publicReceipt(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	rep, err := s.store.ReportByReceipt(r.Context(), r.PathValue("receipt"))
	if err != nil {
		if isNotFound(err) {
			return errorf(CodeNotFound, "receipt", "no report with this receipt number")
		}
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"receipt": rep.Receipt, "received": rep.Received, "typology": rep.Typology, "status": "received"})
	return nil
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
