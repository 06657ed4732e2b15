package screen

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/simulate"
)

// moneyRun is a simulated economy with fraud, read back as the CLI would.
type moneyRun struct {
	transfers []money.Transfer
	victim    map[string]bool // transfer ids of victims' payments
	fraud     map[string]bool // transfer ids of laundering hops and mules' own payments: neither victims' nor ordinary
	reported  *Reported
}

// tally counts a scenario's decisions the way: victims' payments
// held or blocked, ordinary payments held (laundering hops and mules' own
// payments are neither), and the rules behind each.
type tally struct {
	vTotal, vStopped, oTotal, oHeld, oToMule int
	byRuleV, byRuleO                         map[string]int
	missed                                   []Decision // victims' payments let through, the first few
}

// add counts one decision; victim and fraud say what the payment was,
// toMule whether its payee is a mule.
func (c *tally) add(d Decision, victim, fraud, toMule bool) {
	if c.byRuleV == nil {
		c.byRuleV, c.byRuleO = map[string]int{}, map[string]int{}
	}
	stopped := d.Decision == Hold || d.Decision == Block
	switch {
	case victim:
		c.vTotal++
		if !stopped {
			if len(c.missed) < 8 {
				c.missed = append(c.missed, d)
			}
			return
		}
		c.vStopped++
		for _, r := range d.Rules {
			c.byRuleV[r.Name]++
		}
	case fraud:
	default:
		c.oTotal++
		if !stopped {
			return
		}
		c.oHeld++
		if toMule {
			c.oToMule++
		}
		for _, r := range d.Rules {
			c.byRuleO[r.Name]++
		}
	}
}

func (c *tally) victimShare() float64   { return float64(c.vStopped) / float64(c.vTotal) }
func (c *tally) ordinaryShare() float64 { return float64(c.oHeld) / float64(c.oTotal) }

func loadMoney(tb testing.TB, cfg simulate.MoneyConfig) moneyRun {
	tb.Helper()
	dir := tb.TempDir()
	truth, err := simulate.WriteMoney(cfg, dir)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "transfers.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	opts := indicator.Options{DefaultRegion: "CN"}
	run := moneyRun{victim: map[string]bool{}, fraud: map[string]bool{}, reported: NewReported()}
	mules := map[string]bool{}
	for _, m := range truth.Mules {
		mules[m.Value] = true
	}
	if _, err := money.ReadTransfers(f, records.CSV, opts, func(t money.Transfer) error {
		run.transfers = append(run.transfers, t)
		if mules[t.From.Value()] {
			run.fraud[t.ID] = true
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	for _, p := range truth.VictimPayments {
		run.victim[p.ID] = true
		for _, id := range p.Transfers[1:] {
			run.fraud[id] = true
		}
	}
	sc, err := simulate.GenerateMoney(cfg, func([]string) error { return nil })
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range sc.Reports {
		rep := registry.Report{ID: r.ID, Time: r.Time, Typology: r.Typology, Payments: r.Payments, Contacts: r.Contacts}
		run.reported.Add(rep, opts)
	}
	return run
}

// TestQualityMoney screens a simulated month of payments in time order
// and measures how many victims' payments are held or blocked and how
// many ordinary payments are held. The money simulator has no phone calls,
// so the telecom rules — the strongest sign — cannot fire here;
// this measures reported payees, velocity and pass-through alone.
func TestQualityMoney(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a month of payments")
	}
	for _, seed := range []uint64{1, 2} {
		run := loadMoney(t, simulate.MoneyConfig{Accounts: 5000, Victims: 100, Days: 30, Seed: seed})
		rs, err := DefaultRuleSet()
		if err != nil {
			t.Fatal(err)
		}
		e, err := NewEngine(rs, nil, Sources{Risk: run.reported})
		if err != nil {
			t.Fatal(err)
		}
		var c tally
		for _, tr := range run.transfers {
			d, err := e.Decide(Payment{Transfer: tr})
			if err != nil {
				t.Fatal(err)
			}
			c.add(d, run.victim[tr.ID], run.fraud[tr.ID], false)
		}
		vShare, oShare := c.victimShare(), c.ordinaryShare()
		t.Logf("seed %d: victims' payments held or blocked %d/%d (%.1f%%); ordinary payments held %d/%d (%.3f%%); rules behind ordinary holds %v",
			seed, c.vStopped, c.vTotal, 100*vShare, c.oHeld, c.oTotal, 100*oShare, c.byRuleO)
		// Floors measured on 2 seeds: 52.5% and 60.2% of victims' payments,
		// 0.48% and 0.37% of ordinary ones. Without the payer's calls the
		// issue's 90% is out of reach; see the package notes.
		if vShare < 0.45 {
			t.Errorf("seed %d: %.1f%% of victims' payments held or blocked, want at least 45%%", seed, 100*vShare)
		}
		if oShare > 0.005 {
			t.Errorf("seed %d: %.3f%% of ordinary payments held, want at most 0.5%%", seed, 100*oShare)
		}
	}
}
