package worker

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/simulate"
	"github.com/fanzha/fanzha/store"
	"github.com/fanzha/fanzha/stream"
)

// BenchmarkTelecomStream sends a simulated scenario of about
// FANZHA_BENCH_SUBSCRIBERS subscribers (default 100,000: ~650 k records a
// day) through Ingest, JetStream (embedded, or FANZHA_TEST_NATS) and the
// detectors, and reports records/s into the stream, records/s through the
// detectors, and how long after the last record the last fraud line was
// visible in lookups.
func BenchmarkTelecomStream(b *testing.B) {
	subs := 100_000
	if v, err := strconv.Atoi(os.Getenv("FANZHA_BENCH_SUBSCRIBERS")); err == nil && v > 0 {
		subs = v
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(simulate.CDRColumns)
	truth, err := simulate.GenerateTelecom(simulate.TelecomConfig{Subscribers: subs, Days: 1, Seed: 9, FraudShare: 0.01, Start: time.Now().Add(-25 * time.Hour)},
		func(rec []string) error { return w.Write(rec) })
	if err != nil {
		b.Fatal(err)
	}
	w.Flush()
	data := buf.Bytes()
	for b.Loop() {
		ctx := context.Background()
		st, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "b.db"))
		if err != nil {
			b.Fatal(err)
		}
		op, _ := st.CreateOrg(ctx, auth.Org{Name: "op", Sector: auth.Telecom, Created: time.Now()})
		reg, _ := registry.Open(ctx, st)
		bus, err := stream.Open(ctx, stream.Options{URL: os.Getenv("FANZHA_TEST_NATS"), Dir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		// A clean stream: on a shared server, an earlier run's records (and
		// their IDs, which would be dropped as duplicates) must not count.
		if err := bus.Delete(ctx, CDRStream); err != nil {
			b.Fatal(err)
		}
		tel, err := NewTelecom(ctx, bus, reg, st, "CN", slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			b.Fatal(err)
		}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { tel.Run(runCtx, 100*time.Millisecond); close(done) }()
		start := time.Now()
		sum, err := tel.Ingest(ctx, op, bytes.NewReader(data), records.CSV)
		if err != nil || sum.Accepted != truth.Records {
			b.Fatalf("ingest: %+v %v", sum, err)
		}
		ingested := time.Since(start)
		for tel.Records() < truth.Records {
			time.Sleep(5 * time.Millisecond)
		}
		consumed := time.Since(start)
		viewer := auth.Principal{Org: auth.Org{ID: 99, Sector: auth.Finance}, Role: auth.Analyst}
		for _, l := range truth.FraudLines {
			ind, _ := indicator.Detect(l.Number)
			for {
				if _, ok := reg.Lookup(ind, viewer); ok {
					break
				}
				if time.Since(start) > 5*time.Minute {
					b.Fatalf("fraud line %s never visible", l.Number)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		visible := time.Since(start)
		stop()
		<-done
		bus.Close()
		st.Close()
		b.ReportMetric(float64(truth.Records)/ingested.Seconds(), "ingest-records/s")
		b.ReportMetric(float64(truth.Records)/consumed.Seconds(), "detected-records/s")
		b.ReportMetric((visible-consumed).Seconds()*1000, "ms-last-suspect-after-last-record")
		b.Logf("%d records: into JetStream in %s, through the detectors in %s, every fraud line in lookups %s after the last record",
			truth.Records, ingested.Round(time.Millisecond), consumed.Round(time.Millisecond), (visible - consumed).Round(time.Millisecond))
	}
}
