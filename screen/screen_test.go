package screen

import (
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/content"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
	"github.com/fanzha/fanzha/simulate"
	"github.com/fanzha/fanzha/telecom"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func acctOf(tb testing.TB, s string) indicator.Indicator {
	tb.Helper()
	ind, err := money.ParseAccount(money.Bank, s, indicator.Options{DefaultRegion: "CN"})
	if err != nil {
		tb.Fatal(err)
	}
	return ind
}

func pay(tb testing.TB, id, from, to, amount string, at time.Time) Payment {
	tb.Helper()
	a, err := money.ParseAmount(amount)
	if err != nil {
		tb.Fatal(err)
	}
	return Payment{Transfer: money.Transfer{ID: id, Time: at, Rail: money.Bank, Asset: "CNY", Amount: a, From: acctOf(tb, from), To: acctOf(tb, to)}}
}

// fakeRisk, fakeExposure and fakeMules stand in for the other engines.
type fakeRisk map[string]IndicatorRisk

func (f fakeRisk) Risk(ind indicator.Indicator, _ time.Time) (IndicatorRisk, bool) {
	r, ok := f[ind.Value()]
	return r, ok
}

type fakeExposure []telecom.Contact

func (f fakeExposure) Exposure(indicator.Indicator, time.Time) []telecom.Contact { return f }

type countingMules struct{ calls int }

func (m *countingMules) MuleScore(indicator.Indicator, time.Time) (int, bool) {
	m.calls++
	return 90, true
}

func TestDefaultRuleSetCompiles(t *testing.T) {
	rs, err := DefaultRuleSet()
	if err != nil {
		t.Fatal(err)
	}
	c, err := compile(rs)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(c.rules); i++ {
		if c.rules[i].group < c.rules[i-1].group {
			t.Errorf("rule %s (group %d) after %s (group %d): cheap rules must come first", c.rules[i].Name, c.rules[i].group, c.rules[i-1].Name, c.rules[i-1].group)
		}
	}
	for _, r := range rs.Rules {
		if r.Why == "" {
			t.Errorf("rule %s: the default scenario documents why every rule is there", r.Name)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	ok := Rule{Name: "a", When: "amount > 1", Weight: 10, Reason: "{amount}"}
	th := Thresholds{Review: 30, Hold: 60, Block: 85}
	tests := []struct {
		name string
		rs   RuleSet
		want string
	}{
		{"unknown feature", RuleSet{Status: Published, Thresholds: th, Rules: []Rule{{Name: "x", When: "amout > 1"}}}, "unknown name amout"},
		{"not a condition", RuleSet{Status: Published, Thresholds: th, Rules: []Rule{{Name: "x", When: "amount + 1"}}}, "expected bool"},
		{"syntax", RuleSet{Status: Published, Thresholds: th, Rules: []Rule{{Name: "x", When: "amount >"}}}, `rule "x"`},
		{"reason field", RuleSet{Status: Published, Thresholds: th, Rules: []Rule{{Name: "x", When: "true", Reason: "{nope}"}}}, "unknown feature {nope}"},
		{"unclosed reason", RuleSet{Status: Published, Thresholds: th, Rules: []Rule{{Name: "x", When: "true", Reason: "{amount"}}}, "unclosed"},
		{"duplicate", RuleSet{Status: Published, Thresholds: th, Rules: []Rule{ok, ok}}, "two rules named"},
		{"no name", RuleSet{Status: Published, Thresholds: th, Rules: []Rule{{When: "true"}}}, "has no name"},
		{"thresholds", RuleSet{Status: Published, Thresholds: Thresholds{Review: 70, Hold: 60, Block: 85}}, "thresholds"},
		{"status", RuleSet{Status: "live", Thresholds: th}, "status"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compile(&tc.rs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	draft := &RuleSet{Status: Draft, Thresholds: th, Rules: []Rule{ok}}
	if _, err := NewEngine(draft, nil, Sources{}); err == nil {
		t.Error("a draft rule set decided payments")
	}
	if p := draft.Publish(); p.Status != Published || p.Version != 1 {
		t.Errorf("Publish gave %s v%d", p.Status, p.Version)
	}
}

func TestReadRuleSetRejectsUnknownFields(t *testing.T) {
	_, err := ReadRuleSet(strings.NewReader(`{"scenario":"x","rules":[{"name":"a","when":"true","wieght":5}]}`))
	if err == nil || !strings.Contains(err.Error(), "wieght") {
		t.Errorf("got %v, want the misspelt field named", err)
	}
}

func TestVelocity(t *testing.T) {
	v := NewVelocity()
	a, b, c, mule := acctOf(t, "6222020000000001"), acctOf(t, "6222020000000002"), acctOf(t, "6222020000000003"), acctOf(t, "6222020000000009")
	v.Record(a, c, t0.Add(-8*24*time.Hour), 500) // out of the week: only age and 30-day figures
	v.Record(a, mule, t0, 10000)
	v.Record(b, mule, t0.Add(30*time.Minute), 20000)
	v.Record(mule, c, t0.Add(40*time.Minute), 29000) // forwarded at once
	var f Features
	v.fill(&f, a, mule, t0.Add(time.Hour), 5000)
	tests := []struct {
		name      string
		got, want float64
	}{
		{"payer 1h count", float64(f.PayerCount1h), 1},
		{"payer 24h amount with this one", f.PayerAmount24h, 15000},
		{"payer 30d max", f.PayerMax30d, 10000},
		{"payer 24h payees", float64(f.PayerPayees24h), 1},
		{"payee 24h payers", float64(f.PayeePayers24h), 2},
		{"payee new payers", float64(f.PayeeNewPayers24h), 2},
		{"payee 7d inflow", f.PayeeInAmount7d, 30000},
		{"payee pass-through", f.PayeePassThrough, 29000.0 / 30000},
		{"payee out payees", float64(f.PayeeOutPayees24h), 1},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if f.FirstToPayee {
		t.Error("a paid mule before, yet first_payment_to_payee")
	}
	v.fill(&f, c, a, t0.Add(time.Hour), 100)
	if !f.FirstToPayee {
		t.Error("c never paid a, yet not first_payment_to_payee")
	}
}

func TestDecide(t *testing.T) {
	rs, err := DefaultRuleSet()
	if err != nil {
		t.Fatal(err)
	}
	phone, err := indicator.Options{DefaultRegion: "CN"}.Parse(indicator.Phone, "13800138000")
	if err != nil {
		t.Fatal(err)
	}
	noMemo := func(string, string) (content.Verdict, error) { return content.Verdict{}, nil }
	tests := []struct {
		name      string
		src       Sources
		phone     bool
		amount    string
		want      string
		wantRules []string
	}{
		{"nothing known", Sources{}, false, "2000", Allow, nil},
		{"reported payee", Sources{Risk: fakeRisk{"6222020000000009": {Score: 95, Reports: 2, Typology: "task_scam"}}}, false, "2000", Block, []string{"payee_reported", "payee_high_risk"}},
		{"on a call with a suspect", Sources{Exposure: fakeExposure{{Time: t0.Add(-30 * time.Minute), Duration: 20 * time.Minute, Score: 80}}}, true, "50000", Block,
			[]string{"safe_account_transfer", "on_call_with_suspect", "called_by_suspect"}},
		{"suspect contact after the payment does not count", Sources{Exposure: fakeExposure{{Time: t0.Add(time.Hour), Score: 80}}}, true, "2000", Allow, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.src.Classify = noMemo
			e, err := NewEngine(rs, nil, tc.src)
			if err != nil {
				t.Fatal(err)
			}
			p := pay(t, "T1", "6222020000000001", "6222020000000009", tc.amount, t0)
			if tc.phone {
				p.PayerPhone = phone
			}
			d, err := e.Decide(p)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range d.Rules {
				names = append(names, r.Name)
				if r.Reason == "" || strings.Contains(r.Reason, "{") {
					t.Errorf("rule %s: reason %q not filled", r.Name, r.Reason)
				}
			}
			if d.Decision != tc.want || strings.Join(names, ",") != strings.Join(tc.wantRules, ",") {
				t.Errorf("got %s (score %d) by %v, want %s by %v", d.Decision, d.Score, names, tc.want, tc.wantRules)
			}
		})
	}
}

// TestDecideSkipsSources checks that an outcome decided by cheap rules
// does not consult the other engines.
func TestDecideSkipsSources(t *testing.T) {
	rs := &RuleSet{Scenario: "t", Status: Published, Thresholds: Thresholds{Review: 10, Hold: 20, Block: 30}, Rules: []Rule{
		{Name: "big", When: "amount >= 1000", Weight: 40, Reason: "{amount}"},
		{Name: "mule", When: "payee_mule_score >= 70", Weight: 40, Reason: "{payee_mule_score}"},
	}}
	m := &countingMules{}
	e, err := NewEngine(rs, nil, Sources{Mules: m})
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.Decide(pay(t, "T1", "6222020000000001", "6222020000000009", "5000", t0))
	if err != nil {
		t.Fatal(err)
	}
	if d.Decision != Block || m.calls != 0 || !strings.Contains(strings.Join(d.Skipped, ","), "sources") {
		t.Errorf("got %s, %d mule lookups, skipped %v; want block, none, sources skipped", d.Decision, m.calls, d.Skipped)
	}
	d, err = e.Decide(pay(t, "T2", "6222020000000001", "6222020000000009", "50", t0.Add(time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	if d.Decision != Block || m.calls != 1 {
		t.Errorf("got %s after %d mule lookups, want block after 1", d.Decision, m.calls)
	}
}

func TestShadow(t *testing.T) {
	live := &RuleSet{Scenario: "t", Version: 1, Status: Published, Thresholds: Thresholds{Review: 10, Hold: 20, Block: 30}, Rules: []Rule{{Name: "big", When: "amount >= 100000", Weight: 40}}}
	draft := &RuleSet{Scenario: "t", Version: 1, Status: Draft, Thresholds: live.Thresholds, Rules: []Rule{{Name: "medium", When: "amount >= 1000", Weight: 40}}}
	e, err := NewEngine(live, draft, Sources{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.Decide(pay(t, "T1", "6222020000000001", "6222020000000009", "5000", t0))
	if err != nil {
		t.Fatal(err)
	}
	if d.Decision != Allow || d.Shadow == nil || d.Shadow.Decision != Block {
		t.Errorf("got %s, shadow %+v; want allow with the draft blocking", d.Decision, d.Shadow)
	}
}

func TestDecideRejectsIncomplete(t *testing.T) {
	rs, _ := DefaultRuleSet()
	e, err := NewEngine(rs, nil, Sources{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Decide(Payment{}); err == nil {
		t.Error("an empty payment was decided")
	}
}

// BenchmarkDecide measures in-process decisions on a simulated economy,
// with reported payees as the registry (b.N payments, cycling).
func BenchmarkDecide(b *testing.B) {
	run := loadMoney(b, simulate.MoneyConfig{Accounts: 5000, Victims: 100, Days: 30, Seed: 1})
	rs, err := DefaultRuleSet()
	if err != nil {
		b.Fatal(err)
	}
	e, err := NewEngine(rs, nil, Sources{Risk: run.reported})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	shift := time.Duration(0)
	span := run.transfers[len(run.transfers)-1].Time.Sub(run.transfers[0].Time) + time.Hour
	for i := 0; i < b.N; i++ {
		k := i % len(run.transfers)
		if k == 0 && i > 0 {
			shift += span // replay later in time, so time order holds
		}
		p := Payment{Transfer: run.transfers[k]}
		p.Time = p.Time.Add(shift)
		if _, err := e.Decide(p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}
