package store

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quagmt/udecimal"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/money"
)

// acct is bank account n, made with Stored like every indicator here.
func acct(n int) indicator.Indicator {
	return indicator.Stored(indicator.BankAccount, fmt.Sprintf("6217%012d", n))
}

// transfer is transfer id of amount CNY from account a to b, minutes after base.
func transfer(id string, a, b int, amount string, minutes int) money.Transfer {
	return money.Transfer{ID: id, Time: base().Add(time.Duration(minutes) * time.Minute), Rail: money.Bank, Asset: "CNY",
		Amount: udecimal.MustParse(amount), From: acct(a), To: acct(b), FromInstitution: "ICBC", ToInstitution: "CCB", Memo: "memo " + id}
}

// storedTransfer is t as the store gives it back.
func storedTransfer(t money.Transfer) money.Transfer {
	t.Time = micro(t.Time)
	return t
}

func allTransfers(t *testing.T, s Store) []money.Transfer {
	t.Helper()
	var out []money.Transfer
	must(t, s.EachTransfer(ctx, func(x money.Transfer) error { out = append(out, x); return nil }))
	return out
}

// sameTransfer compares two transfers, amounts by value and scale.
func sameTransfer(a, b money.Transfer) bool {
	if amountText(a.Amount) != amountText(b.Amount) {
		return false
	}
	a.Amount, b.Amount = udecimal.Zero, udecimal.Zero
	return reflect.DeepEqual(a, b)
}

func testTransfers(t *testing.T, s Store) {
	eth := money.Transfer{ID: "0xabc:7", Time: base(), Rail: money.ETHChain, Asset: "USDT",
		Amount: udecimal.MustParse("0.000000000000000001"),
		From:   indicator.Stored(indicator.ETH, "0x52908400098527886E0F7030069857D2E4169EE7"),
		To:     indicator.Stored(indicator.ETH, "0x8617E340B3D01FA5F11F306F4090FD50E238070D")}
	batch := []money.Transfer{transfer("T1", 1, 2, "1250.00", 0), eth, transfer("T2", 2, 3, "123456789012345678.5", 5)}
	n, err := s.AddTransfers(ctx, 7, batch)
	must(t, err)
	if n != 3 {
		t.Fatalf("AddTransfers added %d, want 3", n)
	}
	// Re-sent, even changed, the first one sent is kept.
	changed := transfer("T1", 1, 2, "9.99", 0)
	if n, err := s.AddTransfers(ctx, 8, []money.Transfer{changed}); err != nil || n != 0 {
		t.Fatalf("re-send: %d, %v", n, err)
	}
	got := allTransfers(t, s)
	if len(got) != 3 {
		t.Fatalf("%d transfers stored, want 3", len(got))
	}
	for i, want := range batch {
		if !sameTransfer(got[i], storedTransfer(want)) {
			t.Errorf("transfer %d =\n%+v\nwant\n%+v", i, got[i], storedTransfer(want))
		}
	}
	if amountText(got[0].Amount) != "1250.00" || got[0].Time.Location() != time.UTC {
		t.Errorf("amount %s (want the scale kept, 1250.00), time %v (want UTC)", amountText(got[0].Amount), got[0].Time)
	}

	// A big batch crosses the insert chunks; a repeat within it counts once.
	var big []money.Transfer
	for i := range 1234 {
		big = append(big, transfer(fmt.Sprintf("B%05d", i), i, i+1, fmt.Sprintf("%d.%02d", i+1, i%100), i))
	}
	big = append(big, big[17], batch[0])
	n, err = s.AddTransfers(ctx, 7, big)
	must(t, err)
	if n != 1234 {
		t.Fatalf("big batch added %d, want 1234", n)
	}
	got = allTransfers(t, s)
	if len(got) != 1237 || got[3].ID != "B00000" || got[1236].ID != "B01233" {
		t.Fatalf("after the big batch: %d transfers, order %s … %s", len(got), got[3].ID, got[len(got)-1].ID)
	}

	// A bad transfer fails the whole batch.
	for i, bad := range []money.Transfer{
		{},
		func() money.Transfer { x := transfer("X1", 1, 2, "1", 0); x.Amount = udecimal.Zero; return x }(),
		func() money.Transfer { x := transfer("X2", 1, 2, "1", 0); x.To = indicator.Indicator{}; return x }(),
		func() money.Transfer { x := transfer("X3", 1, 2, "1", 0); x.Time = time.Time{}; return x }(),
		func() money.Transfer { x := transfer("X4", 1, 2, "1", 0); x.Rail = 0; return x }(),
	} {
		_, err := s.AddTransfers(ctx, 7, []money.Transfer{transfer("OK", 1, 2, "1", 0), bad})
		wantErr(t, err, errInvalid, fmt.Sprintf("bad transfer %d", i))
	}
	if got := allTransfers(t, s); len(got) != 1237 {
		t.Fatalf("a rejected batch left %d transfers", len(got)-1237)
	}
	if n, err := s.AddTransfers(ctx, 7, nil); n != 0 || err != nil {
		t.Fatalf("AddTransfers(nil) = %d, %v", n, err)
	}
	// fn's error stops the walk and comes back.
	stop := errors.New("enough")
	if err := s.EachTransfer(ctx, func(money.Transfer) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("EachTransfer returned %v, want fn's error", err)
	}
}

func testAttributions(t *testing.T, s Store) {
	must(t, s.AddAttributions(ctx, 7, []money.Attribution{
		{Indicator: acct(1), Entity: "Golden Dragon OTC", EntityType: money.OTC, Source: "police"},
		{Indicator: acct(2), Entity: "Alipay", EntityType: money.PaymentFirm},
	}))
	// A later word replaces the earlier; within a batch, the last wins.
	must(t, s.AddAttributions(ctx, 8, []money.Attribution{
		{Indicator: acct(1), Entity: "Binance", EntityType: money.Exchange, Source: "chainalysis"},
		{Indicator: acct(3), Entity: "first", EntityType: money.Mule},
		{Indicator: acct(3), Entity: "second", EntityType: money.Mule},
	}))
	got := map[string]money.Attribution{}
	must(t, s.EachAttribution(ctx, func(a money.Attribution) error { got[a.Indicator.Value()] = a; return nil }))
	want := map[string]money.Attribution{
		acct(1).Value(): {Indicator: acct(1), Entity: "Binance", EntityType: money.Exchange, Source: "chainalysis"},
		acct(2).Value(): {Indicator: acct(2), Entity: "Alipay", EntityType: money.PaymentFirm},
		acct(3).Value(): {Indicator: acct(3), Entity: "second", EntityType: money.Mule},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("attributions\n%+v\nwant\n%+v", got, want)
	}
	err := s.AddAttributions(ctx, 7, []money.Attribution{{Indicator: acct(4), Entity: "x", EntityType: money.Mule}, {Entity: "nobody"}})
	wantErr(t, err, errInvalid, "attribution without an account")
	must(t, s.AddAttributions(ctx, 7, nil))

	// The ledger comes back whole: transfers, then who controls what.
	_, err = s.AddTransfers(ctx, 7, []money.Transfer{transfer("P", 9, 1, "500.00", 0), transfer("Q", 1, 2, "400.00", 10)})
	must(t, err)
	l, err := LoadLedger(ctx, s)
	must(t, err)
	st := l.Stats()
	if st.Transfers != 2 || st.Attributed != 3 || st.Entities != 3 {
		t.Fatalf("loaded ledger %+v", st)
	}
	tr, err := l.Trace("P", money.TraceOptions{})
	must(t, err)
	if len(tr.Holders) != 1 || tr.Holders[0].Entity != "Binance" || tr.Holders[0].Amount != "500.00" {
		t.Fatalf("trace over the loaded ledger: %+v", tr.Holders)
	}
}

var (
	psb  = money.Actor{OrgID: 1, OrgName: "Jiangsu PSB", Sector: auth.Police, Name: "officer wang"}
	icbc = money.Actor{OrgID: 2, OrgName: "ICBC", Sector: auth.Finance, Name: "desk 4"}
)

// drafts makes the requests of report for holders at ICBC and CCB
// (answered by organisation 2 and by anyone), drafted at.
func drafts(t *testing.T, report string, at time.Time) []money.FreezeRequest {
	t.Helper()
	tr := &money.Trace{Payment: report + "-pay", Policy: "fifo", Holders: []money.Holder{
		{Kind: "bank_account", Value: "6217000011112222", Institution: "ICBC", Amount: "3000.00", Asset: "CNY", Since: at.Add(-time.Hour)},
		{Kind: "bank_account", Value: "6217000033334444", Institution: "CCB", Amount: "1000.00", Asset: "CNY", Since: at.Add(-72 * time.Hour)},
		{Kind: "tron", Value: "TXYZ", Institution: "Binance", EntityType: money.Exchange, Amount: "0.000000000000000123", Asset: "USDT", Since: at},
	}}
	rs, err := money.DefaultFreezeRules().Draft(money.Draft{ReportID: report, LossAmount: "5000.00", LossCurrency: "CNY",
		Traces: []*money.Trace{tr}, Actor: psb, At: at})
	must(t, err)
	for i := range rs {
		if rs[i].Institution == "ICBC" {
			rs[i].InstitutionOrgID = 2
		}
	}
	return rs
}

// storedFreeze is r as the store gives it back.
func storedFreeze(r money.FreezeRequest) money.FreezeRequest {
	r.Created, r.Updated, r.Expires, r.ReturnDue = micro(r.Created), micro(r.Updated), micro(r.Expires), micro(r.ReturnDue)
	r.History = append([]money.FreezeEvent(nil), r.History...)
	for i := range r.History {
		r.History[i].At = micro(r.History[i].At)
	}
	return r
}

// sameFreeze compares requests with amounts by value.
func sameFreeze(a, b money.FreezeRequest) bool {
	norm := func(r money.FreezeRequest) string {
		r.History = append([]money.FreezeEvent(nil), r.History...)
		for i := range r.History {
			r.History[i].Amount = udecimal.MustParse("1").Add(r.History[i].Amount)
		}
		return fmt.Sprintf("%+v %s %s %s %s", r, r.Amount, r.Held, r.ToReturn, r.Returned)
	}
	return norm(a) == norm(b)
}

func testFreezeRequests(t *testing.T, s Store) {
	rules := money.DefaultFreezeRules()
	at := base()
	rs := drafts(t, "R-1", at)
	stored, created, err := s.AddFreezeRequests(ctx, rs)
	must(t, err)
	if len(stored) != 3 || !reflect.DeepEqual(created, []bool{true, true, true}) {
		t.Fatalf("AddFreezeRequests: %d stored, created %v", len(stored), created)
	}
	for i := range rs {
		if !sameFreeze(stored[i], storedFreeze(rs[i])) {
			t.Errorf("stored request %d =\n%+v\nwant\n%+v", i, stored[i], storedFreeze(rs[i]))
		}
	}
	if stored[0].Amount.String() != "0.000000000000000123" || stored[0].Accounts[0].Value != "TXYZ" {
		t.Errorf("exact crypto amount lost: %s %+v", stored[0].Amount, stored[0].Accounts)
	}
	icbcID := ""
	for _, r := range stored {
		if r.Institution == "ICBC" {
			icbcID = r.ID
		}
	}

	// Move ICBC's request on: each step is a history row, in order.
	step := func(id string, s2 money.Step) (money.FreezeRequest, error) {
		return s.UpdateFreezeRequest(ctx, id, func(r *money.FreezeRequest) error { return rules.Apply(r, s2) })
	}
	_, err = step(icbcID, money.Step{Action: money.ActionSend, Actor: psb, At: at.Add(time.Minute)})
	must(t, err)
	got, err := step(icbcID, money.Step{Action: money.ActionStop, Amount: "2999.99", Note: "held at once", Actor: icbc, At: at.Add(time.Hour)})
	must(t, err)
	if got.Status != money.StatusStopped || got.Held.String() != "2999.99" || !got.Expires.Equal(micro(at.Add(49*time.Hour))) || len(got.History) != 3 {
		t.Fatalf("after stop: %+v", got)
	}
	h := got.History[2]
	if h.Seq != 3 || h.Action != money.ActionStop || h.From != money.StatusSent || h.To != money.StatusStopped ||
		h.Amount.String() != "2999.99" || h.Note != "held at once" || h.Actor != icbc || !h.At.Equal(micro(at.Add(time.Hour))) {
		t.Errorf("history row %+v", h)
	}
	again, err := s.FreezeRequest(ctx, icbcID)
	must(t, err)
	if !sameFreeze(again, got) {
		t.Errorf("FreezeRequest =\n%+v\nwant what the update returned\n%+v", again, got)
	}

	// A refused step changes nothing and says why.
	_, err = step(icbcID, money.Step{Action: money.ActionSend, Actor: psb, At: at.Add(2 * time.Hour)})
	var se *money.StepError
	if !errors.As(err, &se) || se.Kind != money.WrongState {
		t.Fatalf("a wrong step: %v", err)
	}
	if after, _ := s.FreezeRequest(ctx, icbcID); len(after.History) != 3 || after.Status != money.StatusStopped {
		t.Errorf("a refused step changed the request: %+v", after)
	}
	_, err = step("FR-NOPE", money.Step{Action: money.ActionSend, Actor: psb, At: at})
	wantErr(t, err, ErrNotFound, "update of a missing request")
	_, err = s.FreezeRequest(ctx, "FR-NOPE")
	wantErr(t, err, ErrNotFound, "read of a missing request")
	_, err = s.UpdateFreezeRequest(ctx, icbcID, func(r *money.FreezeRequest) error { r.History = nil; return nil })
	wantErr(t, err, errInvalid, "an update dropping history")

	// Drafting again keeps the requests as they are.
	stored, created, err = s.AddFreezeRequests(ctx, drafts(t, "R-1", at.Add(time.Hour)))
	must(t, err)
	if !reflect.DeepEqual(created, []bool{false, false, false}) {
		t.Fatalf("drafting again created %v", created)
	}
	for _, r := range stored {
		if r.ID == icbcID && (r.Status != money.StatusStopped || len(r.History) != 3) {
			t.Errorf("drafting again reset %+v", r)
		}
	}

	// Two answers at once take turns: one acknowledges, the other finds it done.
	ccb := stored[1].ID
	_, err = step(ccb, money.Step{Action: money.ActionSend, Actor: psb, At: at.Add(time.Minute)})
	must(t, err)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = step(ccb, money.Step{Action: money.ActionAcknowledge, Actor: money.Actor{OrgID: int64(10 + i), OrgName: "bank", Sector: auth.Finance}, At: at.Add(time.Hour)})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !errors.As(err, &se) || se.Kind != money.WrongState {
			t.Errorf("concurrent acknowledge: %v", err)
		}
	}
	if final, _ := s.FreezeRequest(ctx, ccb); ok != 1 || len(final.History) != 3 {
		t.Errorf("%d concurrent acknowledgements succeeded, history %d rows; want 1 and 3", ok, len(final.History))
	}

	// Bad requests are refused whole.
	bad := drafts(t, "R-2", at)
	bad[1].Kind = "seize"
	_, _, err = s.AddFreezeRequests(ctx, bad)
	wantErr(t, err, errInvalid, "a request of an unknown kind")
	for _, change := range []func(*money.FreezeRequest){
		func(r *money.FreezeRequest) { r.History = nil },
		func(r *money.FreezeRequest) { r.Status = money.StatusExpired },
		func(r *money.FreezeRequest) { r.Status = "pending" },
		func(r *money.FreezeRequest) { r.ReportID = "" },
	} {
		b := drafts(t, "R-2", at)
		change(&b[0])
		_, _, err = s.AddFreezeRequests(ctx, b)
		wantErr(t, err, errInvalid, "a bad request")
	}
	if rs, _ := s.SearchFreezeRequests(ctx, FreezeQuery{ReportID: "R-2"}); len(rs) != 0 {
		t.Errorf("a rejected batch stored %d requests", len(rs))
	}
}

func testSearchFreezeRequests(t *testing.T, s Store) {
	rules := money.DefaultFreezeRules()
	var ids []string
	for i := range 5 {
		stored, _, err := s.AddFreezeRequests(ctx, drafts(t, fmt.Sprintf("R-%d", i), base().Add(time.Duration(i)*time.Minute)))
		must(t, err)
		for _, r := range stored {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) != 15 {
		t.Fatalf("%d requests", len(ids))
	}
	// R-0's ICBC request is sent and stopped (a 48-hour hold); R-1's is sent.
	move := func(report string, steps ...money.Step) string {
		rs, err := s.SearchFreezeRequests(ctx, FreezeQuery{ReportID: report, Institution: "ICBC"})
		must(t, err)
		if len(rs) != 1 {
			t.Fatalf("%s at ICBC: %d requests", report, len(rs))
		}
		for _, st := range steps {
			_, err := s.UpdateFreezeRequest(ctx, rs[0].ID, func(r *money.FreezeRequest) error { return rules.Apply(r, st) })
			must(t, err)
		}
		return rs[0].ID
	}
	stopped := move("R-0", money.Step{Action: money.ActionSend, Actor: psb, At: base()},
		money.Step{Action: money.ActionStop, Amount: "100", Actor: icbc, At: base().Add(time.Hour)})
	sent := move("R-1", money.Step{Action: money.ActionSend, Actor: psb, At: base()})

	find := func(q FreezeQuery) []string {
		t.Helper()
		rs, err := s.SearchFreezeRequests(ctx, q)
		must(t, err)
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
			if len(r.History) != 0 {
				t.Errorf("a list carries history")
			}
		}
		return out
	}
	soon, later := base().Add(2*time.Hour), base().Add(50*time.Hour)
	for _, tc := range []struct {
		name string
		q    FreezeQuery
		want []string
	}{
		{"all, newest first", FreezeQuery{}, nil},
		{"by report", FreezeQuery{ReportID: "R-3"}, nil},
		{"stopped, still held", FreezeQuery{Status: money.StatusStopped, Now: soon}, []string{stopped}},
		{"stopped, but lapsed", FreezeQuery{Status: money.StatusStopped, Now: later}, []string{}},
		{"expired", FreezeQuery{Status: money.StatusExpired, Now: later}, []string{stopped}},
		{"not yet expired", FreezeQuery{Status: money.StatusExpired, Now: soon}, []string{}},
		{"sent", FreezeQuery{Status: money.StatusSent}, []string{sent}},
		{"ICBC's own, never drafts", FreezeQuery{Addressee: 2}, []string{sent, stopped}},
		{"another bank sees no drafts", FreezeQuery{Addressee: 3}, []string{}},
		{"by institution", FreezeQuery{Institution: "CCB", ReportID: "R-4"}, nil},
	} {
		got := find(tc.q)
		switch tc.name {
		case "all, newest first":
			if len(got) != 15 || !strings.Contains(strings.Join(ids[12:], " "), got[0]) {
				t.Errorf("%s: %v", tc.name, got)
			}
		case "by report", "by institution":
			if len(got) == 0 || len(got) > 3 {
				t.Errorf("%s: %v", tc.name, got)
			}
		default:
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			}
		}
	}
	// Pages join up to the whole list.
	var paged []string
	after := ""
	for {
		page := find(FreezeQuery{Limit: 4, After: after})
		paged = append(paged, page...)
		if len(page) < 4 {
			break
		}
		after = page[len(page)-1]
	}
	if all := find(FreezeQuery{}); strings.Join(paged, " ") != strings.Join(all, " ") {
		t.Errorf("pages %v\nwant %v", paged, all)
	}
	_, err := s.SearchFreezeRequests(ctx, FreezeQuery{After: "FR-NOPE"})
	wantErr(t, err, ErrNotFound, "search after a missing request")
	_, err = s.SearchFreezeRequests(ctx, FreezeQuery{Status: "pending"})
	wantErr(t, err, errInvalid, "search by an unknown status")

	// Totals stream every request.
	tl := money.NewTally(soon)
	must(t, s.EachFreezeRequest(ctx, FreezeQuery{Limit: 2, After: ids[3]}, func(r money.FreezeRequest) error { tl.Add(r); return nil }))
	tot := tl.Totals()
	if tot.Requests != 15 || tot.Reports != 5 || tot.ReportedLoss["CNY"] != "25000.00" || tot.Stopped["CNY"] != "100.00" || tot.ByStatus["draft"] != 13 {
		t.Errorf("totals %+v", tot)
	}
}

// benchAddTransfers measures transfer ingest: each iteration stores a
// batch of new transfers (the web API's batch size) into a growing table.
func benchAddTransfers(b *testing.B, dsn string) {
	s := openT(b, dsn)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		ts := make([]money.Transfer, benchBatch)
		for j := range ts {
			ts[j] = transfer(fmt.Sprintf("bench-%d-%d", i, j), j, j+1, "1250.00", j)
		}
		b.StartTimer()
		if n, err := s.AddTransfers(ctx, 7, ts); err != nil || n != benchBatch {
			b.Fatalf("added %d of %d: %v", n, benchBatch, err)
		}
	}
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "transfers/s")
}

func BenchmarkAddTransfersSQLite(b *testing.B)   { benchAddTransfers(b, freshSQLite(b)) }
func BenchmarkAddTransfersPostgres(b *testing.B) { benchAddTransfers(b, freshPostgres(b)) }

// benchLoadLedger measures the start-up rebuild of the in-memory ledger:
// every iteration streams all stored transfers into a new ledger.
func benchLoadLedger(b *testing.B, dsn string) {
	const stored = 200_000
	s := openT(b, dsn)
	for i := range stored / benchBatch {
		ts := make([]money.Transfer, benchBatch)
		for j := range ts {
			ts[j] = transfer(fmt.Sprintf("load-%d-%d", i, j), i*benchBatch+j, j, "99.50", j)
		}
		if _, err := s.AddTransfers(ctx, 7, ts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		l, err := LoadLedger(ctx, s)
		if err != nil {
			b.Fatal(err)
		}
		if n := l.Stats().Transfers; n != stored {
			b.Fatalf("loaded %d of %d", n, stored)
		}
	}
	b.ReportMetric(float64(b.N*stored)/b.Elapsed().Seconds(), "transfers/s")
}

func BenchmarkLoadLedgerSQLite(b *testing.B)   { benchLoadLedger(b, freshSQLite(b)) }
func BenchmarkLoadLedgerPostgres(b *testing.B) { benchLoadLedger(b, freshPostgres(b)) }
