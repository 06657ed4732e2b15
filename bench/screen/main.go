// Command screen measures payment screening with velocity aggregates
// built from a large ledger — the issue's "velocity aggregates on 10
// million stored payments" — in process:
//
//	fanzha simulate money --accounts 870000 --victims 400 --days 30 --out DIR
//	go run ./bench/screen -dir DIR [-n 200000]
//
// It reads DIR/transfers.csv, lets the engine learn every transfer but the
// last n in time order (as a node warms its velocity from the store at
// start), then decides the last n one by one as they would arrive live,
// and prints the warm-up time, the memory the aggregates hold, decisions
// per second and allocations per decision, beside Tazama's published
// figure for context. The HTTP figure is `go test ./web -bench ScreenHTTP`.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/screen"
)

// tazamaTPS is the one published throughput of an open screening engine
// (Tazama, about a thousand virtual CPUs).
const tazamaTPS = 2497

func main() {
	dir := flag.String("dir", "", "a directory written by fanzha simulate money")
	n := flag.Int("n", 200_000, "transfers at the end of the file to decide; the rest warm the velocity")
	flag.Parse()
	if *dir == "" {
		log.Fatal("need -dir DIR (from fanzha simulate money)")
	}
	if err := run(*dir, *n); err != nil {
		log.Fatal(err)
	}
}

func run(dir string, n int) error {
	f, err := os.Open(dir + "/transfers.csv")
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	var ts []money.Transfer
	sum, err := money.ReadTransfers(f, records.CSV, indicator.Options{}, func(t money.Transfer) error {
		ts = append(ts, t)
		return nil
	})
	if err != nil {
		return err
	}
	if sum.Rejected > 0 {
		return fmt.Errorf("%d transfers rejected, first %v", sum.Rejected, sum.Errors[0])
	}
	slices.SortStableFunc(ts, func(a, b money.Transfer) int { return a.Time.Compare(b.Time) })
	fmt.Printf("read %d transfers in %s\n", len(ts), time.Since(start).Round(time.Millisecond))
	n = min(n, len(ts))
	warm, live := ts[:len(ts)-n], ts[len(ts)-n:]

	rs, err := screen.DefaultRuleSet()
	if err != nil {
		return err
	}
	// No memo classifier: its cost is content's benchmark, and simulated
	// memos are few. Sources are in-memory; the registry's cost is a lookup.
	eng, err := screen.NewEngine(rs, nil, screen.Sources{})
	if err != nil {
		return err
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	for _, t := range warm {
		eng.Record(t)
	}
	warmed := time.Since(t0)
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	fmt.Printf("velocity warmed with %d transfers in %s (%.0f transfers/s); aggregates hold %d MB\n",
		len(warm), warmed.Round(time.Millisecond), float64(len(warm))/warmed.Seconds(), (int64(after.HeapAlloc)-int64(before.HeapAlloc))>>20)

	counts := map[string]int{}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	t1 := time.Now()
	for _, t := range live {
		d, err := eng.Decide(screen.Payment{Transfer: t})
		if err != nil {
			return fmt.Errorf("payment %s: %w", t.ID, err)
		}
		counts[d.Decision]++
	}
	took := time.Since(t1)
	runtime.ReadMemStats(&m1)
	rate := float64(len(live)) / took.Seconds()
	fmt.Printf("decided %d payments in %s: %.0f decisions/s on one goroutine, %.0f allocations and %d bytes a decision\n",
		len(live), took.Round(time.Millisecond), rate, float64(m1.Mallocs-m0.Mallocs)/float64(len(live)), (m1.TotalAlloc-m0.TotalAlloc)/uint64(len(live)))
	fmt.Printf("outcomes: allow %d, review %d, hold %d, block %d\n", counts[screen.Allow], counts[screen.Review], counts[screen.Hold], counts[screen.Block])
	fmt.Printf("for context: Tazama's published %d TPS on about a thousand virtual CPUs; this is %.0f× that on one core\n", tazamaTPS, rate/tazamaTPS)
	return nil
}
