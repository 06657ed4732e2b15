package content

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Training: the datasets, their fixed splits, and the two learning methods
// compared on them.
//
// Both methods learn linear weights over the same features, so they share
// the model format and Classify:
//
//   - "logreg": logistic regression (softmax for the typology head) trained
//     by stochastic gradient descent with AdaGrad step sizes and an L2
//     penalty; n-gram values are 1/sqrt(n) for n occurrences.
//   - "naive-bayes": multinomial naive Bayes with additive smoothing; its
//     per-class log-probabilities are the weights. Counts are scaled by
//     1/sqrt(n) per text like logreg's values (length normalisation, as
//     Rennie et al., ICML 2003, propose for naive Bayes on text; here it
//     keeps the long Chinese fraud texts from drowning the short English
//     SMS).
//
// In both, the cues' weights in the scam head are their hand-set priors,
// not learned: the priors are a fixed offset while training, and the
// n-gram weights and the bias learn around them. Learning them made rare
// cues noisy (a few examples moved them either way) and let the datasets
// overrule what is known about scams: talk of jobs and of investing is
// commoner in their ordinary shop and bank messages than in their fraud
// texts, so learned cue weights made fake job ads and 稳赚 pitches look
// reassuring. The typology head learns its cue weights like any feature;
// the typology priors are added when classifying (classify.go).

// Example is one labelled text.
type Example struct {
	Text     string
	Scam     bool
	Typology string // FORMATS.md typology of a scam, "" when the dataset does not say
	Class    string // the dataset's own label, used to stratify the split
}

// Dataset is one labelled corpus from ../shared/data.
type Dataset struct {
	Name       string
	Language   string
	Licence    string
	Research   bool // research-only licence: not in `fanzha train --no-research`
	SmokeOnly  bool // too small or noisy to train on: evaluated whole, never trained on
	Examples   []Example
	Duplicates int // exact duplicate texts dropped on loading
	Conflicts  int // texts dropped because their copies disagreed on the label
}

// Dataset names, as in ../shared/data.
const (
	UCISMS      = "uci_sms_spam"
	TelecomZH   = "telecom_fraud_texts_5_zh"
	ChatFraudZH = "zh_chat_fraud_small"
)

// LoadDatasets reads the three text datasets from dir (../shared/data). It
// fails, naming the file, when one is missing or unreadable.
func LoadDatasets(dir string) ([]*Dataset, error) {
	var out []*Dataset
	for _, load := range []func(string) (*Dataset, error){loadUCISMS, loadTelecomZH, loadChatFraudZH} {
		d, err := load(dir)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// loadUCISMS reads the UCI SMS Spam Collection: "ham|spam<TAB>text" per
// line (this copy has a header line).
func loadUCISMS(dir string) (*Dataset, error) {
	path := filepath.Join(dir, UCISMS, "SMSSpamCollection")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", UCISMS, err)
	}
	defer f.Close()
	d := &Dataset{Name: UCISMS, Language: "en", Licence: "CC BY 4.0"}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		label, text, ok := strings.Cut(strings.TrimRight(sc.Text(), "\r"), "\t")
		if line == 1 && label == "Label" {
			continue
		}
		if !ok || label != "ham" && label != "spam" {
			return nil, fmt.Errorf("dataset %s: %s line %d: want ham|spam<TAB>text", UCISMS, path, line)
		}
		d.Examples = append(d.Examples, Example{Text: text, Scam: label == "spam", Class: label})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("dataset %s: %s: %w", UCISMS, path, err)
	}
	d.dedupe()
	return d, nil
}

// telecomFiles maps each Telecom_Fraud_Texts_5 file to its class. label04
// is read from the UTF-8 copy (the original is GB18030).
var telecomFiles = []struct {
	file, class, typology string
}{
	{"label00-last.csv", "normal", ""},
	{"label01-last.csv", "冒充公检法及政府机关类", ImpersonationOfficial},
	{"label02-last.csv", "贷款、代办信用卡类", Loan},
	{"label03-last.csv", "冒充客服服务", CustomerService},
	{"label04-last.utf8.csv", "冒充领导、熟人类", ImpersonationAcquaintance},
}

// placeholders are the anonymisation tokens the dataset's authors put into
// its normal texts only (DIGIT, URL, PHONE, NAME …; none of the fraud texts
// has them). Left in, a model learns "contains the word DIGIT, so it is
// normal"; removed, it learns "has a number, a link or a phone number, so
// it is a scam", since the normal texts lost theirs. So each becomes a
// plain example of what was there: a number, a link, a phone number; names
// and places are removed.
var placeholders = strings.NewReplacer(
	"[URL]", exampleURL, "[url]", exampleURL, "[链接]", exampleURL, "[网址]", exampleURL, "[插入URL]", exampleURL,
	"[插入网址]", exampleURL, "[占位符网址]", exampleURL, "[电话号码]", examplePhone, "[联系方式]", examplePhone,
	"[NAME]", "", "[PLACE]", "", "[DIGIT]", "8",
	"DIGIT", "8", "CELLPHONE", examplePhone, "PHONE", examplePhone, "HOTLINE", "95500", "URL", exampleURL, "NAME", "", "PLACE", "",
)

const (
	exampleURL   = " https://example.com/a "
	examplePhone = "13800000000"
)

func loadTelecomZH(dir string) (*Dataset, error) {
	d := &Dataset{Name: TelecomZH, Language: "zh", Licence: "GPL-3.0 + research use only, no commercial use", Research: true}
	for _, tf := range telecomFiles {
		path := filepath.Join(dir, TelecomZH, tf.file)
		rows, err := readCSV(path)
		if err != nil {
			return nil, fmt.Errorf("dataset %s: %w", TelecomZH, err)
		}
		for i, row := range rows {
			if i == 0 && len(row) > 0 && row[0] == "content" {
				continue
			}
			if len(row) < 2 {
				return nil, fmt.Errorf("dataset %s: %s row %d: want content,label", TelecomZH, path, i+1)
			}
			text := placeholders.Replace(row[0])
			d.Examples = append(d.Examples, Example{Text: text, Scam: tf.typology != "", Typology: tf.typology, Class: tf.class})
		}
	}
	d.dedupe()
	return d, nil
}

func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, nil
}

// loadChatFraudZH reads the small chat-snippet set: "text label" per line,
// the label (0 or 1) after the last space.
func loadChatFraudZH(dir string) (*Dataset, error) {
	path := filepath.Join(dir, ChatFraudZH, "data.txt")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", ChatFraudZH, err)
	}
	d := &Dataset{Name: ChatFraudZH, Language: "zh", Licence: "none stated", SmokeOnly: true}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r ")
		if line == "" {
			continue
		}
		cut := strings.LastIndexAny(line, " \t")
		if cut < 0 || line[cut+1:] != "0" && line[cut+1:] != "1" {
			return nil, fmt.Errorf("dataset %s: %s line %d: want text and a 0/1 label", ChatFraudZH, path, i+1)
		}
		scam := line[cut+1:] == "1"
		d.Examples = append(d.Examples, Example{Text: line[:cut], Scam: scam, Class: line[cut+1:]})
	}
	d.dedupe()
	return d, nil
}

// dedupe keeps the first copy of each text; texts whose copies disagree on
// the label are dropped altogether.
func (d *Dataset) dedupe() {
	type seen struct {
		i        int
		conflict bool
	}
	first := map[string]*seen{}
	for i, e := range d.Examples {
		if s, ok := first[e.Text]; ok {
			d.Duplicates++
			if d.Examples[s.i].Class != e.Class {
				s.conflict = true
			}
			continue
		}
		first[e.Text] = &seen{i: i}
	}
	kept := d.Examples[:0]
	for i, e := range d.Examples {
		s := first[e.Text]
		if s.i != i {
			continue
		}
		if s.conflict {
			d.Conflicts++
			continue
		}
		kept = append(kept, e)
	}
	d.Examples = kept
}

// Split is the fixed division of one dataset. Within each class, examples
// are ordered by FNV-1a-64 of (seed, text); the first 20% are the test set,
// the next 10% the validation set (used only to choose between the
// methods), the rest the fitting set. Train is fitting plus validation. The
// split depends on the texts alone, not on file order.
type Split struct {
	Fit, Valid, Test []Example
}

// Train is the whole training part: Fit and Valid.
func (s Split) Train() []Example { return slices.Concat(s.Fit, s.Valid) }

// SplitSeed is the seed of the published split.
const SplitSeed = 1

// SplitDataset divides d as Split describes. A smoke-only dataset is all
// test.
func SplitDataset(d *Dataset, seed uint64) Split {
	if d.SmokeOnly {
		return Split{Test: slices.Clone(d.Examples)}
	}
	byClass := map[string][]Example{}
	var classes []string
	for _, e := range d.Examples {
		if _, ok := byClass[e.Class]; !ok {
			classes = append(classes, e.Class)
		}
		byClass[e.Class] = append(byClass[e.Class], e)
	}
	slices.Sort(classes)
	var s Split
	for _, c := range classes {
		ex := byClass[c]
		keys := make(map[string]uint64, len(ex))
		for _, e := range ex {
			keys[e.Text] = splitKey(seed, e.Text)
		}
		slices.SortFunc(ex, func(a, b Example) int {
			return cmp.Or(cmp.Compare(keys[a.Text], keys[b.Text]), strings.Compare(a.Text, b.Text))
		})
		nTest := int(math.Round(0.2 * float64(len(ex))))
		nValid := int(math.Round(0.1 * float64(len(ex))))
		s.Test = append(s.Test, ex[:nTest]...)
		s.Valid = append(s.Valid, ex[nTest:nTest+nValid]...)
		s.Fit = append(s.Fit, ex[nTest+nValid:]...)
	}
	return s
}

func splitKey(seed uint64, text string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(seed >> (8 * i))
	}
	h.Write(b[:])
	io.WriteString(h, text)
	return h.Sum64()
}

// Approaches compared by `fanzha eval` and chosen between by `fanzha train`.
const (
	LogReg     = "logreg"
	NaiveBayes = "naive-bayes"
)

// Approaches lists the learning methods.
var Approaches = []string{LogReg, NaiveBayes}

// TrainOptions are the knobs of one training run. The zero value is the
// published setting.
type TrainOptions struct {
	HashBits int     // n-gram table width (default 18: 262,144 buckets)
	Epochs   int     // logreg passes over the data (default 8)
	Rate     float64 // logreg AdaGrad step (default 0.2)
	L2       float64 // logreg L2 penalty per update, on n-gram weights and on cue corrections (default 1e-5)
	Alpha    float64 // naive Bayes additive smoothing (default 0.01)
	Seed     uint64  // logreg shuffling (default 1)
}

func (o TrainOptions) withDefaults() TrainOptions {
	if o.HashBits == 0 {
		o.HashBits = 18
	}
	if o.Epochs == 0 {
		o.Epochs = 8
	}
	if o.Rate == 0 {
		o.Rate = 0.2
	}
	if o.L2 == 0 {
		o.L2 = 1e-5
	}
	if o.Alpha == 0 {
		o.Alpha = 0.01
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// sample is one example turned into features: its n-gram hashes with
// counts (merged), how many n-gram occurrences it had, the cues that fired,
// and its labels.
type sample struct {
	hash   []uint32
	count  []float32
	n      int
	cues   []uint16
	script uint8 // main script (scriptCJK or scriptLatin)
	scam   bool
	class  string // typology class for the typology head ("" for not scam)
}

// Featurise turns examples into samples once, so training passes reuse them.
func featurise(examples []Example) []sample {
	x := newExtraction()
	out := make([]sample, len(examples))
	var hs []uint32
	for i, e := range examples {
		x.extract(e.Text)
		hs = hs[:0]
		for _, f := range x.feats {
			hs = append(hs, f.hash)
		}
		slices.Sort(hs)
		s := sample{n: len(hs), scam: e.Scam, script: x.script()}
		for j := 0; j < len(hs); {
			k := j
			for k < len(hs) && hs[k] == hs[j] {
				k++
			}
			s.hash = append(s.hash, hs[j])
			s.count = append(s.count, float32(k-j))
			j = k
		}
		for c, h := range x.hits {
			if h.hit {
				s.cues = append(s.cues, uint16(c))
			}
		}
		if e.Scam {
			s.class = cmp.Or(e.Typology, Other)
		}
		out[i] = s
	}
	return out
}

// classesOf lists the typology classes present among the scam samples, in
// FORMATS.md order.
func classesOf(samples []sample) []string {
	present := map[string]bool{}
	for _, s := range samples {
		if s.scam {
			present[s.class] = true
		}
	}
	var out []string
	for _, t := range Typologies {
		if present[t] {
			out = append(out, t)
		}
	}
	return out
}

// trainModel learns a model by approach from samples.
func trainModel(approach string, samples []sample, opts TrainOptions, note string) (*Model, error) {
	opts = opts.withDefaults()
	if opts.HashBits < minHashBits || opts.HashBits > maxHashBits {
		return nil, fmt.Errorf("train: hash bits %d out of range %d–%d", opts.HashBits, minHashBits, maxHashBits)
	}
	if len(samples) == 0 {
		return nil, errors.New("train: no training examples")
	}
	classes := classesOf(samples)
	if len(classes) == 0 {
		return nil, errors.New("train: no scam examples")
	}
	if len(classes) > maxClasses {
		return nil, fmt.Errorf("train: %d typology classes, at most %d", len(classes), maxClasses)
	}
	lw := newLinear(opts.HashBits, 1+len(classes))
	switch approach {
	case LogReg:
		trainLogReg(lw, samples, classes, opts)
	case NaiveBayes:
		trainNaiveBayes(lw, samples, classes, opts)
	default:
		return nil, fmt.Errorf("train: unknown approach %q (want %s or %s)", approach, LogReg, NaiveBayes)
	}
	m := lw.model(approach, classes, true, note)
	m.scripts = scriptsOf(samples)
	m.cueBias = float32(fitCueBias(samples))
	return m, nil
}

// minScriptSamples is how many training texts in a script make the model
// trained on it.
const minScriptSamples = 100

// scriptsOf is the set of scripts with enough training texts.
func scriptsOf(samples []sample) uint8 {
	count := map[uint8]int{}
	for _, s := range samples {
		count[s.script]++
	}
	var out uint8
	for _, sc := range []uint8{scriptCJK, scriptLatin} {
		if count[sc] >= minScriptSamples {
			out |= sc
		}
	}
	return out
}

// fitCueBias finds the bias b that best predicts the training labels from
// the cues alone, sigmoid(b + sum of the priors of the cues that fired),
// by Newton's method. It scores texts in scripts the model was not trained
// on (see Model.score).
func fitCueBias(samples []sample) float64 {
	b := 0.0
	for range 100 {
		var g, hess float64
		for _, s := range samples {
			z := b
			for _, c := range s.cues {
				z += float64(cueTable[c].prior)
			}
			p := sigmoid(z)
			if s.scam {
				g += p - 1
			} else {
				g += p
			}
			hess += p * (1 - p)
		}
		if hess < 1e-12 {
			break
		}
		step := g / hess
		b -= step
		if math.Abs(step) < 1e-9 {
			break
		}
	}
	return b
}

// linear holds a model's weights in float64 while training.
type linear struct {
	bits  int
	heads int
	w     []float64 // [bucket*heads+head]
	cue   []float64 // [cue*heads+head]
	bias  []float64
	lenw  []float64
}

func newLinear(bits, heads int) *linear {
	return &linear{
		bits:  bits,
		heads: heads,
		w:     make([]float64, (1<<bits)*heads),
		cue:   make([]float64, len(cueTable)*heads),
		bias:  make([]float64, heads),
		lenw:  make([]float64, heads),
	}
}

// model quantises the weights to int8 (one scale per head) into a Model.
// Measured on the held-out sets, 8 bits lose nothing against 16 or 32 and
// halve the model (and the memory each classification touches).
func (l *linear) model(approach string, classes []string, sqrtNorm bool, note string) *Model {
	m := &Model{
		approach:  approach,
		bits:      uint(l.bits),
		sqrtNorm:  sqrtNorm,
		threshold: 0.5,
		classes:   classes,
		heads:     l.heads,
		weights:   make([]int8, len(l.w)),
		scale:     make([]float32, l.heads),
		bias:      make([]float32, l.heads),
		lenw:      make([]float32, l.heads),
		cueW:      make([]float32, len(l.cue)),
		note:      note,
	}
	for _, c := range classes {
		m.classTypo = append(m.classTypo, typologyIndex(c))
	}
	for k := range l.heads {
		hi := 0.0
		for i := k; i < len(l.w); i += l.heads {
			hi = max(hi, math.Abs(l.w[i]))
		}
		scale := hi / math.MaxInt8
		if scale == 0 {
			scale = 1
		}
		m.scale[k] = float32(scale)
		for i := k; i < len(l.w); i += l.heads {
			m.weights[i] = int8(math.Round(l.w[i] / scale))
		}
		m.bias[k] = float32(l.bias[k])
		m.lenw[k] = float32(l.lenw[k])
	}
	for i, v := range l.cue {
		m.cueW[i] = float32(v)
	}
	return m
}

// rng is SplitMix64: tiny, and the same sequence on every platform and Go
// version, so training is reproducible.
type rng uint64

func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// shuffle is Fisher–Yates with rng.
func (r *rng) shuffle(order []int) {
	for i := len(order) - 1; i > 0; i-- {
		j := int(r.next() % uint64(i+1))
		order[i], order[j] = order[j], order[i]
	}
}

// trainLogReg fits the scam head (logistic) on every sample and the
// typology head (softmax) on the scam samples, by AdaGrad.
func trainLogReg(l *linear, samples []sample, classes []string, opts TrainOptions) {
	shift := 32 - l.bits
	h := l.heads
	gw := make([]float64, len(l.w)) // AdaGrad sums of squared gradients
	gc := make([]float64, len(l.cue))
	gb := make([]float64, h)
	classIdx := map[string]int{}
	for i, c := range classes {
		classIdx[c] = i
	}
	step := func(sum *float64, grad float64) float64 {
		*sum += grad * grad
		return opts.Rate * grad / (math.Sqrt(*sum) + 1e-8)
	}
	order := make([]int, len(samples))
	for i := range order {
		order[i] = i
	}
	r := rng(opts.Seed)
	var z, p, grad [1 + maxClasses]float64
	for range opts.Epochs {
		r.shuffle(order)
		for _, i := range order {
			s := &samples[i]
			v := float64(ngramWeight(s.n, true))
			// Heads: 0 always; 1.. only for scam samples.
			last := 1
			if s.scam {
				last = h
			}
			for k := range last {
				z[k] = l.bias[k]
			}
			for _, c := range s.cues {
				z[0] += float64(cueTable[c].prior)
				for k := range last {
					z[k] += l.cue[int(c)*h+k]
				}
			}
			for j, hash := range s.hash {
				row := l.w[int(hash>>shift)*h:]
				x := float64(s.count[j]) * v
				for k := range last {
					z[k] += row[k] * x
				}
			}
			y := 0.0
			if s.scam {
				y = 1
			}
			grad[0] = sigmoid(z[0]) - y
			if s.scam {
				softmax(z[1:h], p[:h-1])
				for k := 1; k < h; k++ {
					grad[k] = p[k-1]
				}
				grad[1+classIdx[s.class]] -= 1
			}
			for k := range last {
				l.bias[k] -= step(&gb[k], grad[k])
			}
			for _, c := range s.cues {
				for k := 1; k < last; k++ { // the scam head's cue weights are the fixed priors
					at := int(c)*h + k
					l.cue[at] -= step(&gc[at], grad[k]+opts.L2*l.cue[at])
				}
			}
			for j, hash := range s.hash {
				base := int(hash>>shift) * h
				x := float64(s.count[j]) * v
				for k := range last {
					at := base + k
					l.w[at] -= step(&gw[at], grad[k]*x+opts.L2*l.w[at])
				}
			}
		}
	}
}

// trainNaiveBayes counts n-grams (each text's counts scaled by 1/sqrt(n))
// and cues per class, and turns the smoothed log-probabilities into
// weights: for the scam head the log ratio scam/ordinary of each n-gram (the
// cues keep their priors), for the typology head each class's
// log-probability of each n-gram and cue.
// Buckets no sample touched would all carry the same constant; that
// constant goes into the length weight so unseen buckets stay zero (and the
// model file compresses).
func trainNaiveBayes(l *linear, samples []sample, classes []string, opts TrainOptions) {
	shift := 32 - l.bits
	h := l.heads
	// Classes of the counts: 0 ordinary, 1 scam, then 2.. the typologies.
	nc := 2 + len(classes)
	classIdx := map[string]int{}
	for i, c := range classes {
		classIdx[c] = 2 + i
	}
	D := 1 << l.bits
	C := len(cueTable)
	counts := make([]float64, (D+C)*nc)
	total := make([]float64, nc)
	docs := make([]float64, nc)
	add := func(s *sample, c int) {
		docs[c]++
		v := float64(ngramWeight(s.n, true))
		for j, hash := range s.hash {
			counts[int(hash>>shift)*nc+c] += float64(s.count[j]) * v
			total[c] += float64(s.count[j]) * v
		}
		for _, cu := range s.cues {
			counts[(D+int(cu))*nc+c]++
			total[c]++
		}
	}
	for i := range samples {
		s := &samples[i]
		if s.scam {
			add(s, 1)
			add(s, classIdx[s.class])
		} else {
			add(s, 0)
		}
	}
	V := float64(D + C)
	logp := func(j, c int) float64 {
		return math.Log((counts[j*nc+c] + opts.Alpha) / (total[c] + opts.Alpha*V))
	}
	unseen := func(c int) float64 { return math.Log(opts.Alpha / (total[c] + opts.Alpha*V)) }

	// Scam head.
	l.bias[0] = math.Log((docs[1] + 1) / (docs[0] + 1))
	l.lenw[0] = unseen(1) - unseen(0)
	for j := range D {
		l.w[j*h] = logp(j, 1) - logp(j, 0) - l.lenw[0]
	}
	// Typology head.
	scams := docs[1]
	for k := 1; k < h; k++ {
		c := 1 + k // count class
		l.bias[k] = math.Log((docs[c] + 1) / (scams + float64(h-1)))
		l.lenw[k] = unseen(c)
		for j := range D {
			l.w[j*h+k] = logp(j, c) - l.lenw[k]
		}
		for cu := range C {
			l.cue[cu*h+k] = logp(D+cu, c)
		}
	}
}
