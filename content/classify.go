// Package content reads the text of messages — SMS, chats, e-mails, job
// ads, web pages, in Chinese or English — and says whether it is a scam,
// which kind (the FORMATS.md typologies), and why.
//
// The classifier is a linear model over hashed character and word n-grams
// plus hand-written cues (features.go), trained by `fanzha train`
// (train.go) and shipped inside the binary (content/model/model.bin, see
// DATACARD.md beside it). A linear model is fast (tens of thousands of
// messages a second on one core) and every verdict can be explained: each
// feature's contribution is its weight, so the reasons are the cues and the
// words of the message that moved the score most.
package content

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The typologies of FORMATS.md.
const (
	TaskScam                  = "task_scam"
	FakeJob                   = "fake_job"
	Investment                = "investment"
	Loan                      = "loan"
	CustomerService           = "customer_service"
	ImpersonationOfficial     = "impersonation_official"
	CreditRepair              = "credit_repair"
	Romance                   = "romance"
	ImpersonationAcquaintance = "impersonation_acquaintance"
	GameTrade                 = "game_trade"
	Phishing                  = "phishing"
	Other                     = "other"
)

// Typologies lists the FORMATS.md typologies in its order.
var Typologies = [numTypologies]string{TaskScam, FakeJob, Investment, Loan, CustomerService, ImpersonationOfficial, CreditRepair, Romance, ImpersonationAcquaintance, GameTrade, Phishing, Other}

const numTypologies = 12

func typologyIndex(name string) int {
	for i, t := range Typologies {
		if t == name {
			return i
		}
	}
	return -1
}

// Channels are the FORMATS.md message channels; "" counts as "other".
var Channels = []string{"sms", "chat", "email", "job_ad", "web", "other"}

// Verdict is what the classifier says about one text.
type Verdict struct {
	Scam  bool    // Score reached the model's threshold
	Score float64 // probability that the text is a scam, 0–1

	// Typology is the most likely FORMATS.md typology when Scam is true
	// ("" otherwise), and TypologyScore its share of the typology belief.
	Typology      string
	TypologyScore float64

	// Reasons explain the verdict in plain words, strongest first: the
	// typology (for a scam), then the cues and the wording that pushed the
	// score towards the verdict most, with their contribution to the
	// log-odds, e.g. `mentions a deposit or fee: “押金” (+1.40)`. Evidence
	// holds every cue and the strongest wording that pushed that way, in
	// structured form.
	Reasons  []string
	Evidence []Evidence
}

// Evidence is one thing that moved a verdict.
type Evidence struct {
	Kind   string  // "cue" (a hand-written cue) or "wording" (learned n-grams)
	Cue    string  // the cue's name, for Kind "cue"
	About  string  // what it means, in plain words
	Text   string  // the words of the message it refers to
	Also   string  // for a combination of cues far apart: the second part
	Weight float64 // contribution to the scam log-odds (positive: towards scam)
}

// Model is a trained classifier. It is safe for concurrent use.
type Model struct {
	approach  string  // "logreg" or "naive-bayes"
	bits      uint    // the hash table has 1<<bits buckets
	sqrtNorm  bool    // n-gram values are 1/sqrt(n) (logreg) rather than counts (naive Bayes)
	threshold float64 // Score at or above which a text is a scam
	scripts   uint8   // scripts the model was trained on (scriptCJK, scriptLatin)
	cueBias   float32 // scam log-odds before cues, for texts in a script the model was not trained on
	classes   []string
	classTypo []int // typology index of each class
	heads     int   // 1 (scam or not) + len(classes)

	weights []int8    // weights[bucket*heads+head], times scale[head]
	scale   []float32 // per head
	bias    []float32 // per head
	lenw    []float32 // per head, per unit of n-gram value (naive Bayes' length term)
	cueW    []float32 // cueW[cue*heads+head], learned part (priors are added from the table)
	note    string    // where the model came from, for the data card

	pool sync.Pool // *scratch
}

// Approach is the learning method the model was trained with.
func (m *Model) Approach() string { return m.approach }

// Note is the model's provenance line, written at training.
func (m *Model) Note() string { return m.note }

// Classes are the typologies the model's typology head was trained on.
func (m *Model) Classes() []string { return slices.Clone(m.classes) }

// HashBits is the width of the n-gram hash table (1<<bits buckets).
func (m *Model) HashBits() int { return int(m.bits) }

// scratch is the reusable per-call memory of Classify.
type scratch struct {
	x       *extraction
	top     [2]topList // strongest n-grams towards scam [0] and against [1]
	regions []region
	ev      []Evidence
	buf     []byte
}

// topList keeps the topN strongest n-grams in one direction. An n-gram
// that occurs again adds to its first occurrence, so "我 … 我 … 我" is one
// entry worth three.
type topList struct {
	n       int
	weakest int // index of the smallest weight kept, once the list is full
	item    [topN]region
}

const topN = 16

// region is a stretch of the text and its summed contribution (in weight
// units until scaled).
type region struct {
	start, end int32
	w          float64
	hash       uint32
}

func (t *topList) offer(w float64, f feature) {
	if t.n == topN && w <= t.item[t.weakest].w {
		return // the common case: weaker than everything kept
	}
	for i := range t.item[:t.n] {
		if t.item[i].hash == f.hash {
			t.item[i].w += w
			if i == t.weakest {
				t.findWeakest()
			}
			return
		}
	}
	if t.n < topN {
		t.item[t.n] = region{f.start, f.end, w, f.hash}
		t.n++
		if t.n == topN {
			t.findWeakest()
		}
		return
	}
	t.item[t.weakest] = region{f.start, f.end, w, f.hash}
	t.findWeakest()
}

// findWeakest notes which kept item has the smallest weight.
func (t *topList) findWeakest() {
	t.weakest = 0
	for i := 1; i < t.n; i++ {
		if t.item[i].w < t.item[t.weakest].w {
			t.weakest = i
		}
	}
}

func (m *Model) scratch() *scratch {
	if s, ok := m.pool.Get().(*scratch); ok {
		return s
	}
	return &scratch{x: newExtraction()}
}

// Typology combination constants (see typology below).
const (
	typologyFloor = 0.01 // least belief in any typology, so cues can overrule the learned head
	unseenPenalty = 1.0  // log-discount of typologies the head was not trained on, before cues
)

// channelTypology nudges the typology by channel: a scam job ad is most
// likely a fake job.
var channelTypology = map[string]struct {
	typology string
	weight   float64
}{
	"job_ad": {FakeJob, 1.5},
	"email":  {Phishing, 0.5},
}

// Classify scores text as scam or not, names its typology and explains
// why. channel is one of Channels (or ""); an unknown channel is an error.
func (m *Model) Classify(text, channel string) (Verdict, error) {
	if cueTableErr != nil {
		return Verdict{}, cueTableErr
	}
	if channel != "" && !slices.Contains(Channels, channel) {
		return Verdict{}, fmt.Errorf("content: unknown channel %q (want one of %s)", channel, strings.Join(Channels, ", "))
	}
	s := m.scratch()
	defer m.pool.Put(s)
	text = s.x.extract(text)
	var logits [1 + maxClasses]float64
	cuesOnly := m.score(s, logits[:m.heads], true)

	v := Verdict{Score: sigmoid(logits[0])}
	v.Scam = v.Score >= m.threshold
	if v.Scam {
		v.Typology, v.TypologyScore = m.typology(s.x, logits[1:m.heads], channel)
	}
	m.explain(s, text, cuesOnly, &v)
	return v, nil
}

// score fills logits (the scam log-odds, then one per typology class) and,
// when explain is set, the strongest n-grams in each direction.
//
// A text mostly in a script the model was never trained on (Chinese, for a
// model trained by `fanzha train --no-research` on English SMS) is judged by
// its cues alone: n-gram weights learned from another language say nothing
// about it but add noise (English spam is full of numbers, Chinese shop
// messages too), so they and the bias are left out, and cueBias stands in
// for the bias. It reports whether that happened.
func (m *Model) score(s *scratch, logits []float64, explain bool) (cuesOnly bool) {
	x := s.x
	h := m.heads
	var acc [1 + maxClasses]int64
	shift := 32 - m.bits
	s.top[0].n, s.top[1].n = 0, 0
	feats := x.feats
	if sc := x.script(); sc != 0 && m.scripts&sc == 0 {
		cuesOnly = true
		feats = nil
	}
	for _, f := range feats {
		row := m.weights[int(f.hash>>shift)*h:][:h]
		for k, w := range row {
			acc[k] += int64(w)
		}
		if explain && row[0] != 0 {
			if row[0] > 0 {
				s.top[0].offer(float64(row[0]), f)
			} else {
				s.top[1].offer(-float64(row[0]), f)
			}
		}
	}
	n := len(feats)
	v := float64(ngramWeight(n, m.sqrtNorm))
	for k := range h {
		logits[k] = float64(m.bias[k]) + float64(m.lenw[k])*float64(n)*v + float64(m.scale[k])*v*float64(acc[k])
	}
	if cuesOnly {
		logits[0] = float64(m.cueBias)
	}
	for c, hit := range x.hits {
		if !hit.hit {
			continue
		}
		logits[0] += float64(cueTable[c].prior)
		for k, w := range m.cueW[c*h:][:h] {
			logits[k] += float64(w)
		}
	}
	return cuesOnly
}

// typology combines the typology head with the cues. The head gives a
// belief over the typologies it was trained on (its "other" class holds
// everything else); typologies it never saw share other's belief, a little
// discounted, until cues speak for them. Each cue that fired multiplies a
// typology's belief by exp(its weight), so "刷单 … 佣金 … 垫付" names a task
// scam even though no task scam was in the training data.
func (m *Model) typology(x *extraction, logits []float64, channel string) (string, float64) {
	var p [maxClasses]float64
	softmax(logits, p[:len(logits)])
	pOther := 0.0
	var belief [numTypologies]float64
	trained := [numTypologies]bool{}
	for k, t := range m.classTypo {
		if Typologies[t] == Other {
			pOther = p[k]
			continue
		}
		belief[t] = p[k]
		trained[t] = true
	}
	var logw [numTypologies]float64
	for t := range numTypologies {
		switch {
		case Typologies[t] == Other:
			belief[t] = pOther
		case !trained[t]:
			belief[t] = pOther * math.Exp(-unseenPenalty)
		}
		logw[t] = math.Log(max(belief[t], typologyFloor))
	}
	for c, hit := range x.hits {
		if hit.hit {
			for t, w := range cueTypo[c] {
				logw[t] += float64(w)
			}
		}
	}
	if ct, ok := channelTypology[channel]; ok {
		logw[typologyIndex(ct.typology)] += ct.weight
	}
	var share [numTypologies]float64
	softmax(logw[:], share[:])
	best := 0
	for t := range numTypologies {
		if share[t] > share[best] {
			best = t
		}
	}
	return Typologies[best], share[best]
}

// explain fills the verdict's evidence and reasons: the cues and wording
// that pushed towards the verdict (towards scam when it is one, away from
// it otherwise), strongest first.
func (m *Model) explain(s *scratch, text string, cuesOnly bool, v *Verdict) {
	x := s.x
	dir := 1.0
	top := &s.top[0]
	if !v.Scam {
		dir = -1
		top = &s.top[1]
	}
	s.ev = s.ev[:0]
	for c, hit := range x.hits {
		if !hit.hit {
			continue
		}
		w := float64(cueTable[c].prior) + float64(m.cueW[c*m.heads])
		if w*dir <= 0.05 {
			continue
		}
		q, also := quote(text, hit.at, hit.also)
		s.ev = append(s.ev, Evidence{Kind: "cue", Cue: cueTable[c].name, About: cueTable[c].reason, Text: q, Also: also, Weight: w})
	}

	// Merge overlapping n-grams into regions ("安全", "全账", "安全账" …
	// become "安全账户") and keep the strongest few.
	unit := float64(m.scale[0]) * float64(ngramWeight(len(x.feats), m.sqrtNorm))
	items := top.item[:top.n]
	slices.SortFunc(items, func(a, b region) int { return cmpDesc(a.w, b.w) })
	s.regions = s.regions[:0]
	for _, it := range items {
		merged := false
		for i := range s.regions {
			r := &s.regions[i]
			if it.start < r.end && r.start < it.end {
				if max(r.end, it.end)-min(r.start, it.start) <= maxRegionBytes {
					r.start, r.end = min(r.start, it.start), max(r.end, it.end)
					r.w += it.w
				}
				merged = true
				break
			}
		}
		if !merged {
			s.regions = append(s.regions, it)
		}
	}
	slices.SortFunc(s.regions, func(a, b region) int { return cmpDesc(a.w, b.w) })
	kept := 0
	for _, r := range s.regions {
		w := dir * r.w * unit
		if kept >= maxWordingReasons || math.Abs(w) < 0.05 {
			break
		}
		start, end := wholeWords(text, int(r.start), int(r.end))
		quoted := strings.TrimSpace(text[start:end])
		if utf8.RuneCountInString(quoted) < 2 {
			continue // a lone character explains nothing
		}
		kept++
		about := "wording seen in scams"
		if dir < 0 {
			about = "wording seen in ordinary messages"
		}
		s.ev = append(s.ev, Evidence{Kind: "wording", About: about, Text: quoted, Weight: w})
	}
	slices.SortStableFunc(s.ev, func(a, b Evidence) int { return cmpDesc(dir*a.Weight, dir*b.Weight) })

	// One string holds every reason; the reasons are slices of it, so the
	// explanation costs three allocations however long it is.
	s.buf = s.buf[:0]
	var ends [maxReasons + 3]int
	count := 0
	if v.Scam && v.Typology != "" {
		s.buf = append(s.buf, "typology "...)
		s.buf = append(s.buf, v.Typology...)
		s.buf = append(s.buf, " ("...)
		s.buf = strconv.AppendFloat(s.buf, v.TypologyScore, 'f', 2, 64)
		s.buf = append(s.buf, ')')
		ends[count] = len(s.buf)
		count++
	}
	for _, e := range s.ev[:min(len(s.ev), maxReasons)] {
		s.buf = append(s.buf, e.About...)
		if e.Text != "" {
			s.buf = append(s.buf, ": “"...)
			s.buf = append(s.buf, e.Text...)
			s.buf = append(s.buf, "”"...)
		}
		if e.Also != "" {
			s.buf = append(s.buf, " … “"...)
			s.buf = append(s.buf, e.Also...)
			s.buf = append(s.buf, "”"...)
		}
		s.buf = append(s.buf, " ("...)
		if e.Weight >= 0 {
			s.buf = append(s.buf, '+')
		}
		s.buf = strconv.AppendFloat(s.buf, e.Weight, 'f', 2, 64)
		s.buf = append(s.buf, ')')
		ends[count] = len(s.buf)
		count++
	}
	if cuesOnly {
		s.buf = append(s.buf, "judged by its cues alone: the model was not trained on text in this script"...)
		ends[count] = len(s.buf)
		count++
	}
	if count == 0 {
		if v.Scam {
			s.buf = append(s.buf, "the model's overall impression (no single cue stands out)"...)
		} else {
			s.buf = append(s.buf, "no scam cues found"...)
		}
		ends[count] = len(s.buf)
		count++
	}
	all := string(s.buf)
	v.Reasons = make([]string, count)
	prev := 0
	for i := range count {
		v.Reasons[i] = all[prev:ends[i]]
		prev = ends[i]
	}
	v.Evidence = slices.Clone(s.ev)
}

const (
	maxReasons        = 6 // besides the typology
	maxWordingReasons = 3
	maxRegionBytes    = 36 // a merged wording region: about a dozen Chinese characters
	maxClasses        = 16
)

// quote returns the words of the text a cue matched, without copying. For
// a combination whose parts are close it is one stretch covering both;
// otherwise the second part comes back separately.
func quote(text string, at, also span) (string, string) {
	q := strings.TrimSpace(text[at.start:at.end])
	if also.end <= also.start {
		return q, ""
	}
	lo, hi := min(at.start, also.start), max(at.end, also.end)
	if hi-lo <= maxRegionBytes {
		return strings.TrimSpace(text[lo:hi]), ""
	}
	return q, strings.TrimSpace(text[also.start:also.end])
}

// wholeWords widens text[start:end] to whole Latin words, so a character
// n-gram is quoted as the word it came from ("medical", not "dical").
func wholeWords(text string, start, end int) (int, int) {
	for start > 0 && isASCIIAlnum(rune(text[start-1])) && isASCIIAlnum(rune(text[start])) {
		start--
	}
	for end < len(text) && end > 0 && isASCIIAlnum(rune(text[end])) && isASCIIAlnum(rune(text[end-1])) {
		end++
	}
	return start, end
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// softmax writes the normalised exponentials of z to p.
func softmax(z, p []float64) {
	if len(z) == 0 {
		return
	}
	hi := slices.Max(z)
	sum := 0.0
	for i, v := range z {
		p[i] = math.Exp(v - hi)
		sum += p[i]
	}
	for i := range p[:len(z)] {
		p[i] /= sum
	}
}

// The embedded model, trained by `fanzha train` and loaded once.
//
//go:embed model/model.bin
var embeddedModel []byte

var embedded struct {
	once  sync.Once
	model *Model
	err   error
}

// Embedded returns the model shipped in the binary, loading it on first
// use. A missing or damaged model is an error saying how to rebuild it.
func Embedded() (*Model, error) {
	embedded.once.Do(func() {
		embedded.model, embedded.err = Load(bytes.NewReader(embeddedModel))
		if embedded.err != nil {
			embedded.err = fmt.Errorf("content: the embedded model (content/model/model.bin) cannot be used, rebuild it with `fanzha train`: %w", embedded.err)
		}
	})
	return embedded.model, embedded.err
}

// Classify classifies text with the embedded model (see Model.Classify).
func Classify(text, channel string) (Verdict, error) {
	m, err := Embedded()
	if err != nil {
		return Verdict{}, err
	}
	return m.Classify(text, channel)
}

// The model file is gzip-compressed (its CRC catches damage); inside, all
// numbers little-endian:
//
//	"FZCM", format version u16, feature version u16
//	approach (u8 length + bytes), hash bits u8, sqrt-norm u8, threshold f32,
//	scripts trained on u8, cue-only bias f32
//	classes: count u8, then each name (u8 length + bytes)
//	cues: count u16, then each name (u8 length + bytes)
//	note: u16 length + bytes
//	per head (1 + classes): bias f32, length weight f32, scale f32
//	per cue, per head: learned weight f32
//	per bucket (1<<bits), per head: weight i8
//
// Cue weights are stored by name, so a cue added to the table after
// training counts with its prior alone and a dropped one is ignored.
const (
	modelMagic         = "FZCM"
	modelFormatVersion = 1
	maxModelBytes      = 256 << 20 // decompressed
	minHashBits        = 8
	maxHashBits        = 24
)

// Load reads a model written by WriteTo.
func Load(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("model: not a gzip stream (empty or damaged file?): %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(zr, maxModelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("model: damaged: %w", err)
	}
	if len(data) > maxModelBytes {
		return nil, errors.New("model: larger than 256 MiB decompressed")
	}
	d := &decoder{b: data}
	if string(d.bytes(4)) != modelMagic {
		return nil, errors.New("model: not a fanzha content model (bad magic)")
	}
	if v := d.u16(); v != modelFormatVersion && d.err == nil {
		return nil, fmt.Errorf("model: file format version %d, this build reads %d", v, modelFormatVersion)
	}
	if v := d.u16(); v != featureVersion && d.err == nil {
		return nil, fmt.Errorf("model: trained on feature version %d, this build makes version %d; retrain with `fanzha train`", v, featureVersion)
	}
	m := &Model{approach: d.str8(), bits: uint(d.u8()), sqrtNorm: d.u8() == 1, threshold: float64(d.f32())}
	if d.err == nil && (m.bits < minHashBits || m.bits > maxHashBits) {
		return nil, fmt.Errorf("model: hash bits %d out of range %d–%d", m.bits, minHashBits, maxHashBits)
	}
	if d.err == nil && !(m.threshold > 0 && m.threshold < 1) {
		return nil, fmt.Errorf("model: threshold %v is not between 0 and 1", m.threshold)
	}
	m.scripts, m.cueBias = d.u8(), d.f32()
	nc := int(d.u8())
	if nc > maxClasses {
		return nil, fmt.Errorf("model: %d typology classes, at most %d", nc, maxClasses)
	}
	for range nc {
		name := d.str8()
		t := typologyIndex(name)
		if t < 0 && d.err == nil {
			return nil, fmt.Errorf("model: unknown typology class %q", name)
		}
		m.classes = append(m.classes, name)
		m.classTypo = append(m.classTypo, t)
	}
	m.heads = 1 + nc
	ncue := int(d.u16())
	cueNames := make([]string, 0, min(ncue, 4096))
	for range ncue {
		cueNames = append(cueNames, d.str8())
	}
	m.note = d.str16()
	m.bias = make([]float32, m.heads)
	m.lenw = make([]float32, m.heads)
	m.scale = make([]float32, m.heads)
	for k := range m.heads {
		m.bias[k], m.lenw[k], m.scale[k] = d.f32(), d.f32(), d.f32()
	}
	m.cueW = make([]float32, len(cueTable)*m.heads)
	for _, name := range cueNames {
		i, known := cueIndex[name]
		for k := range m.heads {
			w := d.f32()
			if known {
				m.cueW[i*m.heads+k] = w
			}
		}
	}
	if d.err != nil {
		return nil, fmt.Errorf("model: truncated header: %w", d.err)
	}
	for _, f := range [][]float32{m.bias, m.lenw, m.scale, m.cueW, {m.cueBias}} {
		for _, v := range f {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, errors.New("model: a weight is not a finite number")
			}
		}
	}
	n := (1 << m.bits) * m.heads
	if d.left() != n {
		return nil, fmt.Errorf("model: %d bytes of weights, want %d", d.left(), n)
	}
	m.weights = make([]int8, n)
	for i, b := range d.bytes(n) {
		m.weights[i] = int8(b)
	}
	return m, nil
}

// WriteTo writes the model in the format Load reads. The bytes depend only
// on the model, so retraining on the same data gives the same file.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	b.WriteString(modelMagic)
	le := binary.LittleEndian
	b.Write(le.AppendUint16(nil, modelFormatVersion))
	b.Write(le.AppendUint16(nil, featureVersion))
	putStr8(&b, m.approach)
	b.WriteByte(byte(m.bits))
	if m.sqrtNorm {
		b.WriteByte(1)
	} else {
		b.WriteByte(0)
	}
	putF32(&b, float32(m.threshold))
	b.WriteByte(m.scripts)
	putF32(&b, m.cueBias)
	b.WriteByte(byte(len(m.classes)))
	for _, c := range m.classes {
		putStr8(&b, c)
	}
	b.Write(le.AppendUint16(nil, uint16(len(cueTable))))
	for _, c := range cueTable {
		putStr8(&b, c.name)
	}
	note := m.note
	if len(note) > math.MaxUint16 {
		note = note[:math.MaxUint16]
	}
	b.Write(le.AppendUint16(nil, uint16(len(note))))
	b.WriteString(note)
	for k := range m.heads {
		putF32(&b, m.bias[k])
		putF32(&b, m.lenw[k])
		putF32(&b, m.scale[k])
	}
	for _, v := range m.cueW {
		putF32(&b, v)
	}
	raw := make([]byte, len(m.weights))
	for i, v := range m.weights {
		raw[i] = byte(v)
	}
	b.Write(raw)

	cw := &countingWriter{w: w}
	zw, err := gzip.NewWriterLevel(cw, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	if _, err := zw.Write(b.Bytes()); err != nil {
		return cw.n, fmt.Errorf("model: write: %w", err)
	}
	if err := zw.Close(); err != nil {
		return cw.n, fmt.Errorf("model: write: %w", err)
	}
	return cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func putStr8(b *bytes.Buffer, s string) {
	if len(s) > 255 {
		s = s[:255]
	}
	b.WriteByte(byte(len(s)))
	b.WriteString(s)
}

func putF32(b *bytes.Buffer, v float32) {
	b.Write(binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)))
}

// decoder reads the model's fields, remembering the first shortage
// instead of failing on each read.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b) {
		d.err = io.ErrUnexpectedEOF
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) left() int { return len(d.b) }

func (d *decoder) u8() uint8 {
	if b := d.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (d *decoder) u16() uint16 {
	if b := d.bytes(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (d *decoder) f32() float32 {
	if b := d.bytes(4); b != nil {
		return math.Float32frombits(binary.LittleEndian.Uint32(b))
	}
	return 0
}

func (d *decoder) str8() string  { return string(d.bytes(int(d.u8()))) }
func (d *decoder) str16() string { return string(d.bytes(int(d.u16()))) }
