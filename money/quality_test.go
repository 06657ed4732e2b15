package money

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/simulate"
)

// simLedger loads a simulated money scenario into a ledger.
func simLedger(t testing.TB, cfg simulate.MoneyConfig) (*Ledger, simulate.MoneyScenario) {
	t.Helper()
	l := NewLedger()
	opts := indicator.Options{}
	cols := simulate.TransferColumns
	bad := 0
	sc, err := simulate.GenerateMoney(cfg, func(rec []string) error {
		row := map[string]string{}
		for i, c := range cols {
			row[c] = rec[i]
		}
		tr, le := ParseTransfer(records.Row{Fields: row}, opts)
		if le != nil {
			bad++
			if bad < 5 {
				t.Errorf("simulated row rejected: %v", le)
			}
			return nil
		}
		l.Add(tr)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range sc.Attributions {
		k, err := indicator.ParseKind(a.Kind)
		if err != nil {
			t.Fatal(err)
		}
		ind, err := opts.Parse(k, a.Value)
		if err != nil {
			t.Fatalf("attribution %s %s: %v", a.Kind, a.Value, err)
		}
		l.Attribute(Attribution{Indicator: ind, Entity: a.Entity, EntityType: a.EntityType, Source: a.Source})
	}
	return l, sc
}

// traceReach is how well traces found where victims' money went.
type traceReach struct {
	payments, reached int
	truthValue        float64 // CNY-equivalent value at the true final holders
	foundValue        float64 // of that, at accounts the trace names as holders or losses
	heldValue         float64 // CNY-equivalent value the traces put at holders
	heldRight         float64 // of that, at accounts that truly hold the payment's money
	missed            []string
}

// reach traces every victim payment and compares the accounts holding its
// money (or where it was cashed out) with the scenario's truth. A payment
// counts as reached when the trace names the accounts holding at least
// 90% of its money's value.
func reach(t testing.TB, l *Ledger, sc simulate.MoneyScenario, opts TraceOptions) traceReach {
	var r traceReach
	for _, vp := range sc.Truth.VictimPayments {
		tr, err := l.Trace(vp.ID, opts)
		if err != nil {
			t.Fatalf("trace %s: %v", vp.ID, err)
		}
		named := map[string]bool{}
		for _, h := range tr.Holders {
			named[h.Value] = true
		}
		for _, lo := range tr.Lost {
			if lo.Value != "" {
				named[lo.Value] = true
			}
		}
		var truthV, foundV float64
		var missing []string
		truthAt := map[string]bool{}
		for _, fh := range vp.FinalHolders {
			truthAt[normalised(fh.Kind, fh.Value)] = true
		}
		for _, h := range tr.Holders {
			v := cnyValue(h.Amount, h.Asset)
			r.heldValue += v
			if truthAt[h.Value] {
				r.heldRight += v
			}
		}
		for _, fh := range vp.FinalHolders {
			v := cnyValue(fh.Amount, fh.Asset)
			truthV += v
			if named[normalised(fh.Kind, fh.Value)] {
				foundV += v
			} else {
				missing = append(missing, fh.Kind+" "+fh.Value+" "+fh.Amount+" "+fh.Asset)
			}
		}
		r.payments++
		r.truthValue += truthV
		r.foundValue += foundV
		if foundV >= 0.9*truthV {
			r.reached++
		} else if len(r.missed) < 5 {
			r.missed = append(r.missed, fmt.Sprintf("%s: %s", vp.ID, strings.Join(missing, ", ")))
		}
	}
	return r
}

// normalised is a truth account as the ledger writes it.
func normalised(kind, value string) string {
	opts := indicator.Options{}
	rail := map[string]Rail{"tron": TRONChain, "eth": ETHChain, "ewallet": EWallet, "atm": Other}[kind]
	if rail == RailInvalid {
		rail = Bank
	}
	if ind, err := ParseAccount(rail, value, opts); err == nil {
		return ind.Value()
	}
	return value
}

func cnyValue(amount, asset string) float64 {
	d, err := ParseAmount(amount)
	if err != nil {
		return 0
	}
	v := d.InexactFloat64()
	if asset == "USDT" {
		v *= 7.2
	}
	return v
}

// TestTraceReachesFinalHolders holds the bar: for at least 95% of
// victim payments in simulated scenarios the trace reaches the true final
// holders.
func TestTraceReachesFinalHolders(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		l, sc := simLedger(t, simulate.MoneyConfig{Accounts: 20000, Victims: 150, Days: 30, Seed: seed})
		for _, p := range []Policy{FIFO, LIFO, Proportional} {
			r := reach(t, l, sc, TraceOptions{Policy: p})
			share := float64(r.reached) / float64(r.payments)
			t.Logf("seed %d %-12s: %d of %d payments reached (%.3f), %.3f of the money's value found, %.3f of what traces put at holders is truly there; first misses: %v",
				seed, p, r.reached, r.payments, share, r.foundValue/r.truthValue, r.heldRight/r.heldValue, r.missed)
			if p == Proportional && share < 0.95 {
				t.Errorf("seed %d, %s: only %.3f of victim payments reached their final holders, want ≥ 0.95", seed, p, share)
			}
		}
	}
}
