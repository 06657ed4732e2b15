package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/fanzha/fanzha/simulate"
)

// runSimulate writes a simulated scenario with its ground truth.
func runSimulate(_ context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "telecom" {
		return usagef("simulate telecom --subscribers N --days D --seed S --out DIR")
	}
	fs := flag.NewFlagSet("simulate telecom", flag.ContinueOnError)
	subs := fs.Int("subscribers", 20000, "ordinary subscribers")
	days := fs.Int("days", 3, "days of traffic")
	seed := fs.Uint64("seed", 1, "seed: the same seed gives the same files")
	share := fs.Float64("fraud-share", 0.01, "share of records made by fraud lines (0.001–0.02 is realistic)")
	dir := fs.String("out", "", "directory for cdr.csv and truth.json")
	if _, err := parseFlags(fs, args[1:], out); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("simulate telecom needs --out DIR")
	}
	start := time.Now()
	truth, err := simulate.WriteTelecom(simulate.TelecomConfig{Subscribers: *subs, Days: *days, Seed: *seed, FraudShare: *share}, *dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s/cdr.csv: %d records (%d from %d fraud lines, %d legitimate high-volume lines, %d victims) and %s/truth.json in %s\n",
		*dir, truth.Records, truth.FraudRecords, len(truth.FraudLines), len(truth.Legit), len(truth.Victims), *dir, time.Since(start).Round(time.Millisecond))
	return nil
}
