package simulate

import (
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// jointRun generates a joint scenario and hashes its records.
func jointRun(t *testing.T, cfg JointConfig) (JointScenario, [][]string, [][]string, string) {
	t.Helper()
	h := sha256.New()
	var transfers, cdrs [][]string
	js, err := GenerateJoint(cfg,
		func(rec []string) error {
			transfers = append(transfers, append([]string(nil), rec...))
			fmt.Fprintln(h, strings.Join(rec, ","))
			return nil
		},
		func(rec []string) error {
			cdrs = append(cdrs, append([]string(nil), rec...))
			fmt.Fprintln(h, strings.Join(rec, ","))
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return js, transfers, cdrs, fmt.Sprintf("%x", h.Sum(nil))
}

// TestJoint checks the joint scenario's promises: the same seed gives the
// same records; every victim's payment comes from an account with a phone
// and follows an answered call from a fraud line that ended before it;
// and the fraud lines also reach ordinary people, so a call alone does not
// mark a victim.
func TestJoint(t *testing.T) {
	cfg := JointConfig{Accounts: 2000, Victims: 40, Days: 6, Seed: 4}
	js, transfers, cdrs, sum := jointRun(t, cfg)
	if _, _, _, again := jointRun(t, cfg); again != sum {
		t.Error("the same config gave different records")
	}
	if len(js.Truth.VictimPayments) == 0 || len(js.Truth.FraudLines) == 0 {
		t.Fatalf("no victim payments (%d) or fraud lines (%d)", len(js.Truth.VictimPayments), len(js.Truth.FraudLines))
	}
	phone := map[string]string{}
	for _, p := range js.Phones {
		phone[p.Account] = p.Phone
	}
	from := map[string]string{}
	for _, r := range transfers {
		from[r[0]] = r[5]
	}
	type call struct {
		start time.Time
		dur   int
	}
	calls := map[[2]string][]call{} // (line, subscriber) either way
	fraud := map[string]bool{}
	for _, l := range js.Truth.FraudLines {
		fraud[l] = true
	}
	reachedOrdinary := map[string]bool{}
	victim := map[string]bool{}
	for _, p := range js.Truth.VictimPhones {
		victim[p] = true
	}
	for _, r := range cdrs {
		st, err := time.Parse(time.RFC3339, r[1])
		if err != nil {
			t.Fatal(err)
		}
		d, _ := strconv.Atoi(r[4])
		switch {
		case fraud[r[2]]:
			calls[[2]string{r[2], r[3]}] = append(calls[[2]string{r[2], r[3]}], call{st, d})
			if !victim[r[3]] && d >= 120 {
				reachedOrdinary[r[3]] = true
			}
		case fraud[r[3]]:
			calls[[2]string{r[3], r[2]}] = append(calls[[2]string{r[3], r[2]}], call{st, d})
		}
	}
	for _, p := range js.Truth.VictimPayments {
		acct, ok := from[p.ID]
		if !ok {
			continue // planned but not made: the victim had not the money
		}
		if phone[acct] != p.Phone {
			t.Errorf("payment %s: payer %s has phone %q, truth says %q", p.ID, acct, phone[acct], p.Phone)
		}
		ok = false
		for _, c := range calls[[2]string{p.Line, p.Phone}] {
			if c.dur > 0 && !c.start.After(p.Time) && !c.start.Add(time.Duration(c.dur)*time.Second).After(p.Time) && p.Time.Sub(c.start) <= 12*time.Hour+time.Hour {
				ok = true
			}
		}
		if !ok {
			t.Errorf("payment %s at %s: no answered call from %s to %s ending before it", p.ID, p.Time, p.Line, p.Phone)
		}
	}
	t.Logf("%d transfers, %d call records (%d scam calls added), %d victim payments, %d fraud lines calling victims, %d ordinary people with a call of 2 min or more from them",
		len(transfers), len(cdrs), js.Truth.ScamCalls, len(js.Truth.VictimPayments), len(js.Truth.FraudLines), len(reachedOrdinary))
	if len(reachedOrdinary) == 0 {
		t.Error("the fraud lines never held an ordinary person on the line: exposure would be trivial")
	}
}

func TestJointConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  JointConfig
		want string
	}{
		{JointConfig{Accounts: 10, Days: 1}, "at least 1,000"},
		{JointConfig{Accounts: 2000, Days: 0}, "out of range"},
		{JointConfig{Accounts: 2000, Days: 2, Victims: 500}, "at most one in ten"},
		{JointConfig{Accounts: 2000, Days: 2, FraudShare: 0.9}, "fraud share"},
	} {
		_, err := GenerateJoint(tc.cfg, func([]string) error { return nil }, func([]string) error { return nil })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.cfg, err, tc.want)
		}
	}
}
