// Command money measures tracing on a large simulated ledger against the
// tool an analyst would reach for instead — a recursive CTE in PostgreSQL
// over the same transfers — in the same run:
//
//	fanzha simulate money --accounts 1000000 --days 30 --out DIR
//	go run ./bench/money -dir DIR [-n 1000] [-hops 6] [-pg postgres://…]
//
// It loads DIR/transfers.csv and attributions.csv into the in-memory
// ledger (printing load time and memory), traces n random victim payments
// from DIR/truth.json with at most hops hops, then copies the same
// transfers into PostgreSQL and runs the forward, time-respecting walk of
// the same payments as a recursive CTE bounded to the same hops, and
// prints both latencies and their ratio. The CTE follows every transfer
// out after the money arrived; the ledger's trace also allocates amounts
// (proportional) and stops at exchanges, so it does strictly more work per hop.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/records"
)

func main() {
	dir := flag.String("dir", "", "a directory written by fanzha simulate money")
	n := flag.Int("n", 1000, "victim payments to trace")
	hops := flag.Int("hops", 6, "hops to follow")
	pg := flag.String("pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL to compare with; empty skips it")
	timeout := flag.Duration("timeout", 30*time.Second, "longest a CTE may run before it counts as timed out")
	cteN := flag.Int("cte-n", 50, "of the traced payments, how many to run as CTEs too (each takes seconds)")
	flag.Parse()
	if *dir == "" {
		log.Fatal("need -dir DIR (from fanzha simulate money)")
	}
	if err := run(*dir, *n, *cteN, *hops, *pg, *timeout); err != nil {
		log.Fatal(err)
	}
}

func run(dir string, n, cteN, hops int, pg string, timeout time.Duration) error {
	start := time.Now()
	l := money.NewLedger()
	transfers := filepath.Join(dir, "transfers.csv")
	if err := readFile(transfers, func(r io.Reader, f records.Format) error {
		sum, err := money.ReadTransfers(r, f, indicator.Options{}, func(t money.Transfer) error {
			l.Add(t)
			return nil
		})
		if sum.Rejected > 0 {
			return fmt.Errorf("%d transfers rejected, first %v", sum.Rejected, sum.Errors[0])
		}
		return err
	}); err != nil {
		return err
	}
	if err := readFile(filepath.Join(dir, "attributions.csv"), func(r io.Reader, f records.Format) error {
		_, err := money.ReadAttributions(r, f, indicator.Options{}, func(a money.Attribution) error { l.Attribute(a); return nil })
		return err
	}); err != nil {
		return err
	}
	load := time.Since(start)
	st := l.Stats()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Printf("ledger: %d transfers, %d accounts loaded from CSV in %s (%.0f transfers/s); heap %d MB\n",
		st.Transfers, st.Accounts, load.Round(time.Millisecond), float64(st.Transfers)/load.Seconds(), ms.HeapAlloc>>20)

	ids, err := victimPayments(filepath.Join(dir, "truth.json"), n)
	if err != nil {
		return err
	}
	var lat []time.Duration
	holders := 0
	for _, id := range ids {
		t0 := time.Now()
		tr, err := l.Trace(id, money.TraceOptions{MaxHops: hops})
		lat = append(lat, time.Since(t0))
		if err != nil {
			return err
		}
		holders += len(tr.Holders)
	}
	p50, p99 := pct(lat, 50), pct(lat, 99)
	fmt.Printf("fanzha trace (proportional, %d hops): %d payments, p50 %s, p99 %s, %.1f holders per trace\n", hops, len(ids), p50, p99, float64(holders)/float64(len(ids)))
	fmt.Printf("peak memory %d MB\n", peakRSS()>>20)
	if pg == "" {
		return nil
	}
	sub := ids[:min(cteN, len(ids))]
	cte, timeouts, err := postgres(pg, transfers, sub, hops, timeout)
	if err != nil {
		return err
	}
	// The same payments through the ledger, for a like-for-like ratio.
	var same []time.Duration
	for _, id := range sub {
		t0 := time.Now()
		if _, err := l.Trace(id, money.TraceOptions{MaxHops: hops}); err != nil {
			return err
		}
		same = append(same, time.Since(t0))
	}
	s50, s99 := pct(same, 50), pct(same, 99)
	c50, c99 := pct(cte, 50), pct(cte, 99)
	fmt.Printf("PostgreSQL recursive CTE (%d hops) on %d of those payments: p50 %s, p99 %s, %d timed out at %s (counted as %s)\n", hops, len(sub), c50, c99, timeouts, timeout, timeout)
	fmt.Printf("fanzha on the same %d: p50 %s, p99 %s\n", len(sub), s50, s99)
	fmt.Printf("ratio: fanzha is %.0f× faster at p50, %.0f× at p99\n", float64(c50)/float64(max(s50, time.Microsecond)), float64(c99)/float64(max(s99, time.Microsecond)))
	return nil
}

// postgres copies the transfers into a scratch schema with accounts as
// integers and an index on (sender, time), then times the CTE per payment.
func postgres(url, transfers string, ids []string, hops int, timeout time.Duration) ([]time.Duration, int, error) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, 0, err
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`DROP SCHEMA IF EXISTS fanzha_bench_money CASCADE`,
		`CREATE SCHEMA fanzha_bench_money`,
		`CREATE UNLOGGED TABLE fanzha_bench_money.transfers (id text, t timestamptz, from_acct integer, to_acct integer, amount numeric, asset text)`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return nil, 0, err
		}
	}
	defer conn.Exec(context.Background(), `DROP SCHEMA IF EXISTS fanzha_bench_money CASCADE`)
	accts := map[indicator.Indicator]int32{}
	acct := func(i indicator.Indicator) int32 {
		if v, ok := accts[i]; ok {
			return v
		}
		accts[i] = int32(len(accts))
		return accts[i]
	}
	// The file is read again, streaming, rather than kept in memory twice.
	start := time.Now()
	rows := make(chan money.Transfer, 4096)
	readErr := make(chan error, 1)
	go func() {
		defer close(rows)
		readErr <- readFile(transfers, func(r io.Reader, f records.Format) error {
			_, err := money.ReadTransfers(r, f, indicator.Options{}, func(t money.Transfer) error { rows <- t; return nil })
			return err
		})
	}()
	copied, err := conn.CopyFrom(ctx, pgx.Identifier{"fanzha_bench_money", "transfers"}, []string{"id", "t", "from_acct", "to_acct", "amount", "asset"},
		pgx.CopyFromFunc(func() ([]any, error) {
			t, ok := <-rows
			if !ok {
				return nil, nil
			}
			return []any{t.ID, t.Time, acct(t.From), acct(t.To), t.Amount.String(), t.Asset}, nil
		}))
	if err != nil {
		return nil, 0, fmt.Errorf("copy: %w", err)
	}
	if err := <-readErr; err != nil {
		return nil, 0, err
	}
	copyTime := time.Since(start)
	for _, q := range []string{
		`CREATE INDEX ON fanzha_bench_money.transfers (from_acct, t)`,
		`CREATE UNIQUE INDEX ON fanzha_bench_money.transfers (id)`,
		`ANALYZE fanzha_bench_money.transfers`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return nil, 0, err
		}
	}
	fmt.Printf("PostgreSQL: copied %d transfers in %s, indexed in %s\n", copied, copyTime.Round(time.Millisecond), (time.Since(start) - copyTime).Round(time.Millisecond))
	if _, err := conn.Exec(ctx, "SET statement_timeout = "+strconv.Itoa(int(timeout/time.Millisecond))); err != nil {
		return nil, 0, err
	}
	// Forward and time-respecting: from where the payment landed, every
	// transfer out of a reached account at or after the money arrived.
	const cte = `WITH RECURSIVE flow(acct, t, hop) AS (
  SELECT to_acct, t, 1 FROM fanzha_bench_money.transfers WHERE id = $1
  UNION
  SELECT tr.to_acct, tr.t, f.hop + 1
  FROM flow f JOIN fanzha_bench_money.transfers tr ON tr.from_acct = f.acct AND tr.t >= f.t
  WHERE f.hop < $2
)
SELECT count(DISTINCT acct) FROM flow`
	var lat []time.Duration
	timeouts := 0
	for _, id := range ids {
		t0 := time.Now()
		var reached int
		err := conn.QueryRow(ctx, cte, id, hops).Scan(&reached)
		d := time.Since(t0)
		if err != nil {
			if strings.Contains(err.Error(), "statement timeout") {
				timeouts++
				lat = append(lat, timeout)
				continue
			}
			return nil, 0, err
		}
		lat = append(lat, d)
	}
	return lat, timeouts, nil
}

// victimPayments picks n victim payment ids from the scenario's truth,
// the same ones every run.
func victimPayments(path string, n int) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var truth struct {
		VictimPayments []struct {
			ID string `json:"id"`
		} `json:"victim_payments"`
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var ids []string
	for _, v := range truth.VictimPayments {
		ids = append(ids, v.ID)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%s lists no victim payments", path)
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	if n < len(ids) {
		ids = ids[:n]
	}
	return ids, nil
}

func readFile(path string, fn func(io.Reader, records.Format) error) error {
	f, ok := records.FormatOf("", path)
	if !ok {
		return fmt.Errorf("%s: unknown format", path)
	}
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	return fn(file, f)
}

func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p+99)/100 - 1
	return s[max(0, min(i, len(s)-1))].Round(time.Microsecond)
}

// peakRSS is the process's peak resident memory (VmHWM) on Linux.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
