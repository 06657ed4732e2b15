package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/simulate"
	"github.com/fanzha/fanzha/store"
)

func runDemo(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	addr := fs.String("addr", env("FANZHA_ADDR", "127.0.0.1:8080"), "listen address")
	seed := fs.Uint64("seed", 20261127, "scenario seed: the same seed gives the same scenario")
	loadOnly := fs.Bool("load-only", false, "load the scenario, print the summary and exit without serving")
	if _, err := parseFlags(fs, args, out); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "fanzha-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	a, err := openApp(ctx, appConfig{DSN: "sqlite:" + filepath.Join(dir, "demo.db"), Region: "CN"})
	if err != nil {
		return err
	}
	defer a.close()
	sc := simulate.Generate(*seed, time.Now().UTC())
	tokens, err := loadScenario(ctx, a, sc, out)
	if err != nil {
		return err
	}
	md, err := loadMoney(ctx, a, tokens, *seed, out)
	if err != nil {
		return err
	}
	cd, err := loadContent(ctx, a, tokens, sc, out)
	if err != nil {
		return err
	}
	sd, err := loadScreen(ctx, a, tokens, md, out)
	if err != nil {
		return err
	}
	if *loadOnly {
		printTokens(out, tokens, "http://"+*addr)
		return nil
	}
	return a.serve(ctx, *addr, func(bound net.Addr) {
		printTokens(out, tokens, "http://"+bound.String())
		printTryIt(out, "http://"+bound.String(), tokens, sc)
		printTryMoney(out, "http://"+bound.String(), md)
		printTryContent(out, "http://"+bound.String(), cd)
		printTryScreen(out, "http://"+bound.String(), sd)
		fmt.Fprintf(out, "\nCtrl-C stops the demo and deletes its database.\n")
	})
}

type demoToken struct {
	org    simulate.Org
	role   auth.Role
	secret string
}

// loadScenario creates the organisations and tokens, then sends every
// submission and report through the HTTP handlers, exactly as the
// organisations' systems and the public would.
func loadScenario(ctx context.Context, a *app, sc simulate.Scenario, out io.Writer) ([]demoToken, error) {
	var tokens []demoToken
	writer := map[string]string{} // org -> a token that may submit
	for _, o := range sc.Orgs {
		org, err := a.store.CreateOrg(ctx, auth.Org{Name: o.Name, Sector: o.Sector, Region: o.Region, Created: time.Now().UTC()})
		if err != nil {
			return nil, err
		}
		for _, role := range o.Roles {
			secret, _, err := createToken(ctx, a.store, o.Name, string(role), "demo", 0)
			if err != nil {
				return nil, err
			}
			tokens = append(tokens, demoToken{o, role, secret})
			if auth.Allow(auth.Principal{Org: org, Role: role}, auth.SubmitSignals) == nil && writer[o.Name] == "" {
				writer[o.Name] = secret
			}
		}
	}
	h := a.server.Handler()
	call := func(method, path, token, ct string, body []byte, from int) (int, []byte) {
		req := httptest.NewRequestWithContext(ctx, method, path, bytes.NewReader(body))
		// Each simulated reporter comes from its own (documentation-range)
		// address, as real ones would, so the portal's rate limit applies
		// to each as it would in life.
		req.RemoteAddr = fmt.Sprintf("198.51.100.%d:40000", from%250+1)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	signals := 0
	for _, sub := range sc.Submissions {
		code, body := call("POST", "/api/v1/signals", writer[sub.Org], "text/csv", sub.CSV, 0)
		if code != http.StatusOK {
			return nil, fmt.Errorf("load signals of %s: HTTP %d: %s", sub.Org, code, body)
		}
		var sum struct{ Accepted, Rejected int }
		json.Unmarshal(body, &sum)
		signals += sum.Accepted
	}
	public := 0
	for i, r := range sc.Reports {
		body, _ := json.Marshal(r.Report)
		path, token := "/public/v1/reports", ""
		if r.Org != "" {
			path, token = "/api/v1/reports", writer[r.Org]
		} else {
			public++
		}
		if code, resp := call("POST", path, token, "application/json", body, i); code != http.StatusCreated && code != http.StatusOK {
			return nil, fmt.Errorf("file report %s: HTTP %d: %s", r.Report.ID, code, resp)
		}
	}
	calls, err := loadCalls(ctx, a, call, writer["Eastern Mobile"], out)
	if err != nil {
		return nil, err
	}
	inds, sigs := a.registry.Index().Len()
	fmt.Fprintf(out, "\nfanzha demo: %d organisations, %d fraud rings, %d agency signals, %d reports (%d from the public)\n",
		len(sc.Orgs), len(sc.Rings), signals, len(sc.Reports), public)
	fmt.Fprint(out, calls)
	fmt.Fprintf(out, "registry: %d indicators, %d signals\n", inds, sigs)
	return tokens, nil
}

// loadCalls sends a simulated day of an operator's call records through
// POST /api/v1/ingest/cdr and waits for the detectors to land what they
// find: fraud lines in the registry, warnings in the police queues.
func loadCalls(ctx context.Context, a *app, call func(method, path, token, ct string, body []byte, from int) (int, []byte), token string, out io.Writer) (string, error) {
	var buf bytes.Buffer
	truth, err := simulate.WriteTelecomCSV(simulate.TelecomConfig{Subscribers: 8000, Days: 1, Seed: 20261127, FraudShare: 0.02,
		Start: time.Now().Add(-25 * time.Hour)}, &buf)
	if err != nil {
		return "", err
	}
	if code, resp := call("POST", "/api/v1/ingest/cdr", token, "text/csv", buf.Bytes(), 0); code != http.StatusOK {
		return "", fmt.Errorf("load call records: HTTP %d: %s", code, resp)
	}
	deadline := time.Now().Add(60 * time.Second)
	for a.telecom.Records() < truth.Records {
		if time.Now().After(deadline) {
			return "", fmt.Errorf("the detectors took in %d of %d call records in a minute", a.telecom.Records(), truth.Records)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1200 * time.Millisecond) // one landing after the last flush
	ws, err := a.store.SearchWarnings(ctx, store.WarningQuery{Limit: 1000})
	if err != nil {
		return "", err
	}
	routed := 0
	for _, x := range ws {
		if x.OrgID != 0 {
			routed++
		}
	}
	return fmt.Sprintf("telecom: %d call records from Eastern Mobile (%d fraud lines in the ground truth); %d early warnings raised, %d routed to police\n",
		truth.Records, len(truth.FraudLines), len(ws), routed), nil
}

func printTokens(out io.Writer, tokens []demoToken, base string) {
	fmt.Fprintf(out, "\nTokens (Authorization: Bearer …) — what each may do:\n")
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, t := range tokens {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", t.org.Name, t.org.Sector, t.role, t.secret)
	}
	tw.Flush()
	fmt.Fprintln(out, "\n  admin: everything, incl. audit log and visibility explanations; supervisor/analyst: submit and read;")
	fmt.Fprintln(out, "  readonly: read only; contributor: submit only. Police and judicial see reporters' personal data, others see it masked.")
	fmt.Fprintf(out, "\nAPI: %s/api/v1/openapi.json   public check: %s/public/v1/check?q=…\n", base, base)
}

func printTryIt(out io.Writer, base string, tokens []demoToken, sc simulate.Scenario) {
	tok := tokens[0].secret
	ring := sc.Rings[0]
	fmt.Fprintf(out, "\nTry:\n")
	fmt.Fprintf(out, "  curl -s '%s/public/v1/check?q=%s'\n", base, urlq(ring.Phones[0]))
	fmt.Fprintf(out, "  curl -s -H 'Authorization: Bearer %s' '%s/api/v1/lookup?q=%s'\n", tok, base, urlq(ring.Accounts[0]))
	fmt.Fprintf(out, "  curl -s -H 'Authorization: Bearer %s' '%s/api/v1/indicators/domain/%s'\n", tok, base, ring.Domains[0])
	fmt.Fprintf(out, "  curl -s -H 'Authorization: Bearer %s' '%s/api/v1/reports?typology=%s&limit=3'\n", tok, base, ring.Typology)
	fmt.Fprintf(out, "  curl -s -H 'Authorization: Bearer %s' '%s/api/v1/audit?limit=5'\n", tok, base)
	fmt.Fprintf(out, "  curl -s -H 'Authorization: Bearer %s' '%s/api/v1/warnings?grade=high&limit=3'\n", tok, base)
	fmt.Fprintf(out, "  curl -s -H 'Authorization: Bearer %s' '%s/api/v1/warnings/stats'\n", tok, base)
}

func urlq(s string) string {
	return strings.NewReplacer(" ", "%20", "+", "%2B").Replace(s)
}

// moneyDemo is what the demo's money scenario leaves to try.
type moneyDemo struct {
	token   string // a police token: it may read and act on everything shown
	payment string // a victim's payment to trace
	report  string // a report with freeze requests
	request string // one of them, moved on
	held    string // one that is held, to renew
	mule    string // an account a victim's report names as the payee, on the bank rail
}

// demoCall sends one request through the handler as an organisation's
// system would, and returns the status and the body.
func demoCall(ctx context.Context, h http.Handler, method, path, token, ct string, body []byte) (int, []byte) {
	req := httptest.NewRequestWithContext(ctx, method, path, bytes.NewReader(body))
	req.RemoteAddr = "198.51.100.251:40000"
	req.Header.Set("Authorization", "Bearer "+token)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// demoTokenFor finds a token of a sector that may do need.
func demoTokenFor(tokens []demoToken, sector auth.Sector, need auth.Action) (string, error) {
	for _, t := range tokens {
		if t.org.Sector == sector && auth.Allow(auth.Principal{Org: auth.Org{ID: 1, Sector: sector}, Role: t.role}, need) == nil {
			return t.secret, nil
		}
	}
	return "", fmt.Errorf("the demo scenario has no %s token that may %s", sector, need)
}

// The size of the demo's money scenario: about twenty thousand transfers,
// loaded in well under a second.
const (
	demoAccounts = 5000
	demoVictims  = 40
	demoDays     = 10
)

// loadMoney generates a money scenario — a country's payments, with fraud
// rings laundering their victims' money through mules, OTC desks and
// exchanges — and loads it through the HTTP handlers as the banks and the
// police would: a bank sends the transfers, the police who controls which
// accounts and the victims' reports. Then the police draft stop-payment and
// freeze requests for two reports, and the banks answer some of them.
func loadMoney(ctx context.Context, a *app, tokens []demoToken, seed uint64, out io.Writer) (moneyDemo, error) {
	var md moneyDemo
	write := auth.SubmitSignals | auth.SubmitReport | auth.ReadReports
	police, err := demoTokenFor(tokens, auth.Police, write)
	if err != nil {
		return md, err
	}
	bank, err := demoTokenFor(tokens, auth.Finance, write)
	if err != nil {
		return md, err
	}
	md.token = police
	h := a.server.Handler()
	call := func(method, path, token string, body any) (int, []byte, error) {
		ct, raw := "application/json", []byte(nil)
		switch b := body.(type) {
		case nil:
		case []byte:
			ct, raw = "text/csv", b
		default:
			var err error
			if raw, err = json.Marshal(b); err != nil {
				return 0, nil, err
			}
		}
		code, resp := demoCall(ctx, h, method, path, token, ct, raw)
		return code, resp, nil
	}

	// The scenario ends the day before yesterday, so its latest money is
	// still within the stop-payment window.
	var transfers bytes.Buffer
	cw := csv.NewWriter(&transfers)
	cw.Write(simulate.TransferColumns)
	sc, err := simulate.GenerateMoney(simulate.MoneyConfig{Accounts: demoAccounts, Victims: demoVictims, Days: demoDays, Seed: seed,
		Start: time.Now().AddDate(0, 0, -demoDays-1)}, cw.Write)
	if err != nil {
		return md, err
	}
	cw.Flush()
	var attrs bytes.Buffer
	aw := csv.NewWriter(&attrs)
	aw.Write(simulate.AttributionColumns)
	for _, x := range sc.Attributions {
		aw.Write([]string{x.Kind, x.Value, x.Entity, x.EntityType, x.Source})
	}
	aw.Flush()
	var sum struct{ Accepted, Added, Rejected int }
	for _, up := range []struct {
		path, token string
		body        []byte
	}{{"/api/v1/ingest/transfers", bank, transfers.Bytes()}, {"/api/v1/attributions", police, attrs.Bytes()}} {
		code, resp, _ := call("POST", up.path, up.token, up.body)
		if code != http.StatusOK {
			return md, fmt.Errorf("load %s: HTTP %d: %.500s", up.path, code, resp)
		}
		if up.path == "/api/v1/ingest/transfers" {
			json.Unmarshal(resp, &sum)
		}
	}
	for _, r := range sc.Reports {
		rep := registry.Report{ID: r.ID, Time: r.Time, Region: r.Region, Typology: r.Typology, Narrative: r.Narrative,
			Loss: &r.Loss, Payments: r.Payments, Contacts: r.Contacts}
		if code, resp, err := call("POST", "/api/v1/reports", police, rep); err != nil || code != http.StatusCreated && code != http.StatusOK {
			return md, fmt.Errorf("file money report %s: HTTP %d: %s %v", r.ID, code, resp, err)
		}
		if md.payment == "" && len(r.PaymentIDs) > 0 {
			md.payment = r.PaymentIDs[0]
		}
		for _, p := range r.Payments {
			if md.mule == "" && p.Rail == "bank" {
				md.mule = p.To
			}
		}
	}

	// Draft for the two latest reports whose money an institution holds.
	type request struct {
		ID       string `json:"id"`
		Kind     string `json:"kind"`
		Amount   string `json:"amount"`
		Answered string `json:"answered_by"`
	}
	var drafted [][]request
	for i := len(sc.Reports) - 1; i >= 0 && len(drafted) < 2; i-- {
		id := sc.Reports[i].ID
		code, resp, _ := call("POST", "/api/v1/reports/"+id+"/freeze-requests", police, map[string]any{"case": "SH-" + id})
		if code != http.StatusCreated && code != http.StatusOK {
			return md, fmt.Errorf("draft freeze requests for %s: HTTP %d: %s", id, code, resp)
		}
		var d struct{ Requests []request }
		json.Unmarshal(resp, &d)
		if len(d.Requests) > 0 {
			drafted = append(drafted, d.Requests)
			if md.report == "" {
				md.report, md.request = id, d.Requests[0].ID
			}
		}
	}
	// Move them on: the police send every request; a bank holds some (one
	// is returned to its victim, one renewed), refuses one and finds the
	// money gone from another.
	type demoStep struct{ token, action, amount, note string }
	plan := func(report, n int, r request) []demoStep {
		hold := "stop"
		if r.Kind == string(money.Freeze) {
			hold = "freeze"
		}
		switch {
		case report == 0 && n == 0:
			return []demoStep{{bank, "acknowledge", "", ""}, {bank, hold, r.Amount, "held in full"},
				{police, "order_return", "", "returned by decision of the case officer"}, {bank, "return", "", "paid back to the victim's card"}}
		case report == 0 && n == 1:
			return []demoStep{{bank, hold, r.Amount, ""}, {police, "renew", "", "the investigation goes on"}}
		case report == 0 && n == 2:
			return []demoStep{{bank, "refuse", "", "the account was closed before the request arrived"}}
		case report == 1 && n == 0:
			return []demoStep{{bank, "gone", "", "withdrawn in cash before the request arrived"}}
		case report == 1 && n == 1:
			return []demoStep{{bank, "acknowledge", "", ""}, {bank, hold, r.Amount, "held pending the case"}}
		}
		return nil
	}
	steps := 0
	for report, reqs := range drafted {
		for n, r := range reqs {
			todo := []demoStep{{police, "send", "", "by the inter-agency channel"}}
			if r.Answered == "any finance organisation" { // else a bank of the scenario's own answers, and the demo has no token for it
				todo = append(todo, plan(report, n, r)...)
			}
			for _, st := range todo {
				body := map[string]string{"action": st.action, "amount": st.amount, "note": st.note}
				code, resp, _ := call("POST", "/api/v1/freeze-requests/"+r.ID+"/events", st.token, body)
				if code != http.StatusOK {
					return md, fmt.Errorf("freeze request %s: %s: HTTP %d: %s", r.ID, st.action, code, resp)
				}
				steps++
				if st.action == "renew" {
					md.held = r.ID
				}
			}
		}
	}
	// The bank scans the ledger for mules and lands them as its signals.
	code, resp, _ := call("POST", "/api/v1/money/mules", bank, map[string]any{"submit": true, "limit": 1})
	var scan struct {
		Total int `json:"total"`
		Added int `json:"signals_added"`
	}
	if code != http.StatusOK || json.Unmarshal(resp, &scan) != nil {
		return md, fmt.Errorf("mule scan: HTTP %d: %.500s", code, resp)
	}
	code, resp, _ = call("GET", "/api/v1/money/totals", police, nil)
	var tot money.FreezeTotals
	if code != http.StatusOK || json.Unmarshal(resp, &tot) != nil {
		return md, fmt.Errorf("money totals: HTTP %d: %s", code, resp)
	}
	fmt.Fprintf(out, "money: %d transfers (%d moving victims' money through %d mules), %d attributions, %d victim reports; "+
		"%d mule suspects found and submitted as the bank's signals (%d new); "+
		"%d stop-payment and freeze requests drafted for %d reports and moved on in %d steps: stopped %s, frozen %s, returned %s\n",
		sum.Accepted, sc.Truth.Counts.FraudTransfers, sc.Truth.Counts.Mules, len(sc.Attributions), len(sc.Reports),
		scan.Total, scan.Added, tot.Requests, tot.Reports, steps, amounts(tot.Stopped), amounts(tot.Frozen), amounts(tot.Returned))
	return md, nil
}

// amounts writes asset amounts for people: "CNY 1000.00, USDT 12.5".
func amounts(m map[string]string) string {
	if len(m) == 0 {
		return "none"
	}
	var out []string
	for asset, amt := range m {
		out = append(out, asset+" "+amt)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// printTryMoney adds the money endpoints to the demo's examples.
func printTryMoney(out io.Writer, base string, md moneyDemo) {
	if md.payment == "" {
		return
	}
	hdr := "-H 'Authorization: Bearer " + md.token + "'"
	fmt.Fprintf(out, "\nMoney (trace a victim's payment, then the stop-payment and freeze work):\n")
	fmt.Fprintf(out, "  curl -s %s '%s/api/v1/trace?payment=%s&policy=fifo'\n", hdr, base, urlq(md.payment))
	fmt.Fprintf(out, "  curl -s %s '%s/api/v1/trace?payment=%s&format=svg' > trace.svg\n", hdr, base, urlq(md.payment))
	if md.report == "" {
		return
	}
	fmt.Fprintf(out, "  curl -s %s '%s/api/v1/reports/%s/trace'\n", hdr, base, md.report)
	fmt.Fprintf(out, "  curl -s %s '%s/api/v1/freeze-requests?report=%s'\n", hdr, base, md.report)
	fmt.Fprintf(out, "  curl -s %s '%s/api/v1/freeze-requests/%s'\n", hdr, base, md.request)
	fmt.Fprintf(out, "  curl -s %s -X POST -d '{\"case\":\"SH-%s\"}' '%s/api/v1/reports/%s/freeze-requests'\n", hdr, md.report, base, md.report)
	if md.held != "" {
		fmt.Fprintf(out, "  curl -s %s -X POST -d '{\"action\":\"order_return\",\"note\":\"case closed\"}' '%s/api/v1/freeze-requests/%s/events'\n", hdr, base, md.held)
	}
	fmt.Fprintf(out, "  curl -s %s '%s/api/v1/money/totals'\n", hdr, base)
	fmt.Fprintf(out, "  curl -s %s -X POST -d '{\"limit\":5}' '%s/api/v1/money/mules'\n", hdr, base)
}

// contentDemo is what the demo's message scenario leaves to try.
type contentDemo struct {
	token  string // an internet platform's analyst: classifies, submits and reads
	linked string // kind/value of an indicator the classifier submitted, with links
}

// demoMessage is one message an internet platform screens.
type demoMessage struct {
	ID      string `json:"id"`
	Channel string `json:"channel"`
	Text    string `json:"text"`
}

// demoMessages are realistic scam texts in Chinese and English carrying
// the scenario's rings' numbers, sites, handles, accounts and wallets, a
// phishing text with a lookalike of a bank's site that quotes the bank's
// real hotline, and ordinary messages.
func demoMessages(sc simulate.Scenario) []demoMessage {
	ring := func(typology string) simulate.Ring {
		for _, r := range sc.Rings {
			if r.Typology == typology {
				return r
			}
		}
		return sc.Rings[0]
	}
	task, inv, cs := ring("task_scam"), ring("investment"), ring("customer_service")
	police, loan, job := ring("impersonation_official"), ring("loan"), ring("fake_job")
	wallet := "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"
	if len(inv.Wallets) > 0 {
		wallet = inv.Wallets[0]
	}
	return []demoMessage{
		{"nc-1001", "sms", fmt.Sprintf("【兼职】宝妈学生党在家刷单点赞，日结200-500元，先垫付后返佣金，多劳多得。加Telegram %s 或致电 %s，报名入口 %s",
			task.Handles[0], task.Phones[0], task.URLs[0])},
		{"nc-1002", "chat", fmt.Sprintf("Hi dear, my mentor's USDT platform pays 8%% a day, guaranteed returns with no risk. Deposit to %s and register at %s, then message me on Telegram %s",
			wallet, inv.URLs[0], inv.Handles[0])},
		{"nc-1003", "sms", fmt.Sprintf("【快递客服】您好，您的包裹在运输中丢失，我们将为您办理双倍理赔退款。请下载会议软件共享屏幕配合操作，客服电话 %s，理赔链接 %s",
			cs.Phones[0], cs.URLs[0])},
		{"nc-1004", "sms", fmt.Sprintf("我是市公安局民警，您的银行卡涉嫌洗钱，需立即将资金转到安全账户 %s 配合调查，请勿告诉家人，否则将被通缉。联系电话 %s",
			police.Accounts[0], police.Phones[0])},
		{"nc-1005", "sms", fmt.Sprintf("Your loan of 50,000 yuan is approved but frozen because your card number was wrong. Pay the 2,000 yuan unfreezing fee to account %s today, then call %s to release it.",
			loan.Accounts[0], loan.Phones[0])},
		{"nc-1006", "job_ad", fmt.Sprintf("Customer service jobs in Thailand: 30,000 a month, no experience needed, free flight and visa. Pay a 3,000 training deposit first. Contact HR on WhatsApp %s",
			job.Phones[0])},
		{"nc-1007", "sms", "【工商银行】您的账户存在异常已被冻结，请立即登录 http://icbc-secure-login.top/verify 完成身份验证，官方客服热线95588。"},
		{"nc-1008", "chat", "明天下午三点开会，记得带上季度报表。"},
		{"nc-1009", "chat", "Hey, are we still on for lunch tomorrow at 12? I will book a table."},
		{"nc-1010", "sms", "【顺丰速运】您的快件已由前台代收，如有疑问请致电95338。"},
		{"nc-1011", "email", "Reminder: your dentist appointment is on Tuesday at 3pm. Reply to this e-mail to change it."},
	}
}

// loadContent sends the demo's messages through POST /api/v1/classify as
// an internet platform screening its traffic would, with submit: the
// indicators of the texts judged scam land in the registry as the
// platform's signals, linked message by message.
func loadContent(ctx context.Context, a *app, tokens []demoToken, sc simulate.Scenario, out io.Writer) (contentDemo, error) {
	var cd contentDemo
	token, err := demoTokenFor(tokens, auth.Internet, auth.SubmitSignals|auth.Lookup)
	if err != nil {
		return cd, err
	}
	cd.token = token
	body, err := json.Marshal(map[string]any{"messages": demoMessages(sc), "submit": true})
	if err != nil {
		return cd, err
	}
	code, resp := demoCall(ctx, a.server.Handler(), "POST", "/api/v1/classify", token, "application/json", body)
	var ans struct {
		Count, Scam int
		Submitted   struct{ Signals, Added, Links, Skipped int }
		Results     []struct {
			Scam       bool
			Typology   string
			Lookalikes []struct{ Suspicious bool }
			Indicators []struct {
				Kind, Value string
				Submitted   *bool
			}
		}
	}
	if code != http.StatusOK || json.Unmarshal(resp, &ans) != nil {
		return cd, fmt.Errorf("classify the demo messages: HTTP %d: %.500s", code, resp)
	}
	byTypology := map[string]int{}
	lookalikes := 0
	for _, r := range ans.Results {
		if r.Scam {
			byTypology[r.Typology]++
		}
		for _, l := range r.Lookalikes {
			if l.Suspicious {
				lookalikes++
			}
		}
		for _, f := range r.Indicators {
			if cd.linked == "" && f.Submitted != nil && *f.Submitted && f.Kind == "telegram" {
				cd.linked = f.Kind + "/" + f.Value
			}
		}
	}
	var types []string
	for t, n := range byTypology {
		types = append(types, fmt.Sprintf("%s %d", t, n))
	}
	sort.Strings(types)
	fmt.Fprintf(out, "content: %d messages screened through /api/v1/classify by an internet platform, %d judged scam (%s), %d lookalike domain(s); "+
		"%d indicators became classifier signals (%d new) with %d links, %d kept out (official sites, service numbers, domains of links)\n",
		ans.Count, ans.Scam, strings.Join(types, ", "), lookalikes, ans.Submitted.Signals, ans.Submitted.Added, ans.Submitted.Links, ans.Submitted.Skipped)
	return cd, nil
}

// Texts the printed examples send; no single quotes, for the shell.
const (
	tryClassifyText = "【兼职】在家刷单点赞，日结300元，先垫付后返佣金，加微信 task8899 详聊，报名 http://earn-task.top/join"
	tryCheckZH      = "【工商银行】您的账户存在异常已被冻结，请立即登录 http://icbc-secure-login.top/verify 完成验证。"
	tryCheckEN      = "We are hiring! Work from home, no experience needed. Earn 300 dollars a day liking videos. Pay a 50 dollar registration fee to start. WhatsApp +1 302 555 0147"
)

// printTryContent adds the message endpoints to the demo's examples.
func printTryContent(out io.Writer, base string, cd contentDemo) {
	if cd.token == "" {
		return
	}
	hdr := "-H 'Authorization: Bearer " + cd.token + "'"
	js := "-H 'Content-Type: application/json'"
	body := func(v map[string]any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	fmt.Fprintf(out, "\nMessages (classify, with the registry's view of each indicator; the public check of a pasted message):\n")
	fmt.Fprintf(out, "  curl -s %s %s -d '%s' '%s/api/v1/classify'\n", hdr, js, body(map[string]any{"text": tryClassifyText, "channel": "sms"}), base)
	fmt.Fprintf(out, "  curl -s %s %s -d '%s' '%s/api/v1/classify'\n", hdr, js,
		body(map[string]any{"messages": []map[string]string{{"id": "1", "text": tryCheckEN}, {"id": "2", "text": tryCheckZH}}}), base)
	if cd.linked != "" {
		fmt.Fprintf(out, "  curl -s %s '%s/api/v1/indicators/%s'\n", hdr, base, cd.linked)
	}
	fmt.Fprintf(out, "  curl -s %s -d '%s' '%s/public/v1/check'\n", js, body(map[string]any{"text": tryCheckZH, "lang": "zh"}), base)
	fmt.Fprintf(out, "  curl -s %s -d '%s' '%s/public/v1/check'\n", js, body(map[string]any{"text": tryCheckEN, "lang": "en"}), base)
}

// screenDemo is what the screening part shows.
type screenDemo struct {
	token    string // a bank's analyst: it may screen and read its decisions
	payment  string // a payment to screen, as JSON
	decision string // a stored decision
}

// demoScreenPayments are a payment to a reported mule and an ordinary one,
// made now.
func demoScreenPayments(mule string, now time.Time) []map[string]string {
	at := now.UTC().Format(time.RFC3339)
	return []map[string]string{
		{"id": "DEMO-SCREEN-1", "time": at, "rail": "bank", "amount": "48000.00", "from": "6222020200112233", "to": mule, "channel": "app", "memo": "task deposit"},
		{"id": "DEMO-SCREEN-2", "time": at, "rail": "bank", "amount": "86.50", "from": "6222020200445566", "to": "6217000011223344", "channel": "app", "memo": "lunch"},
	}
}

// loadScreen has a bank screen two payments through the handler — one to a
// mule a victim reported, one ordinary — as its payment system would
// before letting them go.
func loadScreen(ctx context.Context, a *app, tokens []demoToken, md moneyDemo, out io.Writer) (screenDemo, error) {
	var sd screenDemo
	if md.mule == "" {
		return sd, nil
	}
	bank, err := demoTokenFor(tokens, auth.Finance, auth.Lookup|auth.SubmitSignals)
	if err != nil {
		return sd, err
	}
	pays := demoScreenPayments(md.mule, time.Now())
	body, err := json.Marshal(map[string]any{"payments": pays})
	if err != nil {
		return sd, err
	}
	code, resp := demoCall(ctx, a.server.Handler(), "POST", "/api/v1/screen", bank, "application/json", body)
	var ans struct {
		Results []struct {
			PaymentID  string `json:"payment_id"`
			DecisionID string `json:"decision_id"`
			Decision   string `json:"decision"`
			Score      int    `json:"score"`
		} `json:"results"`
	}
	if code != http.StatusOK || json.Unmarshal(resp, &ans) != nil || len(ans.Results) != len(pays) {
		return sd, fmt.Errorf("screen payments: HTTP %d: %.500s", code, resp)
	}
	var parts []string
	for _, r := range ans.Results {
		parts = append(parts, fmt.Sprintf("%s %s (score %d)", r.PaymentID, r.Decision, r.Score))
	}
	fmt.Fprintf(out, "screen: a bank screened %d payments: %s\n", len(pays), strings.Join(parts, ", "))
	one, _ := json.Marshal(pays[0])
	sd = screenDemo{token: bank, payment: string(one), decision: ans.Results[0].DecisionID}
	return sd, nil
}

// printTryScreen adds payment screening to the demo's examples.
func printTryScreen(out io.Writer, base string, sd screenDemo) {
	if sd.decision == "" {
		return
	}
	hdr := "-H 'Authorization: Bearer " + sd.token + "'"
	fmt.Fprintf(out, "\nPayment screening (a bank asks before a payment goes):\n")
	fmt.Fprintf(out, "  curl -s %s -H 'Content-Type: application/json' -X POST -d '%s' '%s/api/v1/screen'\n", hdr, sd.payment, base)
	fmt.Fprintf(out, "  curl -s %s '%s/api/v1/screen/decisions/%s'\n", hdr, base, sd.decision)
}
