// Command fanzha is the one binary of the fanzha counter-fraud platform:
// the server, the demo, and the operator's commands for organisations,
// tokens, lookups and the audit chain.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand; the table below is what `fanzha help` prints.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, out io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"serve", "run the HTTP API and public portal (--addr, --db)", runServe},
		{"demo", "serve a throwaway database filled with a simulated scenario, printing tokens", runDemo},
		{"detect", "run a detector over a file: detect telecom --in cdr.csv --out suspects.csv --warnings warnings.csv | detect mules --in transfers.csv --out mules.csv", runDetect},
		{"screen", "decide payments allow/review/hold/block as they would have been live: screen --in transfers.csv [--reports reports.ndjson] [--rules rules.json] --out decisions.csv", runScreen},
		{"trace", "follow victims' payments through transfers: trace --in transfers.csv --attributions attributions.csv --payments ids.txt --out traces.ndjson", runTrace},
		{"freeze", "stop-payment and freeze requests: freeze draft --report R --org ORG | list [--report R] | show ID | update ID --action A --org ORG [--amount X] | totals [--report R]", runFreeze},
		{"classify", "score messages as scam or not, with typology, indicators and reasons: classify --in messages.csv [--format csv|ndjson] --out scored.csv [--region CN]", runClassify},
		{"lookalike", "score domains that imitate protected brands (banks, payment apps, exchanges, police portals): lookalike --in domains.txt [--brands brands.csv] --out scored.csv", runLookalike},
		{"train", "train the content classifier and write the embedded model + data card: train [--data ../shared/data] [--out content/model/model.bin] [--no-research]", runTrain},
		{"eval", "score the content classifier approaches on the held-out splits beside published results: eval [--data ../shared/data]", runEval},
		{"simulate", "write a simulated scenario with ground truth: simulate telecom --subscribers N --days D --seed S --out DIR", runSimulate},
		{"lookup", "normalise an indicator, detect its kind, and show what the registry knows", runLookup},
		{"org", "manage organisations: org add NAME --sector SECTOR | org list", runOrg},
		{"token", "manage API tokens: token create --org NAME --role ROLE | token list | token revoke ID", runToken},
		{"audit", "check the audit hash chain: audit verify", runAudit},
		{"help", "list the commands", runHelp},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // the flags were printed
		}
		fmt.Fprintln(os.Stderr, "fanzha:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return runHelp(ctx, nil, out)
	}
	name := args[0]
	if name == "-h" || name == "--help" {
		name = "help"
	}
	for _, c := range commands {
		if c.name == name {
			return c.run(ctx, args[1:], out)
		}
	}
	return fmt.Errorf("%w: unknown command %q (run fanzha help)", errUsage, name)
}

func runHelp(_ context.Context, _ []string, out io.Writer) error {
	fmt.Fprintln(out, "fanzha — the shared counter-fraud registry\n\nUsage: fanzha COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(out, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(out, "\nEvery command that touches data takes --db (sqlite:PATH or postgres://…; env FANZHA_DB).\nRun fanzha COMMAND -h for its flags.")
	return nil
}

// env returns an environment variable or a default.
func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// defaultDB is the embedded SQLite file beside where fanzha runs.
const defaultDB = "sqlite:fanzha.db"

// dbFlag adds the --db flag every data command shares.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", env("FANZHA_DB", defaultDB), "database: sqlite:PATH or postgres://… (env FANZHA_DB)")
}

// regionFlag adds --region, the default country of national phone numbers.
func regionFlag(fs *flag.FlagSet) *string {
	return fs.String("region", env("FANZHA_REGION", "CN"), "default region for phone numbers written without a country code (env FANZHA_REGION)")
}

// parseFlags parses args, turning flag errors into usage errors. Flags may
// come before or after positional arguments.
func parseFlags(fs *flag.FlagSet, args []string, out io.Writer) ([]string, error) {
	fs.SetOutput(out)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func usagef(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
}
