package worker

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/simulate"
	"github.com/fanzha/fanzha/store"
	"github.com/fanzha/fanzha/stream"
)

// pipeline is the telecom path the tests and benchmarks drive: a fresh
// SQLite store with one operator, the registry, a JetStream bus (embedded,
// or the server at url) and the worker, running until the test ends.
type pipeline struct {
	store    store.Store
	registry *registry.Registry
	tel      *Telecom
	operator auth.Org
	stop     func() error // stops the worker after its last landing
}

func newPipeline(tb testing.TB, url string, interval time.Duration) *pipeline {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(tb.TempDir(), "w.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	op, err := st.CreateOrg(ctx, auth.Org{Name: "Eastern Mobile", Sector: auth.Telecom, Created: time.Now()})
	if err != nil {
		tb.Fatal(err)
	}
	reg, err := registry.Open(ctx, st)
	if err != nil {
		tb.Fatal(err)
	}
	bus, err := stream.Open(ctx, stream.Options{URL: url, Dir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(bus.Close)
	// A clean stream: on a shared server, an earlier run's records (and
	// their IDs, which would be dropped as duplicates) must not count.
	if err := bus.Delete(ctx, CDRStream); err != nil {
		tb.Fatal(err)
	}
	tel, err := NewTelecom(ctx, bus, reg, st, "CN", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	stopped := make(chan error, 1)
	go func() { stopped <- tel.Run(runCtx, interval) }()
	p := &pipeline{store: st, registry: reg, tel: tel, operator: op}
	var done bool
	var runErr error
	p.stop = func() error {
		if !done {
			done = true
			cancel()
			runErr = <-stopped
		}
		return runErr
	}
	tb.Cleanup(func() { p.stop() })
	return p
}

// waitRecords waits until the detectors have taken in n records.
func (p *pipeline) waitRecords(tb testing.TB, n int, within time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for p.tel.Records() < n {
		if time.Now().After(deadline) {
			tb.Fatalf("the detectors took in %d of %d records", p.tel.Records(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// scenario is a simulated day of call records as CSV, with its truth.
func scenario(tb testing.TB, cfg simulate.TelecomConfig) ([]byte, simulate.TelecomTruth) {
	tb.Helper()
	var buf bytes.Buffer
	truth, err := simulate.WriteTelecomCSV(cfg, &buf)
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), truth
}
