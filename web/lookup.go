package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/registry"
)

// MaxBatch is the most indicators one batch lookup may ask for.
const MaxBatch = 10_000

const maxLookupBody = 8 << 20

// parseQuery reads an indicator from the q (and optional kind) parameters.
func (s *Server) parseQuery(q, kind string) (indicator.Indicator, error) {
	if strings.TrimSpace(q) == "" {
		return indicator.Indicator{}, errorf(CodeInvalid, "q", "give the indicator to look up in q")
	}
	if kind == "" {
		return s.opts.Parse.Detect(q)
	}
	k, err := indicator.ParseKind(kind)
	if err != nil {
		return indicator.Indicator{}, errorf(CodeInvalid, "kind", err.Error())
	}
	return s.opts.Parse.Parse(k, q)
}

// lookupAnswer is the answer to one lookup. The formatting details of the
// profile are left out: libphonenumber's formatting costs more than the
// lookup itself, and this is the hot path.
type lookupAnswer struct {
	Kind  string        `json:"kind"`
	Value string        `json:"value"`
	Known bool          `json:"known"`
	Risk  registry.Risk `json:"risk"`
}

// lookupOne answers GET /api/v1/lookup?q=…[&kind=…] with risk and reasons.
func (s *Server) lookupOne(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	ind, err := s.parseQuery(r.URL.Query().Get("q"), r.URL.Query().Get("kind"))
	if err != nil {
		return withField(err, "q")
	}
	sum, known := s.registry.Lookup(ind, p)
	if err := s.record(r, s.entry(p, "lookup", ind.String(), verdictDetail(known, sum))); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, lookupAnswer{
		Kind: ind.Kind().String(), Value: ind.Value(), Known: known,
		Risk: sum.Risk(ind.Kind(), s.registry.Now()),
	})
	return nil
}

func verdictDetail(known bool, s registry.Summary) string {
	if !known {
		return "not known"
	}
	return "score " + strconv.Itoa(s.Score) + " " + s.Verdict()
}

// withField names the request field an indicator error came from.
func withField(err error, field string) error {
	if e := classify(err); e != nil && e.Field == "" {
		e2 := *e
		e2.Field = field
		return &e2
	}
	return err
}

// batchItem is one indicator asked for in a batch: q alone (kind detected),
// or kind and value.
type batchItem struct {
	Q    string
	Kind string
}

func (b *batchItem) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		return json.Unmarshal(data, &b.Q)
	}
	var obj struct{ Q, Value, Kind string }
	if err := json.Unmarshal(data, &obj); err != nil {
		return err
	}
	b.Q, b.Kind = obj.Q, obj.Kind
	if b.Q == "" {
		b.Q = obj.Value
	}
	return nil
}

// lookupBatch answers POST /api/v1/lookup for up to MaxBatch indicators:
// a JSON array (or {"items": [...]}) of strings or {"kind","value"}
// objects, NDJSON of the same, or text/plain with one indicator a line.
// ?kind= applies to items that name none. The answer is JSON, or NDJSON
// when the request asks for it with Accept.
func (s *Server) lookupBatch(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxLookupBody)
	items, err := readBatch(r)
	if err != nil {
		return err
	}
	defKind := r.URL.Query().Get("kind")
	if defKind != "" {
		if _, err := indicator.ParseKind(defKind); err != nil {
			return errorf(CodeInvalid, "kind", err.Error())
		}
	}
	results := make([]batchResult, len(items))
	now := s.registry.Now().Unix()
	parallel(len(items), func(lo, hi int) {
		inds := make([]indicator.Indicator, 0, hi-lo)
		at := make([]int, 0, hi-lo)
		for i := lo; i < hi; i++ {
			it := items[i]
			if it.Kind == "" {
				it.Kind = defKind
			}
			res := &results[i]
			res.q = it.Q
			ind, err := s.parseQuery(it.Q, it.Kind)
			if err != nil {
				res.err = err.Error()
				continue
			}
			res.ind = ind
			inds = append(inds, ind)
			at = append(at, i)
		}
		found := make([]registry.Result, len(inds))
		s.registry.Index().LookupMany(inds, p, now, found)
		for j, i := range at {
			results[i].sum, results[i].known = found[j].Summary, found[j].Found
		}
	})
	hits, known := auditHits(results)
	if err := s.record(r, s.entry(p, "lookup.batch", "batch:"+strconv.Itoa(len(items)), hits)); err != nil {
		return err
	}
	ndjson := strings.Contains(r.Header.Get("Accept"), "ndjson")
	buf := make([]byte, 0, 64*len(results)+64)
	if ndjson {
		w.Header().Set("Content-Type", "application/x-ndjson")
		for i := range results {
			buf = results[i].appendJSON(buf)
			buf = append(buf, '\n')
		}
	} else {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		buf = append(buf, `{"count":`...)
		buf = strconv.AppendInt(buf, int64(len(results)), 10)
		buf = append(buf, `,"known":`...)
		buf = strconv.AppendInt(buf, int64(known), 10)
		buf = append(buf, `,"results":[`...)
		for i := range results {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = results[i].appendJSON(buf)
		}
		buf = append(buf, "]}\n"...)
	}
	w.Write(buf) // an error means the client went away: nothing to tell it
	return nil
}

// auditHits lists the known indicators of a batch for its audit entry: a
// miss reveals nothing, a hit is what a reader learned.
func auditHits(results []batchResult) (string, int) {
	var b strings.Builder
	n := 0
	for i := range results {
		if !results[i].known {
			continue
		}
		n++
		if b.Len() < 60_000 {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(results[i].ind.String())
		}
	}
	return strconv.Itoa(n) + " known: " + b.String(), n
}

type batchResult struct {
	q     string
	ind   indicator.Indicator
	known bool
	sum   registry.Summary
	err   string
}

// appendJSON writes one result by hand: batch answers are the hot path and
// reflection would cost more than the lookups themselves.
func (b *batchResult) appendJSON(buf []byte) []byte {
	buf = append(buf, `{"q":`...)
	buf = strconv.AppendQuote(buf, b.q)
	if b.err != "" {
		buf = append(buf, `,"error":{"code":"invalid","message":`...)
		buf = strconv.AppendQuote(buf, b.err)
		return append(buf, "}}"...)
	}
	buf = append(buf, `,"kind":"`...)
	buf = append(buf, b.ind.Kind().String()...)
	buf = append(buf, `","value":`...)
	buf = strconv.AppendQuote(buf, b.ind.Value())
	if !b.known {
		return append(buf, `,"known":false}`...)
	}
	buf = append(buf, `,"known":true,"score":`...)
	buf = strconv.AppendInt(buf, int64(b.sum.Score), 10)
	buf = append(buf, `,"level":"`...)
	buf = append(buf, b.sum.Level()...)
	buf = append(buf, `","verdict":"`...)
	buf = append(buf, b.sum.Verdict()...)
	buf = append(buf, `","typologies":[`...)
	for i, t := range b.sum.Typologies() {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '"')
		buf = append(buf, t...)
		buf = append(buf, '"')
	}
	return append(buf, "]}"...)
}

// readBatch decodes the items of a batch lookup in any accepted form.
func readBatch(r *http.Request) ([]batchItem, error) {
	ct := r.Header.Get("Content-Type")
	var items []batchItem
	tooMany := errorf(CodeTooLarge, "", "a batch lookup takes at most "+strconv.Itoa(MaxBatch)+" indicators")
	switch {
	case strings.HasPrefix(ct, "text/plain"):
		sc := bufio.NewScanner(r.Body)
		sc.Buffer(make([]byte, 64<<10), 64<<10)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			if len(items) == MaxBatch {
				return nil, tooMany
			}
			items = append(items, batchItem{Q: line})
		}
		if err := sc.Err(); err != nil {
			return nil, bodyErr(err)
		}
	case strings.Contains(ct, "ndjson") || strings.Contains(ct, "jsonl"):
		var err error
		if items, err = readNDJSONItems(r.Body, tooMany); err != nil {
			return nil, err
		}
	default:
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, bodyErr(err)
		}
		body = bytes.TrimSpace(body)
		if len(body) > 0 && body[0] == '{' {
			var wrapped struct {
				Items []batchItem `json:"items"`
			}
			err = json.Unmarshal(body, &wrapped)
			items = wrapped.Items
		} else {
			err = json.Unmarshal(body, &items)
		}
		if err != nil {
			return nil, errorf(CodeInvalid, "items", "want a JSON array of indicators (strings or {\"kind\",\"value\"} objects): "+err.Error())
		}
		if len(items) > MaxBatch {
			return nil, tooMany
		}
	}
	if len(items) == 0 {
		return nil, errorf(CodeInvalid, "items", "no indicators to look up")
	}
	return items, nil
}

func readNDJSONItems(body io.Reader, tooMany error) ([]batchItem, error) {
	var items []batchItem
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	line := 0
	for sc.Scan() {
		line++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		if len(items) == MaxBatch {
			return nil, tooMany
		}
		var it batchItem
		if err := json.Unmarshal(raw, &it); err != nil {
			return nil, errorf(CodeInvalid, "line "+strconv.Itoa(line), "not a JSON string or object: "+err.Error())
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, bodyErr(err)
	}
	return items, nil
}

func bodyErr(err error) error {
	if e := classify(err); e != nil {
		return e
	}
	return errorf(CodeInvalid, "", "cannot read the request body: "+err.Error())
}

// parallel splits n items across the CPUs; batch lookups are CPU-bound
// (parsing) and the index takes concurrent readers.
func parallel(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 256 || workers == 1 {
		fn(0, n)
		return
	}
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		wg.Go(func() { fn(lo, min(lo+chunk, n)) })
	}
	wg.Wait()
}
