package web

// Messages read for scams: POST /api/v1/classify for the organisations
// (internet platforms and operators screening texts in bulk, police reading
// what a victim forwarded) and POST /public/v1/check for a person who pastes
// a message they received.
//
// Both run the same three readings of a text: the content classifier
// (content.Classify: scam or not, which typology, why), the indicator
// extractor (content.Extract: the numbers, links, handles, accounts and
// wallets it asks the reader to contact or pay) and the lookalike check of
// every domain found (content.Checker). What the registry knows about each
// indicator comes from the same lookup the other endpoints use, as the
// caller may see it.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/content"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/registry"
)

// Limits of the message endpoints.
const (
	// MaxClassifyBatch is the most messages one POST /api/v1/classify takes.
	MaxClassifyBatch = 10_000
	maxClassifyBody  = 32 << 20 // a full batch of SMS and chats, with room
	maxMessageText   = 64 << 10 // one message: a long e-mail or job ad

	// The public check takes what a person pastes from one message. 4 KB of
	// text is about 1,300 Chinese characters; the body may be larger, since
	// JSON may spell each Chinese character as a six-byte \u escape.
	maxPublicText      = 4 << 10
	maxPublicCheckBody = 32 << 10
	maxPublicFound     = 20 // indicators looked up for one pasted message
)

// classifierTrust scales a classifier score into a signal's confidence: a
// machine reading of one message is evidence, not a confirmation, so even
// a certain-looking text gives at most 0.7 ("medium-high"). Several
// organisations' classifiers, or an analyst's signal, add up in the
// registry as independent witnesses do.
const classifierTrust = 0.7

// classifierSource is the source of the signals the classifier submits.
const classifierSource = "classifier"

// contentKit is the lookalike checker and the official domains of its
// brands, built once on first use (indexing the brands takes a few
// milliseconds, which a server that never reads a message need not spend).
type contentKit struct {
	checker  *content.Checker
	official map[string]string // official domain → brand
	mainSite map[string]string // brand → its main domain
}

var loadContentKit = sync.OnceValues(func() (*contentKit, error) {
	brands := content.DefaultBrands()
	c, err := content.NewChecker(brands)
	if err != nil {
		return nil, err
	}
	k := &contentKit{checker: c, official: map[string]string{}, mainSite: map[string]string{}}
	for _, b := range brands {
		for i, d := range b.Domains {
			d = strings.ToLower(strings.TrimSuffix(d, "."))
			if ind, err := indicator.Parse(indicator.Domain, d); err == nil {
				d = ind.Value()
			}
			k.official[d] = b.Name
			if i == 0 {
				k.mainSite[b.Name] = d
			}
		}
	}
	return k, nil
})

// officialBrand names the brand whose official domain host is (or is
// under), "" when none.
func (k *contentKit) officialBrand(host string) string {
	for d := host; d != ""; {
		if b, ok := k.official[d]; ok {
			return b
		}
		_, rest, ok := strings.Cut(d, ".")
		if !ok {
			break
		}
		d = rest
	}
	return ""
}

// reading is what the three readings found in one text.
type reading struct {
	verdict    content.Verdict
	found      []content.Found
	derived    []bool              // per found: the domain of a link, not written alone
	lookalikes []content.Lookalike // one per distinct domain, in order of appearance
	lookOf     []int               // per found: index into lookalikes, -1 for none
	official   []string            // per found: the brand whose official domain it is, or ""
}

// readText classifies text, extracts its indicators and checks every domain,
// URL host and e-mail domain among them for lookalikes.
//
// The domain of each link is added after the link (unless the text names
// it too): the registry keeps links and domains apart, and a site is more
// often known by its domain than by the one page a message points at.
func (s *Server) readText(text, channel string) (reading, error) {
	kit, err := loadContentKit()
	if err != nil {
		return reading{}, err
	}
	v, err := content.Classify(text, channel)
	if err != nil {
		return reading{}, err
	}
	rd := reading{verdict: v}
	found := content.Extract(text, s.opts.Parse)
	for _, f := range found {
		rd.found = append(rd.found, f)
		rd.derived = append(rd.derived, false)
		if f.Indicator.Kind() != indicator.URL {
			continue
		}
		d, err := indicator.Parse(indicator.Domain, hostOf(f.Indicator))
		if err != nil || slices.ContainsFunc(found, func(g content.Found) bool { return g.Indicator == d }) ||
			slices.ContainsFunc(rd.found, func(g content.Found) bool { return g.Indicator == d }) {
			continue
		}
		rd.found = append(rd.found, content.Found{Indicator: d, Start: f.Start, End: f.End, Raw: f.Raw})
		rd.derived = append(rd.derived, true)
	}
	rd.lookOf = make([]int, len(rd.found))
	rd.official = make([]string, len(rd.found))
	for i, f := range rd.found {
		rd.lookOf[i] = -1
		host := hostOf(f.Indicator)
		if host == "" {
			continue
		}
		rd.official[i] = kit.officialBrand(host)
		for j, l := range rd.lookalikes {
			if l.Domain == host {
				rd.lookOf[i] = j
				break
			}
		}
		if rd.lookOf[i] < 0 {
			rd.lookOf[i] = len(rd.lookalikes)
			rd.lookalikes = append(rd.lookalikes, kit.checker.Check(host))
		}
	}
	return rd, nil
}

// hostOf is the domain name an indicator points at: the domain itself, a
// URL's host (not an IP address), an e-mail address's domain.
func hostOf(ind indicator.Indicator) string {
	v := ind.Value()
	switch ind.Kind() {
	case indicator.Domain:
		return v
	case indicator.Email:
		if at := strings.LastIndexByte(v, '@'); at >= 0 {
			return v[at+1:]
		}
	case indicator.URL:
		_, rest, ok := strings.Cut(v, "://")
		if !ok {
			return ""
		}
		if end := strings.IndexAny(rest, "/?#"); end >= 0 {
			rest = rest[:end]
		}
		if at := strings.LastIndexByte(rest, '@'); at >= 0 {
			rest = rest[at+1:]
		}
		if strings.HasPrefix(rest, "[") {
			return "" // an IPv6 address
		}
		if colon := strings.LastIndexByte(rest, ':'); colon >= 0 {
			rest = rest[:colon]
		}
		if strings.Trim(rest, "0123456789.") == "" {
			return "" // an IPv4 address
		}
		return rest
	}
	return ""
}

// notSubmitted says why an indicator of a scam text is kept out of the
// registry: scams quote real banks' sites and service numbers to look
// genuine, and a classifier signal against 95588 or icbc.com.cn would
// warn people off the very numbers they should call. "" means submit it.
func (rd *reading) notSubmitted(i int) string {
	ind := rd.found[i].Indicator
	if b := rd.official[i]; b != "" {
		return "official domain of " + b
	}
	if rd.derived[i] {
		// A link's domain may be a shared host or a link shortener,
		// whose other pages are somebody else's: the link is submitted.
		return "the domain of a link in the message, not named alone"
	}
	if ind.Kind() == indicator.Phone && !strings.HasPrefix(ind.Value(), "+") {
		return "a short code or service number (scams quote real ones)"
	}
	return ""
}

// --- POST /api/v1/classify -------------------------------------------------

// messageIn is one message to classify: the FORMATS.md `message` shape, of
// which only id, time, channel and text are used. Sender and recipient are
// accepted and ignored: a recipient is a person being scammed, and the
// sender of a scam is often a hijacked account.
type messageIn struct {
	ID      messageID `json:"id"`
	Time    string    `json:"time"`
	Channel string    `json:"channel"`
	Text    string    `json:"text"`

	line int    // NDJSON or CSV line, for errors
	err  *Error // the line could not be read
}

// messageID is a message's id, which JSON senders write as a string or a
// number.
type messageID string

func (m *messageID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		err := json.Unmarshal(b, &s)
		*m = messageID(s)
		return err
	case string(b) == "null":
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("id: want a string or a number")
	}
	*m = messageID(n.String())
	return nil
}

// classifyRequest is a JSON body: one message ({"text": …}) or many
// ({"messages": [...]}), and whether to submit what the scams hold.
type classifyRequest struct {
	messageIn
	Messages []messageIn `json:"messages"`
	Submit   bool        `json:"submit"`
}

// foundView is one indicator of a message, with what the registry says.
type foundView struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
	Raw   string `json:"raw"`   // as written in the text
	Start int    `json:"start"` // byte offsets of Raw in the text
	End   int    `json:"end"`
	// Known and Risk are the registry's view as the caller may see it;
	// both are left out for a token that may not read the registry.
	Known *bool          `json:"known,omitempty"`
	Risk  *registry.Risk `json:"risk,omitempty"`
	// Derived marks the domain of a link, added after it.
	Derived bool `json:"derived,omitempty"`
	// Official names the brand whose own domain this is.
	Official string `json:"official,omitempty"`
	// Submitted is set when the caller asked to submit and the message is
	// a scam: true when the indicator became a signal; NotSubmitted says
	// why it did not.
	Submitted    *bool  `json:"submitted,omitempty"`
	NotSubmitted string `json:"not_submitted,omitempty"`
}

type lookalikeView struct {
	Domain     string   `json:"domain"`
	Suspicious bool     `json:"suspicious"`
	Score      float64  `json:"score"`
	Brand      string   `json:"brand,omitempty"`
	Reasons    []string `json:"reasons,omitempty"`
}

// messageResult is the answer about one message.
type messageResult struct {
	ID            string          `json:"id,omitempty"`
	Line          int             `json:"line,omitempty"` // of an NDJSON or CSV body
	Scam          bool            `json:"scam"`
	Score         float64         `json:"score"`
	Typology      string          `json:"typology,omitempty"`
	TypologyScore float64         `json:"typology_score,omitempty"`
	Reasons       []string        `json:"reasons"`
	Indicators    []foundView     `json:"indicators"`
	Lookalikes    []lookalikeView `json:"lookalikes,omitempty"`
	Error         *Error          `json:"error,omitempty"`

	text     string    // kept for the evidence reference, never answered
	seen     time.Time // the message's time, if it had one
	inds     []indicator.Indicator
	notSent  []string // per indicator: why it is not submitted
	hasError bool
}

// submitted is what a submitting classification added to the registry.
type submitted struct {
	Messages int `json:"messages"` // scam messages whose indicators were submitted
	Signals  int `json:"signals"`
	Added    int `json:"added"` // new signals (the rest had been sent before)
	Links    int `json:"links"`
	Skipped  int `json:"skipped"` // kept out: official domains, service numbers, domains of links
}

type batchAnswer struct {
	Count     int             `json:"count"`
	Scam      int             `json:"scam"`
	Errors    int             `json:"errors"`
	Registry  string          `json:"registry,omitempty"` // why the registry's view is not shown
	Submitted *submitted      `json:"submitted,omitempty"`
	Results   []messageResult `json:"results"`
}

type singleAnswer struct {
	messageResult
	Registry  string     `json:"registry,omitempty"`
	Submitted *submitted `json:"submitted,omitempty"`
}

// submitSectors may turn what the classifier finds into signals: the
// platforms and operators the texts pass through, and the police.
var submitSectors = []auth.Sector{auth.Internet, auth.Telecom, auth.Police}

// classifyMessages answers POST /api/v1/classify: one message as
// {"text","channel"}, many as {"messages":[{id,text,channel,time}…]} (or a
// JSON array, NDJSON or CSV in the `message` shape), up to
// MaxClassifyBatch. Each gets the classifier's verdict with reasons, the
// indicators in it with the registry's risk as the caller may see it, and
// lookalike verdicts for its domains. With "submit": true (or ?submit=true)
// the indicators of the scam texts become the caller's signals, linked
// message by message.
//
// Any valid token may classify; the registry's view is shown to tokens
// that may read it, and submitting needs a submit role in a sector that
// handles messages. The request is audited (with the indicators the caller
// learned something about, never the texts) before it is answered.
func (s *Server) classifyMessages(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxClassifyBody)
	msgs, single, submit, err := readMessages(r)
	if err != nil {
		return err
	}
	if submit {
		err := auth.Allow(p, auth.SubmitSignals)
		if err == nil && !slices.Contains(submitSectors, p.Org.Sector) {
			err = &auth.Denied{Action: auth.SubmitSignals, Reason: "sector " + string(p.Org.Sector) + " may not submit classifier signals (internet, telecom and police may)"}
		}
		if err != nil {
			_ = s.record(r, s.entry(p, "denied:"+auth.SubmitSignals.String(), r.URL.Path, err.Error()))
			return err
		}
	}
	canRead := auth.Allow(p, auth.Lookup) == nil

	results := make([]messageResult, len(msgs))
	var failed error
	var failOnce sync.Once
	parallel(len(msgs), func(lo, hi int) {
		if err := s.classifyRange(msgs[lo:hi], results[lo:hi], p, canRead, submit); err != nil {
			failOnce.Do(func() { failed = err })
		}
	})
	if failed != nil {
		return failed // the model or the brands could not be loaded: logged, 503
	}

	scam, errs := 0, 0
	for i := range results {
		switch {
		case results[i].hasError:
			errs++
		case results[i].Scam:
			scam++
		}
	}
	if single && errs > 0 {
		return results[0].Error
	}
	if err := s.record(r, s.entry(p, "classify", "batch:"+strconv.Itoa(len(results)), classifyDetail(results, scam, canRead))); err != nil {
		return err
	}
	var sub *submitted
	if submit {
		if sub, err = s.submitFound(r, p, results); err != nil {
			return err
		}
	}
	note := ""
	if !canRead {
		note = "not shown: role " + string(p.Role) + " may not read the registry"
	}
	if single {
		writeJSON(w, http.StatusOK, singleAnswer{results[0], note, sub})
		return nil
	}
	status := http.StatusOK
	if errs == len(results) {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, batchAnswer{Count: len(results), Scam: scam, Errors: errs, Registry: note, Submitted: sub, Results: results})
	return nil
}

// classifyRange reads the messages of one worker's share and looks their
// indicators up in the registry in one batch.
func (s *Server) classifyRange(msgs []messageIn, out []messageResult, p auth.Principal, canRead, submit bool) error {
	now := s.registry.Now()
	var inds []indicator.Indicator
	var at [][2]int // message, indicator
	for i := range msgs {
		res := &out[i]
		m := &msgs[i]
		res.ID, res.Line = string(m.ID), m.line
		if e := checkMessage(m, now); e != nil {
			res.Error, res.hasError = e, true
			res.Reasons, res.Indicators = []string{}, []foundView{}
			continue
		}
		if m.Time != "" {
			res.seen, _ = time.Parse(time.RFC3339, m.Time) // checked above
		}
		rd, err := s.readText(m.Text, strings.ToLower(m.Channel))
		if err != nil {
			return err
		}
		v := rd.verdict
		res.Scam, res.Score, res.Typology, res.TypologyScore = v.Scam, round3(v.Score), v.Typology, round3(v.TypologyScore)
		res.Reasons = v.Reasons
		res.text = m.Text
		res.Indicators = make([]foundView, len(rd.found))
		res.inds = make([]indicator.Indicator, len(rd.found))
		res.notSent = make([]string, len(rd.found))
		for j, f := range rd.found {
			res.Indicators[j] = foundView{Kind: f.Indicator.Kind().String(), Value: f.Indicator.Value(), Raw: f.Raw,
				Start: f.Start, End: f.End, Derived: rd.derived[j], Official: rd.official[j]}
			res.inds[j] = f.Indicator
			if submit && res.Scam {
				res.notSent[j] = rd.notSubmitted(j)
			}
			if canRead {
				inds = append(inds, f.Indicator)
				at = append(at, [2]int{i, j})
			}
		}
		for _, l := range rd.lookalikes {
			res.Lookalikes = append(res.Lookalikes, lookalikeView{l.Domain, l.Suspicious, l.Score, l.Brand, l.Reasons})
		}
	}
	if len(inds) == 0 {
		return nil
	}
	found := make([]registry.Result, len(inds))
	s.registry.Index().LookupMany(inds, p, now.Unix(), found)
	for k, ij := range at {
		known := found[k].Found
		fv := &out[ij[0]].Indicators[ij[1]]
		fv.Known = &known
		if known {
			risk := found[k].Summary.Risk(inds[k].Kind(), now)
			fv.Risk = &risk
		}
	}
	return nil
}

// checkMessage validates one message before it is read, naming the field
// at fault.
func checkMessage(m *messageIn, now time.Time) *Error {
	if m.err != nil {
		return m.err
	}
	if strings.TrimSpace(m.Text) == "" {
		return errorf(CodeInvalid, "text", "required: the message's text")
	}
	if len(m.Text) > maxMessageText {
		return errorf(CodeInvalid, "text", "is "+strconv.Itoa(len(m.Text))+" bytes; a message may have at most "+strconv.Itoa(maxMessageText))
	}
	if !utf8.ValidString(m.Text) {
		m.Text = strings.ToValidUTF8(m.Text, "\uFFFD")
	}
	if ch := strings.ToLower(strings.TrimSpace(m.Channel)); ch != "" && !slices.Contains(content.Channels, ch) {
		return errorf(CodeInvalid, "channel", "unknown channel "+strconv.Quote(m.Channel)+" (want one of "+strings.Join(content.Channels, ", ")+")")
	}
	m.Channel = strings.TrimSpace(m.Channel)
	if m.Time != "" {
		t, err := time.Parse(time.RFC3339, m.Time)
		if err != nil {
			return errorf(CodeInvalid, "time", "want an RFC 3339 time like 2026-11-20T09:15:00+08:00, got "+strconv.Quote(m.Time))
		}
		if t.Sub(now) > 24*time.Hour {
			return errorf(CodeInvalid, "time", "is more than a day in the future")
		}
	}
	return nil
}

// readMessages decodes the body in any accepted form.
func readMessages(r *http.Request) (msgs []messageIn, single, submit bool, err error) {
	if v := r.URL.Query().Get("submit"); v != "" {
		if submit, err = strconv.ParseBool(v); err != nil {
			return nil, false, false, errorf(CodeInvalid, "submit", "want true or false")
		}
	}
	tooMany := errorf(CodeTooLarge, "messages", "a classify request takes at most "+strconv.Itoa(MaxClassifyBatch)+" messages")
	format, _ := records.FormatOf(r.Header.Get("Content-Type"), "")
	if format == records.NDJSON || format == records.CSV {
		msgs, err = readMessageRecords(r.Body, format, tooMany)
		return msgs, false, submit, err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, false, false, bodyErr(err)
	}
	body = bytes.TrimSpace(body)
	shape := `want {"text": "…", "channel": "sms"} for one message, {"messages": [{"id", "text", "channel"}, …]} for many, or NDJSON`
	if len(body) > 0 && body[0] == '[' {
		if err := json.Unmarshal(body, &msgs); err != nil {
			return nil, false, false, jsonErr(err, shape)
		}
	} else {
		var req classifyRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, false, false, jsonErr(err, shape)
		}
		submit = submit || req.Submit
		switch {
		case req.Messages != nil && req.Text != "":
			return nil, false, false, errorf(CodeInvalid, "text", "send text for one message or messages for many, not both")
		case req.Messages != nil:
			msgs = req.Messages
		case req.Text == "" && req.ID == "" && req.Channel == "" && req.Time == "":
			return nil, false, false, errorf(CodeInvalid, "text", "no message: "+shape)
		default:
			return []messageIn{req.messageIn}, true, submit, nil
		}
	}
	if len(msgs) > MaxClassifyBatch {
		return nil, false, false, tooMany
	}
	if len(msgs) == 0 {
		return nil, false, false, errorf(CodeInvalid, "messages", "no messages to classify")
	}
	return msgs, false, submit, nil
}

// readMessageRecords reads an NDJSON or CSV body through the records
// reader: a line that cannot be read becomes that message's error, and
// the rest are classified.
func readMessageRecords(body io.Reader, format records.Format, tooMany error) ([]messageIn, error) {
	rd, err := records.NewReader(body, format, "text")
	if err != nil {
		if e := classify(err); e != nil {
			return nil, e
		}
		return nil, errorf(CodeInvalid, "", err.Error())
	}
	var msgs []messageIn
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if len(msgs) == MaxClassifyBatch {
			return nil, tooMany
		}
		var le *records.LineError
		switch {
		case errors.As(err, &le):
			msgs = append(msgs, messageIn{line: le.Line, err: errorf(CodeInvalid, le.Field, le.Reason)})
			continue
		case err != nil:
			if e := classify(err); e != nil {
				return nil, e
			}
			return nil, errorf(CodeInvalid, "", "the body could not be read past message "+strconv.Itoa(len(msgs))+": "+err.Error())
		}
		msgs = append(msgs, messageIn{ID: messageID(row.Get("id")), Time: row.Get("time"), Channel: row.Get("channel"),
			Text: row.Get("text"), line: row.Line})
	}
	if len(msgs) == 0 {
		return nil, errorf(CodeInvalid, "messages", "no messages to classify")
	}
	return msgs, nil
}

// jsonErr turns a JSON decoding error into an answer that says where.
func jsonErr(err error, shape string) error {
	if e := classify(err); e != nil {
		return e
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		// The one-message form embeds messageIn; its name means nothing to
		// the caller.
		field := strings.ReplaceAll(te.Field, "messageIn.", "")
		return errorf(CodeInvalid, field, "wrong type: want "+te.Type.String())
	}
	return errorf(CodeInvalid, "", shape+": "+err.Error())
}

// classifyDetail is the audit entry's detail: how many were scams, and the
// indicators the caller learned the registry knows (a miss reveals
// nothing). The texts themselves are never logged.
func classifyDetail(results []messageResult, scam int, canRead bool) string {
	var b strings.Builder
	known := 0
	for i := range results {
		for j, f := range results[i].Indicators {
			if f.Known == nil || !*f.Known {
				continue
			}
			known++
			if b.Len() < 60_000 {
				b.WriteByte(' ')
				b.WriteString(results[i].inds[j].String())
			}
		}
	}
	detail := strconv.Itoa(scam) + " scam of " + strconv.Itoa(len(results))
	if !canRead {
		return detail + "; registry not read"
	}
	return detail + "; " + strconv.Itoa(known) + " known:" + b.String()
}

// submitFound turns the indicators of the scam messages into the caller's
// signals. The signals of one message share an evidence reference — a
// hash of its text — so the registry links them to each other, and a
// message sent again maps to the same signal IDs (re-sending is harmless).
// Signals are stored in groups of whole messages, so no message's links
// are split across two groups.
func (s *Server) submitFound(r *http.Request, p auth.Principal, results []messageResult) (*submitted, error) {
	now := s.registry.Now().UTC()
	sub := &submitted{}
	var batch []registry.Signal
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		links := registry.LinkByEvidence(batch, p.Org.ID, now)
		added, err := s.registry.Submit(r.Context(), batch, links)
		if err != nil {
			return err
		}
		sub.Signals += len(batch)
		sub.Added += added
		sub.Links += len(links)
		batch = batch[:0]
		return nil
	}
	yes := true
	for i := range results {
		res := &results[i]
		if res.hasError || !res.Scam {
			continue
		}
		evidence := evidenceRef(res.text)
		typology := res.Typology
		if !registry.ValidTypology(typology) {
			typology = ""
		}
		sent := 0
		for j, ind := range res.inds {
			if why := res.notSent[j]; why != "" {
				no := false
				res.Indicators[j].Submitted, res.Indicators[j].NotSubmitted = &no, why
				sub.Skipped++
				continue
			}
			batch = append(batch, registry.Signal{
				ID:         classifierSignalID(p.Org.ID, evidence, ind),
				Indicator:  ind,
				OrgID:      p.Org.ID,
				Sector:     p.Org.Sector,
				Source:     classifierSource,
				Typology:   typology,
				Confidence: math.Round(res.Score*classifierTrust*100) / 100,
				TLP:        auth.TLPGreen,
				Evidence:   evidence,
				FirstSeen:  res.seen.UTC(),
				LastSeen:   res.seen.UTC(),
				Received:   now,
			})
			res.Indicators[j].Submitted = &yes
			sent++
		}
		if sent > 0 {
			sub.Messages++
		}
		if len(batch) >= signalBatch {
			if err := flush(); err != nil {
				return nil, s.submitFailed(r, p, sub, err)
			}
		}
	}
	if err := flush(); err != nil {
		return nil, s.submitFailed(r, p, sub, err)
	}
	if err := s.recordSync(r, s.entry(p, "classify.submit", "batch:"+strconv.Itoa(sub.Signals),
		"added "+strconv.Itoa(sub.Added)+" from "+strconv.Itoa(sub.Messages)+" scam messages, "+strconv.Itoa(sub.Links)+" links")); err != nil {
		return nil, err
	}
	return sub, nil
}

// submitFailed answers a store failure part way through: what was stored
// is durable and audited, and sending the request again is harmless.
func (s *Server) submitFailed(r *http.Request, p auth.Principal, sub *submitted, err error) error {
	s.log.Error("classifier signals not stored", "org", p.Org.Name, "stored", sub.Signals, "err", err)
	_ = s.record(r, s.entry(p, "classify.submit", "batch:"+strconv.Itoa(sub.Signals), "failed after "+strconv.Itoa(sub.Signals)+" stored"))
	return errorf(CodeUnavailable, "", "storage failed after "+strconv.Itoa(sub.Signals)+" signals were stored; send the request again (stored signals are not duplicated)")
}

// evidenceRef names a message by the SHA-256 of its text: the submitting
// organisation can find the message again by hashing what it holds, and
// no one else learns the text.
func evidenceRef(text string) string {
	h := sha256.Sum256([]byte(text))
	return "message:sha256:" + hex.EncodeToString(h[:16])
}

func classifierSignalID(org int64, evidence string, ind indicator.Indicator) string {
	h := sha256.Sum256([]byte(evidence + "\x00" + ind.String()))
	return strconv.FormatInt(org, 10) + "/" + classifierSource + "/" + hex.EncodeToString(h[:16])
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// --- POST /public/v1/check ---------------------------------------------------

// The public verdicts on a pasted message.
const (
	MessageScamLikely = "scam_likely"
	MessageSuspicious = "suspicious"
	MessageNoSign     = "no_sign"
)

// suspiciousScore is the classifier score from which a message that is
// not judged a scam is still called suspicious to the public: better a
// person looks twice than pays.
const suspiciousScore = 0.3

type publicFound struct {
	Kind         string   `json:"kind"`
	Value        string   `json:"value"`
	Verdict      string   `json:"verdict"`
	Summary      string   `json:"summary"`
	Typologies   []string `json:"typologies,omitempty"`
	Reports      int      `json:"reports"`
	LastReported string   `json:"last_reported,omitempty"`
}

type publicLookalike struct {
	Domain   string  `json:"domain"`
	Brand    string  `json:"brand"`
	Official string  `json:"official,omitempty"` // the brand's real site
	Score    float64 `json:"score"`
	Warning  string  `json:"warning"`
}

type publicMessageAnswer struct {
	Verdict      string            `json:"verdict"`
	Summary      string            `json:"summary"`
	Score        float64           `json:"score"`
	Typology     string            `json:"typology,omitempty"`
	TypologyName string            `json:"typology_name,omitempty"`
	Reasons      []string          `json:"reasons"`
	Indicators   []publicFound     `json:"indicators"`
	Lookalikes   []publicLookalike `json:"lookalikes"`
	Advice       []string          `json:"advice"`
	Lang         string            `json:"lang"`
}

// publicCheckMessage answers POST /public/v1/check with {"text": "…",
// "lang": "zh"} (or the text itself as text/plain, ?lang=): is this
// message a scam, what kind, why, what the registry's public view says of
// the numbers and links in it, which links imitate a brand, and what to do
// next. The text is read and forgotten: nothing is stored or logged, and as
// a public request it is not an agency read to audit. The rate limit of
// the public endpoints applies.
func (s *Server) publicCheckMessage(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxPublicCheckBody)
	var body struct {
		Text    string `json:"text"`
		Lang    string `json:"lang"`
		Channel string `json:"channel"`
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			return bodyErr(err)
		}
		body.Text = string(raw)
	} else if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return jsonErr(err, `want {"text": "the message", "lang": "zh" or "en"}`)
	}
	if body.Lang == "" {
		body.Lang = r.URL.Query().Get("lang")
	}
	text := strings.ToValidUTF8(strings.TrimSpace(body.Text), "\uFFFD")
	switch {
	case text == "":
		return errorf(CodeInvalid, "text", "paste the message to check in text")
	case len(text) > maxPublicText:
		return errorf(CodeTooLarge, "text", "the message is "+strconv.Itoa(len(text))+" bytes; paste at most "+
			strconv.Itoa(maxPublicText)+" (about 1,300 Chinese characters or 4,000 letters), the part that asks you to do something")
	}
	lang, ok := messageLang(body.Lang, text)
	if !ok {
		return errorf(CodeInvalid, "lang", "want zh or en")
	}
	channel := strings.ToLower(strings.TrimSpace(body.Channel))
	if channel != "" && !slices.Contains(content.Channels, channel) {
		return errorf(CodeInvalid, "channel", "unknown channel "+strconv.Quote(body.Channel)+" (want one of "+strings.Join(content.Channels, ", ")+")")
	}
	rd, err := s.readText(text, channel)
	if err != nil {
		return err
	}
	kit, err := loadContentKit()
	if err != nil {
		return err
	}
	v := rd.verdict
	ans := publicMessageAnswer{Score: round3(v.Score), Lang: lang, Indicators: []publicFound{}, Lookalikes: []publicLookalike{}}
	reported, suspicious := false, v.Score >= suspiciousScore
	var regReasons []string
	var regTypology string
	for i, f := range rd.found {
		if i == maxPublicFound {
			break
		}
		sum, _ := s.registry.Lookup(f.Indicator, p)
		pf := publicFound{Kind: f.Indicator.Kind().String(), Value: f.Indicator.Value(), Verdict: sum.Verdict(),
			Summary: verdictText[lang][sum.Verdict()], Typologies: sum.Typologies(), Reports: sum.Reports}
		if t := sum.Last(); sum.Signals > 0 && !t.IsZero() {
			pf.LastReported = t.Format("2006-01-02")
		}
		switch pf.Verdict {
		case registry.VerdictReported:
			reported = true
			regReasons = append(regReasons, registryReason(lang, pf))
		case registry.VerdictSuspicious:
			suspicious = true
			regReasons = append(regReasons, registryReason(lang, pf))
		}
		if regTypology == "" && len(pf.Typologies) > 0 {
			regTypology = pf.Typologies[0]
		}
		ans.Indicators = append(ans.Indicators, pf)
	}
	for _, l := range rd.lookalikes {
		if !l.Suspicious {
			continue
		}
		suspicious = true
		site := kit.mainSite[l.Brand]
		ans.Lookalikes = append(ans.Lookalikes, publicLookalike{Domain: l.Domain, Brand: l.Brand, Official: site, Score: l.Score,
			Warning: lookalikeWarning(lang, l.Domain, l.Brand, site)})
	}

	switch {
	case v.Scam || reported:
		ans.Verdict = MessageScamLikely
	case suspicious:
		ans.Verdict = MessageSuspicious
	default:
		ans.Verdict = MessageNoSign
	}
	ans.Summary = publicWords[lang][ans.Verdict]
	switch {
	case v.Scam && v.Typology != "":
		ans.Typology = v.Typology
	case ans.Verdict != MessageNoSign:
		ans.Typology = regTypology
	}
	if ans.Typology != "" {
		ans.TypologyName = typologyNames[lang][ans.Typology]
	}
	ans.Reasons = publicReasons(lang, v, ans.Verdict, regReasons, ans.Lookalikes)
	ans.Advice = messageAdvice(lang, ans.Verdict, ans.Typology)
	writeJSON(w, http.StatusOK, ans)
	return nil
}

// messageLang picks the answer's language: as asked, else by the text
// (Chinese for a text with Chinese characters). ok is false for a language
// the portal does not speak.
func messageLang(asked, text string) (string, bool) {
	asked = strings.ToLower(strings.TrimSpace(asked))
	switch {
	case strings.HasPrefix(asked, "zh"):
		return "zh", true
	case strings.HasPrefix(asked, "en"):
		return "en", true
	case asked != "":
		return "", false
	}
	for _, r := range text {
		if unicode.Is(unicode.Han, r) {
			return "zh", true
		}
	}
	return "en", true
}

// maxPublicReasons bounds the classifier's reasons shown to the public:
// the strongest few say enough.
const maxPublicReasons = 5

// publicReasons puts the verdict's reasons in plain words: the scam cues
// the classifier found (quoting the message), what the registry says of
// its indicators, and the links that imitate a brand. The weights and the
// learned wording the agencies see are left out: "wording seen in scams:
// “http” (+0.54)" helps an analyst, not a person deciding whether to pay.
func publicReasons(lang string, v content.Verdict, verdict string, regReasons []string, looks []publicLookalike) []string {
	var out []string
	if verdict != MessageNoSign {
		for _, e := range v.Evidence {
			if e.Kind != "cue" || e.Weight <= 0 || len(out) == maxPublicReasons {
				continue
			}
			about := e.About
			if zh, ok := cueWordsZH[e.Cue]; ok && lang == "zh" {
				about = zh
			}
			q := ""
			if e.Text != "" {
				q = "“" + e.Text + "”"
				if e.Also != "" {
					q += " … “" + e.Also + "”"
				}
				if lang == "zh" {
					q = "：" + q
				} else {
					q = ": " + q
				}
			}
			out = append(out, about+q)
		}
		if len(out) == 0 && v.Scam {
			out = append(out, publicWords[lang]["wording"])
		}
	}
	out = append(out, regReasons...)
	for _, l := range looks {
		out = append(out, l.Warning)
	}
	if len(out) == 0 {
		out = append(out, publicWords[lang]["nothing"])
	}
	return out
}

// registryReason says in words what the registry's public view holds
// about an indicator of the message.
func registryReason(lang string, f publicFound) string {
	what := kindWords[lang][f.Kind] + " " + f.Value
	switch {
	case lang == "zh" && f.Verdict == registry.VerdictReported:
		return "其中的" + what + " 已被举报用于诈骗"
	case lang == "zh":
		return "其中的" + what + " 已有相关举报"
	case f.Verdict == registry.VerdictReported:
		return "the " + what + " in it has been reported as used in scams"
	}
	return "there are reports about the " + what + " in it"
}

func lookalikeWarning(lang, domain, brand, site string) string {
	if lang == "zh" {
		w := "链接 " + domain + " 仿冒“" + brand + "”"
		if site != "" {
			w += "（官方网站是 " + site + "）"
		}
		return w + "，不要打开，也不要在里面输入任何信息。"
	}
	w := domain + " imitates " + brand
	if site != "" {
		w += " (its real site is " + site + ")"
	}
	return w + ": do not open it or enter anything there."
}

// messageAdvice is what to do next: the typology's warning (the same as
// the indicator check gives), then the steps for it, most urgent first.
func messageAdvice(lang, verdict, typology string) []string {
	if verdict == MessageNoSign {
		return []string{stepWords[lang][stepNoSign], stepWords[lang][stepAsk]}
	}
	var out []string
	if a, ok := typologyAdvice[lang][typology]; ok {
		out = append(out, a)
	}
	steps, ok := typologySteps[typology]
	if !ok {
		steps = typologySteps[content.Other]
	}
	for _, st := range steps {
		out = append(out, stepWords[lang][st])
	}
	return out
}

// The steps a person can take, in words.
const (
	stepNoPay = iota
	stepNoCodes
	stepNoLinks
	stepHangUp
	stepCallBack
	stepOfficial
	stepPaid
	stepReport
	stepNoSign
	stepAsk
)

var stepWords = map[string]map[int]string{
	"en": {
		stepNoPay:    "Do not pay, transfer or \"advance\" any money.",
		stepNoCodes:  "Never give anyone a verification code, password or card details, and do not share your screen.",
		stepNoLinks:  "Do not open the links in the message or install apps it sends you to.",
		stepHangUp:   "If they are on the phone with you, hang up. Then call 110 (police) or 96110 (anti-fraud hotline) yourself.",
		stepCallBack: "Call the person on a number you already know, not one in the message.",
		stepOfficial: "Contact the company only through its official app or the number on its official website.",
		stepPaid:     "If you have already paid, call your bank and 96110 at once: money can often be stopped in the first hour.",
		stepReport:   "Report the message on this portal or to the police (110): it helps warn others.",
		stepNoSign:   "No signs of a scam were found, but scams change quickly: never pay or share codes because a message asks.",
		stepAsk:      "When in doubt, call the anti-fraud hotline 96110.",
	},
	"zh": {
		stepNoPay:    "不要付款、转账或“垫付”任何钱。",
		stepNoCodes:  "不要把验证码、密码、银行卡信息告诉任何人，不要共享屏幕。",
		stepNoLinks:  "不要打开信息里的链接，也不要安装对方让您下载的App。",
		stepHangUp:   "如果对方正在和您通话，请立即挂断，再自己拨打110或反诈专线96110核实。",
		stepCallBack: "用您原本就知道的号码打给本人核实，不要用信息里的号码。",
		stepOfficial: "只通过官方App或官网上的电话联系商家或平台。",
		stepPaid:     "如已转账，请立即联系银行并拨打96110：第一时间止付往往能追回资金。",
		stepReport:   "在本平台或向公安机关（110）举报这条信息，可以帮助提醒他人。",
		stepNoSign:   "未发现诈骗迹象，但骗术变化很快：不要因为一条信息就付款或提供验证码。",
		stepAsk:      "拿不准时，请拨打反诈专线96110咨询。",
	},
}

// typologySteps are the steps for each typology, most urgent first.
var typologySteps = map[string][]int{
	content.TaskScam:                  {stepNoPay, stepNoLinks, stepPaid, stepReport},
	content.FakeJob:                   {stepNoPay, stepNoCodes, stepPaid, stepReport},
	content.Investment:                {stepNoPay, stepNoLinks, stepPaid, stepReport},
	content.Loan:                      {stepNoPay, stepNoCodes, stepPaid, stepReport},
	content.CustomerService:           {stepHangUp, stepOfficial, stepNoCodes, stepNoPay, stepPaid, stepReport},
	content.ImpersonationOfficial:     {stepHangUp, stepNoPay, stepNoCodes, stepPaid, stepReport},
	content.CreditRepair:              {stepHangUp, stepNoPay, stepPaid, stepReport},
	content.Romance:                   {stepNoPay, stepNoLinks, stepPaid, stepReport},
	content.ImpersonationAcquaintance: {stepCallBack, stepNoPay, stepPaid, stepReport},
	content.GameTrade:                 {stepOfficial, stepNoPay, stepPaid, stepReport},
	content.Phishing:                  {stepNoLinks, stepNoCodes, stepPaid, stepReport},
	content.Other:                     {stepNoPay, stepNoCodes, stepNoLinks, stepHangUp, stepPaid, stepReport},
}

// typologyNames are the FORMATS.md typologies in plain words.
var typologyNames = map[string]map[string]string{
	"en": {
		content.TaskScam:                  "fake paid tasks (order brushing, liking videos)",
		content.FakeJob:                   "fake job offer",
		content.Investment:                "fake investment (incl. crypto and \"pig-butchering\")",
		content.Loan:                      "fake online loan",
		content.CustomerService:           "fake shop or courier customer service",
		content.ImpersonationOfficial:     "impersonating police, prosecutors or courts",
		content.CreditRepair:              "fake credit-record repair",
		content.Romance:                   "online romance scam",
		content.ImpersonationAcquaintance: "impersonating a boss, relative or friend",
		content.GameTrade:                 "fake game item or account trade",
		content.Phishing:                  "phishing (a fake login or payment page)",
		content.Other:                     "other scam",
	},
	"zh": {
		content.TaskScam:                  "刷单返利",
		content.FakeJob:                   "虚假招聘",
		content.Investment:                "虚假投资理财（含杀猪盘）",
		content.Loan:                      "虚假网络贷款",
		content.CustomerService:           "冒充电商物流客服",
		content.ImpersonationOfficial:     "冒充公检法",
		content.CreditRepair:              "虚假征信",
		content.Romance:                   "网络婚恋交友诈骗",
		content.ImpersonationAcquaintance: "冒充领导、熟人",
		content.GameTrade:                 "网络游戏虚假交易",
		content.Phishing:                  "钓鱼链接、仿冒网站",
		content.Other:                     "其他诈骗",
	},
}

var publicWords = map[string]map[string]string{
	"en": {
		MessageScamLikely: "This message is very likely a scam.",
		MessageSuspicious: "This message has signs of a scam. Be careful.",
		MessageNoSign:     "No signs of a scam found. That does not prove it is safe.",
		"wording":         "its wording is like that of known scam messages",
		"nothing":         "no scam signs found",
	},
	"zh": {
		MessageScamLikely: "这条信息很可能是诈骗。",
		MessageSuspicious: "这条信息有诈骗迹象，请提高警惕。",
		MessageNoSign:     "未发现诈骗迹象，但这并不代表它一定安全。",
		"wording":         "措辞与已知的诈骗信息相似",
		"nothing":         "未发现诈骗迹象",
	},
}

// kindWords name the indicator kinds for people.
var kindWords = map[string]map[string]string{
	"en": {
		"phone": "phone number", "domain": "website", "url": "link", "bank_account": "bank account", "card": "card number",
		"btc": "bitcoin address", "eth": "Ethereum address", "tron": "TRON (USDT) address", "crypto_other": "crypto address",
		"telegram": "Telegram account", "wechat": "WeChat ID", "whatsapp": "WhatsApp number", "email": "e-mail address",
		"ip": "IP address", "app": "app",
	},
	"zh": {
		"phone": "电话号码", "domain": "网站", "url": "链接", "bank_account": "银行账户", "card": "银行卡号",
		"btc": "比特币地址", "eth": "以太坊地址", "tron": "波场（USDT）地址", "crypto_other": "数字货币地址",
		"telegram": "Telegram账号", "wechat": "微信号", "whatsapp": "WhatsApp号码", "email": "邮箱",
		"ip": "IP地址", "app": "应用",
	},
}

// cueWordsZH are the classifier's cues (content.Evidence.Cue) in Chinese
// for the public; a cue missing here is shown in English.
var cueWordsZH = map[string]string{
	"job_fee":             "要求求职者先交钱（培训费、服装费、报名费）",
	"loan_fee":            "放款前要求先交费（解冻费、保证金、刷流水）",
	"deposit":             "提到押金或费用",
	"transfer":            "要求转账",
	"safe_account":        "要求把钱转到“安全账户”",
	"authority":           "搬出公安、检察院、法院等机关",
	"secrecy":             "要求您保密",
	"urgency":             "催促您马上行动",
	"remote":              "要求安装App或共享屏幕",
	"credentials":         "索要验证码、密码或银行卡号",
	"verify_account":      "声称您的账户异常、被冻结或需要验证",
	"refund":              "主动提出退款或理赔",
	"platform_service":    "自称商家或平台客服",
	"loan":                "谈到贷款或额度",
	"credit_record":       "谈到您的征信记录",
	"credit_fix":          "声称能修复或消除征信记录",
	"task":                "招揽刷单、点赞、做任务等兼职",
	"rebate":              "承诺返利或佣金",
	"investment":          "谈到投资或数字货币（USDT、带单）",
	"sure_gain":           "承诺稳赚不赔或超高收益",
	"job":                 "与招聘有关",
	"no_experience":       "声称无需经验或技能",
	"daily_pay":           "承诺日结或按单结算",
	"high_pay":            "承诺远高于市场的报酬",
	"abroad":              "提到出国工作",
	"travel_paid":         "承诺包机票、包签证或包吃住",
	"intl_chat":           "让您转到Telegram或WhatsApp联系",
	"private_chat":        "让您加微信、进QQ群私聊",
	"acquaintance":        "冒充领导、亲友，需要用钱",
	"new_number":          "声称换了号码或手机丢了",
	"romance":             "谈情说爱",
	"game":                "涉及游戏账号、装备或充值",
	"prize":               "声称您中奖或获赠礼品",
	"link":                "包含链接",
	"odd_domain":          "链接指向便宜、常被新注册的域名（.top .xyz .vip）",
	"short_link":          "用短链接隐藏真实网址",
	"phone":               "留有电话号码",
	"handle":              "留有聊天账号（@用户名）",
	"fullwidth":           "用全角字母或数字（ｗｗｗ １２３）躲避过滤",
	"job_asks_money":      "招工却要求先交钱（用人单位收费是违法的）",
	"easy_money":          "无需经验却承诺高薪",
	"overseas_job":        "包路费的出国工作（常是被骗进诈骗园区的路）",
	"job_via_chat":        "只能通过Telegram或WhatsApp联系的工作",
	"task_prepay":         "需要先垫付的任务",
	"official_money":      "“公职人员”要求转移或冻结资金",
	"game_deal":           "游戏交易要求先付款或脱离平台",
	"sure_investment":     "保证收益的投资",
	"loan_asks_money":     "放款前要先交钱的贷款",
	"service_about_loans": "“客服”谈您的贷款或征信（注销校园贷、降息）",
	"romance_money":       "网恋对象谈钱或拉您投资（杀猪盘）",
	"acquaintance_money":  "“熟人”要求转账",
}
