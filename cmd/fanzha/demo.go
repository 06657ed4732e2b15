package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fanzha/fanzha/auth"
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
	if *loadOnly {
		printTokens(out, tokens, "http://"+*addr)
		return nil
	}
	return a.serve(ctx, *addr, func(bound net.Addr) {
		printTokens(out, tokens, "http://"+bound.String())
		printTryIt(out, "http://"+bound.String(), tokens, sc)
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
	fmt.Fprintf(out, "\nCtrl-C stops the demo and deletes its database.\n")
}

func urlq(s string) string {
	return strings.NewReplacer(" ", "%20", "+", "%2B").Replace(s)
}
