package worker

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/simulate"
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
	data, truth := scenario(b, simulate.TelecomConfig{Subscribers: subs, Days: 1, Seed: 9, FraudShare: 0.01, Start: time.Now().Add(-25 * time.Hour)})
	viewer := auth.Principal{Org: auth.Org{ID: 99, Sector: auth.Finance}, Role: auth.Analyst}
	for b.Loop() {
		p := newPipeline(b, os.Getenv("FANZHA_TEST_NATS"), 100*time.Millisecond)
		start := time.Now()
		sum, err := p.tel.Ingest(context.Background(), p.operator, bytes.NewReader(data), records.CSV)
		if err != nil || sum.Accepted != truth.Records {
			b.Fatalf("ingest: %+v %v", sum, err)
		}
		ingested := time.Since(start)
		p.waitRecords(b, truth.Records, 5*time.Minute)
		consumed := time.Since(start)
		for _, l := range truth.FraudLines {
			ind, _ := indicator.Detect(l.Number)
			for {
				if _, ok := p.registry.Lookup(ind, viewer); ok {
					break
				}
				if time.Since(start) > 5*time.Minute {
					b.Fatalf("fraud line %s never visible", l.Number)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		visible := time.Since(start)
		p.stop()
		b.ReportMetric(float64(truth.Records)/ingested.Seconds(), "ingest-records/s")
		b.ReportMetric(float64(truth.Records)/consumed.Seconds(), "detected-records/s")
		b.ReportMetric((visible-consumed).Seconds()*1000, "ms-last-suspect-after-last-record")
		b.Logf("%d records: into JetStream in %s, through the detectors in %s, every fraud line in lookups %s after the last record",
			truth.Records, ingested.Round(time.Millisecond), consumed.Round(time.Millisecond), (visible - consumed).Round(time.Millisecond))
	}
}
