package records

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
)

// drain reads every row, collecting line errors, until EOF or a fatal error.
func drain(t testing.TB, f Format, body []byte, required ...string) (rows []Row, bad []*LineError, fatal error) {
	rd, err := NewReader(bytes.NewReader(body), f, required...)
	if err != nil {
		return nil, nil, err
	}
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return rows, bad, nil
		}
		var le *LineError
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

func TestFormats(t *testing.T) {
	tests := []struct {
		name      string
		format    Format
		body      string
		rows      int
		badLines  []int
		wantFatal string
	}{
		{"csv", CSV, "Kind,Value,extra\nphone,1,x\nphone,\"2,3\",y\n", 2, nil, ""},
		{"csv short row", CSV, "kind,value\nphone,1\nphone\nphone,3\n", 2, []int{3}, ""},
		{"csv missing column", CSV, "kind,other\nphone,1\n", 0, nil, `lacks the required column "value"`},
		{"csv empty", CSV, "", 0, nil, "empty CSV"},
		{"csv bom", CSV, "\ufeffkind,value\nphone,1\n", 1, nil, ""},
		{"ndjson", NDJSON, "{\"kind\":\"phone\",\"value\":\"1\"}\n\n{\"kind\":\"phone\",\"value\":2}\nnot json\n{\"value\":null}", 3, []int{4}, ""},
		{"json array", JSON, `[{"kind":"phone","value":"1"},{"kind":"x","value":true}]`, 2, nil, ""},
		{"json bad element", JSON, `[{"kind":"phone"},7,{"value":"x"}]`, 2, []int{2}, ""},
		{"json object", JSON, `{"kind":"phone"}`, 0, nil, "array of objects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := []string{"kind", "value"}
			rows, bad, err := drain(t, tt.format, []byte(tt.body), req...)
			if tt.wantFatal != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantFatal) {
					t.Fatalf("got %v, want an error with %q", err, tt.wantFatal)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != tt.rows {
				t.Errorf("%d rows, want %d: %+v", len(rows), tt.rows, rows)
			}
			var lines []int
			for _, b := range bad {
				lines = append(lines, b.Line)
			}
			if len(lines) != len(tt.badLines) || (len(lines) > 0 && lines[0] != tt.badLines[0]) {
				t.Errorf("bad lines %v, want %v", lines, tt.badLines)
			}
		})
	}
}

func TestCSVLineNumbers(t *testing.T) {
	rows, _, err := drain(t, CSV, []byte("kind,value\nphone,\"multi\nline\"\nphone,after\n"))
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Line != 2 || rows[1].Line != 4 || rows[0].Get("value") != "multi\nline" {
		t.Errorf("rows %+v", rows)
	}
}

func TestGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("kind,value\nphone,1\n"))
	zw.Close()
	rows, _, err := drain(t, CSV, buf.Bytes())
	if err != nil || len(rows) != 1 || rows[0].Get("value") != "1" {
		t.Fatalf("rows %+v err %v", rows, err)
	}
}

func TestFormatOf(t *testing.T) {
	for _, tt := range []struct {
		ct, name string
		want     Format
		ok       bool
	}{
		{"text/csv; charset=utf-8", "", CSV, true},
		{"application/x-ndjson", "", NDJSON, true},
		{"application/json", "", JSON, true},
		{"", "signals.csv.gz", CSV, true},
		{"", "x.jsonl", NDJSON, true},
		{"image/png", "", 0, false},
	} {
		got, ok := FormatOf(tt.ct, tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("FormatOf(%q,%q) = %v %v", tt.ct, tt.name, got, ok)
		}
	}
}

func FuzzReader(f *testing.F) {
	f.Add(byte(1), []byte("kind,value\nphone,1\n"))
	f.Add(byte(2), []byte("{\"kind\":\"a\"}\n{bad\n"))
	f.Add(byte(3), []byte(`[{"a":1},{"b":[1,2]}]`))
	f.Fuzz(func(t *testing.T, which byte, body []byte) {
		f := Format(which%3 + 1)
		rows, bad, _ := drain(t, f, body)
		for _, r := range rows {
			if r.Line < 1 {
				t.Errorf("row without a line number: %+v", r)
			}
		}
		for _, b := range bad {
			if b.Line < 1 || b.Reason == "" {
				t.Errorf("vague line error %+v", b)
			}
		}
	})
}
