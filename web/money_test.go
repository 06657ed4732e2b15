package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/store"
)

// The victim (account …2222) paid 20,000 to a mule at CCB twelve hours
// before testNow; the mule passed 12,000 on to ABC and 5,000 to a payment
// firm, and kept 3,000.
const transfersCSV = "id,time,rail,asset,amount,from,to,from_institution,to_institution,memo\n" +
	"P1,2026-11-27T08:00:00+08:00,bank,CNY,\"20,000.00\",6222000011112222,6217000012345678,ICBC,CCB,task deposit\n" +
	"L1,2026-11-27T08:30:00+08:00,bank,CNY,12000.00,6217000012345678,6217000099998888,CCB,ABC,\n" +
	"L2,2026-11-27T08:40:00+08:00,bank,CNY,5000.00,6217000012345678,6217000055556666,CCB,,\n" +
	"X1,yesterday,bank,CNY,1.00,6217000012345678,6217000055556666,CCB,,\n"

const attributionsCSV = "kind,value,entity,entity_type,source\n" +
	"bank_account,6217000055556666,Yangtze Pay,payment_firm,police\n" +
	"bank_account,6217000055556666,Yangtze Pay,bakery,police\n"

const moneyReport = `{"id":"R-MONEY-1","time":"2026-11-27T09:00:00+08:00","typology":"task_scam","loss":{"amount":"38000.00","currency":"CNY"},
 "payments":[{"time":"2026-11-27T08:05:00+08:00","amount":"20000.00","currency":"CNY","rail":"bank","from":"6222000011112222","to":"6217000012345678"},
             {"time":"2026-11-27T09:00:00+08:00","amount":"18000.00","currency":"CNY","rail":"bank","from":"6222000011112222","to":"6217000077776666"}]}`

// withMoney gives e an empty ledger, a judicial organisation, and a bank
// registered under the name the transfers give its institution ("CCB").
func withMoney(t *testing.T, e *env) {
	t.Helper()
	e.srv.money.ledger = money.NewLedger()
	ctx := context.Background()
	for name, sector := range map[string]auth.Sector{"judicial org": auth.Judicial, "CCB": auth.Finance} {
		org, err := e.store.CreateOrg(ctx, auth.Org{Name: name, Sector: sector, Created: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range []auth.Role{auth.Analyst, auth.ReadOnly} {
			secret, hash, _ := auth.NewToken()
			if _, err := e.store.CreateToken(ctx, auth.Token{OrgID: org.ID, Role: role, Hash: hash, Created: time.Now()}); err != nil {
				t.Fatal(err)
			}
			key := string(sector) + "/" + string(role)
			if name == "CCB" {
				key = "ccb/" + string(role)
			}
			e.tokens[key] = secret
		}
	}
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestMoneyIngest(t *testing.T) {
	e := newEnv(t)
	if code, m := e.do("POST", "/api/v1/ingest/transfers", "finance/analyst", "text/csv", []byte(transfersCSV)); code != 503 || errCode(m) != CodeUnavailable {
		t.Errorf("ingest without a ledger: %d %v", code, m)
	}
	withMoney(t, e)
	for _, tc := range []struct {
		name, who, ct string
		body          []byte
		status        int
		check         func(m map[string]any) bool
	}{
		{"operators do not send transfers", "telecom/analyst", "text/csv", []byte(transfersCSV), 403, nil},
		{"readonly may not submit", "police/readonly", "text/csv", []byte(transfersCSV), 403, nil},
		{"a bank sends gzip CSV", "finance/contributor", "text/csv", gz(transfersCSV), 200, func(m map[string]any) bool {
			errs := m["errors"].([]any)
			first := errs[0].(map[string]any)
			return m["accepted"].(float64) == 3 && m["added"].(float64) == 3 && m["rejected"].(float64) == 1 &&
				first["line"].(float64) == 5 && first["field"] == "time" && m["dialect"] == "transfer"
		}},
		{"re-sent is harmless", "police/analyst", "text/csv", []byte(transfersCSV), 200, func(m map[string]any) bool {
			return m["accepted"].(float64) == 3 && m["added"].(float64) == 0
		}},
		{"NDJSON", "finance/analyst", "application/x-ndjson",
			[]byte(`{"id":"N1","time":"2026-11-27T10:00:00+08:00","rail":"tron","asset":"USDT","amount":"100","from":"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t","to":"TYDzsYUEpvnYmQk4zGP9sWWcTEd2MiAtW6"}` + "\n"), 200,
			func(m map[string]any) bool { return m["added"].(float64) == 1 }},
		{"an explorer export", "finance/analyst", "text/csv",
			[]byte("Txhash,UnixTimestamp,From,To,Value_IN(ETH),Value_OUT(ETH),Status\n0xaa,1795000000,0x52908400098527886E0F7030069857D2E4169EE7,0x8617E340B3D01FA5F11F306F4090FD50E238070D,0,1.5,\n"), 200,
			func(m map[string]any) bool { return m["dialect"] == "etherscan" && m["added"].(float64) == 1 }},
		{"only bad rows", "finance/analyst", "text/csv", []byte("id,time,rail,amount,from,to\nZ,now,bank,1,a,b\n"), 400,
			func(m map[string]any) bool { return m["accepted"].(float64) == 0 && m["rejected"].(float64) == 1 }},
		{"a header of neither shape", "finance/analyst", "text/csv", []byte("a,b\n1,2\n"), 400,
			func(m map[string]any) bool { return strings.Contains(mustJSON(m), "neither the transfer shape") }},
		{"wrong content type", "finance/analyst", "image/png", []byte("x"), 400,
			func(m map[string]any) bool { return errField(m) == "Content-Type" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, m := e.do("POST", "/api/v1/ingest/transfers", tc.who, tc.ct, tc.body)
			if code != tc.status || tc.check != nil && !tc.check(m) {
				t.Errorf("got %d %v, want %d", code, m, tc.status)
			}
		})
	}
	code, m := e.do("POST", "/api/v1/attributions", "police/analyst", "text/csv", []byte(attributionsCSV))
	if code != 200 || m["accepted"].(float64) != 1 || m["rejected"].(float64) != 1 || !strings.Contains(mustJSON(m), "entity_type") {
		t.Errorf("attributions: %d %v", code, m)
	}
	if code, _ := e.do("POST", "/api/v1/attributions", "internet/analyst", "text/csv", []byte(attributionsCSV)); code != 403 {
		t.Errorf("a platform sent attributions: %d", code)
	}
	if code, m := e.do("POST", "/api/v1/attributions", "police/analyst", "text/csv", []byte("kind,value\n")); code != 400 || !strings.Contains(mustJSON(m), "entity") {
		t.Errorf("attributions without columns: %d %v", code, m)
	}
	// Everything acknowledged is in the store: a ledger rebuilt from it is
	// the one that served.
	rebuilt, err := store.LoadLedger(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rebuilt.Stats(), e.srv.money.ledger.Stats(); got.Transfers != 5 || got.Transfers != want.Transfers ||
		got.Accounts != want.Accounts || got.Attributed != want.Attributed || got.Attributed != 1 {
		t.Errorf("rebuilt ledger %+v, served %+v", got, want)
	}
}

// moneyEnv is a server with the transfers, attributions and the victim's
// report loaded.
func moneyEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	withMoney(t, e)
	if code, m := e.do("POST", "/api/v1/ingest/transfers", "finance/analyst", "text/csv", []byte(transfersCSV)); code != 200 {
		t.Fatalf("ingest: %d %v", code, m)
	}
	if code, m := e.do("POST", "/api/v1/attributions", "finance/analyst", "text/csv", []byte(attributionsCSV)); code != 200 {
		t.Fatalf("attributions: %d %v", code, m)
	}
	if code, m := e.do("POST", "/api/v1/reports", "police/analyst", "application/json", []byte(moneyReport)); code != 201 {
		t.Fatalf("report: %d %v", code, m)
	}
	return e
}

func TestTraceRoutes(t *testing.T) {
	e := moneyEnv(t)
	code, m := e.do("GET", "/api/v1/trace?payment=P1&policy=fifo", "police/analyst", "", nil)
	if code != 200 || m["policy"] != "fifo" || len(m["holders"].([]any)) != 3 || len(m["institutions"].([]any)) != 3 ||
		m["from"].(map[string]any)["value"] != "6222000011112222" {
		t.Fatalf("trace: %d %v", code, m)
	}
	// A bank reads the trace with the payer masked, everywhere.
	code, m = e.do("GET", "/api/v1/trace?payment=P1&policy=lifo", "finance/readonly", "", nil)
	if code != 200 || strings.Contains(mustJSON(m), "6222000011112222") || m["policy"] != "lifo" {
		t.Errorf("finance trace: %d %v", code, m)
	}
	code, raw := e.raw("GET", "/api/v1/trace?payment=P1&format=svg", "judicial/analyst", "", nil)
	if code != 200 || !bytes.Contains(raw, []byte("<svg")) {
		t.Errorf("svg: %d %.200s", code, raw)
	}
	for _, tc := range []struct {
		path, who string
		status    int
		field     string
	}{
		{"/api/v1/trace?payment=P1", "internet/analyst", 403, ""},
		{"/api/v1/trace?payment=P1", "regulator/admin", 403, ""},
		{"/api/v1/trace?payment=P1", "police/contributor", 403, ""},
		{"/api/v1/trace", "police/analyst", 400, "payment"},
		{"/api/v1/trace?payment=NOPE", "police/analyst", 404, "payment"},
		{"/api/v1/trace?payment=P1&policy=random", "police/analyst", 400, "policy"},
		{"/api/v1/trace?payment=P1&as_of=yesterday", "police/analyst", 400, "as_of"},
		{"/api/v1/trace?payment=P1&as_of=2026-11-01T00:00:00Z", "police/analyst", 400, "as_of"},
		{"/api/v1/trace?payment=P1&format=pdf", "police/analyst", 400, "format"},
		{"/api/v1/reports/R-NOPE/trace", "police/analyst", 404, "id"},
		{"/api/v1/reports/R-MONEY-1/trace", "telecom/analyst", 403, ""},
	} {
		if code, m := e.do("GET", tc.path, tc.who, "", nil); code != tc.status || errField(m) != tc.field {
			t.Errorf("%s as %s: %d %v, want %d on %q", tc.path, tc.who, code, m, tc.status, tc.field)
		}
	}
	// The report's first payment is found and traced; the second is not in the ledger.
	code, m = e.do("GET", "/api/v1/reports/R-MONEY-1/trace?policy=proportional", "judicial/analyst", "", nil)
	traces, _ := m["traces"].([]any)
	missing, _ := m["not_found"].([]any)
	if code != 200 || len(traces) != 1 || traces[0].(map[string]any)["payment"] != "P1" || len(missing) != 1 ||
		missing[0].(map[string]any)["index"].(float64) != 1 || !strings.Contains(missing[0].(map[string]any)["why"].(string), "no transfer") {
		t.Errorf("report trace: %d %v", code, m)
	}
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"transfer:P1", "report:R-MONEY-1"} {
		entries, err := e.store.AuditQuery(context.Background(), store.AuditQuery{Target: target})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, en := range entries {
			actions[en.Action+" "+en.OrgName]++
		}
		if target == "transfer:P1" && (actions["money.trace police org"] != 1 || actions["money.trace finance org"] != 1 || actions["money.trace judicial org"] != 1) ||
			target == "report:R-MONEY-1" && actions["report.trace judicial org"] != 1 {
			t.Errorf("audit of %s: %v", target, actions)
		}
	}
}

// event posts one workflow step.
func (e *env) event(id, who, body string) (int, map[string]any) {
	e.t.Helper()
	return e.do("POST", "/api/v1/freeze-requests/"+id+"/events", who, "application/json", []byte(body))
}

func TestFreezeWorkflow(t *testing.T) {
	e := moneyEnv(t)
	draft := "/api/v1/reports/R-MONEY-1/freeze-requests"
	for _, tc := range []struct {
		who, body string
		status    int
		field     string
	}{
		{"finance/analyst", "", 403, ""},
		{"judicial/analyst", "", 403, ""},
		{"police/readonly", "", 403, ""},
		{"police/analyst", `{"policy":"random"}`, 400, "policy"},
		{"police/analyst", `{"polcy":"fifo"}`, 400, ""},
		{"police/analyst", `{"hold_every_layer":"yes"}`, 400, "hold_every_layer"},
	} {
		if code, m := e.do("POST", draft, tc.who, "application/json", []byte(tc.body)); code != tc.status || errField(m) != tc.field {
			t.Errorf("draft as %s with %s: %d %v, want %d on %q", tc.who, tc.body, code, m, tc.status, tc.field)
		}
	}
	if code, _ := e.do("POST", "/api/v1/reports/R-NOPE/freeze-requests", "police/analyst", "", nil); code != 404 {
		t.Errorf("draft for a missing report: %d", code)
	}
	code, m := e.do("POST", draft, "police/analyst", "application/json", []byte(`{"case":"JS-2026-0042"}`))
	if code != 201 || len(m["created"].([]any)) != 3 || len(m["not_found"].([]any)) != 1 {
		t.Fatalf("draft: %d %v", code, m)
	}
	byInst := map[string]map[string]any{}
	for _, x := range m["requests"].([]any) {
		r := x.(map[string]any)
		byInst[r["institution"].(string)] = r
	}
	ccb, abc, pay := byInst["CCB"], byInst["ABC"], byInst["Yangtze Pay"]
	if ccb == nil || abc == nil || pay == nil || ccb["kind"] != "stop_payment" || ccb["amount"] != "3000.00" ||
		ccb["answered_by"] != "CCB" || abc["answered_by"] != "any finance organisation" || ccb["case"] != "JS-2026-0042" ||
		ccb["status"] != "draft" || !strings.Contains(ccb["legal_basis"].(string), "Art. 20") {
		t.Fatalf("drafted %v", byInst)
	}
	id := ccb["id"].(string)
	if code, m := e.do("POST", draft, "police/supervisor", "", nil); code != 200 || len(m["existing"].([]any)) != 3 {
		t.Errorf("drafting again: %d %v", code, m)
	}

	// Drafts are the police's own: banks see nothing until sent.
	count := func(who, query string) int {
		t.Helper()
		code, m := e.do("GET", "/api/v1/freeze-requests"+query, who, "", nil)
		if code != 200 {
			t.Fatalf("list %s as %s: %d %v", query, who, code, m)
		}
		return len(m["requests"].([]any))
	}
	if n := count("police/analyst", "?report=R-MONEY-1"); n != 3 {
		t.Errorf("police list %d", n)
	}
	if n := count("ccb/analyst", ""); n != 0 {
		t.Errorf("CCB sees %d drafts", n)
	}
	if code, _ := e.do("GET", "/api/v1/freeze-requests/"+id, "ccb/analyst", "", nil); code != 404 {
		t.Errorf("CCB reads a draft: %d", code)
	}
	for _, r := range []map[string]any{ccb, abc, pay} {
		if code, m := e.event(r["id"].(string), "police/analyst", `{"action":"send","note":"by secure fax"}`); code != 200 || m["status"] != "sent" {
			t.Fatalf("send: %d %v", code, m)
		}
	}
	if n := count("ccb/analyst", ""); n != 3 {
		t.Errorf("CCB sees %d requests, want its own and the 2 any bank may answer", n)
	}
	if n := count("finance/analyst", ""); n != 2 {
		t.Errorf("another bank sees %d requests, want the 2 unaddressed", n)
	}
	if n := count("judicial/readonly", "?status=sent&institution=ABC"); n != 1 {
		t.Errorf("judicial filtered list %d", n)
	}

	steps := []struct {
		name, who, body string
		status          int
		want            string // status after, or error field / code
	}{
		{"a bank cannot send", "ccb/analyst", `{"action":"send"}`, 403, ""},
		{"judicial only reads", "judicial/analyst", `{"action":"acknowledge"}`, 403, ""},
		{"another bank cannot answer CCB's", "finance/analyst", `{"action":"acknowledge"}`, 404, ""},
		{"no action", "ccb/analyst", `{}`, 400, "action"},
		{"unknown action", "ccb/analyst", `{"action":"cancel"}`, 400, "action"},
		{"unknown field", "ccb/analyst", `{"action":"stop","amt":"1"}`, 400, ""},
		{"acknowledge", "ccb/analyst", `{"action":"acknowledge"}`, 200, "acknowledged"},
		{"stop needs the amount", "ccb/analyst", `{"action":"stop"}`, 400, "amount"},
		{"not a decimal", "ccb/analyst", `{"action":"stop","amount":"3e3"}`, 400, "amount"},
		{"more than asked", "ccb/analyst", `{"action":"stop","amount":"3000.01"}`, 400, "amount"},
		{"stop", "ccb/analyst", `{"action":"stop","amount":2999.50,"note":"balance held"}`, 200, "stopped"},
		{"cannot send again", "police/analyst", `{"action":"send"}`, 409, ""},
		{"renew once", "police/analyst", `{"action":"renew","seq":4}`, 200, "stopped"},
		{"a retried renewal is not applied twice", "police/analyst", `{"action":"renew","seq":4}`, 409, ""},
		{"not twice", "police/analyst", `{"action":"renew"}`, 409, ""},
		{"frozen on the police's decision", "ccb/analyst", `{"action":"freeze"}`, 200, "frozen"},
		{"order the return", "police/analyst", `{"action":"order_return","amount":"2000"}`, 200, "return_ordered"},
		{"returned", "ccb/analyst", `{"action":"return","amount":"2000.00","note":"to the victim's account"}`, 200, "returned"},
	}
	for _, st := range steps {
		code, m := e.event(id, st.who, st.body)
		if code != st.status {
			t.Fatalf("%s: %d %v, want %d", st.name, code, m, st.status)
		}
		switch {
		case code == 200 && m["status"] != st.want:
			t.Fatalf("%s: status %v, want %s", st.name, m["status"], st.want)
		case code == 400 && errField(m) != st.want:
			t.Errorf("%s: field %q, want %q (%v)", st.name, errField(m), st.want, m)
		case code == 409 && !strings.Contains(errMessage(m), "request "+id):
			t.Errorf("%s: unclear conflict %v", st.name, m)
		}
	}
	code, m = e.do("GET", "/api/v1/freeze-requests/"+id, "ccb/readonly", "", nil)
	history, _ := m["history"].([]any)
	if code != 200 || len(history) != 8 || m["returned"] != "2000.00" || m["held"] != "2999.50" || m["return_due"] == nil {
		t.Fatalf("request with history: %d %v", code, m)
	}
	last := history[7].(map[string]any)
	if m["kind"] != "freeze" || !strings.Contains(m["legal_basis"].(string), "Art. 144") {
		t.Errorf("a stop-payment frozen is a freeze: %v %v", m["kind"], m["legal_basis"])
	}
	if last["action"] != "return" || last["organisation"] != "CCB" || last["sector"] != "finance" || last["amount"] != "2000.00" || last["note"] != "to the victim's account" {
		t.Errorf("last history row %v", last)
	}

	// ABC freezes; Yangtze Pay reports the money gone.
	abcID, payID := abc["id"].(string), pay["id"].(string)
	if code, m := e.event(abcID, "finance/analyst", `{"action":"stop","amount":"12000"}`); code != 200 || m["status"] != "stopped" {
		t.Fatalf("ABC stop: %d %v", code, m)
	}
	if code, m := e.event(payID, "finance/analyst", `{"action":"gone","note":"withdrawn at 08:45"}`); code != 200 || m["status"] != "gone" {
		t.Fatalf("gone: %d %v", code, m)
	}
	code, m = e.do("GET", "/api/v1/money/totals?report=R-MONEY-1", "police/analyst", "", nil)
	if code != 200 || m["reported_loss"].(map[string]any)["CNY"] != "38000.00" || m["stopped"].(map[string]any)["CNY"] != "12000.00" ||
		m["returned"].(map[string]any)["CNY"] != "2000.00" || m["requested"].(map[string]any)["CNY"] != "20000.00" || m["requests"].(float64) != 3 {
		t.Errorf("totals: %d %v", code, m)
	}
	// Three days on, ABC's stop-payment has lapsed.
	e.srv.registry.Now = func() time.Time { return testNow.Add(72 * time.Hour) }
	if n := count("police/analyst", "?status=expired"); n != 1 {
		t.Errorf("%d expired", n)
	}
	if code, m := e.do("GET", "/api/v1/freeze-requests/"+abcID, "police/analyst", "", nil); code != 200 || m["status"] != "expired" {
		t.Errorf("lapsed: %d %v", code, m)
	}
	if code, m := e.event(abcID, "police/analyst", `{"action":"renew"}`); code != 409 || !strings.Contains(errMessage(m), "expired") {
		t.Errorf("renewing a lapsed hold: %d %v", code, m)
	}
	// Drafting again puts a successor in place of the lapsed request only.
	code, m = e.do("POST", draft, "police/analyst", "application/json", []byte(`{"policy":"fifo"}`))
	var created []string
	for _, x := range m["created"].([]any) {
		created = append(created, x.(string))
	}
	if code != 201 || len(created) != 1 || created[0] != abcID+"-2" {
		t.Errorf("drafting after a lapse: %d created %v", code, created)
	}
	for _, x := range m["requests"].([]any) {
		if r := x.(map[string]any); r["id"] == abcID+"-2" && (r["kind"] != "freeze" || r["status"] != "draft" || r["amount"] != "12000.00") {
			t.Errorf("the successor %v", r)
		}
	}
	code, m = e.do("GET", "/api/v1/money/totals", "judicial/analyst", "", nil)
	if code != 200 || m["expired"].(map[string]any)["CNY"] != "12000.00" || len(m["stopped"].(map[string]any)) != 0 || m["reports"].(float64) != 1 {
		t.Errorf("totals later: %d %v", code, m)
	}
	for _, tc := range []struct {
		path, who string
		status    int
	}{
		{"/api/v1/money/totals?report=R-NOPE", "police/analyst", 404},
		{"/api/v1/money/totals", "telecom/analyst", 403},
		{"/api/v1/freeze-requests?status=pending", "police/analyst", 400},
		{"/api/v1/freeze-requests?after=FR-NOPE", "police/analyst", 404},
		{"/api/v1/freeze-requests/FR-NOPE", "police/analyst", 404},
		{"/api/v1/freeze-requests", "internet/analyst", 403},
	} {
		if code, m := e.do("GET", tc.path, tc.who, "", nil); code != tc.status {
			t.Errorf("%s as %s: %d %v, want %d", tc.path, tc.who, code, m, tc.status)
		}
	}
	if code, _ := e.event("FR-NOPE", "police/analyst", `{"action":"send"}`); code != 404 {
		t.Errorf("event on a missing request: %d", code)
	}

	// Every read and write is in the audit log.
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	entries, err := e.store.AuditQuery(context.Background(), store.AuditQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, en := range entries {
		have[en.Action+" "+en.Target] = true
		have[en.Action] = true
	}
	for _, want := range []string{"transfers.ingest", "attributions.submit", "freeze.draft report:R-MONEY-1",
		"freeze.send freeze:" + id, "freeze.stop freeze:" + id, "freeze.return freeze:" + id, "freeze.read freeze:" + id, "freeze.list",
		"money.totals", "denied:freeze.send freeze:" + id} {
		if !have[want] {
			t.Errorf("audit lacks %q", want)
		}
	}
}

func errMessage(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

// TestMoneyAuditDown: a trace the audit log cannot take is not served.
func TestMoneyAuditDown(t *testing.T) {
	e := moneyEnv(t)
	e.breakAudit()
	var code int
	for range 4 {
		code, _ = e.do("GET", "/api/v1/trace?payment=P1", "police/analyst", "", nil)
	}
	if code != 503 {
		t.Errorf("trace with the audit log down: %d", code)
	}
	if code, _ := e.do("POST", "/api/v1/reports/R-MONEY-1/freeze-requests", "police/analyst", "", nil); code != 503 {
		t.Errorf("draft with the audit log down: %d", code)
	}
}

func TestMuleScan(t *testing.T) {
	e := moneyEnv(t)
	for _, tc := range []struct {
		who, body string
		status    int
	}{
		{"telecom/analyst", "", 403},                  // operators do not scan ledgers
		{"finance/readonly", `{"submit": true}`, 403}, // reading is not submitting
		{"finance/analyst", `{"min_score": 200}`, 400},
		{"finance/analyst", `{"submit": "yes"}`, 400},
		{"finance/analyst", `{"unknown": 1}`, 400},
	} {
		if code, m := e.do("POST", "/api/v1/money/mules", tc.who, "application/json", []byte(tc.body)); code != tc.status {
			t.Errorf("%s %s: %d %v, want %d", tc.who, tc.body, code, m, tc.status)
		}
	}
	code, m := e.do("POST", "/api/v1/money/mules", "finance/readonly", "", nil)
	if code != 200 || m["submitted"] != false || m["reports_read"].(float64) != 1 {
		t.Fatalf("scan: %d %v", code, m)
	}
	var mule map[string]any
	for _, s := range m["suspects"].([]any) {
		if s := s.(map[string]any); s["value"] == "6217000012345678" {
			mule = s
		}
	}
	if mule == nil || len(mule["reasons"].([]any)) == 0 {
		t.Fatalf("the account the victim paid and that passed the money on is not a suspect: %v", m)
	}
	// Submitted, the suspects are the bank's signals: lookups see them.
	code, m = e.do("POST", "/api/v1/money/mules", "finance/analyst", "application/json", []byte(`{"submit": true}`))
	if code != 200 || m["signals_added"].(float64) < 1 {
		t.Fatalf("submit: %d %v", code, m)
	}
	code, m = e.do("GET", "/api/v1/lookup?q=6217000012345678&kind="+mule["kind"].(string), "police/analyst", "", nil)
	if risk, _ := m["risk"].(map[string]any); code != 200 || risk == nil || !strings.Contains(mustJSON(risk["sectors"]), "finance") {
		t.Errorf("lookup after submit: %d %v", code, m)
	}
	// Scanning again adds nothing new.
	if code, m = e.do("POST", "/api/v1/money/mules", "finance/analyst", "application/json", []byte(`{"submit": true}`)); code != 200 || m["signals_added"].(float64) != 0 {
		t.Errorf("second submit: %d %v", code, m)
	}
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var actions []string
	entries, err := e.store.AuditQuery(context.Background(), store.AuditQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if strings.HasPrefix(en.Action, "money.mules") || en.Action == "denied:signals.submit" {
			actions = append(actions, en.Action)
		}
	}
	if got := strings.Join(actions, ","); !strings.Contains(got, "money.mules.submit") || !strings.Contains(got, "money.mules") || !strings.Contains(got, "denied:") {
		t.Errorf("audit: %s", got)
	}
}
