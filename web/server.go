// Package web is fanzha's HTTP face: the agency API under /api/v1 (token
// required, every read and write audited) and the public portal's API under
// /public/v1 (no token, rate-limited, never personal data).
package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/store"
	"github.com/fanzha/fanzha/worker"
)

// Options tune a Server; the zero value is usable.
type Options struct {
	Parse       indicator.Options  // default phone region
	PublicRate  float64            // public requests per second per client (default 2)
	PublicBurst int                // default 30
	TokenTTL    time.Duration      // how long a checked token is trusted before re-reading it (default 30 s)
	Telecom     *worker.Telecom    // call-record ingest and detectors; nil: not on this node
	AuditWait   time.Duration      // how long a read waits for room in a full audit queue before 503 (default 5 s)
	Ledger      *money.Ledger      // the in-memory transfer ledger, loaded from the store; nil: not on this node
	Screening   *Screening         // payment screening (NewScreening); nil: not on this node
	FreezeRules *money.FreezeRules // stop-payment and freeze limits; nil: money.DefaultFreezeRules (China's)
	Logger      *slog.Logger
}

// Server holds what the handlers use.
type Server struct {
	store    store.Store
	registry *registry.Registry
	audit    *auth.Auditor
	telecom  *worker.Telecom
	money    moneyState
	// screening decides payments; nil when not on this node.
	screening *Screening
	opts      Options
	log       *slog.Logger
	limiter   *limiter
	mux       *http.ServeMux

	tokensMu sync.Mutex
	tokens   map[[32]byte]cachedToken
}

type cachedToken struct {
	p       auth.Principal
	expires time.Time
}

// route is one endpoint: the table is the single list the mux is built from
// and the OpenAPI test checks the published document against.
type route struct {
	method, pattern string
	need            auth.Action // 0: public, no token
	handle          func(s *Server, w http.ResponseWriter, r *http.Request, p auth.Principal) error
	sectors         []auth.Sector // if set, only these sectors may call it
}

// Sectors that may use the sector-specific routes.
var (
	operators     = []auth.Sector{auth.Telecom}
	warningDesk   = []auth.Sector{auth.Police}
	warningReader = []auth.Sector{auth.Police, auth.Regulator}
	paymentDesk   = []auth.Sector{auth.Finance, auth.Police}
	freezeDesk    = []auth.Sector{auth.Police}
	moneyReader   = []auth.Sector{auth.Finance, auth.Police, auth.Judicial}
	screenDesk    = []auth.Sector{auth.Finance}
)

var routes = []route{
	{"POST", "/api/v1/signals", auth.SubmitSignals, (*Server).submitSignals, nil},
	{"GET", "/api/v1/lookup", auth.Lookup, (*Server).lookupOne, nil},
	{"POST", "/api/v1/lookup", auth.Lookup, (*Server).lookupBatch, nil},
	{"GET", "/api/v1/indicators/{kind}/{value}", auth.Lookup, (*Server).profile, nil},
	{"GET", "/api/v1/indicators/{kind}/{value}/visibility", auth.ExplainVisibility, (*Server).visibility, nil},
	{"POST", "/api/v1/reports", auth.SubmitReport, (*Server).submitReport, nil},
	{"GET", "/api/v1/reports", auth.ReadReports, (*Server).searchReports, nil},
	{"GET", "/api/v1/reports/{id}", auth.ReadReports, (*Server).getReport, nil},
	{"GET", "/api/v1/audit", auth.ReadAudit, (*Server).auditLog, nil},
	{"POST", "/api/v1/ingest/cdr", auth.SubmitSignals, (*Server).ingestCDR, operators},
	{"GET", "/api/v1/telecom/exposure", auth.Lookup, (*Server).exposure, paymentDesk},
	{"GET", "/api/v1/warnings", auth.ReadReports, (*Server).listWarnings, warningDesk},
	{"GET", "/api/v1/warnings/stats", auth.ReadReports, (*Server).warningStats, warningReader},
	{"GET", "/api/v1/warnings/{id}", auth.ReadReports, (*Server).getWarning, warningDesk},
	{"POST", "/api/v1/warnings/{id}/sign", auth.SubmitReport | auth.ReadReports, (*Server).signWarning, warningDesk},
	{"POST", "/api/v1/warnings/{id}/outcome", auth.SubmitReport | auth.ReadReports, (*Server).warningOutcome, warningDesk},
	{"POST", "/api/v1/ingest/transfers", auth.SubmitSignals, (*Server).ingestTransfers, paymentDesk},
	{"POST", "/api/v1/attributions", auth.SubmitSignals, (*Server).submitAttributions, paymentDesk},
	{"GET", "/api/v1/trace", auth.Lookup, (*Server).trace, moneyReader},
	{"GET", "/api/v1/reports/{id}/trace", auth.ReadReports, (*Server).reportTrace, moneyReader},
	{"POST", "/api/v1/reports/{id}/freeze-requests", auth.SubmitReport | auth.ReadReports, (*Server).draftFreeze, freezeDesk},
	{"GET", "/api/v1/freeze-requests", auth.ReadReports, (*Server).listFreeze, moneyReader},
	{"GET", "/api/v1/freeze-requests/{id}", auth.ReadReports, (*Server).getFreeze, moneyReader},
	{"POST", "/api/v1/freeze-requests/{id}/events", auth.SubmitReport | auth.ReadReports, (*Server).freezeEvent, paymentDesk},
	{"GET", "/api/v1/money/totals", auth.ReadReports, (*Server).moneyTotals, moneyReader},
	{"POST", "/api/v1/money/mules", auth.Lookup, (*Server).mules, paymentDesk},
	// Screening reads the registry and stores the decision (and may raise
	// a signal): it needs both.
	{"POST", "/api/v1/screen", auth.Lookup | auth.SubmitSignals, (*Server).screenPayments, screenDesk},
	{"GET", "/api/v1/screen/decisions/{id}", auth.Lookup, (*Server).getScreenDecision, moneyReader},
	{"POST", "/api/v1/screen/backtest", auth.Lookup, (*Server).backtestScreen, screenDesk},
	{"GET", "/api/v1/screen/rules", auth.Lookup, (*Server).listRuleSets, screenDesk},
	{"GET", "/api/v1/screen/shadow", auth.Lookup, (*Server).shadowReport, screenDesk},
	{"POST", "/api/v1/screen/rules", auth.SubmitSignals, (*Server).addRuleSet, screenDesk},
	{"POST", "/api/v1/screen/rules/{scenario}/{version}/publish", auth.SubmitSignals, (*Server).publishRuleSet, screenDesk},
	// Any sector may classify; the handler shows the registry's view only
	// to readers and lets only message-handling sectors submit.
	{"POST", "/api/v1/classify", 0, (*Server).classifyMessages, nil},
	// Any valid token, whatever its role: every /api/ route needs one.
	{"GET", "/api/v1/whoami", 0, (*Server).whoami, nil},
	{"GET", "/api/v1/openapi.json", 0, (*Server).openAPI, nil},
	{"GET", "/public/v1/check", 0, (*Server).publicCheck, nil},
	{"POST", "/public/v1/check", 0, (*Server).publicCheckMessage, nil},
	{"GET", "/public/v1/range/{prefix}", 0, (*Server).publicRange, nil},
	{"POST", "/public/v1/reports", 0, (*Server).publicReport, nil},
	{"GET", "/public/v1/reports/{receipt}", 0, (*Server).publicReceipt, nil},
	{"GET", "/healthz", 0, (*Server).health, nil},
}

// New builds a server over a store, the registry and the audit writer.
func New(st store.Store, reg *registry.Registry, audit *auth.Auditor, opts Options) *Server {
	if opts.PublicRate == 0 {
		opts.PublicRate = 2
	}
	if opts.PublicBurst == 0 {
		opts.PublicBurst = 30
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 30 * time.Second
	}
	if opts.AuditWait == 0 {
		opts.AuditWait = 5 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{
		store: st, registry: reg, audit: audit, opts: opts, log: opts.Logger, telecom: opts.Telecom,
		money: newMoneyState(opts), screening: opts.Screening,
		limiter: newLimiter(opts.PublicRate, opts.PublicBurst),
		mux:     http.NewServeMux(),
		tokens:  map[[32]byte]cachedToken{},
	}
	for _, rt := range routes {
		s.mux.Handle(rt.method+" "+rt.pattern, s.wrap(rt))
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errorf(CodeNotFound, "", "no such endpoint: "+r.Method+" "+r.URL.Path+" (see /api/v1/openapi.json)"))
	})
	return s
}

// Handler returns the HTTP handler with panic recovery around every route.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic in handler", "path", r.URL.Path, "panic", v)
				s.writeError(w, r, errorf(CodeInternal, "", "internal error"))
			}
		}()
		s.mux.ServeHTTP(w, r)
	})
}

// wrap adds authentication, permission, rate limiting and error writing.
func (s *Server) wrap(rt route) http.Handler {
	public := strings.HasPrefix(rt.pattern, "/public/") || rt.pattern == "/healthz"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p auth.Principal
		switch {
		case public:
			p = registry.PublicViewer
			p.Addr = clientAddr(r)
			if !s.limiter.allow(p.Addr, time.Now()) {
				s.writeError(w, r, errorf(CodeRateLimited, "", "too many requests from this address; wait a few seconds"))
				return
			}
		default:
			var err error
			if p, err = s.authenticate(r); err != nil {
				w.Header().Set("WWW-Authenticate", `Bearer realm="fanzha"`)
				s.writeError(w, r, err)
				return
			}
			if rt.need != 0 {
				err := auth.Allow(p, rt.need)
				if err == nil && len(rt.sectors) > 0 && !slices.Contains(rt.sectors, p.Org.Sector) {
					err = &auth.Denied{Action: rt.need, Reason: "sector " + string(p.Org.Sector) + " may not use " + rt.pattern}
				}
				if err != nil {
					_ = s.record(r, s.entry(p, "denied:"+rt.need.String(), r.URL.Path, err.Error()))
					s.writeError(w, r, err)
					return
				}
			}
		}
		if err := rt.handle(s, w, r, p); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// authenticate finds the principal behind the request's bearer token.
func (s *Server) authenticate(r *http.Request) (auth.Principal, error) {
	h := r.Header.Get("Authorization")
	secret, ok := strings.CutPrefix(h, "Bearer ")
	secret = strings.TrimSpace(secret)
	if !ok || secret == "" {
		return auth.Principal{}, errorf(CodeUnauthorized, "", "send an API token: Authorization: Bearer fz_…")
	}
	if !auth.LooksLikeToken(secret) {
		// Not one of ours: answer without asking the database.
		return auth.Principal{}, errorf(CodeUnauthorized, "", "unknown, revoked or expired token")
	}
	hash := auth.HashToken(secret)
	now := time.Now()
	s.tokensMu.Lock()
	c, hit := s.tokens[hash]
	s.tokensMu.Unlock()
	if !hit || now.After(c.expires) {
		p, err := s.principal(r.Context(), hash, now)
		if err != nil {
			return auth.Principal{}, err
		}
		c = cachedToken{p: p, expires: now.Add(s.opts.TokenTTL)}
		s.tokensMu.Lock()
		if len(s.tokens) > 100_000 {
			clear(s.tokens)
		}
		s.tokens[hash] = c
		s.tokensMu.Unlock()
	}
	p := c.p
	p.Addr = clientAddr(r)
	return p, nil
}

func (s *Server) principal(ctx context.Context, hash [32]byte, now time.Time) (auth.Principal, error) {
	bad := errorf(CodeUnauthorized, "", "unknown, revoked or expired token")
	t, err := s.store.TokenByHash(ctx, hash)
	if err != nil {
		if isNotFound(err) {
			return auth.Principal{}, bad
		}
		return auth.Principal{}, err
	}
	if t.Revoked || (!t.Expires.IsZero() && now.After(t.Expires)) {
		return auth.Principal{}, bad
	}
	org, err := s.store.OrgByID(ctx, t.OrgID)
	if err != nil {
		return auth.Principal{}, err
	}
	return auth.Principal{Org: org, Role: t.Role, TokenID: t.ID}, nil
}

// clientAddr is the remote IP. fanzha does not trust X-Forwarded-For: a
// proxy in front must be configured to pass the address another way.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// record queues an audit entry for a read. When the audit log cannot take
// it (the database is down and the queue is full), the read is refused with
// 503: an agency read that is not audited must not happen.
func (s *Server) record(r *http.Request, e auth.AuditEntry) error {
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.AuditWait)
	defer cancel()
	if err := s.audit.Record(ctx, e); err != nil {
		s.log.Error("audit entry not recorded", "action", e.Action, "target", e.Target, "err", err)
		return errorf(CodeUnavailable, "", "the audit log is not keeping up, so this request was not served; try again shortly")
	}
	return nil
}

// recordSync records the audit entry of a write and waits until it is
// durable, so that a success answer means the write's audit row is stored.
func (s *Server) recordSync(r *http.Request, e auth.AuditEntry) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*s.opts.AuditWait)
	defer cancel()
	if err := s.audit.RecordSync(ctx, e); err != nil {
		s.log.Error("audit entry not stored in time", "action", e.Action, "target", e.Target, "err", err)
		return errorf(CodeUnavailable, "", "stored, but its audit entry is not yet durable; re-send to be sure (re-sending is harmless)")
	}
	return nil
}

// entry starts an audit entry for principal p.
func (s *Server) entry(p auth.Principal, action, target, detail string) auth.AuditEntry {
	return auth.AuditEntry{
		Time: time.Now().UTC(), OrgID: p.Org.ID, OrgName: p.Org.Name, Role: p.Role,
		TokenID: p.TokenID, Addr: p.Addr, Action: action, Target: target, Detail: detail,
	}
}

func (s *Server) health(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	inds, sigs := s.registry.Index().Len()
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "indicators": inds, "signals": sigs})
	return nil
}

func (s *Server) whoami(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	writeJSON(w, http.StatusOK, map[string]any{
		"organisation": p.Org.Name, "sector": p.Org.Sector, "role": p.Role,
		"sees_personal_data": auth.SeesPersonalData(p),
	})
	return nil
}
