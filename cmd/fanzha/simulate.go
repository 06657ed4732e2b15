package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/fanzha/fanzha/simulate"
)

const simulateUsage = "simulate telecom --subscribers N --days D --seed S --out DIR | simulate money --accounts N --victims V --days D --seed S --out DIR | simulate joint --accounts N --victims V --days D --seed S --out DIR"

// runSimulate writes a simulated scenario with its ground truth.
func runSimulate(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usagef(simulateUsage)
	}
	switch args[0] {
	case "telecom":
		return simulateTelecom(ctx, args[1:], out)
	case "money":
		return simulateMoney(ctx, args[1:], out)
	case "joint":
		return simulateJoint(ctx, args[1:], out)
	}
	return usagef(simulateUsage)
}

func simulateTelecom(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("simulate telecom", flag.ContinueOnError)
	subs := fs.Int("subscribers", 20000, "ordinary subscribers")
	days := fs.Int("days", 3, "days of traffic")
	seed := fs.Uint64("seed", 1, "seed: the same seed gives the same files")
	share := fs.Float64("fraud-share", 0.01, "share of records made by fraud lines (0.001–0.02 is realistic)")
	dir := fs.String("out", "", "directory for cdr.csv and truth.json")
	if _, err := parseFlags(fs, args, out); err != nil {
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

// simulateMoney writes transfers, attributions, victims' reports and the
// truth of a laundering scenario.
func simulateMoney(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("simulate money", flag.ContinueOnError)
	accounts := fs.Int("accounts", 20000, "ordinary people holding accounts (1,000,000 over 30 days gives about 10 million transfers)")
	victims := fs.Int("victims", 200, "victims of the fraud rings")
	days := fs.Int("days", 30, "days of transfers")
	seed := fs.Uint64("seed", 1, "seed: the same seed gives the same files")
	dir := fs.String("out", "", "directory for transfers.csv, attributions.csv, reports.ndjson and truth.json")
	if _, err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("simulate money needs --out DIR")
	}
	start := time.Now()
	truth, err := simulate.WriteMoney(simulate.MoneyConfig{Accounts: *accounts, Victims: *victims, Days: *days, Seed: *seed}, *dir)
	if err != nil {
		return err
	}
	c := truth.Counts
	fmt.Fprintf(out, "wrote %s/transfers.csv: %d transfers among %d accounts (%d moving victims' money through %d mules of %d rings, %d legitimate high-volume accounts, %d victims), attributions.csv, reports.ndjson and truth.json in %s\n",
		*dir, c.Transfers, c.Accounts, c.FraudTransfers, c.Mules, len(truth.Rings), c.Legitimate, c.Victims, time.Since(start).Round(time.Millisecond))
	return nil
}

// simulateJoint writes a money scenario and a telecom scenario over the
// same people, the victims called by fraud lines before they pay, with
// phones.csv tying each account to its holder's phone.
func simulateJoint(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("simulate joint", flag.ContinueOnError)
	accounts := fs.Int("accounts", 5000, "people, each with accounts and a phone")
	victims := fs.Int("victims", 150, "victims of the fraud rings, each called before paying")
	days := fs.Int("days", 14, "days of transfers and calls")
	seed := fs.Uint64("seed", 1, "seed: the same seed gives the same files")
	share := fs.Float64("fraud-share", 0.01, "share of call records made by fraud lines")
	dir := fs.String("out", "", "directory for transfers.csv, cdr.csv, phones.csv, attributions.csv, reports.ndjson and truth.json")
	if _, err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("simulate joint needs --out DIR")
	}
	start := time.Now()
	js, err := simulate.WriteJoint(simulate.JointConfig{Accounts: *accounts, Victims: *victims, Days: *days, Seed: *seed, FraudShare: *share}, *dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s: %d transfers (%d victim payments), %d call records (%d scam calls from %d fraud lines), %d account phones, reports.ndjson and truth.json in %s\n",
		*dir, js.Money.Truth.Counts.Transfers, len(js.Truth.VictimPayments), js.Telecom.Records, js.Truth.ScamCalls, len(js.Truth.FraudLines), len(js.Phones), time.Since(start).Round(time.Millisecond))
	return nil
}
