// Package records reads the FORMATS.md interchange shapes — CSV with a
// header row, NDJSON, or a JSON array of objects — as rows of named fields,
// keeping each row's line number so that a bad record can be reported
// precisely while the rest of the file flows on.
package records

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
)

// Format is an encoding of records.
type Format int

// The accepted encodings.
const (
	CSV Format = iota + 1
	NDJSON
	JSON // one JSON array of objects, or one object
)

func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case NDJSON:
		return "ndjson"
	case JSON:
		return "json"
	}
	return "unknown"
}

// FormatOf picks the format from a Content-Type (or a file name when ct is
// empty): text/csv, application/x-ndjson, application/json. ok is false when
// neither names a known format.
func FormatOf(ct, name string) (Format, bool) {
	if ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err == nil {
			switch mt {
			case "text/csv", "application/csv":
				return CSV, true
			case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines":
				return NDJSON, true
			case "application/json":
				return JSON, true
			}
		}
	}
	name = strings.TrimSuffix(strings.ToLower(name), ".gz")
	switch {
	case strings.HasSuffix(name, ".csv"):
		return CSV, true
	case strings.HasSuffix(name, ".ndjson"), strings.HasSuffix(name, ".jsonl"):
		return NDJSON, true
	case strings.HasSuffix(name, ".json"):
		return JSON, true
	}
	return 0, false
}

// Row is one record: its fields by lower-case column name, and the line it
// started on (1-based; for CSV the header is line 1). A CSV row keeps its
// values in the order of the header instead of a map of its own: a map a
// row would cost more than parsing it.
type Row struct {
	Line   int
	Fields map[string]string // NDJSON and JSON rows, and rows built by hand
	cols   map[string]int    // CSV: column positions, shared by every row
	vals   []string
}

// Get returns a field with surrounding space trimmed.
func (r Row) Get(name string) string {
	if r.cols != nil {
		if i, ok := r.cols[name]; ok && i < len(r.vals) {
			return strings.TrimSpace(r.vals[i])
		}
		return ""
	}
	return strings.TrimSpace(r.Fields[name])
}

// LineError is a record that could not be used: where and why.
type LineError struct {
	Line   int    `json:"line"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
}

func (e *LineError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Reason)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
}

// Errorf makes a LineError for a row's field.
func (r Row) Errorf(field, format string, args ...any) *LineError {
	return &LineError{Line: r.Line, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Reader yields rows. Next returns io.EOF at the end, a *LineError for a
// malformed record (call Next again to go on), and any other error when the
// input itself cannot be read any further.
type Reader struct {
	format   Format
	csv      *csv.Reader
	header   []string
	cols     map[string]int
	lines    *bufio.Reader
	line     int
	dec      *json.Decoder
	inArray  bool
	jsonDone bool
}

// MaxLine is the longest NDJSON line accepted.
const MaxLine = 1 << 20

// NewReader reads records of format f from r. A gzip stream (by its magic
// bytes) is unpacked transparently. required names the columns a CSV header
// must have; a missing one is an error naming it.
func NewReader(r io.Reader, f Format, required ...string) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	rd := &Reader{format: f}
	switch f {
	case CSV:
		rd.csv = csv.NewReader(br)
		rd.csv.FieldsPerRecord = -1
		head, err := rd.csv.Read()
		if err == io.EOF {
			return nil, errors.New("empty CSV: the first line must be a header row")
		}
		if err != nil {
			return nil, fmt.Errorf("CSV header: %w", err)
		}
		rd.header = make([]string, len(head))
		rd.cols = make(map[string]int, len(head))
		for i, h := range head {
			rd.header[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
			if _, dup := rd.cols[rd.header[i]]; !dup {
				rd.cols[rd.header[i]] = i // the first of repeated columns wins
			}
		}
		for _, name := range required {
			if !contains(rd.header, name) {
				return nil, fmt.Errorf("CSV header lacks the required column %q (has %s)", name, strings.Join(rd.header, ","))
			}
		}
	case NDJSON:
		rd.lines = br
	case JSON:
		rd.dec = json.NewDecoder(br)
		rd.dec.UseNumber()
	default:
		return nil, fmt.Errorf("unknown record format %d", f)
	}
	return rd, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ReuseRows lets a CSV Reader hand out each Row in the same memory: a
// Row is then valid only until the next call to Next (the strings in it
// stay valid). For readers that turn each row into their own record at
// once — call records, transfers — it saves an allocation per row.
func (r *Reader) ReuseRows() {
	if r.csv != nil {
		r.csv.ReuseRecord = true
	}
}

// Header returns a CSV file's column names, lower case, in file order; nil
// for NDJSON and JSON, whose rows name their own fields. Readers of shapes
// that come in several dialects (block-explorer exports) pick theirs by it.
func (r *Reader) Header() []string { return r.header }

// Next returns the next row.
func (r *Reader) Next() (Row, error) {
	switch r.format {
	case CSV:
		return r.nextCSV()
	case NDJSON:
		return r.nextNDJSON()
	default:
		return r.nextJSON()
	}
}

func (r *Reader) nextCSV() (Row, error) {
	rec, err := r.csv.Read()
	if err == io.EOF {
		return Row{}, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// The csv package cannot resynchronise after a broken quote;
			// report it and stop reading this file.
			return Row{}, fmt.Errorf("line %d: %w", pe.Line, pe.Err)
		}
		return Row{}, err
	}
	line, _ := r.csv.FieldPos(0) // only a record read whole has positions
	if len(rec) != len(r.header) {
		return Row{}, &LineError{Line: line, Reason: fmt.Sprintf("has %d fields, the header has %d", len(rec), len(r.header))}
	}
	return Row{Line: line, cols: r.cols, vals: rec}, nil
}

func (r *Reader) nextNDJSON() (Row, error) {
	for {
		raw, err := r.lines.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			r.line++
			line := r.line
			for err == bufio.ErrBufferFull { // skip the rest of an over-long line
				_, err = r.lines.ReadSlice('\n')
			}
			return Row{}, &LineError{Line: line, Reason: fmt.Sprintf("line longer than %d bytes", MaxLine)}
		}
		if len(raw) == 0 && err == io.EOF {
			return Row{}, io.EOF
		}
		if err != nil && err != io.EOF {
			return Row{}, err
		}
		r.line++
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			if err == io.EOF {
				return Row{}, io.EOF
			}
			continue
		}
		fields, perr := objectFields(raw)
		if perr != nil {
			return Row{}, &LineError{Line: r.line, Reason: perr.Error()}
		}
		return Row{Line: r.line, Fields: fields}, nil
	}
}

func (r *Reader) nextJSON() (Row, error) {
	if r.jsonDone {
		return Row{}, io.EOF
	}
	if !r.inArray {
		tok, err := r.dec.Token()
		if err == io.EOF {
			return Row{}, io.EOF
		}
		if err != nil {
			return Row{}, fmt.Errorf("JSON: %w", err)
		}
		if d, ok := tok.(json.Delim); ok && d == '[' {
			r.inArray = true
		} else if ok && d == '{' {
			// A single object: re-read it whole.
			return Row{}, errors.New("JSON body must be an array of objects; send one object as [ {...} ] or use NDJSON")
		} else {
			return Row{}, fmt.Errorf("JSON body must be an array of objects, found %v", tok)
		}
	}
	if !r.dec.More() {
		r.jsonDone = true
		return Row{}, io.EOF
	}
	r.line++
	var raw json.RawMessage
	if err := r.dec.Decode(&raw); err != nil {
		r.jsonDone = true
		return Row{}, fmt.Errorf("JSON element %d: %w", r.line, err)
	}
	fields, err := objectFields(raw)
	if err != nil {
		return Row{}, &LineError{Line: r.line, Reason: err.Error()}
	}
	return Row{Line: r.line, Fields: fields}, nil
}

// objectFields flattens one JSON object into string fields: strings as they
// are, numbers and booleans in their JSON spelling, null as empty. Nested
// values are kept as their JSON text.
// ObjectRow reads one JSON object as a Row of line n: its fields by
// lower-case name, strings as they are, numbers and booleans in their JSON
// spelling, null as empty — as NDJSON and JSON records are read.
func ObjectRow(raw []byte, n int) (Row, error) {
	fields, err := objectFields(raw)
	if err != nil {
		return Row{}, err
	}
	return Row{Line: n, Fields: fields}, nil
}

func objectFields(raw []byte) (map[string]string, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	fields := make(map[string]string, len(obj))
	for k, v := range obj {
		fields[strings.ToLower(k)] = scalar(v)
	}
	return fields, nil
}

func scalar(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0 || string(v) == "null":
		return ""
	case v[0] == '"':
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	}
	return string(v)
}

// Each calls fn for every row rd yields, until the end of the input. A
// malformed row, or one fn rejects by returning a *LineError, is counted
// in sum and reading goes on; any other error from the input or from fn
// stops it. fn counts the rows it accepts itself (some rows are skipped
// without being wrong).
func Each(rd *Reader, sum *Summary, fn func(Row) error) error {
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		var le *LineError
		if errors.As(err, &le) {
			sum.Reject(le)
			continue
		}
		if err != nil {
			return err
		}
		if err := fn(row); err != nil {
			if errors.As(err, &le) {
				sum.Reject(le)
				continue
			}
			return err
		}
	}
}

// Summary counts what a bulk submission did with its rows.
type Summary struct {
	Accepted int          `json:"accepted"`
	Rejected int          `json:"rejected"`
	Errors   []*LineError `json:"errors,omitempty"` // the first MaxErrors
}

// MaxErrors bounds the row errors kept in a Summary.
const MaxErrors = 1000

// Reject counts a rejected row and keeps its error while there is room.
func (s *Summary) Reject(e *LineError) {
	s.Rejected++
	if len(s.Errors) < MaxErrors {
		s.Errors = append(s.Errors, e)
	}
}
