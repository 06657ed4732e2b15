package worker

import (
	"reflect"
	"testing"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/telecom"
)

func TestWireRoundTrip(t *testing.T) {
	zone := time.FixedZone("", 8*3600)
	in := []telecom.CDR{
		{ID: "a1", Start: time.Date(2026, 11, 20, 9, 15, 0, 0, zone), Caller: indicator.MustParse(indicator.Phone, "+8613800138000"),
			Callee: indicator.MustParse(indicator.Phone, "95588"), Duration: 95 * time.Second, CallerIMEI: "860000000000000",
			CallerIMSI: "460001234567890", Cell: "460-00-1-2", Trunk: "INTL-GW-1", OriginCountry: "PH"},
		{ID: "", Start: time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC), Caller: indicator.MustParse(indicator.Phone, "+639170000000"),
			Callee: indicator.MustParse(indicator.Phone, "+8613900000000"), SMS: true},
	}
	var out []telecom.CDR
	if err := decodeCDRs(encodeCDRs(in), func(c telecom.CDR) { out = append(out, c) }); err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("%d records back, want %d", len(out), len(in))
	}
	for i := range in {
		if !out[i].Start.Equal(in[i].Start) {
			t.Errorf("%d: start %v, want %v", i, out[i].Start, in[i].Start)
		}
		out[i].Start = in[i].Start
		if !reflect.DeepEqual(out[i], in[i]) {
			t.Errorf("%d: %+v, want %+v", i, out[i], in[i])
		}
	}
}

func FuzzDecodeWire(f *testing.F) {
	f.Add(encodeCDRs([]telecom.CDR{{ID: "x", Start: time.Unix(1e9, 0), Caller: indicator.MustParse(indicator.Phone, "+8613800138000"), Callee: indicator.MustParse(indicator.Phone, "+8613800138001")}}))
	f.Add([]byte{1, 200})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeCDRs(data, func(telecom.CDR) {}) // must not panic
	})
}
