package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/simulate"
	"github.com/fanzha/fanzha/store"
)

// TestDemoMoney loads the demo's money scenario through the handlers and
// checks what it leaves: the ledger in memory and in the store, freeze
// requests moved on, and the examples it prints working.
func TestDemoMoney(t *testing.T) {
	ctx := context.Background()
	cfg := appConfig{DSN: "sqlite:" + filepath.Join(t.TempDir(), "demo.db"), Region: "CN"}
	a, err := openApp(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			a.close()
		}
	}()
	var out bytes.Buffer
	tokens, err := loadScenario(ctx, a, simulate.Generate(7, time.Now().UTC()), &out)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	md, err := loadMoney(ctx, a, tokens, 7, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("money part loaded in %s:\n%s", time.Since(start), out.String())
	if md.payment == "" || md.report == "" || !strings.HasPrefix(md.request, "FR-") {
		t.Fatalf("nothing to try: %+v", md)
	}
	if !strings.Contains(out.String(), "money: ") || !strings.Contains(out.String(), "returned CNY") {
		t.Errorf("summary: %s", out.String())
	}
	st := a.ledger.Stats()
	rebuilt, err := store.LoadLedger(ctx, a.store)
	if err != nil {
		t.Fatal(err)
	}
	if st.Transfers < 10000 || rebuilt.Stats().Transfers != st.Transfers {
		t.Errorf("ledger %d transfers, rebuilt from the store %d", st.Transfers, rebuilt.Stats().Transfers)
	}
	// The printed examples answer.
	var try bytes.Buffer
	printTryMoney(&try, "http://x", md)
	h := a.server.Handler()
	for _, line := range strings.Split(strings.TrimSpace(try.String()), "\n")[1:] {
		f := strings.Fields(line)
		url := strings.Trim(f[len(f)-1], "'")
		if strings.Contains(line, "> trace.svg") {
			url = strings.Trim(f[len(f)-3], "'")
		}
		method, body := "GET", []byte(nil)
		if strings.Contains(line, "-X POST") {
			method = "POST"
			body = []byte(strings.Trim(line[strings.Index(line, "-d '")+3:strings.LastIndex(line, "' '")+1], "'"))
		}
		code, resp := demoCall(ctx, h, method, strings.TrimPrefix(url, "http://x"), md.token, "application/json", body)
		if code != http.StatusOK && code != http.StatusCreated {
			t.Errorf("%s: HTTP %d %.300s", line, code, resp)
		}
		if strings.Contains(url, "format=svg") && !bytes.Contains(resp, []byte("<svg")) {
			t.Errorf("%s: not an SVG", line)
		}
	}
	code, resp := demoCall(ctx, h, "GET", "/api/v1/freeze-requests?report="+md.report, md.token, "", nil)
	var list struct{ Requests []struct{ Status string } }
	json.Unmarshal(resp, &list)
	statuses := map[string]bool{}
	for _, r := range list.Requests {
		statuses[r.Status] = true
	}
	if code != 200 || !statuses["returned"] {
		t.Errorf("the first report's requests: %d %v", code, statuses)
	}
	// A restarted server traces what it was sent before.
	a.close()
	closed = true
	b, err := openApp(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	if got := b.ledger.Stats(); got.Transfers != st.Transfers || got.Attributed != st.Attributed {
		t.Errorf("after a restart the ledger has %+v, before %+v", got, st)
	}
	if code, resp := demoCall(ctx, b.server.Handler(), "GET", "/api/v1/trace?payment="+md.payment, md.token, "", nil); code != 200 {
		t.Errorf("trace after a restart: %d %.300s", code, resp)
	}
}
