package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/store"
)

// env is a server over a real SQLite store with one token per role and
// sector the tests need.
type env struct {
	t      testing.TB
	store  store.Store
	srv    *Server
	h      http.Handler
	audit  *auth.Auditor
	tokens map[string]string // "sector/role" -> secret
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Open(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	audit := auth.NewAuditor(func(ctx context.Context, es []auth.AuditEntry) error {
		_, err := st.AppendAudit(ctx, es)
		return err
	}, auth.AuditorOptions{})
	// A fixed clock: risk decays with time, and the tests' figures must not.
	reg.Now = func() time.Time { return testNow }
	e := &env{t: t, store: st, audit: audit, tokens: map[string]string{}}
	e.srv = New(st, reg, audit, Options{PublicBurst: 1000, PublicRate: 1000})
	e.h = e.srv.Handler()
	t.Cleanup(func() {
		audit.Close(context.Background())
		st.Close()
	})
	for _, sector := range []auth.Sector{auth.Police, auth.Finance, auth.Telecom, auth.Internet, auth.Regulator} {
		org, err := st.CreateOrg(ctx, auth.Org{Name: string(sector) + " org", Sector: sector, Created: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range []auth.Role{auth.Admin, auth.Supervisor, auth.Analyst, auth.Contributor, auth.ReadOnly} {
			secret, hash, err := auth.NewToken()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.CreateToken(ctx, auth.Token{OrgID: org.ID, Role: role, Hash: hash, Created: time.Now()}); err != nil {
				t.Fatal(err)
			}
			e.tokens[string(sector)+"/"+string(role)] = secret
		}
	}
	return e
}

// do sends a request as "sector/role" ("" for none) and decodes JSON.
func (e *env) do(method, path, who, ct string, body []byte) (int, map[string]any) {
	e.t.Helper()
	code, raw := e.raw(method, path, who, ct, body)
	var m map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &m); err != nil {
			e.t.Fatalf("%s %s: not JSON: %s", method, path, raw)
		}
	}
	return code, m
}

func (e *env) raw(method, path, who, ct string, body []byte) (int, []byte) {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.RemoteAddr = "192.0.2.1:1234"
	if who != "" {
		tok, ok := e.tokens[who]
		if !ok {
			tok = who // a literal (bad) token
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	out, _ := io.ReadAll(rec.Body)
	return rec.Code, out
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func errField(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	c, _ := e["field"].(string)
	return c
}

var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

const signalsCSV = "kind,value,typology,confidence,source,evidence,first_seen,last_seen,expires,tlp\n" +
	"phone,138-0013-8000,task_scam,high,detector:mass_outreach,case:1,2026-11-20T09:15:00+08:00,2026-11-26T09:15:00+08:00,,GREEN\n" +
	"domain,task-earn.top,task_scam,0.8,moderator,case:1,,,,CLEAR\n" +
	"card,6222021234567894,task_scam,0.7,detector,,,,,AMBER+STRICT\n" +
	"phone,12,,,,,,,,\n" +
	"fax,1,,,,,,,,\n"

func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, method, path, who, ct string
		body                        string
		status                      int
		code                        string
	}{
		{"no token", "GET", "/api/v1/lookup?q=13800138000", "", "", "", 401, CodeUnauthorized},
		{"unknown token", "GET", "/api/v1/lookup?q=13800138000", "fz_nope", "", "", 401, CodeUnauthorized},
		{"contributor may not read", "GET", "/api/v1/lookup?q=13800138000", "telecom/contributor", "", "", 403, CodeForbidden},
		{"readonly may not submit", "POST", "/api/v1/signals", "finance/readonly", "text/csv", signalsCSV, 403, CodeForbidden},
		{"analyst may not explain visibility", "GET", "/api/v1/indicators/phone/13800138000/visibility", "police/analyst", "", "", 403, CodeForbidden},
		{"analyst may not read audit", "GET", "/api/v1/audit", "police/analyst", "", "", 403, CodeForbidden},
		{"readonly may look up", "GET", "/api/v1/lookup?q=13800138000", "finance/readonly", "", "", 200, ""},
		{"contributor may submit", "POST", "/api/v1/signals", "telecom/contributor", "text/csv", signalsCSV, 200, ""},
		{"admin explains visibility", "GET", "/api/v1/indicators/phone/13800138000/visibility", "police/admin", "", "", 200, ""},
		{"openapi needs a token", "GET", "/api/v1/openapi.json", "", "", "", 401, CodeUnauthorized},
		{"openapi for any role", "GET", "/api/v1/openapi.json", "telecom/contributor", "", "", 200, ""},
		{"public needs no token", "GET", "/public/v1/check?q=13800138000", "", "", "", 200, ""},
		{"unknown route", "GET", "/api/v1/nothing", "police/admin", "", "", 404, CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m := e.do(tt.method, tt.path, tt.who, tt.ct, []byte(tt.body))
			if code != tt.status || (tt.code != "" && errCode(m) != tt.code) {
				t.Errorf("got %d %v, want %d %s", code, m, tt.status, tt.code)
			}
		})
	}
}

func TestSubmitAndLookup(t *testing.T) {
	e := newEnv(t)
	code, m := e.do("POST", "/api/v1/signals", "telecom/analyst", "text/csv", []byte(signalsCSV))
	if code != 200 || m["accepted"].(float64) != 3 || m["rejected"].(float64) != 2 || m["added"].(float64) != 3 || m["links"].(float64) != 1 {
		t.Fatalf("submit: %d %v", code, m)
	}
	errs := m["errors"].([]any)
	if first := errs[0].(map[string]any); first["line"].(float64) != 5 || first["field"] != "value" {
		t.Errorf("first row error %v, want line 5 field value", first)
	}
	// Re-sending changes nothing.
	if _, m := e.do("POST", "/api/v1/signals", "telecom/analyst", "text/csv", []byte(signalsCSV)); m["added"].(float64) != 0 {
		t.Errorf("re-send added %v", m["added"])
	}
	code, m = e.do("GET", "/api/v1/lookup?q=%2B86%20138%200013%208000", "finance/analyst", "", nil)
	risk := m["risk"].(map[string]any)
	if code != 200 || m["known"] != true || m["value"] != "+8613800138000" || risk["score"].(float64) != 79 || len(risk["reasons"].([]any)) == 0 {
		t.Fatalf("lookup: %d %v", code, m)
	}
	// The AMBER+STRICT card is the telecom org's alone.
	if _, m := e.do("GET", "/api/v1/lookup?kind=card&q=6222021234567894", "finance/analyst", "", nil); m["known"] != false {
		t.Errorf("finance sees a telecom AMBER+STRICT signal: %v", m)
	}
	if _, m := e.do("GET", "/api/v1/lookup?kind=card&q=6222021234567894", "telecom/readonly", "", nil); m["known"] != true {
		t.Errorf("the submitting organisation does not see its own signal: %v", m)
	}
	code, m = e.do("GET", "/api/v1/lookup?q=not-a-thing", "police/analyst", "", nil)
	if code != 400 || errCode(m) != CodeInvalid || errField(m) != "q" {
		t.Errorf("bad q: %d %v", code, m)
	}
	// The profile lists the signal and the link made by the shared evidence.
	code, m = e.do("GET", "/api/v1/indicators/phone/+8613800138000", "police/analyst", "", nil)
	links, _ := m["links"].([]any)
	if code != 200 || len(m["signals"].([]any)) != 1 || len(links) != 1 || links[0].(map[string]any)["value"] != "task-earn.top" {
		t.Errorf("profile: %d %v", code, m)
	}
	// The visibility explanation says why finance cannot see the card.
	code, m = e.do("GET", "/api/v1/indicators/card/6222021234567894/visibility?org=finance%20org", "regulator/admin", "", nil)
	rows, _ := m["rows"].([]any)
	if code != 200 || len(rows) != 1 || rows[0].(map[string]any)["visible"] != false || rows[0].(map[string]any)["why"] == "" {
		t.Errorf("visibility: %d %v", code, m)
	}
}

func TestBatchLookup(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/api/v1/signals", "telecom/analyst", "text/csv", []byte(signalsCSV))
	forms := []struct{ ct, body string }{
		{"application/json", `["138 0013 8000", {"kind":"domain","value":"TASK-EARN.top"}, "nonsense!"]`},
		{"application/json", `{"items":["138 0013 8000", {"kind":"domain","value":"TASK-EARN.top"}, "nonsense!"]}`},
		{"application/x-ndjson", "\"138 0013 8000\"\n{\"kind\":\"domain\",\"value\":\"TASK-EARN.top\"}\n\"nonsense!\"\n"},
		{"text/plain", "138 0013 8000\ntask-earn.top\nnonsense!\n"},
	}
	for _, f := range forms {
		t.Run(f.ct, func(t *testing.T) {
			code, m := e.do("POST", "/api/v1/lookup", "police/analyst", f.ct, []byte(f.body))
			if code != 200 || m["count"].(float64) != 3 || m["known"].(float64) != 2 {
				t.Fatalf("%d %v", code, m)
			}
			res := m["results"].([]any)
			if res[0].(map[string]any)["verdict"] != registry.VerdictReported || res[2].(map[string]any)["error"] == nil {
				t.Errorf("results %v", res)
			}
		})
	}
	big := strings.Repeat("13800138000\n", MaxBatch+1)
	if code, m := e.do("POST", "/api/v1/lookup", "police/analyst", "text/plain", []byte(big)); code != 413 || errCode(m) != CodeTooLarge {
		t.Errorf("oversized batch: %d %v", code, m)
	}
	if code, m := e.do("POST", "/api/v1/lookup", "police/analyst", "application/json", []byte(`{"items":`)); code != 400 || errCode(m) != CodeInvalid {
		t.Errorf("broken JSON: %d %v", code, m)
	}
	// Asked for NDJSON, the answer is one JSON object a line, in order.
	req := httptest.NewRequest("POST", "/api/v1/lookup", strings.NewReader("13800138000\nnonsense!\n"))
	req.Header.Set("Authorization", "Bearer "+e.tokens["police/analyst"])
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Accept", "application/x-ndjson")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/x-ndjson" || len(lines) != 2 ||
		!strings.Contains(lines[0], `"known":true`) || !strings.Contains(lines[1], `"error"`) {
		t.Errorf("NDJSON answer: %d %q", rec.Code, rec.Body.String())
	}
}

func TestReportsAndMasking(t *testing.T) {
	e := newEnv(t)
	report := `{"id":"R-2026-000123","time":"2026-11-20T10:02:00+08:00","region":"CN-JS","typology":"task_scam",
	 "narrative":"刷单返利","loss":{"amount":"38000.00","currency":"CNY"},
	 "payments":[{"amount":"20000.00","currency":"CNY","rail":"bank","from":"6222000011112222","to":"6217000012345678"}],
	 "contacts":[{"kind":"phone","value":"+63 917 000 0000"},{"kind":"url","value":"hxxp://job-example[.]top/apply"}],
	 "reporter":{"name":"王芳","phone":"+8613912345678"}}`
	code, m := e.do("POST", "/api/v1/reports", "police/analyst", "application/json", []byte(report))
	if code != 201 || m["receipt"] == "" || m["indicators"].(float64) != 3 {
		t.Fatalf("file: %d %v", code, m)
	}
	receipt := m["receipt"]
	code, m = e.do("POST", "/api/v1/reports", "police/analyst", "application/json", []byte(report))
	if code != 200 || m["receipt"] != receipt || m["created"] != false {
		t.Errorf("re-send: %d %v", code, m)
	}
	if code, m := e.do("POST", "/api/v1/reports", "finance/analyst", "application/json", []byte(report)); code != 409 {
		t.Errorf("another org reusing the id: %d %v", code, m)
	}
	// Police see the reporter; a bank sees it masked.
	_, m = e.do("GET", "/api/v1/reports/R-2026-000123", "police/analyst", "", nil)
	if m["reporter"].(map[string]any)["phone"] != "+8613912345678" {
		t.Errorf("police see %v", m["reporter"])
	}
	_, m = e.do("GET", "/api/v1/reports/R-2026-000123", "finance/analyst", "", nil)
	if m["reporter"].(map[string]any)["phone"] == "+8613912345678" || strings.Contains(mustJSON(m), "6222000011112222") {
		t.Errorf("finance sees personal data: %v", m)
	}
	for _, q := range []string{"indicator=%2B639170000000", "typology=task_scam", "region=CN", "region=CN-JS&from=2026-01-01T00:00:00Z"} {
		_, m = e.do("GET", "/api/v1/reports?"+q, "police/analyst", "", nil)
		if reps, _ := m["reports"].([]any); len(reps) != 1 {
			t.Errorf("search %s: %v", q, m)
		}
	}
	_, m = e.do("GET", "/api/v1/reports?region=CN-GD", "police/analyst", "", nil)
	if reps, _ := m["reports"].([]any); len(reps) != 0 {
		t.Errorf("search by another region found %v", reps)
	}
	bad := []struct{ body, field string }{
		{`{"typology":"nope"}`, "typology"},
		{`{"contacts":[{"kind":"phone","value":"1"}]}`, "contacts[0].value"},
		{`{"loss":{"amount":"lots"}}`, "loss.amount"},
		{`{"unknown_field":1}`, ""},
		{`not json`, ""},
	}
	for _, b := range bad {
		code, m := e.do("POST", "/api/v1/reports", "police/analyst", "application/json", []byte(b.body))
		if code != 400 || errCode(m) != CodeInvalid || errField(m) != b.field {
			t.Errorf("%s: %d %v, want 400 on %q", b.body, code, m, b.field)
		}
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestPublicPortal(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/api/v1/signals", "telecom/analyst", "text/csv", []byte(signalsCSV))
	report := `{"id":"my-report-1","typology":"task_scam","narrative":"they asked for a deposit","contacts":[{"kind":"phone","value":"+63 917 000 0000"}],"reporter":{"name":"Li","phone":"+8613912345678"}}`
	code, m := e.do("POST", "/public/v1/reports", "", "application/json", []byte(report))
	if code != 201 || !strings.HasPrefix(m["receipt"].(string), "FZ-") {
		t.Fatalf("public report: %d %v", code, m)
	}
	receipt := m["receipt"].(string)
	if code, m := e.do("GET", "/public/v1/reports/"+receipt, "", "", nil); code != 200 || m["status"] != "received" {
		t.Errorf("receipt: %d %v", code, m)
	}
	code, m = e.do("GET", "/public/v1/check?q=%2B639170000000", "", "", nil)
	if code != 200 || m["verdict"] != registry.VerdictSuspicious || len(m["advice"].([]any)) == 0 {
		t.Errorf("check: %d %v", code, m)
	}
	if s := mustJSON(m); strings.Contains(s, "Li") || strings.Contains(s, "13912345678") {
		t.Errorf("public check leaks personal data: %s", s)
	}
	// A GREEN agency signal is not for the public.
	if _, m := e.do("GET", "/public/v1/check?q=13800138000", "", "", nil); m["verdict"] != registry.VerdictNoReports {
		t.Errorf("public sees a GREEN signal: %v", m)
	}
	if _, m := e.do("GET", "/public/v1/check?q=task-earn.top&lang=zh", "", "", nil); m["verdict"] != registry.VerdictReported && m["verdict"] != registry.VerdictSuspicious {
		t.Errorf("CLEAR domain: %v", m)
	}
	if code, m := e.do("GET", "/public/v1/check?q=", "", "", nil); code != 400 || errField(m) != "q" {
		t.Errorf("empty q: %d %v", code, m)
	}
}

func TestRangeLookup(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/api/v1/signals", "telecom/analyst", "text/csv", []byte(signalsCSV))
	for _, tt := range []struct {
		ind  string
		want bool
	}{{"domain:task-earn.top", true}, {"phone:+8613800138000", false}} {
		h := sha256hex(tt.ind)
		code, m := e.do("GET", "/public/v1/range/"+strings.ToUpper(h[:5]), "", "", nil)
		found := false
		for _, x := range m["matches"].([]any) {
			found = found || x.(map[string]any)["hash"] == h
		}
		if code != 200 || found != tt.want {
			t.Errorf("%s: %d found=%v want %v (%v)", tt.ind, code, found, tt.want, m)
		}
	}
	for _, bad := range []string{"abc", "abcdef", "zzzzz"} {
		if code, _ := e.do("GET", "/public/v1/range/"+bad, "", "", nil); code != 400 {
			t.Errorf("prefix %q: %d", bad, code)
		}
	}
}

func TestPublicRateLimit(t *testing.T) {
	e := newEnv(t)
	e.srv.limiter = newLimiter(0.001, 5)
	var codes []int
	for range 7 {
		code, _ := e.do("GET", "/public/v1/check?q=13800138000", "", "", nil)
		codes = append(codes, code)
	}
	if codes[4] != 200 || codes[5] != 429 || codes[6] != 429 {
		t.Errorf("codes %v, want 5×200 then 429", codes)
	}
}

func TestAuditTrail(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/api/v1/signals", "telecom/analyst", "text/csv", []byte(signalsCSV))
	e.do("GET", "/api/v1/lookup?q=13800138000", "finance/analyst", "", nil)
	e.do("GET", "/api/v1/lookup?q=13800138000", "finance/contributor", "", nil)
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, m := e.do("GET", "/api/v1/audit?limit=50", "regulator/admin", "", nil)
	var actions []string
	for _, x := range m["entries"].([]any) {
		en := x.(map[string]any)
		actions = append(actions, en["action"].(string)+" "+en["target"].(string)+" "+en["organisation"].(string)+" "+en["addr"].(string))
	}
	all := strings.Join(actions, "\n")
	for _, want := range []string{"signals.submit batch:3 telecom org 192.0.2.1", "lookup phone:+8613800138000 finance org", "denied:lookup"} {
		if !strings.Contains(all, want) {
			t.Errorf("audit lacks %q:\n%s", want, all)
		}
	}
	// A bank admin reads only its own organisation's entries.
	_, m = e.do("GET", "/api/v1/audit", "finance/admin", "", nil)
	for _, x := range m["entries"].([]any) {
		if org := x.(map[string]any)["organisation"]; org != "finance org" {
			t.Errorf("finance admin sees %v's entries", org)
		}
	}
	n, err := auth.VerifyChain(func(after int64, limit int) ([]auth.AuditEntry, error) {
		return e.store.AuditRange(context.Background(), after, limit)
	})
	if err != nil || n < 3 {
		t.Errorf("chain: %d entries, %v", n, err)
	}
}

func TestBodyLimitAndPanicSafety(t *testing.T) {
	e := newEnv(t)
	big := append([]byte(`{"narrative":"`), bytes.Repeat([]byte("x"), maxPublicReportBody+10)...)
	code, m := e.do("POST", "/public/v1/reports", "", "application/json", big)
	if code != 413 || errCode(m) != CodeTooLarge {
		t.Errorf("oversized report: %d %v", code, m)
	}
	code, m = e.do("POST", "/api/v1/signals", "telecom/analyst", "image/png", []byte("x"))
	if code != 400 || errField(m) != "Content-Type" {
		t.Errorf("wrong content type: %d %v", code, m)
	}
	code, m = e.do("POST", "/api/v1/signals", "telecom/analyst", "text/csv", []byte("kind,nothing\n"))
	if code != 400 || !strings.Contains(mustJSON(m), "value") {
		t.Errorf("missing column: %d %v", code, m)
	}
}

func sha256hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestRevokedAndExpiredTokens(t *testing.T) {
	e := newEnv(t)
	e.srv.opts.TokenTTL = time.Nanosecond // re-read the token on every request
	ctx := context.Background()
	org, err := e.store.OrgByName(ctx, "police org")
	if err != nil {
		t.Fatal(err)
	}
	secret, hash, _ := auth.NewToken()
	tok, err := e.store.CreateToken(ctx, auth.Token{OrgID: org.ID, Role: auth.Analyst, Hash: hash, Created: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["fresh"] = secret
	if code, _ := e.do("GET", "/api/v1/whoami", "fresh", "", nil); code != 200 {
		t.Fatalf("new token: %d", code)
	}
	if err := e.store.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if code, m := e.do("GET", "/api/v1/whoami", "fresh", "", nil); code != 401 || errCode(m) != CodeUnauthorized {
		t.Errorf("revoked token: %d %v", code, m)
	}
	secret2, hash2, _ := auth.NewToken()
	if _, err := e.store.CreateToken(ctx, auth.Token{OrgID: org.ID, Role: auth.Analyst, Hash: hash2, Created: time.Now().Add(-2 * time.Hour), Expires: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	e.tokens["expired"] = secret2
	if code, _ := e.do("GET", "/api/v1/whoami", "expired", "", nil); code != 401 {
		t.Errorf("expired token: %d", code)
	}
}

// breakAudit gives e an audit log that can take nothing ("database
// down"), with a short wait, so that every route's refusal can be tested.
func (e *env) breakAudit() {
	e.t.Helper()
	broken := auth.NewAuditor(func(context.Context, []auth.AuditEntry) error { return errors.New("database down") },
		auth.AuditorOptions{QueueSize: 2, MaxBatch: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	e.t.Cleanup(func() { broken.Close(ctxDone()) })
	e.srv.audit = broken
	e.srv.opts.AuditWait = 50 * time.Millisecond
}

// TestAuditDownRefusesReads: when the audit log cannot be written, reads
// are refused with 503 and Retry-After instead of hanging or going
// unaudited.
func TestAuditDownRefusesReads(t *testing.T) {
	e := newEnv(t)
	e.breakAudit()
	var last int
	var lastBody map[string]any
	for range 5 {
		last, lastBody = e.do("GET", "/api/v1/lookup?q=13800138000", "police/analyst", "", nil)
	}
	if last != 503 || errCode(lastBody) != CodeUnavailable {
		t.Fatalf("lookup with the audit log down: %d %v", last, lastBody)
	}
	req := httptest.NewRequest("GET", "/api/v1/lookup?q=13800138000", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["police/analyst"])
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Header().Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
}

// ctxDone is a context that has already ended: closing an auditor whose
// sink never recovers gives its entries up at once.
func ctxDone() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
