package registry

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
)

var analyst = auth.Principal{Org: auth.Org{ID: 9, Name: "bank", Sector: auth.Finance}, Role: auth.Analyst}

func TestIndexAddIsIdempotent(t *testing.T) {
	x := NewIndex(0)
	ind := indicator.MustParse(indicator.Phone, "+8613800138000")
	s := Signal{ID: "a", Indicator: ind, OrgID: 1, Sector: auth.Telecom, Confidence: 0.6, TLP: auth.TLPGreen, LastSeen: now}
	x.Add(s, s)
	x.Add(s)
	if n, sigs := x.Len(); n != 1 || sigs != 1 {
		t.Fatalf("index holds %d indicators, %d signals after re-adds", n, sigs)
	}
	s.ID = "b"
	x.Add(s)
	if _, sigs := x.Len(); sigs != 2 {
		t.Errorf("a new signal was not added")
	}
	sum, ok := x.Lookup(ind, analyst, now.Unix())
	if !ok || sum.Signals != 2 || sum.Orgs != 1 {
		t.Errorf("lookup %+v %v", sum, ok)
	}
	if _, ok := x.Lookup(indicator.MustParse(indicator.Phone, "+8613800138001"), analyst, now.Unix()); ok {
		t.Error("unknown indicator found")
	}
}

func TestIndexRangeOnlyClear(t *testing.T) {
	x := NewIndex(0)
	clear := indicator.MustParse(indicator.Domain, "task-earn.top")
	green := indicator.MustParse(indicator.Domain, "other-earn.top")
	x.Add(Signal{ID: "1", Indicator: clear, OrgID: 1, Confidence: 0.7, TLP: auth.TLPClear, LastSeen: now},
		Signal{ID: "2", Indicator: green, OrgID: 1, Confidence: 0.7, TLP: auth.TLPGreen, LastSeen: now})
	got := x.Range(HashPrefix(clear.Hash()), now)
	if len(got) != 1 || got[0].Indicator != clear || got[0].Summary.Score != 70 {
		t.Errorf("range for a CLEAR indicator: %+v", got)
	}
	for _, r := range x.Range(HashPrefix(green.Hash()), now) {
		if r.Indicator == green {
			t.Error("range answers for a GREEN-only indicator")
		}
	}
}

func TestIndexConcurrentReadWrite(t *testing.T) {
	x := NewIndex(0)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				ind := indicator.Stored(indicator.Phone, "+86138"+fmt.Sprintf("%08d", i%500))
				if w%2 == 0 {
					x.Add(Signal{ID: strconv.Itoa(w*10000 + i), Indicator: ind, OrgID: int64(w), Confidence: 0.5, TLP: auth.TLPGreen, LastSeen: now})
				} else {
					x.Lookup(ind, analyst, now.Unix())
				}
			}
		})
	}
	wg.Wait()
	if n, sigs := x.Len(); n != 500 || sigs != 4000 {
		t.Errorf("%d indicators, %d signals; want 500, 4000", n, sigs)
	}
}

// benchIndex builds an index of n phone indicators with one GREEN signal
// each, as a province's registry would hold, and reports its memory.
func benchIndex(b *testing.B, n int) (*Index, []indicator.Indicator) {
	inds := make([]indicator.Indicator, n)
	for i := range n {
		inds[i] = indicator.Stored(indicator.Phone, "+8613"+strconv.Itoa(100000000+i))
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	x := NewIndex(n)
	seen := uint32(now.Unix())
	for i := range n {
		x.add(inds[i], Obs{ID: uint64(i), OrgID: uint32(i%50 + 1), LastSeen: seen, FirstSeen: seen, Confidence: 0.7, Sector: 3, TLP: 2, Typology: 1})
	}
	built := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	// The table lives outside the Go heap (see allocSlots): count both.
	table := float64(len(x.slots)) * float64(unsafe.Sizeof(slot{}))
	perInd := (float64(after.HeapAlloc-before.HeapAlloc) + table) / float64(n)
	b.Logf("index of %d indicators built in %s; %.0f bytes per indicator (%d-slot table of 64 B, plus heap)",
		n, built.Round(time.Millisecond), perInd, len(x.slots))
	b.ReportMetric(perInd, "B/indicator")
	return x, inds
}

// benchQueries are n random queries, 90% hits, as fresh strings allocated
// in order: a query has just been parsed from a request, so its bytes are
// in cache; the table is not.
func benchQueries(inds []indicator.Indicator) []indicator.Indicator {
	n := len(inds)
	r := rand.New(rand.NewPCG(1, 2))
	queries := make([]indicator.Indicator, 1<<20)
	for i := range queries {
		if i%10 == 9 {
			queries[i] = indicator.Stored(indicator.Phone, "+8615"+strconv.Itoa(100000000+r.IntN(n)))
		} else {
			queries[i] = indicator.Stored(indicator.Phone, strings.Clone(inds[r.IntN(n)].Value()))
		}
	}
	return queries
}

func benchSize() int {
	if v, err := strconv.Atoi(os.Getenv("FANZHA_BENCH_INDICATORS")); err == nil && v > 0 {
		return v
	}
	return 10_000_000
}

// BenchmarkIndexLookupMany is BenchmarkIndexLookup through LookupMany, in
// batches of 1,000 (the batch API's path).
func BenchmarkIndexLookupMany(b *testing.B) {
	x, inds := benchIndex(b, benchSize())
	queries := benchQueries(inds)
	out := make([]Result, 1000)
	ts := now.Unix()
	b.ReportAllocs()
	b.ResetTimer()
	done := 0
	for i := 0; b.Loop(); i++ {
		lo := (i * 1000) & (len(queries) - 1)
		if lo+1000 > len(queries) {
			lo = 0
		}
		x.LookupMany(queries[lo:lo+1000], analyst, ts, out)
		done += 1000
	}
	b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "lookups/s")
}

func TestLookupManyAgrees(t *testing.T) {
	x := NewIndex(0)
	var inds []indicator.Indicator
	for i := range 3000 {
		ind := indicator.Stored(indicator.Phone, "+86138"+fmt.Sprintf("%08d", i))
		inds = append(inds, ind)
		if i%3 != 0 {
			x.Add(Signal{ID: strconv.Itoa(i), Indicator: ind, OrgID: int64(i%7 + 1), Sector: auth.Telecom, Confidence: 0.5, TLP: []auth.TLP{auth.TLPGreen, auth.TLPAmberStrict}[i%2], LastSeen: now})
		}
		if i%5 == 0 {
			x.Add(Signal{ID: "x" + strconv.Itoa(i), Indicator: ind, OrgID: 2, Sector: auth.Police, Confidence: 0.9, TLP: auth.TLPGreen, LastSeen: now})
		}
	}
	out := make([]Result, len(inds))
	x.LookupMany(inds, analyst, now.Unix(), out)
	for i, ind := range inds {
		s, ok := x.Lookup(ind, analyst, now.Unix())
		if out[i].Found != ok || out[i].Summary != s {
			t.Fatalf("%d: LookupMany %+v, Lookup %+v %v", i, out[i], s, ok)
		}
	}
}

// BenchmarkIndexLookup measures in-process lookups on one goroutine
// against FANZHA_BENCH_INDICATORS indicators (default 10 million): 90% of
// queries hit, 10% miss, keys in random order so caches do not help.
func BenchmarkIndexLookup(b *testing.B) {
	x, inds := benchIndex(b, benchSize())
	queries := benchQueries(inds)
	ts := now.Unix()
	b.ReportAllocs()
	b.ResetTimer()
	hits := 0
	for i := 0; b.Loop(); i++ {
		if _, ok := x.Lookup(queries[i&(len(queries)-1)], analyst, ts); ok {
			hits++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	if hits == 0 {
		b.Fatal("no hits")
	}
}
