package telecom

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
)

func row(line int, kv ...string) records.Row {
	r := records.Row{Line: line, Fields: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Fields[kv[i]] = kv[i+1]
	}
	return r
}

// base is a good row; tests override fields.
var baseRow = []string{"id", "c1", "start", "2026-11-20T09:15:00+08:00", "caller", "138 0013 8000", "callee", "+86-139-1234-5678", "duration", "42"}

func TestParseCDR(t *testing.T) {
	tests := []struct {
		name      string
		kv        []string // overrides of baseRow
		wantField string   // "" = parses
		check     func(t *testing.T, c CDR)
	}{
		{"minimal voice", nil, "", func(t *testing.T, c CDR) {
			if c.Caller.Value() != "+8613800138000" || c.Callee.Value() != "+8613912345678" {
				t.Errorf("numbers %v %v", c.Caller, c.Callee)
			}
			if c.Duration != 42*time.Second || c.SMS || !c.Answered() || c.ID != "c1" {
				t.Errorf("%+v", c)
			}
			if !c.Start.Equal(time.Date(2026, 11, 20, 1, 15, 0, 0, time.UTC)) {
				t.Errorf("start %v", c.Start)
			}
		}},
		{"all columns", []string{"type", "SMS", "duration", "0", "caller_imei", " 356938035643809 ", "caller_imsi", "460001234567890", "cell", "46000-1234-5678", "trunk", "INTL-3", "origin_country", "ph"}, "", func(t *testing.T, c CDR) {
			if !c.SMS || c.Answered() || c.CallerIMEI != "356938035643809" || c.CallerIMSI != "460001234567890" || c.Cell != "46000-1234-5678" || c.Trunk != "INTL-3" || c.OriginCountry != "PH" {
				t.Errorf("%+v", c)
			}
		}},
		{"bank short code kept", []string{"caller", "95588", "type", "sms", "duration", "0"}, "", func(t *testing.T, c CDR) {
			if c.Caller.Value() != "95588" || c.Caller.Kind() != indicator.Phone {
				t.Errorf("caller %v", c.Caller)
			}
		}},
		{"sms service sender", []string{"caller", "1069 0000 95588"}, "", func(t *testing.T, c CDR) {
			if c.Caller.Value() != "1069000095588" {
				t.Errorf("caller %v", c.Caller)
			}
		}},
		{"international", []string{"caller", "+63 917 000 0000"}, "", func(t *testing.T, c CDR) {
			if c.Caller.Value() != "+639170000000" {
				t.Errorf("caller %v", c.Caller)
			}
		}},
		{"fractional seconds in start", []string{"start", "2026-11-20T09:15:00.250Z"}, "", nil},
		{"type voice upper case", []string{"type", "VOICE"}, "", nil},
		{"missing id", []string{"id", " "}, "id", nil},
		{"missing start", []string{"start", ""}, "start", nil},
		{"missing caller", []string{"caller", ""}, "caller", nil},
		{"missing callee", []string{"callee", ""}, "callee", nil},
		{"missing duration", []string{"duration", ""}, "duration", nil},
		{"bad start", []string{"start", "20/11/2026 09:15"}, "start", nil},
		{"start without zone", []string{"start", "2026-11-20T09:15:00"}, "start", nil},
		{"bad caller", []string{"caller", "call me maybe"}, "caller", nil},
		{"bad callee", []string{"callee", "12"}, "callee", nil},
		{"negative duration", []string{"duration", "-3"}, "duration", nil},
		{"fractional duration", []string{"duration", "1.5"}, "duration", nil},
		{"huge duration", []string{"duration", "99999999999"}, "duration", nil},
		{"unknown type", []string{"type", "fax"}, "type", nil},
		{"origin three letters", []string{"origin_country", "PHL"}, "origin_country", nil},
		{"origin digits", []string{"origin_country", "63"}, "origin_country", nil},
		{"long imei", []string{"caller_imei", strings.Repeat("9", 100)}, "caller_imei", nil},
		{"long id", []string{"id", strings.Repeat("x", 300)}, "id", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kv := append(append([]string(nil), baseRow...), tt.kv...)
			c, le := ParseCDR(row(7, kv...), indicator.Options{})
			if tt.wantField != "" {
				if le == nil {
					t.Fatalf("parsed %+v, want an error on %s", c, tt.wantField)
				}
				if le.Field != tt.wantField || le.Line != 7 || le.Reason == "" {
					t.Fatalf("error %+v, want field %s on line 7", le, tt.wantField)
				}
				return
			}
			if le != nil {
				t.Fatalf("error %v", le)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestParseCDRRegion(t *testing.T) {
	c, le := ParseCDR(row(2, "id", "x", "start", "2026-11-20T09:15:00+08:00", "caller", "0917 000 0000", "callee", "+86 138 0013 8000", "duration", "0"), indicator.Options{DefaultRegion: "PH"})
	if le != nil || c.Caller.Value() != "+639170000000" {
		t.Fatalf("%v %v", c.Caller, le)
	}
}

const cdrCSV = `id,start,caller,callee,duration,type,origin_country,extra
1,2026-11-20T09:15:00+08:00,138 0013 8000,139 1234 5678,60,voice,,x
2,2026-11-20T09:16:00+08:00,95588,139 1234 5678,0,sms,,x
3,not a time,138 0013 8000,139 1234 5678,60,voice,,x
4,2026-11-20T09:17:00+08:00,138 0013 8000,,60,voice,,x
5,2026-11-20T09:18:00+08:00,138 0013 8000,139 1234 5678,60
6,2026-11-20T09:19:00+08:00,+63 917 000 0000,139 1234 5678,0,voice,ph,x
`

func TestReadCDRs(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(cdrCSV))
	zw.Close()
	nd := `{"id":"1","start":"2026-11-20T09:15:00+08:00","caller":"13800138000","callee":"13912345678","duration":60}
{"id":"2","start":"2026-11-20T09:15:00+08:00","caller":"13800138000","callee":"13912345678","duration":-1}
{broken
{"id":"3","start":"2026-11-20T09:15:00+08:00","caller":"13800138000","callee":"13912345678","duration":"0","type":"sms"}
`
	tests := []struct {
		name      string
		body      []byte
		format    records.Format
		accepted  int
		badLines  []int
		badFields []string
	}{
		{"csv", []byte(cdrCSV), records.CSV, 3, []int{4, 5, 6}, []string{"start", "callee", ""}},
		{"csv gzip", gz.Bytes(), records.CSV, 3, []int{4, 5, 6}, []string{"start", "callee", ""}},
		{"ndjson", []byte(nd), records.NDJSON, 2, []int{2, 3}, []string{"duration", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []CDR
			sum, err := ReadCDRs(bytes.NewReader(tt.body), tt.format, indicator.Options{}, func(c CDR) error {
				got = append(got, c)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Accepted != tt.accepted || len(got) != tt.accepted || sum.Rejected != len(tt.badLines) {
				t.Fatalf("summary %+v, %d rows", sum, len(got))
			}
			for i, le := range sum.Errors {
				if le.Line != tt.badLines[i] || le.Field != tt.badFields[i] {
					t.Errorf("error %d: %v, want line %d field %q", i, le, tt.badLines[i], tt.badFields[i])
				}
			}
		})
	}
}

func TestReadCDRsErrors(t *testing.T) {
	_, err := ReadCDRs(strings.NewReader("id,start,caller,callee\n"), records.CSV, indicator.Options{}, func(CDR) error { return nil })
	if err == nil || !strings.Contains(err.Error(), `"duration"`) {
		t.Errorf("missing column: %v", err)
	}
	stop := errors.New("stop")
	sum, err := ReadCDRs(strings.NewReader(cdrCSV), records.CSV, indicator.Options{}, func(CDR) error { return stop })
	if err != stop || sum.Accepted != 0 {
		t.Errorf("fn error: %v %+v", err, sum)
	}
}

func FuzzParseCDR(f *testing.F) {
	f.Add("c1", "2026-11-20T09:15:00+08:00", "138 0013 8000", "95588", "42", "sms", "PH", "INTL-1")
	f.Add("", "x", "+", "+86", "-1", "fax", "p", "")
	f.Add("id", "2026-11-20T09:15:00Z", "+63 917 000 0000", "1069000012345", "0", "voice", "cn", "igw")
	f.Fuzz(func(t *testing.T, id, start, caller, callee, dur, typ, origin, trunk string) {
		r := row(3, "id", id, "start", start, "caller", caller, "callee", callee, "duration", dur, "type", typ, "origin_country", origin, "trunk", trunk)
		c, le := ParseCDR(r, indicator.Options{})
		if le != nil {
			if le.Line != 3 || le.Field == "" || le.Reason == "" {
				t.Fatalf("vague error %+v", le)
			}
			return
		}
		if c.ID == "" || c.Start.IsZero() && start == "" || c.Duration < 0 {
			t.Fatalf("bad CDR %+v", c)
		}
		if c.Caller.Kind() != indicator.Phone || c.Callee.Kind() != indicator.Phone {
			t.Fatalf("numbers %v %v", c.Caller, c.Callee)
		}
		if c.OriginCountry != "" && (len(c.OriginCountry) != 2 || strings.ToUpper(c.OriginCountry) != c.OriginCountry) {
			t.Fatalf("origin %q", c.OriginCountry)
		}
		// The engine takes whatever parses.
		e := NewEngine(Config{})
		e.Add(c)
		e.Flush()
	})
}

// TestParseTime holds the fast path to what time.Parse says.
func TestParseTime(t *testing.T) {
	for _, s := range []string{
		"2026-11-20T09:15:00+08:00", "2026-11-20T09:15:00Z", "2026-11-20T09:15:00-05:30", "2024-02-29T23:59:59+00:00",
		"2026-04-31T09:15:00+08:00", "2026-13-20T09:15:00+08:00", "2026-11-20T24:15:00+08:00", "2026-11-20 09:15:00+08:00",
		"2026-11-20T09:15:00.5+08:00", "2026-11-20T09:15:00+0800", "2026-11-20T09:15:00+08:60", "x026-11-20T09:15:00+08:00",
		"2026-11-20T09:15:00z", "",
	} {
		want, werr := time.Parse(time.RFC3339, s)
		got, gerr := parseTime(s)
		if (werr == nil) != (gerr == nil) || werr == nil && (!got.Equal(want) || got.Format(time.RFC3339) != want.Format(time.RFC3339)) {
			t.Errorf("parseTime(%q) = %v, %v; time.Parse = %v, %v", s, got, gerr, want, werr)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	f.Add("2026-11-20T09:15:00+08:00")
	f.Add("2026-11-20T09:15:00Z")
	f.Fuzz(func(t *testing.T, s string) {
		want, werr := time.Parse(time.RFC3339, s)
		got, gerr := parseTime(s)
		if (werr == nil) != (gerr == nil) || werr == nil && !got.Equal(want) {
			t.Fatalf("parseTime(%q) = %v, %v; time.Parse = %v, %v", s, got, gerr, want, werr)
		}
	})
}
