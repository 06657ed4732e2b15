package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/registry"
)

// The one suite both stores must pass. fresh makes an empty database and
// returns its DSN; the suite opens it (sometimes twice, as two processes
// would) and checks every method, failure cases included.
func runSuite(t *testing.T, fresh func(t testing.TB) string) {
	open := func(t *testing.T) (Store, string) {
		t.Helper()
		dsn := fresh(t)
		return openT(t, dsn), dsn
	}
	t.Run("Orgs", func(t *testing.T) { s, _ := open(t); testOrgs(t, s) })
	t.Run("Tokens", func(t *testing.T) { s, _ := open(t); testTokens(t, s) })
	t.Run("Signals", func(t *testing.T) { s, _ := open(t); testSignals(t, s) })
	t.Run("SignalBatches", func(t *testing.T) { s, _ := open(t); testSignalBatches(t, s) })
	t.Run("Links", func(t *testing.T) { s, _ := open(t); testLinks(t, s) })
	t.Run("Reports", func(t *testing.T) { s, _ := open(t); testReports(t, s) })
	t.Run("SearchReports", func(t *testing.T) { s, _ := open(t); testSearchReports(t, s) })
	t.Run("Warnings", func(t *testing.T) { s, _ := open(t); testWarnings(t, s) })
	t.Run("WarningActions", func(t *testing.T) { s, _ := open(t); testWarningActions(t, s) })
	t.Run("SearchWarnings", func(t *testing.T) { s, _ := open(t); testSearchWarnings(t, s) })
	t.Run("WarningStats", func(t *testing.T) { s, _ := open(t); testWarningStats(t, s) })
	t.Run("Transfers", func(t *testing.T) { s, _ := open(t); testTransfers(t, s) })
	t.Run("Attributions", func(t *testing.T) { s, _ := open(t); testAttributions(t, s) })
	t.Run("FreezeRequests", func(t *testing.T) { s, _ := open(t); testFreezeRequests(t, s) })
	t.Run("SearchFreezeRequests", func(t *testing.T) { s, _ := open(t); testSearchFreezeRequests(t, s) })
	t.Run("ScreenDecisions", func(t *testing.T) { s, _ := open(t); testScreenDecisions(t, s) })
	t.Run("ScreenRuleSets", func(t *testing.T) { s, _ := open(t); testScreenRuleSets(t, s) })
	t.Run("AuditChain", func(t *testing.T) { s, _ := open(t); testAuditChain(t, s) })
	t.Run("AuditConcurrent", func(t *testing.T) { s, dsn := open(t); testAuditConcurrent(t, s, openT(t, dsn)) })
	t.Run("AuditQuery", func(t *testing.T) { s, _ := open(t); testAuditQuery(t, s) })
	t.Run("AuditTamper", func(t *testing.T) { s, _ := open(t); testAuditTamper(t, s) })
	t.Run("Reopen", func(t *testing.T) { testReopen(t, fresh(t)) })
	t.Run("Invalid", func(t *testing.T) { s, _ := open(t); testInvalid(t, s) })
}

var ctx = context.Background()

func openT(t testing.TB, dsn string) Store {
	t.Helper()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("Open(%s): %v", dsn, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// Indicators are made with Stored: the store's tests must not depend on the
// parsers, which change on their own schedule.
func phone(n int) indicator.Indicator {
	return indicator.Stored(indicator.Phone, fmt.Sprintf("+86138%08d", n))
}

func domain(name string) indicator.Indicator { return indicator.Stored(indicator.Domain, name) }

// cst is a non-UTC zone with a sub-microsecond part, to check that stores
// give times back in UTC microseconds.
var cst = time.FixedZone("CST", 8*3600)

func base() time.Time { return time.Date(2025, 3, 1, 10, 0, 0, 123456789, cst) }

func sig(id string, ind indicator.Indicator) registry.Signal {
	return registry.Signal{
		ID: id, Indicator: ind, OrgID: 7, Sector: auth.Police, Source: "analyst:li",
		Typology: "task_scam", Confidence: 0.85, Confirmed: true, TLP: auth.TLPAmber,
		Evidence: "case:2025-17", FirstSeen: base(), LastSeen: base().Add(time.Hour),
		Received: base().Add(2 * time.Hour),
	}
}

// stored is sig as a store gives it back.
func stored(g registry.Signal) registry.Signal {
	g.FirstSeen, g.LastSeen, g.Expires, g.Received = micro(g.FirstSeen), micro(g.LastSeen), micro(g.Expires), micro(g.Received)
	return g
}

func wantErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testOrgs(t *testing.T, s Store) {
	created := base()
	a, err := s.CreateOrg(ctx, auth.Org{Name: "Jiangsu PSB", Sector: auth.Police, Region: "CN-JS", Created: created})
	must(t, err)
	if a.ID == 0 || a.Region != "CN-JS" || a.Created != micro(created) || a.Created.Location() != time.UTC || a.Created.Nanosecond()%1000 != 0 {
		t.Fatalf("CreateOrg = %+v", a)
	}
	b, err := s.CreateOrg(ctx, auth.Org{ID: 999, Name: "ICBC", Sector: auth.Finance})
	must(t, err)
	if b.ID == a.ID || b.ID == 999 || b.Created.IsZero() {
		t.Fatalf("second org = %+v", b)
	}
	_, err = s.CreateOrg(ctx, auth.Org{Name: "ICBC", Sector: auth.Telecom})
	wantErr(t, err, ErrConflict, "CreateOrg with a taken name")

	got, err := s.OrgByName(ctx, "Jiangsu PSB")
	must(t, err)
	if got != a {
		t.Fatalf("OrgByName = %+v, want %+v", got, a)
	}
	got, err = s.OrgByID(ctx, b.ID)
	must(t, err)
	if got != b {
		t.Fatalf("OrgByID = %+v, want %+v", got, b)
	}
	_, err = s.OrgByName(ctx, "nobody")
	wantErr(t, err, ErrNotFound, "OrgByName of a missing org")
	_, err = s.OrgByID(ctx, 12345)
	wantErr(t, err, ErrNotFound, "OrgByID of a missing org")

	all, err := s.ListOrgs(ctx)
	must(t, err)
	if !reflect.DeepEqual(all, []auth.Org{a, b}) {
		t.Fatalf("ListOrgs = %+v", all)
	}
}

func testTokens(t *testing.T, s Store) {
	org, err := s.CreateOrg(ctx, auth.Org{Name: "China Mobile", Sector: auth.Telecom})
	must(t, err)
	other, err := s.CreateOrg(ctx, auth.Org{Name: "Alipay", Sector: auth.Internet})
	must(t, err)

	tok := auth.Token{OrgID: org.ID, Role: auth.Analyst, Hash: [32]byte{1, 2, 3}, Label: "detector",
		Created: base(), Expires: base().Add(90 * 24 * time.Hour)}
	t1, err := s.CreateToken(ctx, tok)
	must(t, err)
	if t1.ID == 0 || t1.Expires != micro(tok.Expires) {
		t.Fatalf("CreateToken = %+v", t1)
	}
	t2, err := s.CreateToken(ctx, auth.Token{OrgID: org.ID, Role: auth.Admin, Hash: [32]byte{9}})
	must(t, err)
	if !t2.Expires.IsZero() || t2.Created.IsZero() {
		t.Fatalf("token without expiry = %+v", t2)
	}
	_, err = s.CreateToken(ctx, auth.Token{OrgID: other.ID, Role: auth.ReadOnly, Hash: [32]byte{1, 2, 3}})
	wantErr(t, err, ErrConflict, "CreateToken with a hash in use")
	_, err = s.CreateToken(ctx, auth.Token{OrgID: 4242, Role: auth.ReadOnly, Hash: [32]byte{4}})
	wantErr(t, err, ErrNotFound, "CreateToken for a missing org")

	got, err := s.TokenByHash(ctx, [32]byte{1, 2, 3})
	must(t, err)
	if got != t1 {
		t.Fatalf("TokenByHash = %+v, want %+v", got, t1)
	}
	_, err = s.TokenByHash(ctx, [32]byte{7})
	wantErr(t, err, ErrNotFound, "TokenByHash of an unknown hash")

	must(t, s.RevokeToken(ctx, t1.ID))
	must(t, s.RevokeToken(ctx, t1.ID)) // idempotent
	wantErr(t, s.RevokeToken(ctx, 31337), ErrNotFound, "RevokeToken of a missing token")

	list, err := s.ListTokens(ctx, org.ID)
	must(t, err)
	t1.Revoked = true
	if !reflect.DeepEqual(list, []auth.Token{t1, t2}) {
		t.Fatalf("ListTokens = %+v", list)
	}
	list, err = s.ListTokens(ctx, other.ID)
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("ListTokens of an org without tokens = %+v", list)
	}
}

func testSignals(t *testing.T, s Store) {
	p1, p2 := phone(1), phone(2)
	g1, g2, g3 := sig("s1", p1), sig("s2", p2), sig("s3", p1)
	g2.Confirmed, g2.Confidence, g2.TLP, g2.Sector = false, 0.3, auth.TLPClear, auth.Telecom
	g3.Expires = base().Add(365 * 24 * time.Hour)
	g3.ReportID, g3.Source = "R-1", "report:R-1"

	n, err := s.AddSignals(ctx, []registry.Signal{g1, g2, g3}, nil)
	must(t, err)
	if n != 3 {
		t.Fatalf("AddSignals added %d, want 3", n)
	}
	// A re-send, even mixed with a new one and with changed fields, only
	// adds the new one.
	g1b := g1
	g1b.Confidence = 0.1
	n, err = s.AddSignals(ctx, []registry.Signal{g1b, g3, sig("s4", p2)}, nil)
	must(t, err)
	if n != 1 {
		t.Fatalf("re-send added %d, want 1", n)
	}
	// Duplicates inside one batch count once.
	n, err = s.AddSignals(ctx, []registry.Signal{sig("s5", p2), sig("s5", p2)}, nil)
	must(t, err)
	if n != 1 {
		t.Fatalf("batch with a duplicate added %d, want 1", n)
	}

	got, err := s.SignalsFor(ctx, p1)
	must(t, err)
	if want := []registry.Signal{stored(g1), stored(g3)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("SignalsFor(p1) =\n%+v\nwant\n%+v", got, want)
	}
	got, err = s.SignalsFor(ctx, phone(99))
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("SignalsFor(unknown) = %+v", got)
	}

	c, err := s.CountSignals(ctx)
	must(t, err)
	if c != 5 {
		t.Fatalf("CountSignals = %d, want 5", c)
	}

	var ids []string
	must(t, s.EachSignal(ctx, func(g registry.Signal) error {
		ids = append(ids, g.ID)
		if g.ID == "s2" && !reflect.DeepEqual(g, stored(g2)) {
			t.Errorf("EachSignal s2 = %+v, want %+v", g, stored(g2))
		}
		return nil
	}))
	if want := []string{"s1", "s2", "s3", "s4", "s5"}; !slices.Equal(ids, want) {
		t.Fatalf("EachSignal order = %v, want %v", ids, want)
	}
	stop := errors.New("stop")
	calls := 0
	err = s.EachSignal(ctx, func(registry.Signal) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("EachSignal with a failing fn: err %v after %d calls", err, calls)
	}

	// A zero Received is set by the store.
	before := time.Now().Add(-time.Second)
	g6 := sig("s6", p2)
	g6.Received = time.Time{}
	_, err = s.AddSignals(ctx, []registry.Signal{g6}, nil)
	must(t, err)
	got, err = s.SignalsFor(ctx, p2)
	must(t, err)
	if last := got[len(got)-1]; last.ID != "s6" || last.Received.Before(before) {
		t.Fatalf("signal without Received came back as %+v", last)
	}
}

func testSignalBatches(t *testing.T, s Store) {
	// Sizes around the SQLite statement chunk (500 rows) and one large batch.
	total := 0
	for _, size := range []int{1, 499, 500, 501, 1000, 12345} {
		sigs := make([]registry.Signal, size)
		for i := range sigs {
			sigs[i] = sig(fmt.Sprintf("b%d-%d", size, i), phone(i%1000))
		}
		n, err := s.AddSignals(ctx, sigs, nil)
		must(t, err)
		if n != size {
			t.Fatalf("batch of %d added %d", size, n)
		}
		total += size
		// Half old, half new.
		mixed := append(sigs[size/2:], sig(fmt.Sprintf("extra-%d", size), phone(5)))
		n, err = s.AddSignals(ctx, mixed, nil)
		must(t, err)
		if n != 1 {
			t.Fatalf("re-sent batch of %d added %d, want 1", len(mixed), n)
		}
		total++
	}
	c, err := s.CountSignals(ctx)
	must(t, err)
	if c != int64(total) {
		t.Fatalf("CountSignals = %d, want %d", c, total)
	}
	seen := 0
	must(t, s.EachSignal(ctx, func(g registry.Signal) error { seen++; return nil }))
	if seen != total {
		t.Fatalf("EachSignal saw %d, want %d", seen, total)
	}
}

func testLinks(t *testing.T, s Store) {
	p1, p2, d := phone(1), phone(2), domain("scam.example")
	l1 := registry.Link{A: d, B: p1, Source: "submission:1", OrgID: 3, TLP: auth.TLPGreen, Received: base()}
	l2 := registry.Link{A: p1, B: p2, Source: "report:R-9", OrgID: 0, TLP: auth.TLPAmber, Received: base()}
	l3 := registry.Link{A: d, B: p1, Source: "report:R-9", OrgID: 0, TLP: auth.TLPAmber} // same pair, other source
	n, err := s.AddSignals(ctx, []registry.Signal{sig("s1", p1)}, []registry.Link{l1, l2, l3})
	must(t, err)
	if n != 1 {
		t.Fatalf("added %d", n)
	}
	// Re-sent, and sent with A and B swapped: nothing new.
	swapped := l1
	swapped.A, swapped.B = l1.B, l1.A
	_, err = s.AddSignals(ctx, nil, []registry.Link{l1, swapped, l2})
	must(t, err)

	var all []registry.Link
	must(t, s.EachLink(ctx, func(l registry.Link) error { all = append(all, l); return nil }))
	if len(all) != 3 {
		t.Fatalf("EachLink = %+v, want 3 links", all)
	}
	for _, l := range all {
		if l.A.String() >= l.B.String() {
			t.Errorf("link not ordered: %s, %s", l.A, l.B)
		}
		if l.Received.IsZero() || l.Received.Location() != time.UTC {
			t.Errorf("link received = %v", l.Received)
		}
	}
	want1 := l1 // already ordered: "domain:…" < "phone:…"
	want1.Received = micro(l1.Received)
	if all[0] != want1 {
		t.Fatalf("first link = %+v, want %+v", all[0], want1)
	}

	got, err := s.LinksFor(ctx, p1)
	must(t, err)
	if len(got) != 3 {
		t.Fatalf("LinksFor(p1) = %d links, want 3", len(got))
	}
	got, err = s.LinksFor(ctx, p2)
	must(t, err)
	if len(got) != 1 || got[0].Source != "report:R-9" {
		t.Fatalf("LinksFor(p2) = %+v", got)
	}
	got, err = s.LinksFor(ctx, phone(77))
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("LinksFor(unknown) = %+v", got)
	}
}

func report(id string) registry.Report {
	return registry.Report{
		ID: id, Receipt: "RC-" + id, Time: base(), Region: "CN-JS", Typology: "investment",
		Narrative: "Joined a 'stock tutoring' group; 投资 platform refused withdrawal.",
		Loss:      &registry.Money{Amount: "52000.00", Currency: "CNY"},
		Payments: []registry.Payment{{Time: base().Add(time.Minute), Amount: "50000.00", Currency: "CNY",
			Rail: "bank", From: "6222020000000000", To: "6228480000000000", ToInstitution: "ABC"},
			{Amount: "2000.00", To: "alipay:someone"}},
		Contacts: []registry.Contact{{Kind: "phone", Value: "+8613800000001", Time: base()}},
		Reporter: &registry.Reporter{Name: "王女士", Phone: "+8613900000000"},
		OrgID:    3, Channel: "api", Received: base().Add(time.Hour),
	}
}

func testReports(t *testing.T, s Store) {
	r := report("R-1")
	p, acct := phone(1), indicator.Stored(indicator.BankAccount, "6228480000000000")
	sigs := []registry.Signal{sig("R-1/0", p), sig("R-1/1", acct)}
	links := []registry.Link{{A: acct, B: p, Source: "report:R-1"}}

	got, created, err := s.AddReport(ctx, r, []indicator.Indicator{p, acct, p}, sigs, links)
	must(t, err)
	want := normReport(r)
	if !created || !reflect.DeepEqual(got, want) {
		t.Fatalf("AddReport = %+v, %v\nwant %+v", got, created, want)
	}
	if got.Time.Location() != time.UTC || got.Payments[0].Time.Nanosecond()%1000 != 0 {
		t.Fatalf("times not normalised: %v %v", got.Time, got.Payments[0].Time)
	}
	byID, err := s.Report(ctx, "R-1")
	must(t, err)
	if !reflect.DeepEqual(byID, want) {
		t.Fatalf("Report =\n%+v\nwant\n%+v", byID, want)
	}
	byReceipt, err := s.ReportByReceipt(ctx, "RC-R-1")
	must(t, err)
	if !reflect.DeepEqual(byReceipt, want) {
		t.Fatalf("ReportByReceipt = %+v", byReceipt)
	}

	// A re-send changes nothing and returns what is stored.
	again := r
	again.Narrative = "changed"
	got, created, err = s.AddReport(ctx, again, []indicator.Indicator{phone(2)},
		[]registry.Signal{sig("R-1/9", phone(2))}, []registry.Link{{A: phone(2), B: p, Source: "report:R-1"}})
	must(t, err)
	if created || !reflect.DeepEqual(got, want) {
		t.Fatalf("re-sent AddReport = %+v, %v", got, created)
	}
	if n, _ := s.CountSignals(ctx); n != 2 {
		t.Fatalf("re-sent report wrote signals: %d stored", n)
	}
	if ls, _ := s.LinksFor(ctx, phone(2)); len(ls) != 0 {
		t.Fatalf("re-sent report wrote links: %+v", ls)
	}
	if rs, _ := s.SearchReports(ctx, registry.ReportQuery{Indicator: phone(2)}); len(rs) != 0 {
		t.Fatalf("re-sent report indexed a new indicator: %+v", rs)
	}
	if ls, _ := s.LinksFor(ctx, p); len(ls) != 1 {
		t.Fatalf("report links = %+v", ls)
	}

	// Same receipt, other report: conflict, and nothing written.
	other := report("R-2")
	other.Receipt = "RC-R-1"
	_, _, err = s.AddReport(ctx, other, []indicator.Indicator{phone(3)}, []registry.Signal{sig("R-2/0", phone(3))}, nil)
	wantErr(t, err, ErrConflict, "AddReport with a receipt in use")
	if _, err := s.Report(ctx, "R-2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("conflicting report was stored: %v", err)
	}
	if n, _ := s.CountSignals(ctx); n != 2 {
		t.Fatalf("conflicting report wrote signals: %d stored", n)
	}

	// Without a receipt, without a time, minimal fields.
	bare := registry.Report{ID: "R-3", Channel: "public"}
	got, created, err = s.AddReport(ctx, bare, nil, nil, nil)
	must(t, err)
	if !created || got.Received.IsZero() || got.Receipt != "" {
		t.Fatalf("bare report = %+v", got)
	}
	byID, err = s.Report(ctx, "R-3")
	must(t, err)
	if !reflect.DeepEqual(byID, got) {
		t.Fatalf("bare report read back as %+v, want %+v", byID, got)
	}
	bare2 := registry.Report{ID: "R-4"} // two reports without receipts do not conflict
	_, _, err = s.AddReport(ctx, bare2, nil, nil, nil)
	must(t, err)

	_, err = s.Report(ctx, "R-404")
	wantErr(t, err, ErrNotFound, "Report of a missing ID")
	_, err = s.ReportByReceipt(ctx, "RC-404")
	wantErr(t, err, ErrNotFound, "ReportByReceipt of a missing receipt")
	_, err = s.ReportByReceipt(ctx, "")
	wantErr(t, err, ErrNotFound, "ReportByReceipt of an empty receipt")
}

func testSearchReports(t *testing.T, s Store) {
	regions := []string{"CN-JS", "CN-ZJ", "CN", "CNX", "HK", "CN-JS"}
	typologies := []string{"investment", "task_scam", "romance"}
	type entry struct {
		r    registry.Report
		inds []indicator.Indicator
	}
	var all []entry
	t0 := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := range 130 {
		r := registry.Report{
			ID:       fmt.Sprintf("R-%03d", i),
			Receipt:  fmt.Sprintf("RC-%03d", i),
			Region:   regions[i%len(regions)],
			Typology: typologies[i%len(typologies)],
			// Pairs share a received time, to exercise the tie-break on
			// ID across page boundaries.
			Received: t0.Add(time.Duration(i/2) * time.Minute),
		}
		inds := []indicator.Indicator{phone(i % 10)}
		if i%4 == 0 {
			inds = append(inds, domain("shop.example"))
		}
		_, _, err := s.AddReport(ctx, r, inds, nil, nil)
		must(t, err)
		all = append(all, entry{normReport(r), inds})
	}
	// newest received first, then ID descending
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i].r, all[j].r
		if !a.Received.Equal(b.Received) {
			return a.Received.After(b.Received)
		}
		return a.ID > b.ID
	})
	expect := func(keep func(entry) bool) []string {
		var ids []string
		for _, e := range all {
			if keep(e) {
				ids = append(ids, e.r.ID)
			}
		}
		return ids
	}
	ids := func(rs []registry.Report) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	search := func(q registry.ReportQuery) []string {
		t.Helper()
		rs, err := s.SearchReports(ctx, q)
		must(t, err)
		return ids(rs)
	}
	// all pages of q with page size n
	pages := func(q registry.ReportQuery, n int) []string {
		t.Helper()
		return allPages(t, n, len(all), func(limit int, after string) []string {
			q.Limit, q.After = limit, after
			return search(q)
		})
	}
	from, to := t0.Add(10*time.Minute), t0.Add(40*time.Minute)
	cases := []struct {
		name string
		q    registry.ReportQuery
		keep func(entry) bool
	}{
		{"all", registry.ReportQuery{Limit: 1000}, func(entry) bool { return true }},
		{"indicator", registry.ReportQuery{Indicator: phone(3)}, func(e entry) bool { return slices.Contains(e.inds, phone(3)) }},
		{"shared indicator", registry.ReportQuery{Indicator: domain("shop.example")}, func(e entry) bool { return slices.Contains(e.inds, domain("shop.example")) }},
		{"unknown indicator", registry.ReportQuery{Indicator: phone(12345)}, func(entry) bool { return false }},
		{"typology", registry.ReportQuery{Typology: "romance"}, func(e entry) bool { return e.r.Typology == "romance" }},
		{"region prefix", registry.ReportQuery{Region: "CN"}, func(e entry) bool { return e.r.Region == "CN" || strings.HasPrefix(e.r.Region, "CN-") }},
		{"region exact", registry.ReportQuery{Region: "CN-JS"}, func(e entry) bool { return e.r.Region == "CN-JS" }},
		{"region none", registry.ReportQuery{Region: "C"}, func(entry) bool { return false }},
		{"time range", registry.ReportQuery{From: from, To: to}, func(e entry) bool {
			return !e.r.Received.Before(from) && e.r.Received.Before(to)
		}},
		{"combined", registry.ReportQuery{Indicator: domain("shop.example"), Region: "CN", Typology: "investment", From: from}, func(e entry) bool {
			return slices.Contains(e.inds, domain("shop.example")) && (e.r.Region == "CN" || strings.HasPrefix(e.r.Region, "CN-")) &&
				e.r.Typology == "investment" && !e.r.Received.Before(from)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := expect(c.keep)
			if got := search(c.q); !slices.Equal(got, want) {
				t.Fatalf("SearchReports =\n%v\nwant\n%v", got, want)
			}
			for _, n := range []int{1, 7} {
				if got := pages(c.q, n); !slices.Equal(got, want) {
					t.Fatalf("pages of %d =\n%v\nwant\n%v", n, got, want)
				}
			}
		})
	}
	// Full records come back, and the default page is 100.
	rs, err := s.SearchReports(ctx, registry.ReportQuery{})
	must(t, err)
	if len(rs) != 100 {
		t.Fatalf("default limit gave %d reports, want 100", len(rs))
	}
	if r, _ := s.Report(ctx, rs[0].ID); !reflect.DeepEqual(r, rs[0]) {
		t.Fatalf("search result %+v differs from stored %+v", rs[0], r)
	}
	_, err = s.SearchReports(ctx, registry.ReportQuery{After: "R-nope"})
	wantErr(t, err, ErrNotFound, "SearchReports after a missing report")
}

// verifyChain walks the whole audit chain in pages, recomputing every hash,
// and returns the entries.
func verifyChain(t *testing.T, s Store) []auth.AuditEntry {
	t.Helper()
	var (
		out  []auth.AuditEntry
		prev [32]byte
		seq  int64
	)
	for {
		page, err := s.AuditRange(ctx, seq, 50)
		must(t, err)
		if len(page) == 0 {
			return out
		}
		for _, e := range page {
			if e.Seq != seq+1 {
				t.Fatalf("chain gap: seq %d after %d", e.Seq, seq)
			}
			if e.PrevHash != prev {
				t.Fatalf("entry %d: prev hash %x, want %x", e.Seq, e.PrevHash[:4], prev[:4])
			}
			if h := auth.ChainHash(prev, e); h != e.Hash {
				t.Fatalf("entry %d: stored hash %x, recomputed %x", e.Seq, e.Hash[:4], h[:4])
			}
			prev, seq = e.Hash, e.Seq
			out = append(out, e)
		}
	}
}

func entry(action, target string) auth.AuditEntry {
	return auth.AuditEntry{Time: base(), OrgID: 3, OrgName: "Jiangsu PSB", Role: auth.Analyst, TokenID: 11,
		Addr: "10.0.0.7:5123", Action: action, Target: target, Detail: "hits=2"}
}

func testAuditChain(t *testing.T, s Store) {
	if es := verifyChain(t, s); len(es) != 0 {
		t.Fatalf("new store has %d audit entries", len(es))
	}
	first, err := s.AppendAudit(ctx, []auth.AuditEntry{entry("lookup", "phone:+8613800000001"), entry("report.read", "R-1")})
	must(t, err)
	if first[0].Seq != 1 || first[0].PrevHash != ([32]byte{}) || first[1].Seq != 2 || first[1].PrevHash != first[0].Hash {
		t.Fatalf("first append = %+v", first)
	}
	e3 := entry("signals.submit", "batch:3")
	e3.Time = time.Time{}
	second, err := s.AppendAudit(ctx, []auth.AuditEntry{e3})
	must(t, err)
	if second[0].Seq != 3 || second[0].PrevHash != first[1].Hash || second[0].Time.IsZero() {
		t.Fatalf("second append = %+v", second)
	}
	chain := verifyChain(t, s)
	if want := append(first, second...); !reflect.DeepEqual(chain, want) {
		t.Fatalf("stored chain =\n%+v\nreturned\n%+v", chain, want)
	}
	if none, err := s.AppendAudit(ctx, nil); err != nil || len(none) != 0 {
		t.Fatalf("AppendAudit(nil) = %v, %v", none, err)
	}
	page, err := s.AuditRange(ctx, 1, 1)
	must(t, err)
	if len(page) != 1 || page[0].Seq != 2 {
		t.Fatalf("AuditRange(1, 1) = %+v", page)
	}
	page, err = s.AuditRange(ctx, 3, 0)
	must(t, err)
	if len(page) != 0 {
		t.Fatalf("AuditRange past the end = %+v", page)
	}
}

// testAuditConcurrent appends from many goroutines through two stores on
// one database, as two processes would, and checks the chain has no gap or
// fork and keeps each batch in order.
func testAuditConcurrent(t *testing.T, s1, s2 Store) {
	const workers, rounds = 8, 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		s := s1
		if w%2 == 1 {
			s = s2
		}
		wg.Go(func() {
			for r := range rounds {
				batch := []auth.AuditEntry{entry("lookup", fmt.Sprintf("w%d/r%d/0", w, r))}
				if r%2 == 0 {
					batch = append(batch, entry("lookup", fmt.Sprintf("w%d/r%d/1", w, r)))
				}
				got, err := s.AppendAudit(ctx, batch)
				if err != nil {
					errs <- err
					return
				}
				for i := 1; i < len(got); i++ {
					if got[i].Seq != got[i-1].Seq+1 || got[i].PrevHash != got[i-1].Hash {
						errs <- fmt.Errorf("batch not contiguous: %+v", got)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	chain := verifyChain(t, s2)
	if want := workers * rounds * 3 / 2; len(chain) != want {
		t.Fatalf("chain has %d entries, want %d", len(chain), want)
	}
	for i, e := range chain {
		if strings.HasSuffix(e.Target, "/1") && chain[i-1].Target != strings.TrimSuffix(e.Target, "1")+"0" {
			t.Fatalf("batch split: %q after %q", e.Target, chain[i-1].Target)
		}
	}
}

func testAuditQuery(t *testing.T, s Store) {
	var in []auth.AuditEntry
	t0 := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	for i := range 30 {
		e := entry([]string{"lookup", "report.read", "signals.submit"}[i%3], fmt.Sprintf("t%d", i%5))
		e.OrgID = int64(1 + i%2)
		e.Time = t0.Add(time.Duration(i) * time.Minute)
		in = append(in, e)
	}
	all, err := s.AppendAudit(ctx, in)
	must(t, err)
	from, to := t0.Add(5*time.Minute), t0.Add(20*time.Minute)
	cases := []struct {
		name string
		q    AuditQuery
		keep func(auth.AuditEntry) bool
	}{
		{"all", AuditQuery{}, func(auth.AuditEntry) bool { return true }},
		{"org", AuditQuery{OrgID: 2}, func(e auth.AuditEntry) bool { return e.OrgID == 2 }},
		{"action", AuditQuery{Action: "report.read"}, func(e auth.AuditEntry) bool { return e.Action == "report.read" }},
		{"target", AuditQuery{Target: "t3"}, func(e auth.AuditEntry) bool { return e.Target == "t3" }},
		{"time", AuditQuery{From: from, To: to}, func(e auth.AuditEntry) bool { return !e.Time.Before(from) && e.Time.Before(to) }},
		{"combined", AuditQuery{OrgID: 1, Action: "lookup", From: from}, func(e auth.AuditEntry) bool {
			return e.OrgID == 1 && e.Action == "lookup" && !e.Time.Before(from)
		}},
		{"none", AuditQuery{Action: "nothing"}, func(auth.AuditEntry) bool { return false }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want []auth.AuditEntry
			for i := len(all) - 1; i >= 0; i-- { // newest first
				if c.keep(all[i]) {
					want = append(want, all[i])
				}
			}
			got, err := s.AuditQuery(ctx, c.q)
			must(t, err)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("AuditQuery(%+v) = %d entries, want %d:\n%+v", c.q, len(got), len(want), got)
			}
		})
	}
	got, err := s.AuditQuery(ctx, AuditQuery{Limit: 4})
	must(t, err)
	if len(got) != 4 || got[0].Seq != 30 || got[3].Seq != 27 {
		t.Fatalf("AuditQuery with limit 4 = %+v", got)
	}
}

func testReopen(t *testing.T, dsn string) {
	s1, err := Open(ctx, dsn)
	must(t, err)
	_, err = s1.CreateOrg(ctx, auth.Org{Name: "kept", Sector: auth.Regulator})
	must(t, err)
	_, err = s1.AppendAudit(ctx, []auth.AuditEntry{entry("org.create", "kept")})
	must(t, err)
	must(t, s1.Close())

	// Opening again finds every migration applied and the data in place.
	s2 := openT(t, dsn)
	if _, err := s2.OrgByName(ctx, "kept"); err != nil {
		t.Fatalf("after reopening: %v", err)
	}
	var applied, newest int
	must(t, s2.(*db).b.reader().queryRow(ctx, `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&applied, &newest))
	ms, err := migrations(s2.(*db).b.dialect())
	must(t, err)
	if applied != len(ms) || newest != len(ms) {
		t.Fatalf("schema_migrations has %d rows up to %d, want %d", applied, newest, len(ms))
	}
	// The chain continues across the reopen.
	_, err = s2.AppendAudit(ctx, []auth.AuditEntry{entry("lookup", "x")})
	must(t, err)
	if n := len(verifyChain(t, s2)); n != 2 {
		t.Fatalf("chain after reopen has %d entries", n)
	}

	// Two opens at once (two processes starting) both succeed.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() {
			s, err := Open(ctx, dsn)
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	must(t, errors.Join(errs...))
}

func testInvalid(t *testing.T, s Store) {
	if _, err := s.AddSignals(ctx, []registry.Signal{sig("", phone(1))}, nil); err == nil {
		t.Fatal("AddSignals accepted a signal without ID")
	}
	if _, err := s.AddSignals(ctx, []registry.Signal{sig("ok", phone(1)), sig("x", indicator.Indicator{})}, nil); err == nil {
		t.Fatal("AddSignals accepted a signal without indicator")
	}
	nan := sig("nan", phone(1))
	nan.Confidence = math.NaN()
	if _, err := s.AddSignals(ctx, []registry.Signal{nan}, nil); err == nil {
		t.Fatal("AddSignals accepted a NaN confidence")
	}
	if _, err := s.AddSignals(ctx, nil, []registry.Link{{A: phone(1), Source: "x"}}); err == nil {
		t.Fatal("AddSignals accepted a link without B")
	}
	if n, _ := s.CountSignals(ctx); n != 0 {
		t.Fatalf("a rejected batch stored %d signals", n)
	}
	if n, err := s.AddSignals(ctx, nil, nil); n != 0 || err != nil {
		t.Fatalf("AddSignals(nil, nil) = %d, %v", n, err)
	}
	if _, _, err := s.AddReport(ctx, registry.Report{}, nil, nil, nil); err == nil {
		t.Fatal("AddReport accepted a report without ID")
	}
	if _, err := s.CreateOrg(ctx, auth.Org{Sector: auth.Police}); err == nil {
		t.Fatal("CreateOrg accepted an empty name")
	}
	org, err := s.CreateOrg(ctx, auth.Org{Name: "o", Sector: auth.Police})
	must(t, err)
	if _, err := s.CreateToken(ctx, auth.Token{OrgID: org.ID, Role: auth.Admin}); err == nil {
		t.Fatal("CreateToken accepted a zero hash")
	}
}

func TestOpenBadDSN(t *testing.T) {
	for _, dsn := range []string{"", "mysql://root@localhost/db", "/var/lib/fanzha.db", "sqlite3:x.db", "postgres:/x"} {
		_, err := Open(ctx, dsn)
		if err == nil {
			t.Fatalf("Open(%q) succeeded", dsn)
		}
		if msg := err.Error(); !strings.Contains(msg, "sqlite:PATH") || !strings.Contains(msg, "postgres://") {
			t.Errorf("Open(%q) error does not name the accepted forms: %v", dsn, err)
		}
	}
	for _, dsn := range []string{"sqlite:", "sqlite:a.db?mode=ro", "sqlite::memory:"} {
		if _, err := Open(ctx, dsn); err == nil || !strings.Contains(err.Error(), "sqlite:PATH") {
			t.Errorf("Open(%q) = %v, want an error about the path", dsn, err)
		}
	}
	_, err := Open(ctx, "postgres://fanzha:secret@127.0.0.1:1/none?connect_timeout=2")
	if err == nil {
		t.Fatal("Open of an unreachable PostgreSQL succeeded")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error shows the password: %v", err)
	}
}

// testAuditTamper alters, then deletes, a stored audit row behind the
// store's back and checks that verification names that entry.
func testAuditTamper(t *testing.T, s Store) {
	var entries []auth.AuditEntry
	for i := range 10 {
		entries = append(entries, auth.AuditEntry{OrgID: 1, OrgName: "bank", Role: auth.Analyst, Action: "lookup", Target: fmt.Sprintf("phone:+86138%08d", i)})
	}
	if _, err := s.AppendAudit(ctx, entries); err != nil {
		t.Fatal(err)
	}
	verify := func() error {
		_, err := auth.VerifyChain(func(after int64, limit int) ([]auth.AuditEntry, error) { return s.AuditRange(ctx, after, limit) })
		return err
	}
	if err := verify(); err != nil {
		t.Fatalf("untouched chain: %v", err)
	}
	raw := func(sql string, args ...any) {
		err := s.(*db).b.inTx(ctx, func(tx writeTx) error { _, err := tx.exec(ctx, sql, args...); return err })
		if err != nil {
			t.Fatal(err)
		}
	}
	raw(`UPDATE audit SET target = $1 WHERE seq = $2`, "phone:+8613900000000", 6)
	var ce *auth.ChainError
	if err := verify(); !errors.As(err, &ce) || ce.Seq != 6 {
		t.Fatalf("after altering entry 6: %v", err)
	}
	raw(`UPDATE audit SET target = $1 WHERE seq = $2`, "phone:+8613800000005", 6)
	raw(`DELETE FROM audit WHERE seq = $1`, 3)
	if err := verify(); !errors.As(err, &ce) || ce.Seq != 3 {
		t.Fatalf("after deleting entry 3: %v", err)
	}
}

// allPages walks a keyset-paginated search with page size n and returns
// every ID in order, failing on an oversized page or paging that does not
// end (more than total results).
func allPages(t *testing.T, n, total int, page func(limit int, after string) []string) []string {
	t.Helper()
	var out []string
	after := ""
	for {
		p := page(n, after)
		if len(p) > n {
			t.Fatalf("page of %d with limit %d", len(p), n)
		}
		out = append(out, p...)
		if len(p) < n {
			return out
		}
		if len(out) > total {
			t.Fatalf("paging does not end: %d results of %d so far", len(out), total)
		}
		after = p[len(p)-1]
	}
}
