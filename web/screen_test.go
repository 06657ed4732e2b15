package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/fanzha/fanzha/auth"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/screen"
	"github.com/fanzha/fanzha/store"
)

// The mule of transfersCSV (…5678) took 20,000 from a victim at 08:00 and
// passed 17,000 on to two accounts within 40 minutes: a new payer's 30,000
// to it three hours later has the mule's shape before anyone reports it.
const (
	muleAcct     = "6217000012345678"
	toMule       = `{"id":"S1","time":"2026-11-27T11:00:00+08:00","rail":"bank","amount":"30000.00","from":"6222000033334444","to":"` + muleAcct + `","channel":"app","payer_phone":"+8613800138000"}`
	ordinary     = `{"id":"S2","time":"2026-11-27T11:01:00+08:00","rail":"bank","amount":"86.50","from":"6222000044445555","to":"6217000066667777","channel":"app","memo":"lunch"}`
	toReported   = `{"id":"S3","time":"2026-11-27T11:02:00+08:00","rail":"bank","amount":"5000.00","from":"6222000055556666","to":"6217000077776666","channel":"web"}`
	badAmount    = `{"id":"S4","time":"2026-11-27T11:03:00+08:00","rail":"bank","amount":"-5","from":"6222000055556666","to":"6217000077776666"}`
	badTimeNoKey = `{"time":"yesterday","rail":"bank","amount":"5","from":"6222000055556666","to":"6217000077776666"}`
)

// screenEnv is moneyEnv's ledger without its report, and a screening
// engine warmed from it.
func screenEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	withMoney(t, e)
	if code, m := e.do("POST", "/api/v1/ingest/transfers", "finance/analyst", "text/csv", []byte(transfersCSV)); code != 200 {
		t.Fatalf("ingest: %d %v", code, m)
	}
	sc, n, err := NewScreening(context.Background(), e.store, e.srv.registry, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("velocity warmed with %d transfers, want 3", n)
	}
	e.srv.screening = sc
	return e
}

func TestScreenPermissions(t *testing.T) {
	e := newEnv(t)
	if code, m := e.do("POST", "/api/v1/screen", "finance/analyst", "application/json", []byte(ordinary)); code != 503 || errCode(m) != CodeUnavailable {
		t.Errorf("screen without an engine: %d %v", code, m)
	}
	e = screenEnv(t)
	for _, tc := range []struct {
		who    string
		status int
	}{
		{"finance/analyst", 200},
		{"finance/supervisor", 200},
		{"finance/readonly", 403},    // reads, but a decision is stored: a write
		{"finance/contributor", 403}, // writes, but reads the registry
		{"police/analyst", 403},      // banks and payment firms screen
		{"telecom/analyst", 403},
		{"", 401},
	} {
		if code, m := e.do("POST", "/api/v1/screen", tc.who, "application/json", []byte(ordinary)); code != tc.status {
			t.Errorf("%s: %d %v, want %d", tc.who, code, m, tc.status)
		}
	}
}

func TestScreenDecisions(t *testing.T) {
	e := screenEnv(t)

	// A payment to the unreported mule: stopped, stored, and a signal.
	code, m := e.do("POST", "/api/v1/screen", "finance/analyst", "application/json", []byte(toMule))
	if code != 200 || (m["decision"] != "hold" && m["decision"] != "block") {
		t.Fatalf("payment to the mule: %d %v", code, m)
	}
	id, _ := m["decision_id"].(string)
	sigID, _ := m["signal"].(string)
	if !strings.HasPrefix(id, "SD-") || sigID != "screen:"+id || m["scenario"] != "payments" || m["version"] != 1.0 {
		t.Errorf("answer %v", m)
	}
	rules, _ := m["rules"].([]any)
	if len(rules) == 0 || !strings.Contains(fmt.Sprint(rules), "passed on") {
		t.Errorf("rules %v: want the pass-through reason in figures", rules)
	}
	// Sent again (a retry after a timeout): the same decision, not a new one.
	code, retry := e.do("POST", "/api/v1/screen", "finance/analyst", "application/json", []byte(toMule))
	if code != 200 || retry["decision_id"] != id || retry["repeat"] != true || retry["decision"] != m["decision"] || retry["score"] != m["score"] {
		t.Errorf("retry: %d %v, first answer %v", code, retry, m)
	}
	// The payer gave a phone: they are warned as someone being scammed now.
	phone := indicator.MustParse(indicator.Phone, "+8613800138000")
	ws, err := e.store.SearchWarnings(context.Background(), store.WarningQuery{Subscriber: phone})
	if err != nil || len(ws) != 1 || m["warning"] != ws[0].ID || ws[0].Suspect.Value() != muleAcct ||
		ws[0].Grade == "" || !strings.Contains(ws[0].Reason, "30000") || ws[0].Region == "" {
		t.Errorf("warning for the payer: %+v, %v (answer %v)", ws, err, m["warning"])
	}
	mule, err := indicator.Options{DefaultRegion: "CN"}.Parse(indicator.BankAccount, muleAcct)
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := e.store.SignalsFor(context.Background(), mule)
	if err != nil || len(sigs) != 1 {
		t.Fatalf("signals on the mule: %v, %v", sigs, err)
	}
	if g := sigs[0]; g.ID != sigID || g.Sector != "finance" || g.Evidence != id || g.TLP != auth.TLPGreen || g.Confidence != m["score"].(float64)/100 {
		t.Errorf("signal %+v", g)
	}

	// Stored, and read back by the asker, police and judicial; not by
	// another bank, nor by a telecom operator.
	path := "/api/v1/screen/decisions/" + id
	for who, want := range map[string]int{"finance/readonly": 200, "police/analyst": 200, "judicial/analyst": 200, "ccb/analyst": 404, "telecom/analyst": 403} {
		code, got := e.do("GET", path, who, "", nil)
		if code != want {
			t.Errorf("%s reads the decision: %d %v, want %d", who, code, got, want)
			continue
		}
		if code == 200 {
			pay, _ := got["payment"].(map[string]any)
			detail, _ := got["detail"].(map[string]any)
			sig, _ := detail["signals"].(map[string]any)
			if got["decision"] != m["decision"] || got["signal"] != sigID || pay["amount"] != "30000.00" || pay["to"] != muleAcct ||
				pay["payer_phone"] != "+8613800138000" || sig["payee_pass_through"] == nil {
				t.Errorf("%s: stored decision %v", who, got)
			}
		}
	}
	if code, _ := e.do("GET", "/api/v1/screen/decisions/SD-nope", "police/analyst", "", nil); code != 404 {
		t.Errorf("unknown decision: %d", code)
	}

	// The same mule again: now flagged, so no second signal.
	again := strings.Replace(strings.Replace(toMule, `"S1"`, `"S1b"`, 1), "6222000033334444", "6222000033339999", 1)
	if code, m := e.do("POST", "/api/v1/screen", "finance/analyst", "application/json", []byte(again)); code != 200 || m["signal"] != nil {
		t.Errorf("second payment to the flagged mule: %d %v", code, m)
	}

	// An ordinary payment: allowed, no signal.
	if code, m := e.do("POST", "/api/v1/screen", "finance/analyst", "application/json", []byte(ordinary)); code != 200 || m["decision"] != "allow" || m["signal"] != nil {
		t.Errorf("ordinary payment: %d %v", code, m)
	}

	// A payee a victim's report already names: blocked, no signal.
	if code, m := e.do("POST", "/api/v1/reports", "police/analyst", "application/json", []byte(moneyReport)); code != 201 {
		t.Fatalf("report: %d %v", code, m)
	}
	code, m = e.do("POST", "/api/v1/screen", "finance/analyst", "application/json", []byte(toReported))
	if code != 200 || (m["decision"] != "hold" && m["decision"] != "block") || m["signal"] != nil || !strings.Contains(fmt.Sprint(m["rules"]), "payee_reported") {
		t.Errorf("payment to a reported payee: %d %v", code, m)
	}

	// Every screening and read is in the audit log.
	es, err := e.store.AuditQuery(context.Background(), store.AuditQuery{Action: "screen"})
	if err != nil || len(es) != 5 { // one a request, the retry included
		t.Fatalf("screen audit entries: %d, %v", len(es), err)
	}
	if last := es[len(es)-1]; last.Target != "payment:S1" || !strings.Contains(last.Detail, "signals 1") || !strings.Contains(last.Detail, id) {
		t.Errorf("first screen audit entry %+v", last)
	}
	if es, err := e.store.AuditQuery(context.Background(), store.AuditQuery{Action: "screen.read", Target: "screen:" + id}); err != nil || len(es) != 3 {
		t.Errorf("read audit entries: %d, %v", len(es), err)
	}
	if es, err := e.store.AuditQuery(context.Background(), store.AuditQuery{Action: "denied:screen.read"}); err != nil || len(es) != 1 {
		t.Errorf("denied read audit entries: %d, %v", len(es), err)
	}
}

func TestScreenBatch(t *testing.T) {
	e := screenEnv(t)
	batch := `{"payments":[` + toMule + `,` + ordinary + `,` + badAmount + `]}`
	code, m := e.do("POST", "/api/v1/screen", "finance/analyst", "application/json", []byte(batch))
	if code != 200 || m["count"] != 3.0 || m["decided"] != 2.0 || m["rejected"] != 1.0 {
		t.Fatalf("batch: %d %v", code, m)
	}
	rs := m["results"].([]any)
	first, second, third := rs[0].(map[string]any), rs[1].(map[string]any), rs[2].(map[string]any)
	if first["payment_id"] != "S1" || first["signal"] == nil || second["decision"] != "allow" {
		t.Errorf("results %v", rs)
	}
	if e, _ := third["error"].(map[string]any); third["payment_id"] != "S4" || e["field"] != "amount" || third["decision_id"] != nil {
		t.Errorf("bad payment's result %v", third)
	}

	// NDJSON in, NDJSON out, one result a line in order.
	nd := strings.Replace(ordinary, `"S2"`, `"N1"`, 1) + "\n\n" + strings.Replace(ordinary, `"S2"`, `"N2"`, 1) + "\n" + badTimeNoKey + "\n"
	code, raw := e.raw("POST", "/api/v1/screen", "finance/analyst", "application/x-ndjson", []byte(nd))
	if code != 200 {
		t.Fatalf("ndjson: %d %s", code, raw)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		var x map[string]any
		if err := json.Unmarshal(sc.Bytes(), &x); err != nil {
			t.Fatalf("ndjson answer line %q: %v", sc.Text(), err)
		}
		lines = append(lines, x)
	}
	if len(lines) != 3 || lines[0]["payment_id"] != "N1" || lines[1]["payment_id"] != "N2" || lines[2]["error"].(map[string]any)["field"] != "id" || lines[2]["rules"] != nil {
		t.Errorf("ndjson answer %s", raw)
	}

	// A JSON array is a batch too.
	if code, m := e.do("POST", "/api/v1/screen", "finance/analyst", "application/json", []byte(`[`+ordinary+`]`)); code != 200 || m["decided"] != 1.0 {
		t.Errorf("array: %d %v", code, m)
	}
}

func TestScreenBadInput(t *testing.T) {
	e := screenEnv(t)
	tooMany := `{"payments":[` + strings.Repeat(ordinary+",", MaxScreenBatch) + ordinary + `]}`
	for _, tc := range []struct {
		name, ct, body string
		status         int
		field          string
	}{
		{"empty", "application/json", "", 400, "payments"},
		{"not JSON", "application/json", "{", 400, ""},
		{"a string", "application/json", `"pay"`, 400, ""},
		{"csv", "text/csv", "id,time\n", 400, "Content-Type"},
		{"no payments", "application/json", `{"payments":[]}`, 400, "payments"},
		{"payments not a list", "application/json", `{"payments":{}}`, 400, "payments"},
		{"bad amount", "application/json", badAmount, 400, "amount"},
		{"no payee", "application/json", `{"id":"X","time":"2026-11-27T11:00:00+08:00","rail":"bank","amount":"5","from":"6222000055556666"}`, 400, "to"},
		{"bad rail", "application/json", strings.Replace(ordinary, `"bank"`, `"pigeon"`, 1), 400, "rail"},
		{"bad phone", "application/json", strings.Replace(ordinary, `"memo"`, `"payer_phone":"call me","memo"`, 1), 400, "payer_phone"},
		{"bad device", "application/json", strings.Replace(ordinary, `"memo"`, `"device":"???","memo"`, 1), 400, "device"},
		{"long channel", "application/json", strings.Replace(ordinary, `"app"`, `"`+strings.Repeat("x", 40)+`"`, 1), 400, "channel"},
		{"not an object", "application/json", `{"payments":[1]}`, 400, "payments[0]"},
		{"too many", "application/json", tooMany, 413, "payments"},
	} {
		code, m := e.do("POST", "/api/v1/screen", "finance/analyst", tc.ct, []byte(tc.body))
		if code != tc.status {
			t.Errorf("%s: %d %v, want %d", tc.name, code, m, tc.status)
			continue
		}
		field := ""
		if er, ok := m["error"].(map[string]any); ok {
			field, _ = er["field"].(string)
		} else if rs, ok := m["results"].([]any); ok && len(rs) > 0 {
			field, _ = rs[0].(map[string]any)["error"].(map[string]any)["field"].(string)
		}
		if field != tc.field {
			t.Errorf("%s: field %q (%v), want %q", tc.name, field, m, tc.field)
		}
	}
}

func TestScreenAuditDown(t *testing.T) {
	e := screenEnv(t)
	code, m := e.do("POST", "/api/v1/screen", "finance/analyst", "application/json", []byte(toMule))
	if code != 200 {
		t.Fatalf("screen: %d %v", code, m)
	}
	id := m["decision_id"].(string)
	e.breakAudit()
	var got int
	for range 4 {
		got, _ = e.do("GET", "/api/v1/screen/decisions/"+id, "police/analyst", "", nil)
	}
	if got != 503 {
		t.Errorf("read with the audit log down: %d", got)
	}
	if code, _ := e.do("POST", "/api/v1/screen", "finance/analyst", "application/json", []byte(ordinary)); code != 503 {
		t.Errorf("screen with the audit log down: %d", code)
	}
}

func TestScreenBacktest(t *testing.T) {
	e := screenEnv(t)
	rs, err := screen.DefaultRuleSet()
	if err != nil {
		t.Fatal(err)
	}
	// A draft that holds everything from a score of 1.
	rs.Status, rs.Version, rs.Thresholds.Review, rs.Thresholds.Hold = screen.Draft, rs.Version+1, 1, 1
	draft, err := json.Marshal(rs)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := e.do("POST", "/api/v1/screen/backtest", "telecom/analyst", "application/json", draft); code != 403 {
		t.Errorf("an operator backtested: %d", code)
	}
	if code, m := e.do("POST", "/api/v1/screen/backtest", "finance/analyst", "application/json", []byte(`{"scenario":"x","wieght":1}`)); code != 400 {
		t.Errorf("a misspelt rule set: %d %v", code, m)
	}
	code, m := e.do("POST", "/api/v1/screen/backtest", "finance/analyst", "application/json", draft)
	if code != 200 || m["payments"] != 3.0 || m["draft_version"] != 2.0 || m["published_version"] != 1.0 {
		t.Fatalf("backtest: %d %v", code, m)
	}
	moves, _ := m["moves"].(map[string]any)
	if changed, _ := m["changed"].(float64); changed < 1 || moves == nil || len(m["examples"].([]any)) != int(changed) {
		t.Errorf("a draft holding from 1 changed nothing over the stored payments: %v", m)
	}
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	es, err := e.store.AuditQuery(context.Background(), store.AuditQuery{Action: "screen.backtest"})
	if err != nil || len(es) != 1 {
		t.Errorf("backtest audit entries: %d, %v", len(es), err)
	}
}

func TestScreenRuleSets(t *testing.T) {
	e := screenEnv(t)
	rs, err := screen.DefaultRuleSet()
	if err != nil {
		t.Fatal(err)
	}
	rs.Version = 2
	rs.Thresholds.Hold = 55
	good, _ := json.Marshal(rs)
	rs.Rules = append(rs.Rules, screen.Rule{Name: "nonsense", When: "no_such_feature > 1", Weight: 10, Reason: "x"})
	bad, _ := json.Marshal(rs)

	if code, m := e.do("POST", "/api/v1/screen/rules", "finance/analyst", "application/json", bad); code != 400 {
		t.Errorf("a rule on an unknown feature: %d %v", code, m)
	}
	if code, m := e.do("POST", "/api/v1/screen/rules?shadow=true", "finance/analyst", "application/json", good); code != 201 || m["shadow"] != true {
		t.Fatalf("upload: %d %v", code, m)
	}
	if code, _ := e.do("POST", "/api/v1/screen/rules", "finance/analyst", "application/json", good); code != 409 {
		t.Errorf("the same version again: %d", code)
	}
	// In shadow: decisions carry the draft's verdict, stored, never acted on.
	code, m := e.do("POST", "/api/v1/screen", "finance/analyst", "application/json", []byte(ordinary))
	if code != 200 {
		t.Fatalf("screen: %d %v", code, m)
	}
	code, m = e.do("GET", "/api/v1/screen/decisions/"+m["decision_id"].(string), "finance/analyst", "", nil)
	if code != 200 || !strings.Contains(mustJSON(m), `"shadow"`) {
		t.Errorf("stored decision without the shadow verdict: %d %v", code, m)
	}
	code, m = e.do("GET", "/api/v1/screen/rules", "finance/analyst", "", nil)
	if code != 200 || len(m["rule_sets"].([]any)) != 1 || !strings.Contains(mustJSON(m), `"shadow":true`) {
		t.Errorf("list: %d %v", code, m)
	}
	// The shadow report sums the draft's stored verdicts up.
	code, m = e.do("GET", "/api/v1/screen/shadow?from=2000-01-01T00:00:00Z", "finance/analyst", "", nil)
	if code != 200 || m["shadowed"] != 1.0 || m["decisions"].(float64) < 1 || !strings.Contains(mustJSON(m["draft_versions"]), `"2":1`) {
		t.Errorf("shadow report: %d %v", code, m)
	}
	if code, _ := e.do("GET", "/api/v1/screen/shadow?from=tomorrow", "finance/analyst", "", nil); code != 400 {
		t.Errorf("a bad window: %d", code)
	}
	// Publishing takes a supervisor.
	if code, _ := e.do("POST", "/api/v1/screen/rules/payments/2/publish", "finance/analyst", "", nil); code != 403 {
		t.Errorf("an analyst published: %d", code)
	}
	if code, _ := e.do("POST", "/api/v1/screen/rules/payments/9/publish", "finance/supervisor", "", nil); code != 404 {
		t.Errorf("publish a missing version: %d", code)
	}
	if code, m := e.do("POST", "/api/v1/screen/rules/payments/2/publish", "finance/supervisor", "", nil); code != 200 || m["live"] != true {
		t.Fatalf("publish: %d %v", code, m)
	}
	code, m = e.do("POST", "/api/v1/screen", "finance/analyst", "application/json", []byte(strings.Replace(ordinary, `"S2"`, `"S2-v2"`, 1)))
	if code != 200 || m["version"] != 2.0 {
		t.Errorf("decided after publishing: %d %v", code, m)
	}
	// A node started afterwards decides with the published version.
	sc, _, err := NewScreening(context.Background(), e.store, e.srv.registry, nil)
	if err != nil {
		t.Fatal(err)
	}
	if live, _ := sc.engine.Rules(); live.Version != 2 || live.Thresholds.Hold != 55 {
		t.Errorf("restarted node decides with version %d (hold %d)", live.Version, live.Thresholds.Hold)
	}
}
