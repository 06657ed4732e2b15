package store

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/telecom"
)

// issued is a warning to subscriber phone(sub) about suspect phone(sus).
func issued(sub, sus int, grade string, score int, reason string) telecom.Issued {
	return telecom.Issued{
		Warning: telecom.Warning{
			Subscriber: phone(sub), Suspect: phone(sus), FirstContact: base().Add(-time.Hour),
			Score: score, Grade: grade, Reason: reason,
		},
		Region: "CN-JS",
		Raised: base(),
	}
}

// storedIssued is w as a store gives it back.
func storedIssued(w telecom.Issued) telecom.Issued {
	if w.ID == "" {
		w.ID = telecom.IssuedID(w.Warning)
	}
	w.FirstContact, w.Raised, w.Escalated = micro(w.FirstContact), micro(w.Raised), micro(w.Escalated)
	w.SignedAt, w.OutcomeAt = micro(w.SignedAt), micro(w.OutcomeAt)
	return w
}

func getWarning(t *testing.T, s Store, id string) telecom.Issued {
	t.Helper()
	w, err := s.Warning(ctx, id)
	must(t, err)
	return w
}

func addWarnings(t *testing.T, s Store, want int, ws ...telecom.Issued) {
	t.Helper()
	n, err := s.AddWarnings(ctx, ws)
	must(t, err)
	if n != want {
		t.Fatalf("AddWarnings added %d, want %d", n, want)
	}
}

// testWarnings checks storing and escalating: grade, score, reason and
// Escalated only ever rise, and nothing else an officer did is lost.
func testWarnings(t *testing.T, s Store) {
	org, err := s.CreateOrg(ctx, auth.Org{Name: "Jiangsu PSB", Sector: auth.Police, Region: "CN-JS"})
	must(t, err)
	w := issued(1, 2, telecom.GradeLow, 40, "unanswered callback")
	addWarnings(t, s, 1, w)
	want := storedIssued(w)
	got := getWarning(t, s, want.ID)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Warning =\n%+v\nwant\n%+v", got, want)
	}
	if got.Raised.Location() != time.UTC || got.ID != telecom.IssuedID(w.Warning) {
		t.Fatalf("stored warning %+v: want UTC times and the IssuedID", got)
	}
	addWarnings(t, s, 0, w) // idempotent
	if got := getWarning(t, s, want.ID); !reflect.DeepEqual(got, want) {
		t.Fatalf("after sending again = %+v", got)
	}

	// Work done on it survives every escalation below.
	must(t, s.RouteWarning(ctx, want.ID, org.ID))
	signedAt := base().Add(5 * time.Minute)
	_, err = s.SignWarning(ctx, want.ID, "officer-wang", signedAt)
	must(t, err)
	want.OrgID, want.SignedBy, want.SignedAt = org.ID, "officer-wang", micro(signedAt)

	steps := []struct {
		name string
		in   func(w *telecom.Issued)
		then func(w *telecom.Issued)
	}{
		{"grade rises", func(w *telecom.Issued) {
			w.Grade, w.Score, w.Reason = telecom.GradeMedium, 70, "answered 45 s"
			w.Escalated = base().Add(time.Hour)
			// Fields the store keeps from the first sending.
			w.Region, w.FirstContact, w.Raised = "", base(), base().Add(time.Hour)
		}, func(w *telecom.Issued) {
			w.Grade, w.Score, w.Reason, w.Escalated = telecom.GradeMedium, 70, "answered 45 s", micro(base().Add(time.Hour))
		}},
		{"lower grade, higher score", func(w *telecom.Issued) {
			w.Grade, w.Score, w.Reason, w.Escalated = telecom.GradeLow, 90, "sms", base().Add(2*time.Hour)
		}, func(w *telecom.Issued) { w.Score = 90 }},
		{"same grade, lower score", func(w *telecom.Issued) {
			w.Grade, w.Score, w.Reason = telecom.GradeMedium, 50, "weaker"
		}, func(*telecom.Issued) {}},
		{"same grade, higher score", func(w *telecom.Issued) {
			w.Grade, w.Score, w.Reason = telecom.GradeMedium, 95, "second call"
		}, func(w *telecom.Issued) { w.Score, w.Reason = 95, "second call" }},
		{"earlier first contact", func(w *telecom.Issued) {
			w.Grade, w.Score, w.FirstContact = telecom.GradeLow, 10, base().Add(-3*time.Hour)
		}, func(w *telecom.Issued) { w.FirstContact = micro(base().Add(-3 * time.Hour)) }},
		{"another org's routing", func(w *telecom.Issued) {
			w.Grade, w.Score, w.OrgID = telecom.GradeLow, 10, org.ID+100
		}, func(*telecom.Issued) {}},
		{"escalated before the last escalation", func(w *telecom.Issued) {
			w.Grade, w.Score, w.Reason, w.Escalated = telecom.GradeHigh, 99, "paid once", base().Add(30*time.Minute)
		}, func(w *telecom.Issued) { w.Grade, w.Score, w.Reason = telecom.GradeHigh, 99, "paid once" }},
	}
	for _, st := range steps {
		in := issued(1, 2, telecom.GradeLow, 0, "")
		st.in(&in)
		addWarnings(t, s, 0, in)
		st.then(&want)
		if got := getWarning(t, s, want.ID); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: got\n%+v\nwant\n%+v", st.name, got, want)
		}
	}

	// A rise without an Escalated time is stamped now.
	w2 := issued(3, 2, telecom.GradeLow, 20, "sms")
	addWarnings(t, s, 1, w2)
	before := now()
	w2.Grade, w2.Score = telecom.GradeHigh, 80
	addWarnings(t, s, 0, w2)
	if got := getWarning(t, s, telecom.IssuedID(w2.Warning)); got.Escalated.Before(before) || got.Escalated.After(now()) {
		t.Fatalf("escalated without a time: Escalated = %v, want about %v", got.Escalated, before)
	}

	// A batch mixing new and known warnings, with repeats, counts the new.
	addWarnings(t, s, 2, issued(4, 2, telecom.GradeLow, 1, ""), w, issued(5, 2, telecom.GradeLow, 1, ""), issued(4, 2, telecom.GradeHigh, 1, ""))
	if got := getWarning(t, s, telecom.IssuedID(issued(4, 2, "", 0, "").Warning)); got.Grade != telecom.GradeHigh {
		t.Fatalf("repeat within a batch not escalated: %+v", got)
	}

	// A new warning may come with its handling, as when restoring.
	done := issued(6, 2, telecom.GradeHigh, 90, "restored")
	done.ID, done.OrgID, done.Escalated = "W-restored", org.ID, base().Add(time.Minute)
	done.SignedBy, done.SignedAt = "officer-li", base().Add(2*time.Minute)
	done.Outcome, done.OutcomeAt, done.OutcomeBy, done.Note = telecom.OutcomeDissuaded, base().Add(time.Hour), "officer-li", "talked to her son"
	addWarnings(t, s, 1, done)
	if got := getWarning(t, s, "W-restored"); !reflect.DeepEqual(got, storedIssued(done)) {
		t.Fatalf("restored warning = %+v", got)
	}

	// A bad warning fails the whole batch.
	bad := []telecom.Issued{
		{Warning: telecom.Warning{Suspect: phone(2), Grade: telecom.GradeLow}},
		{Warning: telecom.Warning{Subscriber: phone(7), Grade: telecom.GradeLow}},
		{Warning: telecom.Warning{Subscriber: phone(7), Suspect: phone(2), Grade: "urgent"}},
		{Warning: telecom.Warning{Subscriber: phone(7), Suspect: phone(2), Grade: telecom.GradeLow, Score: 101}},
		{Warning: telecom.Warning{Subscriber: phone(7), Suspect: phone(2), Grade: telecom.GradeLow}, Outcome: "saved"},
	}
	for i, b := range bad {
		if _, err := s.AddWarnings(ctx, []telecom.Issued{issued(8, 2, telecom.GradeLow, 1, ""), b}); err == nil {
			t.Fatalf("AddWarnings accepted bad warning %d: %+v", i, b)
		}
	}
	_, err = s.Warning(ctx, telecom.IssuedID(issued(8, 2, "", 0, "").Warning))
	wantErr(t, err, ErrNotFound, "warning of a rejected batch")
	if n, err := s.AddWarnings(ctx, nil); n != 0 || err != nil {
		t.Fatalf("AddWarnings(nil) = %d, %v", n, err)
	}
	_, err = s.Warning(ctx, "W-nope")
	wantErr(t, err, ErrNotFound, "Warning of a missing ID")
}

// testWarningActions checks signing for, closing and routing.
func testWarningActions(t *testing.T, s Store) {
	org, err := s.CreateOrg(ctx, auth.Org{Name: "Suzhou PSB", Sector: auth.Police, Region: "CN-JS"})
	must(t, err)
	w := issued(1, 2, telecom.GradeHigh, 90, "paid once")
	addWarnings(t, s, 1, w)
	want := storedIssued(w)
	id := want.ID

	// Sign for: once, then the same officer again is a no-op, another
	// officer a conflict.
	at := base().Add(7 * time.Minute)
	got, err := s.SignWarning(ctx, id, "officer-wang", at)
	must(t, err)
	want.SignedBy, want.SignedAt = "officer-wang", micro(at)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("SignWarning = %+v, want %+v", got, want)
	}
	got, err = s.SignWarning(ctx, id, "officer-wang", at.Add(time.Hour))
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("SignWarning again by the same officer = %+v, want %+v", got, want)
	}
	_, err = s.SignWarning(ctx, id, "officer-li", at.Add(time.Hour))
	wantErr(t, err, ErrConflict, "SignWarning of a warning someone has")
	if err == nil || !strings.Contains(err.Error(), "officer-wang") {
		t.Errorf("conflict does not say who has it: %v", err)
	}
	_, err = s.SignWarning(ctx, "W-nope", "officer-li", at)
	wantErr(t, err, ErrNotFound, "SignWarning of a missing warning")
	if _, err := s.SignWarning(ctx, id, "", at); err == nil || errors.Is(err, ErrConflict) {
		t.Fatalf("SignWarning without an officer: %v", err)
	}
	other := issued(3, 2, telecom.GradeLow, 10, "")
	addWarnings(t, s, 1, other)
	before := now()
	got, err = s.SignWarning(ctx, telecom.IssuedID(other.Warning), "officer-li", time.Time{})
	must(t, err)
	if got.SignedAt.Before(before) {
		t.Fatalf("SignWarning without a time: SignedAt = %v", got.SignedAt)
	}

	// Close: an unknown outcome changes nothing; a known one may be
	// replaced by a later one.
	for _, o := range []string{"", "saved", "Dissuaded"} {
		_, err := s.CloseWarning(ctx, id, o, "officer-wang", "", at)
		if err == nil || errors.Is(err, ErrNotFound) {
			t.Fatalf("CloseWarning with outcome %q: %v", o, err)
		}
	}
	if _, err := s.CloseWarning(ctx, id, telecom.OutcomeContacted, "", "", at); err == nil {
		t.Fatal("CloseWarning accepted an empty officer")
	}
	if got := getWarning(t, s, id); !reflect.DeepEqual(got, want) {
		t.Fatalf("rejected closes changed the warning: %+v", got)
	}
	at2 := at.Add(20 * time.Minute)
	got, err = s.CloseWarning(ctx, id, telecom.OutcomeContacted, "officer-wang", "reached by phone", at2)
	must(t, err)
	want.Outcome, want.OutcomeAt, want.OutcomeBy, want.Note = telecom.OutcomeContacted, micro(at2), "officer-wang", "reached by phone"
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("CloseWarning = %+v, want %+v", got, want)
	}
	at3 := at.Add(2 * time.Hour)
	got, err = s.CloseWarning(ctx, id, telecom.OutcomeLossPrevented, "officer-zhao", "bank stopped the transfer", at3)
	must(t, err)
	want.Outcome, want.OutcomeAt, want.OutcomeBy, want.Note = telecom.OutcomeLossPrevented, micro(at3), "officer-zhao", "bank stopped the transfer"
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(getWarning(t, s, id), want) {
		t.Fatalf("CloseWarning again = %+v, want %+v", got, want)
	}
	_, err = s.CloseWarning(ctx, "W-nope", telecom.OutcomeFalseAlarm, "officer-wang", "", at)
	wantErr(t, err, ErrNotFound, "CloseWarning of a missing warning")

	// Escalating a closed warning keeps its handling.
	w.Grade, w.Score = telecom.GradeHigh, 100
	addWarnings(t, s, 0, w)
	want.Score = 100
	if got := getWarning(t, s, id); !reflect.DeepEqual(got, want) {
		t.Fatalf("escalating a closed warning: %+v, want %+v", got, want)
	}

	// Route, re-route, unroute.
	must(t, s.RouteWarning(ctx, id, org.ID))
	if got := getWarning(t, s, id); got.OrgID != org.ID {
		t.Fatalf("routed to %d, want %d", got.OrgID, org.ID)
	}
	wantErr(t, s.RouteWarning(ctx, id, org.ID+1000), ErrNotFound, "RouteWarning to a missing org")
	wantErr(t, s.RouteWarning(ctx, "W-nope", org.ID), ErrNotFound, "RouteWarning of a missing warning")
	if err := s.RouteWarning(ctx, id, -1); err == nil {
		t.Fatal("RouteWarning accepted a negative org")
	}
	must(t, s.RouteWarning(ctx, id, org.ID)) // same again
	must(t, s.RouteWarning(ctx, id, 0))
	if got := getWarning(t, s, id); got.OrgID != 0 {
		t.Fatalf("unrouted warning has org %d", got.OrgID)
	}
}

func testSearchWarnings(t *testing.T, s Store) {
	regions := []string{"CN-JS", "CN-ZJ", "CN", "CNX", "HK", "CN-JS", ""}
	grades := []string{telecom.GradeHigh, telecom.GradeMedium, telecom.GradeLow}
	t0 := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	var all []telecom.Issued
	for i := range 130 {
		w := telecom.Issued{
			Warning: telecom.Warning{
				Subscriber: phone(i), Suspect: phone(1000 + i%7),
				Score: i % 101, Grade: grades[i%len(grades)], Reason: fmt.Sprint("r", i),
			},
			Region: regions[i%len(regions)],
			OrgID:  int64(i % 3), // no FK: 0 is unrouted, 1 and 2 need not exist here
			// Pairs share a raised time, to exercise the tie-break on ID
			// across page boundaries.
			Raised: t0.Add(time.Duration(i/2) * time.Minute),
		}
		if i%5 == 0 { // same subscriber as the one before, another suspect
			w.Subscriber = phone(i - 1)
		}
		if i%4 == 0 {
			w.Outcome, w.OutcomeAt, w.OutcomeBy = telecom.OutcomeFalseAlarm, w.Raised.Add(time.Hour), "o"
		}
		all = append(all, storedIssued(w))
	}
	addWarnings(t, s, len(all), all...)
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if !a.Raised.Equal(b.Raised) {
			return a.Raised.After(b.Raised)
		}
		return a.ID > b.ID
	})
	ids := func(ws []telecom.Issued) []string {
		var out []string
		for _, w := range ws {
			out = append(out, w.ID)
		}
		return out
	}
	search := func(q WarningQuery) []string {
		t.Helper()
		ws, err := s.SearchWarnings(ctx, q)
		must(t, err)
		return ids(ws)
	}
	pages := func(q WarningQuery, n int) []string {
		t.Helper()
		return allPages(t, n, len(all), func(limit int, after string) []string {
			q.Limit, q.After = limit, after
			return search(q)
		})
	}
	inCN := func(w telecom.Issued) bool { return w.Region == "CN" || strings.HasPrefix(w.Region, "CN-") }
	from, to := t0.Add(10*time.Minute), t0.Add(40*time.Minute)
	cases := []struct {
		name string
		q    WarningQuery
		keep func(telecom.Issued) bool
	}{
		{"all", WarningQuery{Limit: 5000}, func(telecom.Issued) bool { return true }},
		{"region prefix", WarningQuery{Region: "CN"}, inCN},
		{"region prefix with hyphen", WarningQuery{Region: "CN-"}, inCN},
		{"region exact", WarningQuery{Region: "CN-JS"}, func(w telecom.Issued) bool { return w.Region == "CN-JS" }},
		{"region not a prefix", WarningQuery{Region: "C"}, func(telecom.Issued) bool { return false }},
		{"region sibling", WarningQuery{Region: "CNX"}, func(w telecom.Issued) bool { return w.Region == "CNX" }},
		{"grade", WarningQuery{Grade: telecom.GradeMedium}, func(w telecom.Issued) bool { return w.Grade == telecom.GradeMedium }},
		{"org", WarningQuery{OrgID: 2}, func(w telecom.Issued) bool { return w.OrgID == 2 }},
		{"open", WarningQuery{Open: true}, func(w telecom.Issued) bool { return w.Outcome == "" }},
		{"subscriber", WarningQuery{Subscriber: phone(9)}, func(w telecom.Issued) bool { return w.Subscriber == phone(9) }},
		{"suspect", WarningQuery{Suspect: phone(1003)}, func(w telecom.Issued) bool { return w.Suspect == phone(1003) }},
		{"other kind", WarningQuery{Suspect: indicator.Stored(indicator.Domain, phone(1003).Value())}, func(telecom.Issued) bool { return false }},
		{"time range", WarningQuery{From: from, To: to}, func(w telecom.Issued) bool {
			return !w.Raised.Before(from) && w.Raised.Before(to)
		}},
		{"combined", WarningQuery{Region: "CN", Open: true, Grade: telecom.GradeHigh, OrgID: 1, From: from}, func(w telecom.Issued) bool {
			return inCN(w) && w.Outcome == "" && w.Grade == telecom.GradeHigh && w.OrgID == 1 && !w.Raised.Before(from)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want []string
			for _, w := range all {
				if c.keep(w) {
					want = append(want, w.ID)
				}
			}
			if got := search(c.q); !slices.Equal(got, want) {
				t.Fatalf("SearchWarnings =\n%v\nwant\n%v", got, want)
			}
			for _, n := range []int{1, 7} {
				if got := pages(c.q, n); !slices.Equal(got, want) {
					t.Fatalf("pages of %d =\n%v\nwant\n%v", n, got, want)
				}
			}
		})
	}
	// Whole records come back, and the default page is 100.
	ws, err := s.SearchWarnings(ctx, WarningQuery{})
	must(t, err)
	if len(ws) != 100 || !reflect.DeepEqual(ws, all[:100]) {
		t.Fatalf("default search gave %d warnings, want the newest 100 of %d", len(ws), len(all))
	}
	_, err = s.SearchWarnings(ctx, WarningQuery{After: "W-nope"})
	wantErr(t, err, ErrNotFound, "SearchWarnings after a missing warning")
}

func testWarningStats(t *testing.T, s Store) {
	t0 := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	from, to := t0, t0.Add(24*time.Hour)
	type spec struct {
		region, grade, outcome string
		raised                 time.Duration // after t0
		signAfter              time.Duration // after raised; 0: not signed
	}
	specs := []spec{
		{"CN-JS", telecom.GradeHigh, telecom.OutcomeLossPrevented, 0, 10 * time.Minute},
		{"CN-JS", telecom.GradeHigh, telecom.OutcomeAlreadyPaid, time.Hour, 20 * time.Minute},
		{"CN-ZJ", telecom.GradeMedium, "", 2 * time.Hour, 40 * time.Minute},
		{"CN-JS", telecom.GradeLow, telecom.OutcomeLossPrevented, 3 * time.Hour, 90 * time.Minute},
		{"CN-JS", telecom.GradeLow, "", 4 * time.Hour, 0},
		{"HK", telecom.GradeHigh, telecom.OutcomeDissuaded, 5 * time.Hour, 5 * time.Minute},
		// Outside [from, to): raised before from, and exactly at to.
		{"CN-JS", telecom.GradeHigh, telecom.OutcomeFalseAlarm, -time.Minute, 1000 * time.Minute},
		{"CN-JS", telecom.GradeHigh, telecom.OutcomeFalseAlarm, 24 * time.Hour, 1000 * time.Minute},
	}
	for i, sp := range specs {
		w := issued(i, 100+i, sp.grade, 50, "")
		w.Region, w.Raised = sp.region, t0.Add(sp.raised)
		addWarnings(t, s, 1, w)
		id := telecom.IssuedID(w.Warning)
		if sp.signAfter != 0 {
			_, err := s.SignWarning(ctx, id, "officer", w.Raised.Add(sp.signAfter))
			must(t, err)
		}
		if sp.outcome != "" {
			_, err := s.CloseWarning(ctx, id, sp.outcome, "officer", "", w.Raised.Add(3*time.Hour))
			must(t, err)
		}
	}
	cases := []struct {
		name string
		q    WarningQuery
		want WarningStats
	}{
		{"range", WarningQuery{From: from, To: to}, WarningStats{
			Raised:  6,
			ByGrade: map[string]int{telecom.GradeHigh: 3, telecom.GradeMedium: 1, telecom.GradeLow: 2},
			Signed:  5,
			ByOutcome: map[string]int{telecom.OutcomeLossPrevented: 2, telecom.OutcomeAlreadyPaid: 1,
				telecom.OutcomeDissuaded: 1},
			MedianSignMin: 20, // 5, 10, 20, 40, 90
		}},
		{"region", WarningQuery{Region: "CN", From: from, To: to}, WarningStats{
			Raised:        5,
			ByGrade:       map[string]int{telecom.GradeHigh: 2, telecom.GradeMedium: 1, telecom.GradeLow: 2},
			Signed:        4,
			ByOutcome:     map[string]int{telecom.OutcomeLossPrevented: 2, telecom.OutcomeAlreadyPaid: 1},
			MedianSignMin: 30, // 10, 20, 40, 90
		}},
		{"open", WarningQuery{Open: true, From: from, To: to}, WarningStats{
			Raised:        2,
			ByGrade:       map[string]int{telecom.GradeMedium: 1, telecom.GradeLow: 1},
			Signed:        1,
			ByOutcome:     map[string]int{},
			MedianSignMin: 40,
		}},
		{"paging ignored", WarningQuery{From: from, To: to, Limit: 1, After: "W-nope", Grade: telecom.GradeHigh}, WarningStats{
			Raised:        3,
			ByGrade:       map[string]int{telecom.GradeHigh: 3},
			Signed:        3,
			ByOutcome:     map[string]int{telecom.OutcomeLossPrevented: 1, telecom.OutcomeAlreadyPaid: 1, telecom.OutcomeDissuaded: 1},
			MedianSignMin: 10,
		}},
		{"empty", WarningQuery{Region: "US"}, WarningStats{ByGrade: map[string]int{}, ByOutcome: map[string]int{}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.WarningStats(ctx, c.q)
			must(t, err)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("WarningStats(%+v) =\n%+v\nwant\n%+v", c.q, got, c.want)
			}
		})
	}
	all, err := s.WarningStats(ctx, WarningQuery{})
	must(t, err)
	if all.Raised != len(specs) || all.Signed != len(specs)-1 {
		t.Fatalf("WarningStats without filters = %+v", all)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{7}, 7},
		{[]float64{9, 1, 5}, 5},
		{[]float64{40, 10, 90, 20}, 30},
	} {
		if got := median(slices.Clone(c.in)); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
