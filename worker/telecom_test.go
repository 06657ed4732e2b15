package worker

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/simulate"
	"github.com/fanzha/fanzha/store"
)

// TestTelecomEndToEnd sends a simulated day of call records through ingest,
// the stream and the detectors, and checks that the fraud lines land in the
// registry as telecom signals, that their victims' warnings are stored and
// routed to the police of their province, and that exposure answers.
func TestTelecomEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := newPipeline(t, "", 50*time.Millisecond)
	st, reg, tel := p.store, p.registry, p.tel
	var police []auth.Org
	for _, region := range []string{"", "CN-JS", "CN-BJ"} {
		o, err := st.CreateOrg(ctx, auth.Org{Name: "police " + region, Sector: auth.Police, Region: region, Created: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		police = append(police, o)
	}
	data, truth := scenario(t, simulate.TelecomConfig{Subscribers: 20000, Days: 1, Seed: 5, FraudShare: 0.02, Start: time.Now().Add(-26 * time.Hour)})
	data = append(data, "bad,not-a-time,x,y,z\n"...)
	sum, err := tel.Ingest(ctx, p.operator, bytes.NewReader(data), records.CSV)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Accepted != truth.Records || sum.Rejected != 1 || sum.Errors[0].Line != truth.Records+2 {
		t.Fatalf("ingest summary %+v, want %d accepted and the last line rejected", sum, truth.Records)
	}
	// Every fraud line becomes a telecom signal the registry answers for.
	viewer := auth.Principal{Org: auth.Org{ID: 999, Sector: auth.Finance}, Role: auth.Analyst}
	deadline := time.Now().Add(30 * time.Second)
	for _, l := range truth.FraudLines {
		ind, err := indicator.Detect(l.Number)
		if err != nil {
			t.Fatal(err)
		}
		for {
			if s, ok := reg.Lookup(ind, viewer); ok && s.Score >= 40 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("fraud line %s (%s) never reached the registry", l.Number, l.Kind)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	p.waitRecords(t, truth.Records, time.Until(deadline))
	if err := p.stop(); err != nil {
		t.Fatal(err)
	}
	ws, err := st.SearchWarnings(ctx, store.WarningQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) < len(truth.Victims)*9/10 {
		t.Errorf("%d warnings stored for %d victims", len(ws), len(truth.Victims))
	}
	routed := 0
	for _, x := range ws {
		if x.Region == "" || x.OrgID == 0 {
			continue
		}
		routed++
		want := police[0].ID
		switch x.Region {
		case "CN-JS":
			want = police[1].ID
		case "CN-BJ":
			want = police[2].ID
		}
		if x.OrgID != want {
			t.Errorf("warning for a subscriber in %s routed to org %d, want %d", x.Region, x.OrgID, want)
		}
	}
	if routed == 0 {
		t.Error("no warning was routed")
	}
	// Exposure: a victim was in contact with a suspect.
	v := truth.Victims[0]
	sub, _ := indicator.Detect(v.Subscriber)
	if got := tel.Exposure(sub, v.FirstContact.Add(-time.Hour)); len(got) == 0 {
		t.Errorf("no exposure for victim %s of %s", v.Subscriber, v.Suspect)
	}
}

func TestRouteTo(t *testing.T) {
	orgs := []auth.Org{
		{ID: 1, Sector: auth.Police},
		{ID: 2, Sector: auth.Police, Region: "CN-JS"},
		{ID: 3, Sector: auth.Finance, Region: "CN-ZJ"},
		{ID: 4, Sector: auth.Police, Region: "CN"},
	}
	for _, tt := range []struct {
		region string
		want   int64
	}{{"CN-JS", 2}, {"CN-ZJ", 4}, {"PH", 1}, {"", 1}} {
		if got := RouteTo(orgs, tt.region); got != tt.want {
			t.Errorf("RouteTo(%q) = %d, want %d", tt.region, got, tt.want)
		}
	}
	if got := RouteTo(orgs[2:3], "CN-ZJ"); got != 0 {
		t.Errorf("routed to a bank: %d", got)
	}
}

// TestStreamNDJSON: an operator's system publishing `cdr` records as NDJSON
// straight to fanzha.cdr.<organisation id> reaches the detectors too.
func TestStreamNDJSON(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := newPipeline(t, "", 20*time.Millisecond)
	msg := []byte(`{"id":"n1","start":"2026-11-20T09:15:00+08:00","caller":"138 0013 8000","callee":"+86 139 0000 0000","duration":"61"}` + "\n" +
		`{"id":"n2","start":"2026-11-20T09:16:00+08:00","caller":"+8613800138000","callee":"13900000001","duration":0}` + "\n" +
		`{"id":"bad","start":"soon"}` + "\n")
	if err := p.tel.bus.Publish(ctx, CDRSubject+"."+strconv.FormatInt(p.operator.ID, 10), "ext-1", msg); err != nil {
		t.Fatal(err)
	}
	p.waitRecords(t, 2, 10*time.Second)
}
