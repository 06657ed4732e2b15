package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/fanzha/fanzha/registry"
)

// benchBatch is the size of one AddSignals call, as an ingest worker sends.
const benchBatch = 5000

func benchSignals(batch, n int) []registry.Signal {
	sigs := make([]registry.Signal, n)
	for i := range sigs {
		g := sig(fmt.Sprintf("bench-%d-%d", batch, i), phone(batch*n+i))
		g.Received = time.Time{}
		sigs[i] = g
	}
	return sigs
}

// benchAddSignals measures ingest: each iteration stores a batch of new
// signals into a growing table, committed durably.
func benchAddSignals(b *testing.B, dsn string) {
	s := openT(b, dsn)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		sigs := benchSignals(i, benchBatch)
		b.StartTimer()
		n, err := s.AddSignals(ctx, sigs, nil)
		if err != nil {
			b.Fatal(err)
		}
		if n != benchBatch {
			b.Fatalf("added %d of %d", n, benchBatch)
		}
	}
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "signals/s")
}

func BenchmarkAddSignalsSQLite(b *testing.B)   { benchAddSignals(b, freshSQLite(b)) }
func BenchmarkAddSignalsPostgres(b *testing.B) { benchAddSignals(b, freshPostgres(b)) }

// benchEachSignal measures the start-up replay that rebuilds the in-memory
// index: every iteration streams all stored signals.
func benchEachSignal(b *testing.B, dsn string) {
	const stored = 200_000
	s := openT(b, dsn)
	for i := range stored / benchBatch {
		if _, err := s.AddSignals(ctx, benchSignals(i, benchBatch), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		n := 0
		if err := s.EachSignal(ctx, func(registry.Signal) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n != stored {
			b.Fatalf("streamed %d of %d", n, stored)
		}
	}
	b.ReportMetric(float64(b.N*stored)/b.Elapsed().Seconds(), "signals/s")
}

func BenchmarkEachSignalSQLite(b *testing.B)   { benchEachSignal(b, freshSQLite(b)) }
func BenchmarkEachSignalPostgres(b *testing.B) { benchEachSignal(b, freshPostgres(b)) }
