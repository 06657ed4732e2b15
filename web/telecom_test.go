package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/simulate"
	"github.com/fanzha/fanzha/stream"
	"github.com/fanzha/fanzha/worker"
)

// withTelecom starts the telecom pipeline on an embedded stream for e.
func withTelecom(t *testing.T, e *env) *worker.Telecom {
	t.Helper()
	ctx := context.Background()
	bus, err := stream.Open(ctx, stream.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	tel, err := worker.NewTelecom(ctx, bus, e.srv.registry, e.store, "CN", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { tel.Run(runCtx, 20*time.Millisecond); close(done) }()
	t.Cleanup(func() { stop(); <-done; bus.Close() })
	e.srv.telecom = tel
	return tel
}

func TestTelecomRoutes(t *testing.T) {
	e := newEnv(t)
	tel := withTelecom(t, e)
	var buf bytes.Buffer
	truth, err := simulate.WriteTelecomCSV(simulate.TelecomConfig{Subscribers: 5000, Days: 1, Seed: 8, FraudShare: 0.02, Start: testNow.Add(-20 * time.Hour)}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	body := buf.Bytes()

	// Only operators send call records.
	if code, _ := e.do("POST", "/api/v1/ingest/cdr", "finance/analyst", "text/csv", body); code != 403 {
		t.Errorf("a bank sent call records: %d", code)
	}
	code, m := e.do("POST", "/api/v1/ingest/cdr", "telecom/contributor", "text/csv", body)
	if code != 200 || int(m["accepted"].(float64)) != truth.Records {
		t.Fatalf("ingest: %d %v", code, m)
	}
	if code, m := e.do("POST", "/api/v1/ingest/cdr", "telecom/contributor", "text/csv", []byte("id,start\n1,2\n")); code != 400 || !strings.Contains(mustJSON(m), "caller") {
		t.Errorf("missing columns: %d %v", code, m)
	}
	deadline := time.Now().Add(20 * time.Second)
	for tel.Records() < truth.Records && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	var ws []any
	for time.Now().Before(deadline) {
		_, m = e.do("GET", "/api/v1/warnings?limit=1000", "police/analyst", "", nil)
		if ws, _ = m["warnings"].([]any); len(ws) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(ws) == 0 {
		t.Fatalf("no warnings after ingest: %v", m)
	}
	first := ws[0].(map[string]any)
	id := first["id"].(string)
	if code, _ := e.do("GET", "/api/v1/warnings", "finance/analyst", "", nil); code != 403 {
		t.Errorf("a bank read the warnings queue: %d", code)
	}
	if code, m := e.do("GET", "/api/v1/warnings?grade=urgent", "police/analyst", "", nil); code != 400 || errField(m) != "grade" {
		t.Errorf("bad grade: %d %v", code, m)
	}
	// Sign for it, then record the outcome.
	code, m = e.do("POST", "/api/v1/warnings/"+id+"/sign", "police/analyst", "", nil)
	if code != 200 || m["signed_by"] == "" {
		t.Fatalf("sign: %d %v", code, m)
	}
	if code, _ := e.do("POST", "/api/v1/warnings/"+id+"/sign", "police/supervisor", "", nil); code != 409 {
		t.Errorf("signing twice: %d", code)
	}
	if code, m := e.do("POST", "/api/v1/warnings/"+id+"/outcome", "police/analyst", "application/json", []byte(`{"outcome":"sent flowers"}`)); code != 400 || errField(m) != "outcome" {
		t.Errorf("bad outcome: %d %v", code, m)
	}
	code, m = e.do("POST", "/api/v1/warnings/"+id+"/outcome", "police/analyst", "application/json", []byte(`{"outcome":"dissuaded","note":"reached by phone, did not pay"}`))
	if code != 200 || m["outcome"] != "dissuaded" {
		t.Fatalf("outcome: %d %v", code, m)
	}
	code, m = e.do("GET", "/api/v1/warnings/stats", "regulator/admin", "", nil)
	if code != 200 || m["signed"].(float64) < 1 || m["by_outcome"].(map[string]any)["dissuaded"].(float64) != 1 {
		t.Errorf("stats: %d %v", code, m)
	}
	if code, _ := e.do("GET", "/api/v1/warnings/W-nope", "police/analyst", "", nil); code != 404 {
		t.Errorf("unknown warning: %d", code)
	}
	// Exposure: the subscriber of the first warning was in contact with a suspect.
	sub := first["subscriber"].(string)
	code, m = e.do("GET", "/api/v1/telecom/exposure?subscriber="+strings.ReplaceAll(sub, "+", "%2B")+"&hours=72", "finance/analyst", "", nil)
	if code != 200 || m["exposed"] != true {
		t.Errorf("exposure of %s: %d %v", sub, code, m)
	}
	if code, _ := e.do("GET", "/api/v1/telecom/exposure?subscriber=13800138000", "internet/analyst", "", nil); code != 403 {
		t.Errorf("a platform asked for exposure: %d", code)
	}
	if code, m := e.do("GET", "/api/v1/telecom/exposure?subscriber=x", "finance/analyst", "", nil); code != 400 || errField(m) != "subscriber" {
		t.Errorf("bad subscriber: %d %v", code, m)
	}
}
