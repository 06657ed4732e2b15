package registry

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
)

func readRows(t testing.TB, f records.Format, body string) ([]records.Row, []*records.LineError, error) {
	rd, err := records.NewReader(strings.NewReader(body), f, "kind", "value")
	if err != nil {
		return nil, nil, err
	}
	var rows []records.Row
	var bad []*records.LineError
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return rows, bad, nil
		}
		var le *records.LineError
		if errors.As(err, &le) {
			bad = append(bad, le)
			continue
		}
		if err != nil {
			return rows, bad, err
		}
		rows = append(rows, row)
	}
}

var sub = Submitter{OrgID: 7, Sector: auth.Telecom, DefaultTLP: auth.TLPGreen, Now: now}

func TestParseSignal(t *testing.T) {
	csv := "kind,value,typology,confidence,source,evidence,first_seen,last_seen,expires,tlp\n" +
		"phone,138-0013-8000,task_scam,high,detector:mass_outreach,,2026-11-20T09:15:00+08:00,2026-11-21T09:15:00+08:00,,\n" +
		",HTTP://Task-Earn.TOP/apply,task_scam,0.9,,case:1,,,,amber\n" +
		"card,6222021234567894,,confirmed,investigation,case:1,,,,\n" +
		"phone,12,,,,,,,,\n" +
		"wallet,abc,,,,,,,,\n" +
		"phone,13800138000,bogus,,,,,,,\n" +
		"phone,13800138000,,1000,,,,,,\n" +
		"phone,13800138000,,,,,yesterday,,,\n" +
		"phone,13800138000,,,,,2026-11-21T00:00:00Z,2026-11-20T00:00:00Z,,\n" +
		"phone,13800138000,,,,,,,,PURPLE\n"
	rows, bad, err := readRows(t, records.CSV, csv)
	if err != nil || len(bad) != 0 {
		t.Fatal(err, bad)
	}
	var good []Signal
	var errs []*records.LineError
	for _, r := range rows {
		s, le := sub.ParseSignal(r)
		if le != nil {
			errs = append(errs, le)
			continue
		}
		good = append(good, s)
	}
	if len(good) != 3 {
		t.Fatalf("accepted %d rows, want 3; errors %v", len(good), errs)
	}
	if got := good[0].Indicator.String(); got != "phone:+8613800138000" {
		t.Errorf("normalised to %s", got)
	}
	if good[1].Indicator.Kind() != indicator.URL || good[1].TLP != auth.TLPAmber || good[1].Confidence != 0.9 {
		t.Errorf("detected row: %+v", good[1])
	}
	if !good[2].Confirmed || good[2].Confidence != 1 {
		t.Errorf("confirmed row: %+v", good[2])
	}
	wantFields := []string{"value", "kind", "typology", "confidence", "first_seen", "last_seen", "tlp"}
	if len(errs) != len(wantFields) {
		t.Fatalf("got %d errors, want %d: %v", len(errs), len(wantFields), errs)
	}
	for i, e := range errs {
		if e.Field != wantFields[i] || e.Line != i+5 {
			t.Errorf("error %d: line %d field %q (%s), want line %d field %q", i, e.Line, e.Field, e.Reason, i+5, wantFields[i])
		}
	}
	// Re-sending a row without an id gives it the same ID.
	again, _ := sub.ParseSignal(rows[0])
	if again.ID != good[0].ID {
		t.Errorf("derived IDs differ: %s vs %s", again.ID, good[0].ID)
	}
	// Another organisation sending the same row makes another signal.
	other := sub
	other.OrgID = 8
	if s, _ := other.ParseSignal(rows[0]); s.ID == good[0].ID {
		t.Error("two organisations' signals share an ID")
	}
}

func TestLinkByEvidence(t *testing.T) {
	a, b, c := indicator.MustParse(indicator.Phone, "+8613800138000"), indicator.MustParse(indicator.Domain, "task-earn.top"), indicator.MustParse(indicator.Card, "6222021234567894")
	sigs := []Signal{
		{Indicator: a, Evidence: "case:1", TLP: auth.TLPGreen},
		{Indicator: b, Evidence: "case:1", TLP: auth.TLPAmber},
		{Indicator: c, Evidence: "case:2", TLP: auth.TLPGreen},
		{Indicator: c},
	}
	links := LinkByEvidence(sigs, 7, now)
	if len(links) != 1 {
		t.Fatalf("got %d links, want 1: %+v", len(links), links)
	}
	if links[0].TLP != auth.TLPAmber {
		t.Errorf("link TLP %s, want the stricter AMBER", links[0].TLP)
	}
	if links[0].A.String() > links[0].B.String() {
		t.Error("link sides not ordered")
	}
}

func TestReportSignals(t *testing.T) {
	good := func() Report {
		return Report{ID: "R-1", Time: now, Region: "CN-JS", Typology: "task_scam", Received: now,
			Loss:     &Money{Amount: "38000.00", Currency: "CNY"},
			Payments: []Payment{{Amount: "20000.00", Rail: "bank", From: "6222000011112222", To: "6217 0000 1234 5678"}},
			Contacts: []Contact{{Kind: "phone", Value: "+63 917 000 0000"}, {Value: "http://job-example.top/apply"}}}
	}
	r := good()
	inds, sigs, links, err := ReportSignals(&r, 0, auth.Public, indicator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(inds) != 3 || len(sigs) != 3 || len(links) != 3 {
		t.Fatalf("inds %d sigs %d links %d, want 3 3 3", len(inds), len(sigs), len(links))
	}
	for _, s := range sigs {
		if s.TLP != auth.TLPClear || s.ReportID != "R-1" || s.Confidence != publicReportConf {
			t.Errorf("public report signal %+v", s)
		}
		if strings.Contains(s.Indicator.Value(), "62220000") {
			t.Error("the victim's own account became a suspect signal")
		}
	}
	bad := []struct {
		field string
		mod   func(*Report)
	}{
		{"typology", func(r *Report) { r.Typology = "scam" }},
		{"region", func(r *Report) { r.Region = "Jiangsu" }},
		{"loss.amount", func(r *Report) { r.Loss.Amount = "-5" }},
		{"payments[0].amount", func(r *Report) { r.Payments[0].Amount = "1,000" }},
		{"payments[0].to", func(r *Report) { r.Payments[0].To = "" }},
		{"contacts[0].kind", func(r *Report) { r.Contacts[0].Kind = "pager" }},
		{"contacts[0].value", func(r *Report) { r.Contacts[0].Value = "12" }},
	}
	for _, tt := range bad {
		t.Run(tt.field, func(t *testing.T) {
			r := good()
			tt.mod(&r)
			_, _, _, err := ReportSignals(&r, 0, auth.Public, indicator.Options{})
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("got %v, want a FieldError on %s", err, tt.field)
			}
		})
	}
}

func TestMaskedReport(t *testing.T) {
	r := Report{Reporter: &Reporter{Name: "王芳", Phone: "+8613912345678", Email: "wang@example.com"},
		Payments: []Payment{{From: "6222000011112222", To: "6217000012345678", Amount: "1"}}}
	m := r.Masked()
	if m.Reporter.Name == r.Reporter.Name || m.Reporter.Phone == r.Reporter.Phone || m.Payments[0].From == r.Payments[0].From {
		t.Errorf("not masked: %+v %+v", m.Reporter, m.Payments)
	}
	if m.Payments[0].To != r.Payments[0].To {
		t.Error("the suspect's account was masked")
	}
	if r.Reporter.Name != "王芳" || r.Payments[0].From != "6222000011112222" {
		t.Error("masking changed the original")
	}
}

func FuzzParseSignal(f *testing.F) {
	f.Add("phone,138-0013-8000,task_scam,high,x,,2026-11-20T09:15:00+08:00,,,GREEN")
	f.Add(",hxxp://a[.]top,,0.5,,,,,,")
	f.Add("eth,0x52908400098527886E0F7030069857D2E4169EE7,investment,confirmed,,,,,2030-01-01T00:00:00Z,red")
	f.Fuzz(func(t *testing.T, line string) {
		rows, _, err := readRows(t, records.CSV, "kind,value,typology,confidence,source,evidence,first_seen,last_seen,expires,tlp\n"+line)
		if err != nil {
			return
		}
		for _, r := range rows {
			s, le := sub.ParseSignal(r)
			if le != nil {
				if le.Line < 2 || le.Reason == "" {
					t.Errorf("vague error %+v", le)
				}
				continue
			}
			if s.ID == "" || s.Indicator.IsZero() || s.Confidence < 0 || s.Confidence > 1 {
				t.Errorf("accepted a bad signal %+v", s)
			}
		}
	})
}
