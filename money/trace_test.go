package money

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/indicator"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// book builds a ledger from short lines: "id from to amount asset rail +minutes".
// Bank accounts are written as short names (acc1…) and given numbers.
type book struct {
	t *testing.T
	l *Ledger
}

func newBook(t *testing.T) *book { return &book{t, NewLedger()} }

func (b *book) acct(name string, r Rail) indicator.Indicator {
	b.t.Helper()
	switch {
	case strings.HasPrefix(name, "T"):
		return indicator.MustParse(indicator.TRON, name)
	case strings.HasPrefix(name, "atm"):
		return indicator.MustParse(indicator.BankAccount, "ATM-ICBC-3201-0042")
	}
	return indicator.MustParse(indicator.BankAccount, fmt.Sprintf("62170000%08d", hashName(name)))
}

func hashName(s string) int {
	h := 0
	for _, c := range s {
		h = (h*31 + int(c)) % 100000000
	}
	return h
}

func (b *book) pay(id, from, to, amount, asset string, r Rail, minutes int, inst string) {
	b.t.Helper()
	amt, err := ParseAmount(amount)
	if err != nil {
		b.t.Fatal(err)
	}
	if !b.l.Add(Transfer{ID: id, Time: t0.Add(time.Duration(minutes) * time.Minute), Rail: r, Asset: asset, Amount: amt,
		From: b.acct(from, r), To: b.acct(to, r), ToInstitution: inst, FromInstitution: "ICBC"}) {
		b.t.Fatalf("transfer %s not added", id)
	}
}

func (b *book) attribute(name string, r Rail, entity, typ string) {
	b.l.Attribute(Attribution{Indicator: b.acct(name, r), Entity: entity, EntityType: typ, Source: "test"})
}

func holdings(tr *Trace) string {
	var parts []string
	for _, h := range tr.Holders {
		parts = append(parts, fmt.Sprintf("%s=%s %s", h.Value, h.Amount, h.Asset))
	}
	return strings.Join(parts, ", ")
}

func TestTracePolicies(t *testing.T) {
	b := newBook(t)
	b.pay("salary", "employer", "mule", "1000", "CNY", Bank, -24*60, "ICBC")
	b.pay("victim", "victim", "mule", "1000", "CNY", Bank, 0, "ICBC")
	b.pay("first", "mule", "layer2a", "1000", "CNY", Bank, 60, "CCB")
	b.pay("second", "mule", "layer2b", "1000", "CNY", Bank, 120, "BOC")
	b.pay("early", "mule", "layer2c", "5", "CNY", Bank, -60, "BOC") // before the victim paid: carries none of it
	a2, bb := b.acct("layer2a", Bank).Value(), b.acct("layer2b", Bank).Value()
	for _, tc := range []struct {
		policy Policy
		want   string
	}{
		{FIFO, bb + "=995.00 CNY, " + a2 + "=5.00 CNY"},           // what was left of the salary went first
		{LIFO, a2 + "=1000.00 CNY"},                               // the victim's money went first
		{Proportional, a2 + "=501.25 CNY, " + bb + "=498.75 CNY"}, // 1000 of the 1995 held, then all 995 left
	} {
		t.Run(tc.policy.String(), func(t *testing.T) {
			tr, err := b.l.Trace("victim", TraceOptions{Policy: tc.policy})
			if err != nil {
				t.Fatal(err)
			}
			if got := holdings(tr); got != tc.want {
				t.Errorf("holders %s, want %s", got, tc.want)
			}
			if tr.Policy != tc.policy.String() {
				t.Errorf("policy %q", tr.Policy)
			}
		})
	}
}

func TestTraceStopsAndLosses(t *testing.T) {
	b := newBook(t)
	b.pay("p", "victim", "mule", "50000", "CNY", Bank, 0, "ICBC")
	b.pay("x1", "mule", "atm", "20000", "CNY", Other, 5, "")
	b.pay("x2", "mule", "shop", "10000", "CNY", Bank, 10, "CMB")
	b.pay("x3", "mule", "payfirm", "19000", "CNY", Bank, 15, "Alipay")
	b.pay("x4", "payfirm", "somebody", "19000", "CNY", Bank, 20, "ABC") // the firm holds it: not followed
	b.attribute("shop", Bank, "Happy Shop", Merchant)
	b.attribute("payfirm", Bank, "Alipay", PaymentFirm)
	tr, err := b.l.Trace("p", TraceOptions{Policy: FIFO})
	if err != nil {
		t.Fatal(err)
	}
	mule := b.acct("mule", Bank).Value()
	if got, want := holdings(tr), b.acct("payfirm", Bank).Value()+"=19000.00 CNY, "+mule+"=1000.00 CNY"; got != want {
		t.Errorf("holders %s, want %s", got, want)
	}
	lost := map[string]string{}
	for _, lo := range tr.Lost {
		lost[lo.Reason] = lo.Amount
	}
	if lost["cash-out"] != "20000.00" || lost[Merchant] != "10000.00" {
		t.Errorf("lost %+v", tr.Lost)
	}
	var names []string
	for _, in := range tr.Institutions {
		names = append(names, in.Name+":"+in.Totals[0].Amount)
	}
	if got := strings.Join(names, ","); got != "Alipay:19000.00,ICBC:1000.00" {
		t.Errorf("institutions %s", got)
	}
	if tr.Holders[0].Why == "" || !tr.Holders[0].Freezable {
		t.Errorf("holder %+v", tr.Holders[0])
	}
}

func TestTraceCrossesOTC(t *testing.T) {
	b := newBook(t)
	desk, wallet := "deskbank", "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"
	cons := "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"
	exch := "TYASr5UV6HEcXatwdFQfmLVUqQQQMUxHLS"
	b.attribute(desk, Bank, "Golden OTC", OTC)
	b.attribute(wallet, TRONChain, "Golden OTC", OTC)
	b.attribute(exch, TRONChain, "Binance", Exchange)
	b.pay("p", "victim", "mule", "20000", "CNY", Bank, 0, "ICBC")
	b.pay("m1", "mule", desk, "20000", "CNY", Bank, 3, "CMB")
	// The desk's other business the same day, at about 7.20 CNY/USDT.
	for i := 0; i < 6; i++ {
		b.pay(fmt.Sprintf("o%d", i), fmt.Sprintf("buyer%d", i), desk, fmt.Sprintf("%d", 7200*(i+2)), "CNY", Bank, 30+i*20, "CMB")
		b.pay(fmt.Sprintf("c%d", i), wallet, "TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf", fmt.Sprintf("%d", 1000*(i+2)), "USDT", TRONChain, 34+i*20, "")
	}
	b.pay("c-victim", wallet, cons, "2777.78", "USDT", TRONChain, 9, "")
	b.pay("cons", cons, exch, "2777.78", "USDT", TRONChain, 60, "")
	tr, err := b.l.Trace("p", TraceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := holdings(tr); got != exch+"=2777.78 USDT" {
		t.Fatalf("holders %s; hops %+v", got, tr.Hops)
	}
	h := tr.Holders[0]
	if h.Entity != "Binance" || !h.Freezable || h.Confidence < 0.7 || h.Hops != 4 {
		t.Errorf("holder %+v", h)
	}
	var crossed bool
	for _, hop := range tr.Hops {
		crossed = crossed || strings.Contains(hop.Note, "crossed rails at OTC desk Golden OTC")
	}
	if !crossed {
		t.Errorf("no hop says where it crossed rails: %+v", tr.Hops)
	}
}

func TestTraceTimeAndAsOf(t *testing.T) {
	b := newBook(t)
	b.pay("p", "victim", "mule", "3000", "CNY", Bank, 0, "ICBC")
	b.pay("later", "mule", "next", "3000", "CNY", Bank, 600, "CCB")
	tr, err := b.l.Trace("p", TraceOptions{AsOf: t0.Add(5 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := holdings(tr), b.acct("mule", Bank).Value()+"=3000.00 CNY"; got != want {
		t.Errorf("as of 5 h later: %s, want %s", got, want)
	}
	tr, err = b.l.Trace("p", TraceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := holdings(tr), b.acct("next", Bank).Value()+"=3000.00 CNY"; got != want {
		t.Errorf("at the end: %s, want %s", got, want)
	}
	if _, err := b.l.Trace("nope", TraceOptions{}); err == nil {
		t.Error("no error for an unknown payment")
	}
}

func TestLedgerDeduplicates(t *testing.T) {
	b := newBook(t)
	b.pay("p", "a", "b", "10", "CNY", Bank, 0, "")
	amt, _ := ParseAmount("10")
	if b.l.Add(Transfer{ID: "p", Time: t0, Rail: Bank, Asset: "CNY", Amount: amt, From: b.acct("a", Bank), To: b.acct("b", Bank)}) {
		t.Error("a re-sent transfer was added again")
	}
	if s := b.l.Stats(); s.Transfers != 1 || s.Accounts != 2 {
		t.Errorf("stats %+v", s)
	}
	got, ok := b.l.Find(b.acct("a", Bank), b.acct("b", Bank), amt, t0.Add(time.Hour))
	if !ok || got.ID != "p" {
		t.Errorf("Find: %+v %v", got, ok)
	}
}
