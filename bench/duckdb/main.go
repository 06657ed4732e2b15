// Command duckdb measures `fanzha detect telecom` end to end against DuckDB
// computing the equivalent per-caller aggregation over the same file, in
// one run:
//
//  1. it writes a simulated telecom scenario of N records (default 10
//     million) as CSV to a temporary directory;
//  2. it runs the fanzha pipeline on that file — telecom.ReadCDRs into one
//     telecom.Engine, parsing included — in a child process, or the built
//     CLI (`fanzha detect telecom`) when -fanzha names it, and prints
//     records/s and the child's peak memory (its VmHWM, from wait4);
//  3. it runs DuckDB (read_csv; per caller: calls, distinct callees,
//     answered calls, median answered duration, incoming calls) in another
//     child process and prints the same figures;
//  4. it prints the ratio of the two times.
//
// Each side runs in its own process so neither's memory counts against
// the other and the generator's does against neither.
//
//	cd bench/duckdb && go build && ./duckdb [-n 10000000] [-fanzha ../../bin/fanzha]
//
// It lives in its own module because DuckDB needs cgo and hundreds of
// megabytes of libraries that the fanzha binary must not carry.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/simulate"
	"github.com/fanzha/fanzha/telecom"
)

func main() {
	n := flag.Int("n", 10_000_000, "records in the scenario")
	days := flag.Int("days", 3, "days the scenario spans (subscribers are sized to give -n records)")
	seed := flag.Uint64("seed", 1, "scenario seed")
	dir := flag.String("dir", "", "directory for the scenario (default: a temporary one, removed at the end)")
	fanzhaBin := flag.String("fanzha", "", "a built fanzha binary: time `fanzha detect telecom` instead of the in-process pipeline")
	threads := flag.Int("threads", 0, "DuckDB threads (0: DuckDB's default, every core)")
	child := flag.String("child", "", "internal: run one side (fanzha or duckdb) on -in and print its result as JSON")
	in := flag.String("in", "", "internal: the CSV a child reads")
	flag.Parse()
	log.SetFlags(0)

	var err error
	switch *child {
	case "":
		err = run(*n, *days, *seed, *dir, *fanzhaBin, *threads)
	case "fanzha":
		err = childFanzha(*in)
	case "duckdb":
		err = childDuckDB(*in, *threads)
	default:
		err = fmt.Errorf("unknown -child %q", *child)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// result is what a child reports.
type result struct {
	Records  int64   `json:"records"`  // rows it read
	Rejected int64   `json:"rejected"` // rows fanzha refused
	Callers  int64   `json:"callers"`  // DuckDB: rows of the per-caller table
	Suspects int     `json:"suspects"`
	Warnings int     `json:"warnings"`
	Seconds  float64 `json:"seconds"` // inside the child, from opening the file
}

func run(n, days int, seed uint64, dir, fanzhaBin string, threads int) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "fanzha-bench-duckdb-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	path := filepath.Join(dir, "cdr.csv")
	fmt.Printf("machine: %d CPUs, %s %s/%s\n", runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)

	start := time.Now()
	got, size, err := writeScenario(path, n, days, seed)
	if err != nil {
		return err
	}
	fmt.Printf("scenario: %d records, %d days, seed %d: %s (%.0f MB) written in %s\n",
		got, days, seed, path, float64(size)/1e6, time.Since(start).Round(time.Millisecond))

	var fz childRun
	if fanzhaBin != "" {
		fz, err = runChild(fanzhaBin, "detect", "telecom", "--in", path,
			"--out", filepath.Join(dir, "suspects.csv"), "--warnings", filepath.Join(dir, "warnings.csv"))
		if err == nil {
			fmt.Print(indent(fz.out))
		}
	} else {
		fz, err = runChild(os.Args[0], "-child", "fanzha", "-in", path)
	}
	if err != nil {
		return fmt.Errorf("fanzha: %w", err)
	}
	what := "fanzha in-process pipeline (telecom.ReadCDRs -> telecom.Engine, 1 goroutine)"
	if fanzhaBin != "" {
		what = "fanzha detect telecom"
	} else {
		fmt.Printf("fanzha: %d records read, %d rejected, %d suspects, %d warnings\n", fz.res.Records, fz.res.Rejected, fz.res.Suspects, fz.res.Warnings)
	}
	fmt.Printf("%s: %s, %s records/s, peak memory (VmHWM) %s\n", what,
		fz.wall.Round(time.Millisecond), rate(got, fz.wall), mb(fz.maxRSS))

	dargs := []string{"-child", "duckdb", "-in", path}
	if threads > 0 {
		dargs = append(dargs, "-threads", fmt.Sprint(threads))
	}
	dk, err := runChild(os.Args[0], dargs...)
	if err != nil {
		return fmt.Errorf("duckdb: %w", err)
	}
	if dk.res.Records != int64(got) {
		return fmt.Errorf("duckdb counted %d records, the file has %d", dk.res.Records, got)
	}
	fmt.Printf("duckdb: per-caller table of %d callers over %d records\n", dk.res.Callers, dk.res.Records)
	fmt.Printf("duckdb read_csv + GROUP BY caller (+ incoming per callee, joined): %s, %s records/s, peak memory (VmHWM) %s\n",
		dk.wall.Round(time.Millisecond), rate(got, dk.wall), mb(dk.maxRSS))

	ratio := dk.wall.Seconds() / fz.wall.Seconds()
	verdict := "faster"
	if ratio < 1 {
		verdict = "slower"
	}
	fmt.Printf("ratio: duckdb time / fanzha time = %.2f (fanzha %.2fx %s than DuckDB end to end, parsing included)\n",
		ratio, math.Max(ratio, 1/ratio), verdict)
	return nil
}

// writeScenario writes the first n records of a scenario sized to give
// about n over days, and returns how many it wrote and the file's size.
func writeScenario(path string, n, days int, seed uint64) (int, int64, error) {
	// The simulator makes about 6.5 records per subscriber per day; a few
	// more subscribers make sure the scenario reaches n.
	subs := int(math.Ceil(float64(n)/(6.2*float64(days)))) + 1000
	f, err := os.Create(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	if err := w.Write(simulate.CDRColumns); err != nil {
		return 0, 0, err
	}
	enough := errors.New("enough")
	got := 0
	_, err = simulate.GenerateTelecom(simulate.TelecomConfig{Subscribers: subs, Days: days, Seed: seed, FraudShare: 0.01},
		func(rec []string) error {
			if got == n {
				return enough
			}
			got++
			return w.Write(rec)
		})
	if err != nil && err != enough {
		return 0, 0, err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return 0, 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, 0, err
	}
	return got, st.Size(), f.Close()
}

// childRun is one measured child process.
type childRun struct {
	wall   time.Duration
	maxRSS int64 // bytes
	res    result
	out    string
}

// runChild runs a command, timing it from start to exit, and takes its
// peak resident memory from the kernel's accounting.
func runChild(name string, args ...string) (childRun, error) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	var out strings.Builder
	cmd.Stdout = &out
	start := time.Now()
	err := cmd.Run()
	r := childRun{wall: time.Since(start), out: out.String()}
	if err != nil {
		return r, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, r.out)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss << 10 // kB on Linux
	}
	if len(args) > 0 && args[0] == "-child" {
		if err := json.Unmarshal([]byte(r.out), &r.res); err != nil {
			return r, fmt.Errorf("child result %q: %w", r.out, err)
		}
	}
	return r, nil
}

// childFanzha is the fanzha pipeline as `fanzha detect telecom` runs it:
// parse and normalise every record, feed one Engine, flush at the end,
// with the same GC settings.
func childFanzha(path string) error {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		// The CLI's batchGC: a soft limit that keeps the peak under 2 GB.
		debug.SetMemoryLimit(1800 << 20)
	}
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	e := telecom.NewEngine(telecom.Config{})
	var n int
	sum, err := telecom.ReadCDRs(f, records.CSV, indicator.Options{}, func(c telecom.CDR) error {
		e.Add(c)
		if n++; n%(1<<14) == 0 {
			e.Drain() // as the CLI does; keeps the queue of new suspects short
		}
		return nil
	})
	if err != nil {
		return err
	}
	e.Flush()
	e.Drain()
	st := e.Stats()
	return json.NewEncoder(os.Stdout).Encode(result{
		Records:  int64(sum.Accepted + sum.Rejected),
		Rejected: int64(sum.Rejected),
		Suspects: st.Suspects,
		Warnings: st.Warnings,
		Seconds:  time.Since(start).Seconds(),
	})
}

// perCaller is the aggregation the mass-outreach detector's figures come
// from, per caller over the whole file: records, distinct callees, answered
// calls, the median answered call, and records received.
const perCaller = `
CREATE TEMP TABLE per_caller AS
WITH cdr AS (
  SELECT caller, callee, duration, type
  FROM read_csv('%s', header = true, columns = {
    'id': 'VARCHAR', 'start': 'VARCHAR', 'caller': 'VARCHAR', 'callee': 'VARCHAR',
    'duration': 'INTEGER', 'type': 'VARCHAR', 'caller_imei': 'VARCHAR', 'caller_imsi': 'VARCHAR',
    'cell': 'VARCHAR', 'trunk': 'VARCHAR', 'origin_country': 'VARCHAR'})
),
outgoing AS (
  SELECT caller AS number,
         count(*) AS records,
         count(DISTINCT callee) AS callees,
         count(*) FILTER (WHERE coalesce(type, 'voice') <> 'sms' AND duration > 0) AS answered,
         median(duration) FILTER (WHERE coalesce(type, 'voice') <> 'sms' AND duration > 0) AS median_answered
  FROM cdr GROUP BY caller
),
incoming AS (
  SELECT callee AS number, count(*) AS incoming FROM cdr GROUP BY callee
)
SELECT o.*, coalesce(i.incoming, 0) AS incoming
FROM outgoing o LEFT JOIN incoming i USING (number)`

func childDuckDB(path string, threads int) error {
	start := time.Now()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // the temp table lives in one connection
	ctx := context.Background()
	if threads > 0 {
		if _, err := db.ExecContext(ctx, fmt.Sprintf("SET threads = %d", threads)); err != nil {
			return err
		}
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf(perCaller, strings.ReplaceAll(path, "'", "''"))); err != nil {
		return err
	}
	var res result
	var answered, incoming sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT count(*), sum(records), sum(answered), sum(incoming) FROM per_caller`).
		Scan(&res.Callers, &res.Records, &answered, &incoming); err != nil {
		return err
	}
	res.Seconds = time.Since(start).Seconds()
	return json.NewEncoder(os.Stdout).Encode(res)
}

func rate(n int, d time.Duration) string {
	r := int64(float64(n) / d.Seconds())
	s := fmt.Sprint(r)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func mb(b int64) string { return fmt.Sprintf("%d MB", (b+(1<<19))>>20) }

func indent(s string) string {
	if s == "" {
		return ""
	}
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
}
