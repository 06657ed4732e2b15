package worker

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/simulate"
	"github.com/fanzha/fanzha/store"
	"github.com/fanzha/fanzha/stream"
)

// TestTelecomEndToEnd sends a simulated day of call records through ingest,
// the stream and the detectors, and checks that the fraud lines land in the
// registry as telecom signals, that their victims' warnings are stored and
// routed to the police of their province, and that exposure answers.
func TestTelecomEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	operator, err := st.CreateOrg(ctx, auth.Org{Name: "Eastern Mobile", Sector: auth.Telecom, Created: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	var police []auth.Org
	for _, region := range []string{"", "CN-JS", "CN-BJ"} {
		o, err := st.CreateOrg(ctx, auth.Org{Name: "police " + region, Sector: auth.Police, Region: region, Created: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		police = append(police, o)
	}
	reg, err := registry.Open(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	bus, err := stream.Open(ctx, stream.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	tel, err := NewTelecom(ctx, bus, reg, st, "CN", log)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	stopped := make(chan error, 1)
	go func() { stopped <- tel.Run(runCtx, 50*time.Millisecond) }()

	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(simulate.CDRColumns)
	truth, err := simulate.GenerateTelecom(simulate.TelecomConfig{Subscribers: 20000, Days: 1, Seed: 5, FraudShare: 0.02, Start: time.Now().Add(-26 * time.Hour)}, func(rec []string) error { return w.Write(rec) })
	if err != nil {
		t.Fatal(err)
	}
	w.Flush()
	buf.WriteString("bad,not-a-time,x,y,z\n")
	sum, err := tel.Ingest(ctx, operator, &buf, records.CSV)
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
	for tel.Records() < truth.Records {
		if time.Now().After(deadline) {
			t.Fatalf("the detectors took in %d of %d records", tel.Records(), truth.Records)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-stopped; err != nil {
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
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	op, _ := st.CreateOrg(ctx, auth.Org{Name: "op", Sector: auth.Telecom, Created: time.Now()})
	reg, _ := registry.Open(ctx, st)
	bus, err := stream.Open(ctx, stream.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	tel, err := NewTelecom(ctx, bus, reg, st, "CN", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go tel.Run(runCtx, 20*time.Millisecond)
	msg := []byte(`{"id":"n1","start":"2026-11-20T09:15:00+08:00","caller":"138 0013 8000","callee":"+86 139 0000 0000","duration":"61"}` + "\n" +
		`{"id":"n2","start":"2026-11-20T09:16:00+08:00","caller":"+8613800138000","callee":"13900000001","duration":0}` + "\n" +
		`{"id":"bad","start":"soon"}` + "\n")
	if err := bus.Publish(ctx, CDRSubject+"."+strconv.FormatInt(op.ID, 10), "ext-1", msg); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for tel.Records() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the detectors took in %d of 2 records", tel.Records())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
