package simulate

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/indicator"
)

// xfer is a parsed row of transfers.csv.
type xfer struct {
	id, rail, asset, amount, from, to, fromInst, toInst, memo string
	t                                                         time.Time
	minor                                                     int64 // fen or micro-USDT
}

// parseMinor reads an exact decimal with between lo and hi decimals into
// minor units of hi decimals.
func parseMinor(s string, lo, hi int) (int64, error) {
	whole, frac, ok := strings.Cut(s, ".")
	if !ok || whole == "" || len(frac) < lo || len(frac) > hi || strings.Trim(whole+frac, "0123456789") != "" ||
		(len(whole) > 1 && whole[0] == '0') {
		return 0, fmt.Errorf("%q is not a decimal with %d to %d places", s, lo, hi)
	}
	v := int64(0)
	for _, c := range whole + frac + strings.Repeat("0", hi-len(frac)) {
		v = v*10 + int64(c-'0')
	}
	if v <= 0 {
		return 0, fmt.Errorf("%q is not more than zero", s)
	}
	return v, nil
}

func parseXfer(rec []string) (xfer, error) {
	if len(rec) != len(TransferColumns) {
		return xfer{}, fmt.Errorf("%d fields, want %d", len(rec), len(TransferColumns))
	}
	x := xfer{id: rec[0], rail: rec[2], asset: rec[3], amount: rec[4], from: rec[5], to: rec[6], fromInst: rec[7], toInst: rec[8], memo: rec[9]}
	var err error
	if x.t, err = time.Parse(time.RFC3339, rec[1]); err != nil {
		return x, err
	}
	if !strings.HasSuffix(rec[1], "+08:00") {
		return x, fmt.Errorf("time %s is not in +08:00", rec[1])
	}
	if x.asset == "USDT" {
		x.minor, err = parseMinor(x.amount, 2, 6)
	} else {
		x.minor, err = parseMinor(x.amount, 2, 2)
	}
	return x, err
}

// genMoney runs the generator into memory.
func genMoney(t testing.TB, cfg MoneyConfig) ([]xfer, MoneyScenario) {
	t.Helper()
	var rows []xfer
	sc, err := GenerateMoney(cfg, func(rec []string) error {
		x, err := parseXfer(rec)
		if err != nil {
			return fmt.Errorf("row %d %v: %w", len(rows)+1, rec, err)
		}
		rows = append(rows, x)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows, sc
}

// moneyDefault is the CLI's default scenario.
var moneyDefault = MoneyConfig{Accounts: 20000, Victims: 200, Days: 30, Seed: 1}

var moneyRun struct {
	rows    []xfer
	sc      MoneyScenario
	elapsed time.Duration
}

func moneyScenario(t *testing.T) ([]xfer, MoneyScenario) {
	if moneyRun.rows == nil {
		begin := time.Now()
		moneyRun.rows, moneyRun.sc = genMoney(t, moneyDefault)
		moneyRun.elapsed = time.Since(begin)
	}
	return moneyRun.rows, moneyRun.sc
}

func TestMoneyDeterministic(t *testing.T) {
	files := []string{"transfers.csv", "attributions.csv", "reports.ndjson", "truth.json"}
	write := func(cfg MoneyConfig) map[string][]byte {
		dir := t.TempDir()
		if _, err := WriteMoney(cfg, dir); err != nil {
			t.Fatal(err)
		}
		out := map[string][]byte{}
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			out[f] = b
		}
		return out
	}
	cfg := MoneyConfig{Accounts: 3000, Victims: 40, Days: 7, Seed: 5}
	a, b := write(cfg), write(cfg)
	for _, f := range files {
		if !bytes.Equal(a[f], b[f]) {
			t.Errorf("%s: the same config gave different bytes", f)
		}
	}
	cfg.Seed = 6
	c := write(cfg)
	for _, f := range files {
		if bytes.Equal(a[f], c[f]) {
			t.Errorf("%s: different seeds gave the same bytes", f)
		}
	}
	for f, header := range map[string][]string{"transfers.csv": TransferColumns, "attributions.csv": AttributionColumns} {
		got, err := csv.NewReader(bytes.NewReader(a[f])).Read()
		if err != nil || !slices.Equal(got, header) {
			t.Errorf("%s: header %v (%v), want %v", f, got, err, header)
		}
	}
	if !slices.Equal(TransferColumns, []string{"id", "time", "rail", "asset", "amount", "from", "to", "from_institution", "to_institution", "memo"}) {
		t.Errorf("transfer columns %v do not follow FORMATS.md", TransferColumns)
	}
	var truth MoneyTruth
	if err := json.Unmarshal(a["truth.json"], &truth); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(a["transfers.csv"], []byte("\n")) - 1; truth.Counts.Transfers != n {
		t.Errorf("truth counts %d transfers, the file has %d lines", truth.Counts.Transfers, n)
	}
	var reports int
	sc := bufio.NewScanner(bytes.NewReader(a["reports.ndjson"]))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r MoneyReport
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("report line %d: %v", reports+1, err)
		}
		reports++
	}
	if reports != cfg.Victims || truth.Counts.Victims != cfg.Victims {
		t.Errorf("%d reports and %d victims in the truth for %d victims", reports, truth.Counts.Victims, cfg.Victims)
	}
}

func TestMoneyConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  MoneyConfig
	}{
		{"too few accounts", MoneyConfig{Accounts: 500, Days: 1}},
		{"too many accounts", MoneyConfig{Accounts: 60_000_000, Days: 1}},
		{"no days", MoneyConfig{Accounts: 2000, Days: 0}},
		{"negative victims", MoneyConfig{Accounts: 2000, Days: 3, Victims: -1}},
		{"too many victims", MoneyConfig{Accounts: 2000, Days: 3, Victims: 201}},
	} {
		if _, err := GenerateMoney(tc.cfg, func([]string) error { return nil }); err == nil {
			t.Errorf("%s: %+v gave no error", tc.name, tc.cfg)
		}
		dir := filepath.Join(t.TempDir(), "out")
		if _, err := WriteMoney(tc.cfg, dir); err == nil {
			t.Errorf("%s: WriteMoney gave no error", tc.name)
		} else if _, statErr := os.Stat(dir); statErr == nil {
			t.Errorf("%s: WriteMoney made %s for a bad config", tc.name, dir)
		}
	}
	stop := errors.New("stop")
	if _, err := GenerateMoney(MoneyConfig{Accounts: 1000, Days: 1}, func([]string) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("an error from emit: %v", err)
	}
	// The economy alone, and a scenario of one day, still work.
	for _, cfg := range []MoneyConfig{{Accounts: 1000, Days: 2}, {Accounts: 2000, Victims: 10, Days: 1, Seed: 9}} {
		rows, sc := genMoney(t, cfg)
		if len(rows) == 0 || sc.Truth.Counts.Transfers != len(rows) || len(sc.Reports) != cfg.Victims {
			t.Errorf("%+v: %d rows, truth %+v, %d reports", cfg, len(rows), sc.Truth.Counts, len(sc.Reports))
		}
	}
}

var (
	bankID  = regexp.MustCompile(`^[BCEA]20\d{6}\d{9}$`)
	tronID  = regexp.MustCompile(`^[0-9a-f]{64}:\d+$`)
	ethID   = regexp.MustCompile(`^0x[0-9a-f]{64}:\d+$`)
	ethAddr = regexp.MustCompile(`^0x[0-9a-f]{40}$`)
	digits  = regexp.MustCompile(`^\d+$`)
)

// checkAccount checks an account as a rail writes it: cards (62…, 16–19
// digits) pass Luhn, TRON addresses base58check, ETH addresses are 0x and
// 40 hex digits, and every value parses as the platform would parse it.
func checkAccount(rail, v string) error {
	switch rail {
	case "tron":
		_, err := indicator.Parse(indicator.TRON, v)
		return err
	case "eth":
		if !ethAddr.MatchString(v) {
			return fmt.Errorf("ETH address %q", v)
		}
		_, err := indicator.Parse(indicator.ETH, v)
		return err
	}
	if digits.MatchString(v) {
		if len(v) < 16 || len(v) > 19 {
			return fmt.Errorf("account number %q has %d digits", v, len(v))
		}
		if strings.HasPrefix(v, "62") {
			_, err := indicator.Parse(indicator.Card, v)
			return err
		}
		if _, err := indicator.Parse(indicator.Card, v); err == nil && !strings.HasPrefix(v, "2088") {
			return fmt.Errorf("corporate account %q passes the Luhn check", v)
		}
		return nil
	}
	switch {
	case strings.HasPrefix(v, "wxid_") && len(v) == 17:
	case rail == "other" && strings.HasPrefix(v, "ATM-"):
	default:
		return fmt.Errorf("account %q on %s", v, rail)
	}
	return nil
}

func TestMoneyRows(t *testing.T) {
	rows, sc := moneyScenario(t)
	start, end := sc.Truth.Start, sc.Truth.End
	checks := []struct {
		name string
		ok   func(x xfer) error
	}{
		{"time within the scenario", func(x xfer) error {
			if x.t.Before(start) || !x.t.Before(end) {
				return fmt.Errorf("%v outside %v..%v", x.t, start, end)
			}
			return nil
		}},
		{"id in the rail's style", func(x xfer) error {
			re := bankID
			switch x.rail {
			case "tron":
				re = tronID
			case "eth":
				re = ethID
			}
			if !re.MatchString(x.id) || (re == bankID && x.id[1:9] != x.t.Format("20060102")) {
				return fmt.Errorf("id %q", x.id)
			}
			return nil
		}},
		{"rail and asset", func(x xfer) error {
			want := map[string]string{"bank": "CNY", "card": "CNY", "ewallet": "CNY", "other": "CNY", "tron": "USDT", "eth": "USDT"}[x.rail]
			if want == "" || x.asset != want {
				return fmt.Errorf("rail %q asset %q", x.rail, x.asset)
			}
			return nil
		}},
		{"accounts", func(x xfer) error {
			if x.from == x.to {
				return fmt.Errorf("from and to are both %s", x.from)
			}
			return errors.Join(checkAccount(x.rail, x.from), checkAccount(x.rail, x.to))
		}},
		{"institutions", func(x xfer) error {
			if x.rail != "tron" && x.rail != "eth" && (x.fromInst == "" || x.toInst == "") {
				return fmt.Errorf("%s transfer without institutions", x.rail)
			}
			return nil
		}},
		{"cash withdrawals", func(x xfer) error {
			if (x.rail == "other") != strings.HasPrefix(x.to, "ATM-") || (x.rail == "other" && (x.memo != "ATM withdrawal" || x.minor%10000 != 0)) {
				return fmt.Errorf("rail %s to %s memo %q amount %s", x.rail, x.to, x.memo, x.amount)
			}
			return nil
		}},
	}
	ids := make(map[string]bool, len(rows))
	rails := map[string]int{}
	for i, x := range rows {
		if ids[x.id] {
			t.Fatalf("duplicate id %s", x.id)
		}
		ids[x.id] = true
		rails[x.rail]++
		if i > 0 && x.t.Before(rows[i-1].t) {
			t.Fatalf("%s at %v is before the row above it", x.id, x.t)
		}
		for _, c := range checks {
			if err := c.ok(x); err != nil {
				t.Fatalf("%s: %s: %v", x.id, c.name, err)
			}
		}
	}
	for _, r := range []string{"bank", "card", "ewallet", "tron", "eth", "other"} {
		if rails[r] == 0 {
			t.Errorf("no %s transfer", r)
		}
	}
	t.Logf("%d transfers in %v: %v", len(rows), moneyRun.elapsed, rails)
	if moneyRun.elapsed > 5*time.Second {
		t.Errorf("the default scenario took %v", moneyRun.elapsed)
	}
	if len(rows) < 150_000 || len(rows) > 500_000 {
		t.Errorf("the default scenario has %d transfers, want a few hundred thousand", len(rows))
	}
}

// TestMoneyConservation: a mule never sends more than it has received, in
// each asset, at any moment.
func TestMoneyConservation(t *testing.T) {
	rows, sc := moneyScenario(t)
	mules := map[string]bool{}
	for _, m := range sc.Truth.Mules {
		mules[m.Value] = true
	}
	in, out := map[string]int64{}, map[string]int64{}
	for _, x := range rows {
		if mules[x.to] {
			in[x.to] += x.minor
		}
		if mules[x.from] {
			out[x.from] += x.minor
			if out[x.from] > in[x.from] {
				t.Fatalf("%s: mule %s has sent %d and received %d (minor units)", x.id, x.from, out[x.from], in[x.from])
			}
		}
	}
}

// node is what a trace follows: an account, or an OTC desk as a whole
// (the desk takes fiat on its accounts and pays from its wallets).
func traceNode(desks map[string]string, v string) string {
	if d, ok := desks[v]; ok {
		return "otc:" + d
	}
	return v
}

func TestMoneyTruth(t *testing.T) {
	rows, sc := moneyScenario(t)
	tr := sc.Truth
	byID := make(map[string]int, len(rows))
	for i, x := range rows {
		byID[x.id] = i
	}
	if tr.Counts.Transfers != len(rows) || tr.Counts.Victims != moneyDefault.Victims || tr.Counts.Mules != len(tr.Mules) ||
		tr.Counts.Legitimate != len(tr.Legitimate) {
		t.Errorf("counts %+v: %d rows, %d mules, %d legitimate", tr.Counts, len(rows), len(tr.Mules), len(tr.Legitimate))
	}
	accounts := map[string]bool{}
	for _, x := range rows {
		accounts[x.from], accounts[x.to] = true, true
	}
	if tr.Counts.Accounts != len(accounts) {
		t.Errorf("truth counts %d accounts, the rows have %d", tr.Counts.Accounts, len(accounts))
	}

	// Mules and legitimate accounts: valid, in the rows, disjoint.
	layers := map[string]int{}
	mules := map[string]MoneyMule{}
	for _, m := range tr.Mules {
		layers[m.Layer]++
		mules[m.Value] = m
		kind := map[string]indicator.Kind{"card": indicator.Card, "tron": indicator.TRON, "eth": indicator.ETH}[m.Kind]
		if kind.Valid() {
			if _, err := indicator.Parse(kind, m.Value); err != nil {
				t.Errorf("mule %+v: %v", m, err)
			}
		}
		if !accounts[m.Value] {
			t.Errorf("mule %s is in no transfer", m.Value)
		}
	}
	for _, l := range []string{"layer1", "layer2", "consolidation"} {
		if layers[l] == 0 {
			t.Errorf("no %s mule", l)
		}
	}
	roles := map[string]int{}
	for _, l := range tr.Legitimate {
		roles[l.Role]++
		if _, ok := mules[l.Value]; ok {
			t.Errorf("%s is both a mule and legitimate (%s)", l.Value, l.Role)
		}
		if !accounts[l.Value] {
			t.Errorf("legitimate %s is in no transfer", l.Value)
		}
	}
	for _, r := range []string{"merchant", "employer", "landlord", "payment_firm", "rent_collector", "biller", "pension_fund", "group_buying"} {
		if roles[r] == 0 {
			t.Errorf("no legitimate %s", r)
		}
	}

	// Every transfer that carried victims' money is counted once.
	carried := map[string]bool{}
	for _, p := range tr.VictimPayments {
		for _, id := range p.Transfers {
			carried[id] = true
		}
	}
	if len(carried) != tr.Counts.FraudTransfers {
		t.Errorf("%d transfers carried victims' money, the truth counts %d", len(carried), tr.Counts.FraudTransfers)
	}

	// Trace graph: accounts by who sends to whom, desks merged.
	desks := map[string]string{}
	for _, a := range sc.Attributions {
		if a.EntityType == "otc" {
			desks[a.Value] = a.Entity
		}
	}
	out := map[string][]int{}
	for i, x := range rows {
		n := traceNode(desks, x.from)
		if _, ok := mules[x.from]; ok || strings.HasPrefix(n, "otc:") {
			out[n] = append(out[n], i)
		}
	}
	holderKinds := map[string]int{}
	for _, p := range tr.VictimPayments {
		i, ok := byID[p.ID]
		if !ok {
			t.Fatalf("payment %s is not in the transfers", p.ID)
		}
		x := rows[i]
		amt, err := parseMinor(p.Amount, 2, 2)
		if err != nil || x.minor != amt || x.from != p.From || x.to != p.To || !x.t.Equal(p.Time) || p.Asset != "CNY" {
			t.Fatalf("payment %+v does not match its row %+v", p, x)
		}
		if len(p.Transfers) == 0 || p.Transfers[0] != p.ID {
			t.Fatalf("payment %s: path %v does not start with it", p.ID, p.Transfers)
		}
		prev := x.t
		for _, id := range p.Transfers {
			j, ok := byID[id]
			if !ok || rows[j].t.Before(prev) {
				t.Fatalf("payment %s: path transfer %s missing or out of order", p.ID, id)
			}
			prev = rows[j].t
		}
		// Time-respecting reachability from the mule the victim paid.
		reach := map[string]time.Time{traceNode(desks, x.to): x.t}
		work := []string{traceNode(desks, x.to)}
		for len(work) > 0 {
			n := work[len(work)-1]
			work = work[:len(work)-1]
			for _, k := range out[n] {
				y := rows[k]
				if y.t.Before(reach[n]) {
					continue
				}
				m := traceNode(desks, y.to)
				if at, seen := reach[m]; !seen || y.t.Before(at) {
					reach[m] = y.t
					work = append(work, m)
				}
			}
		}
		var cny, usdt int64
		for _, h := range p.FinalHolders {
			holderKinds[h.Kind]++
			if _, ok := reach[traceNode(desks, h.Value)]; !ok {
				t.Fatalf("payment %s: final holder %+v cannot be reached through the transfers", p.ID, h)
			}
			switch h.Asset {
			case "CNY":
				v, err := parseMinor(h.Amount, 2, 2)
				if err != nil {
					t.Fatal(err)
				}
				cny += v
			case "USDT":
				v, err := parseMinor(h.Amount, 2, 6)
				if err != nil {
					t.Fatal(err)
				}
				usdt += v
			default:
				t.Fatalf("holder %+v", h)
			}
		}
		// Value is kept, but for the desks' spread: CNY + USDT × rate.
		lo, hi := cny+usdt*7/10_000, cny+usdt*75/100_000+int64(len(p.Transfers))
		if amt < lo || amt > hi {
			t.Errorf("payment %s of %s ends as %d fen and %d micro-USDT (%d..%d fen at 7.0..7.5)", p.ID, p.Amount, cny, usdt, lo, hi)
		}
	}
	for _, k := range []string{"card", "tron", "atm"} {
		if holderKinds[k] == 0 {
			t.Errorf("no victim money ends on a %s", k)
		}
	}
	t.Logf("mules %v, legitimate %v, final holders %v", layers, roles, holderKinds)
}

func TestMoneyReports(t *testing.T) {
	rows, sc := moneyScenario(t)
	byID := make(map[string]xfer, len(rows))
	for _, x := range rows {
		byID[x.id] = x
	}
	idForm := regexp.MustCompile(`^R-20\d\d-\d{6}$`)
	typologies := map[string]bool{"task_scam": true, "fake_job": true, "investment": true, "loan": true, "customer_service": true,
		"impersonation_official": true, "credit_repair": true, "romance": true, "impersonation_acquaintance": true, "game_trade": true}
	reportOf := map[string]string{}
	for _, r := range sc.Reports {
		if !idForm.MatchString(r.ID) || !typologies[r.Typology] || !strings.HasPrefix(r.Region, "CN-") || r.Narrative == "" ||
			len(r.Payments) == 0 || len(r.Payments) != len(r.PaymentIDs) || r.Loss.Currency != "CNY" {
			t.Fatalf("report %+v", r)
		}
		var loss int64
		for k, p := range r.Payments {
			x, ok := byID[r.PaymentIDs[k]]
			if !ok {
				t.Fatalf("report %s: payment id %s is not a transfer", r.ID, r.PaymentIDs[k])
			}
			amt, err := parseMinor(p.Amount, 2, 2)
			if err != nil || amt != x.minor || p.From != x.from || p.To != x.to || p.Rail != x.rail || !p.Time.Equal(x.t) ||
				p.ToInstitution != x.toInst || p.Currency != "CNY" {
				t.Fatalf("report %s: payment %+v does not match transfer %+v", r.ID, p, x)
			}
			if amt < 1000_00 || amt > 200000_00 {
				t.Errorf("report %s: payment of %s", r.ID, p.Amount)
			}
			if d := r.Time.Sub(p.Time); d < 5*time.Minute || (k == len(r.Payments)-1 && d > 48*time.Hour) {
				t.Errorf("report %s filed %v after payment %d of %d", r.ID, d, k+1, len(r.Payments))
			}
			loss += amt
			reportOf[r.PaymentIDs[k]] = r.ID
		}
		if got, _ := parseMinor(r.Loss.Amount, 2, 2); got != loss {
			t.Errorf("report %s: loss %s, payments sum to %d fen", r.ID, r.Loss.Amount, loss)
		}
	}
	for _, p := range sc.Truth.VictimPayments {
		if reportOf[p.ID] != p.Report {
			t.Errorf("payment %s: truth names report %s, the reports %s", p.ID, p.Report, reportOf[p.ID])
		}
	}
}

func TestMoneyAttributions(t *testing.T) {
	rows, sc := moneyScenario(t)
	kinds := map[string]indicator.Kind{"bank_account": indicator.BankAccount, "card": indicator.Card, "tron": indicator.TRON, "eth": indicator.ETH}
	types := map[string]bool{"exchange": true, "otc": true, "payment_firm": true, "bank": true, "merchant": true, "other": true}
	entityOf := map[string]string{}
	typeOf := map[string]string{}
	fiat, crypto := map[string]bool{}, map[string]bool{}
	for _, a := range sc.Attributions {
		k, ok := kinds[a.Kind]
		if !ok || !types[a.EntityType] || a.Entity == "" || a.Source == "" {
			t.Fatalf("attribution %+v", a)
		}
		if _, err := indicator.Parse(k, a.Value); err != nil {
			t.Fatalf("attribution %+v: %v", a, err)
		}
		if prev, dup := entityOf[a.Value]; dup {
			t.Fatalf("%s attributed twice (%s, %s)", a.Value, prev, a.Entity)
		}
		entityOf[a.Value], typeOf[a.Value] = a.Entity, a.EntityType
		if a.EntityType == "otc" {
			switch a.Kind {
			case "tron", "eth":
				crypto[a.Entity] = true
			default:
				fiat[a.Entity] = true
			}
		}
	}
	for _, r := range sc.Truth.Rings {
		for _, d := range r.OTCDesks {
			if !fiat[d] || !crypto[d] {
				t.Errorf("ring %s: desk %s lacks its bank accounts or its wallets in the attributions", r.Name, d)
			}
		}
		for _, h := range r.Deposits {
			if typeOf[h.Value] != "exchange" || entityOf[h.Value] != h.Entity {
				t.Errorf("ring %s: deposit address %+v not attributed to its exchange", r.Name, h)
			}
		}
	}
	for d := range fiat {
		if !crypto[d] {
			t.Errorf("desk %s has no wallet attributed", d)
		}
	}
	for _, p := range sc.Truth.VictimPayments {
		for _, h := range p.FinalHolders {
			if h.Kind == "tron" || h.Kind == "eth" {
				if typ := typeOf[h.Value]; typ != "exchange" && typ != "" {
					t.Errorf("holder %+v attributed as %s", h, typ)
				}
			}
		}
	}
	// The fiat-to-crypto crossing: a desk pays USDT for a mule's fiat within
	// the hour, fiat / rate, so a tracer can match them.
	byID := map[string]xfer{}
	for _, x := range rows {
		byID[x.id] = x
	}
	matched := 0
	for _, p := range sc.Truth.VictimPayments {
		for _, id := range p.Transfers {
			b := byID[id]
			if typeOf[b.from] != "otc" || b.asset != "USDT" {
				continue
			}
			found := false
			for _, id := range p.Transfers {
				a := byID[id]
				if typeOf[a.to] != "otc" || entityOf[a.to] != entityOf[b.from] || a.asset != "CNY" || a.t.After(b.t) || b.t.Sub(a.t) > time.Hour {
					continue
				}
				if rate := float64(a.minor) / 100 / (float64(b.minor) / 1e6); rate >= 7.1 && rate <= 7.5 {
					found = true
				}
			}
			if !found {
				t.Errorf("payment %s: desk %s paid %s USDT (%s) for no fiat of the hour before at 7.1..7.5", p.ID, entityOf[b.from], b.amount, b.id)
			}
			matched++
		}
	}
	if matched == 0 {
		t.Error("no desk crossing on any payment's path")
	}
}

// TestMoneyConfounders checks that a naive fan-in/fan-out detector is
// fooled: it flags more legitimate accounts than mules.
func TestMoneyConfounders(t *testing.T) {
	rows, sc := moneyScenario(t)
	senders, receivers := map[string]map[string]bool{}, map[string]map[string]bool{}
	add := func(m map[string]map[string]bool, k, v string) {
		if m[k] == nil {
			m[k] = map[string]bool{}
		}
		m[k][v] = true
	}
	for _, x := range rows {
		add(senders, x.to, x.from)
		add(receivers, x.from, x.to)
	}
	naive := func(v string) bool { return len(senders[v]) >= 4 && len(receivers[v]) >= 3 }
	mules, legit := 0, map[string]int{}
	for _, m := range sc.Truth.Mules {
		mules += b2i(naive(m.Value))
	}
	total := 0
	for _, l := range sc.Truth.Legitimate {
		if naive(l.Value) {
			legit[l.Role]++
			total++
		}
	}
	t.Logf("fan-in ≥4 and fan-out ≥3 flags %d mules and %d legitimate accounts %v", mules, total, legit)
	if mules == 0 || total <= mules || len(legit) < 4 {
		t.Errorf("the naive detector should flag mules and more legitimate accounts of several roles: %d mules, %v", mules, legit)
	}
}

// TestMoney10M streams about ten million transfers when FANZHA_SIM_10M is
// set and reports throughput and peak heap.
func TestMoney10M(t *testing.T) {
	if os.Getenv("FANZHA_SIM_10M") == "" {
		t.Skip("set FANZHA_SIM_10M=1")
	}
	var n int
	var peak uint64
	var ms runtime.MemStats
	begin := time.Now()
	sc, err := GenerateMoney(MoneyConfig{Accounts: 1_000_000, Victims: 2000, Days: 30, Seed: 1}, func([]string) error {
		if n++; n%250_000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(begin)
	t.Logf("%d transfers in %v: %.0f a second, peak heap %d MB; %+v", n, el, float64(n)/el.Seconds(), peak>>20, sc.Truth.Counts)
}

func BenchmarkGenerateMoney(b *testing.B) {
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		w := csv.NewWriter(discard{})
		sc, err := GenerateMoney(benchMoneyCfg, w.Write)
		if err != nil {
			b.Fatal(err)
		}
		w.Flush()
		rows += sc.Truth.Counts.Transfers
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "transfers/s")
}

var benchMoneyCfg = MoneyConfig{Accounts: 20000, Victims: 200, Days: 7, Seed: 1}
