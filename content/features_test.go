package content

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalise(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Hello WORLD", "hello world"},
		{"ＡＢＣ１２３！", "abc123!"}, // full-width folded
		{"a \t\n  b", "a b"},   // spaces collapsed
		{"加 微 信", "加微信"},       // space between Chinese dropped
		{"加\u3000微信", "加微信"},   // ideographic space too
		{"QQ 群", "qq 群"},       // kept between Latin and Chinese
		{"ÉCOLE", "école"},     // lower case beyond ASCII
		{"a\xffb", "a b"},      // invalid UTF-8 is a space
		{"  lead", "lead"},     // no leading space
		{"日结５００元", "日结500元"},
	} {
		x := newExtraction()
		x.extract(tc.in)
		if got := strings.TrimSpace(string(x.norm)); got != tc.want {
			t.Errorf("normalise %q = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSpans checks that every feature and cue points back into the original
// text at rune boundaries, whatever the text.
func TestSpans(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"押金", "ＷＷＷ", " ", "\u3000", "a", "Fee", "3", "５", "@x", "\xff", "é", "。", "加 微 信", "http://a.top/", "日结", "500元", "$", "per day"}
	x := newExtraction()
	for range 2000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		text := b.String()
		read := x.extract(text)
		check := func(what string, start, end int32) {
			if start < 0 || end < start || int(end) > len(read) || !utf8.RuneStart(byteAt(read, start)) || !utf8.RuneStart(byteAt(read, end)) {
				t.Fatalf("%q: %s span [%d,%d) is not a stretch of the text", text, what, start, end)
			}
		}
		for _, f := range x.feats {
			check("feature", f.start, f.end)
		}
		for c, h := range x.hits {
			if h.hit {
				check(cueTable[c].name, h.at.start, h.at.end)
				check(cueTable[c].name+" (second part)", h.also.start, h.also.end)
			}
		}
		if len(x.orig) != len(x.norm)+1 {
			t.Fatalf("%q: %d offsets for %d bytes", text, len(x.orig), len(x.norm))
		}
	}
}

func byteAt(s string, i int32) byte {
	if int(i) >= len(s) {
		return 0 // the end is a boundary
	}
	return s[i]
}

func TestNgrams(t *testing.T) {
	x := newExtraction()
	x.extract("安全账户")
	// 4 characters, 3 pairs, 2 triples
	if len(x.feats) != 9 {
		t.Errorf("安全账户: %d n-grams, want 9", len(x.feats))
	}
	var quoted []string
	for _, f := range x.feats {
		quoted = append(quoted, "安全账户"[f.start:f.end])
	}
	for _, want := range []string{"安", "安全", "安全账", "全账户", "户"} {
		if !slices.Contains(quoted, want) {
			t.Errorf("安全账户: no n-gram quoting %q (got %v)", want, quoted)
		}
	}

	x.extract("fee")
	// the word, and "<fee>" gives 3 trigrams, 2 four-grams, 1 five-gram
	if len(x.feats) != 7 {
		t.Errorf("fee: %d n-grams, want 7", len(x.feats))
	}
	x.extract("pay fee")
	// two words of 7 and 7 (pay: 1 + 3+2+1), plus one bigram
	if len(x.feats) != 15 {
		t.Errorf("pay fee: %d n-grams, want 15", len(x.feats))
	}

	// Numbers are one feature whatever their digits and length.
	hashes := func(s string) []uint32 {
		x.extract(s)
		var h []uint32
		for _, f := range x.feats {
			h = append(h, f.hash)
		}
		return h
	}
	if a, b := hashes("交3500元"), hashes("交8元"); !slices.Equal(a, b) {
		t.Error("交3500元 and 交8元 hash differently")
	}
	if a, b := hashes("call 09061701461"), hashes("call 7"); !slices.Equal(a, b) {
		t.Error("call 09061701461 and call 7 hash differently")
	}
	if a, b := hashes("ab"), hashes("ａｂ"); !slices.Equal(a, b) {
		t.Error("full-width letters hash differently")
	}
}

// TestMatcher compares the Aho–Corasick matcher with a plain search over
// random texts built from pieces of the patterns.
func TestMatcher(t *testing.T) {
	words := []string{"he", "she", "his", "hers", "fee", "fee*", "押金", "金额", "a b", ".top", "t.me/"}
	var pats []pattern
	for i, w := range words {
		p, err := newPattern(w, i, 0)
		if err != nil {
			t.Fatal(err)
		}
		pats = append(pats, p)
	}
	m, err := newMatcher(pats)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"h", "e", "s", "i", "r", "f", "押", "金", "额", " ", "a", "b", ".", "t", "o", "p", "m", "/", "x"}
	for range 5000 {
		var b strings.Builder
		for range r.IntN(20) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		text := []byte(b.String())
		type hit struct{ pat, start, end int }
		var got, want []hit
		m.match(text, func(p *pattern, start, end int) { got = append(got, hit{p.cue, start, end}) })
		for end := 1; end <= len(text); end++ {
			for i, p := range pats {
				start := end - len(p.text)
				if start < 0 || string(text[start:end]) != p.text {
					continue
				}
				if p.startBound && start > 0 && isASCIIAlnum(rune(text[start-1])) {
					continue
				}
				if p.endBound && end < len(text) && isASCIIAlnum(rune(text[end])) {
					continue
				}
				want = append(want, hit{i, start, end})
			}
		}
		sortHits := func(h []hit) {
			slices.SortFunc(h, func(a, b hit) int { return (a.end-b.end)*100 + (a.pat - b.pat) })
		}
		sortHits(got)
		sortHits(want)
		if !slices.Equal(got, want) {
			t.Fatalf("%q: matcher %v, plain search %v", text, got, want)
		}
	}
}

func TestCueTable(t *testing.T) {
	if cueTableErr != nil {
		t.Fatal(cueTableErr)
	}
	x := newExtraction()
	for _, c := range cueTable {
		if c.reason == "" {
			t.Errorf("cue %s has no reason", c.name)
		}
		for _, w := range c.words {
			// Patterns are written as normalisation leaves text, or they
			// could never match.
			w = strings.TrimSuffix(w, "*")
			x.extract(w)
			if string(x.norm) != w {
				t.Errorf("cue %s: pattern %q normalises to %q", c.name, w, x.norm)
			}
		}
	}
	if _, err := newPattern("Upper", 0, 0); err == nil {
		t.Error("an upper-case pattern was accepted")
	}
}

// firedCues lists the cues that fire on text.
func firedCues(text string) []string {
	x := newExtraction()
	x.extract(text)
	var out []string
	for c, h := range x.hits {
		if h.hit {
			out = append(out, cueTable[c].name)
		}
	}
	return out
}

func TestCues(t *testing.T) {
	for _, tc := range []struct {
		text      string
		want, not []string
	}{
		{"请将资金转入安全账户", []string{"safe_account"}, nil},
		{"Move it to a SAFE ACCOUNT now", []string{"safe_account"}, nil},
		{"入职需交培训费", []string{"job_fee"}, nil},
		{"a cup of coffee", nil, []string{"deposit"}},     // "fee" only as a word
		{"no fees, no deposit", []string{"deposit"}, nil}, // plural
		{"缴纳社保，五险一金", []string{"legit_job"}, []string{"deposit"}},
		{"contact t.me/jobs_hr or WhatsApp", []string{"intl_chat"}, nil},
		{"visit www.win-prize.top today", []string{"link", "odd_domain"}, nil},
		{"the topic of today", nil, []string{"odd_domain"}},
		{"call 138 0013 8000 now", []string{"phone"}, nil},
		{"room 12 at 3", nil, []string{"phone"}},
		{"add me @kh_hr888", []string{"handle"}, nil},
		{"mail me at ann@example.com", nil, []string{"handle"}},
		{"ｗｗｗ．ａｂｃ．ｃｏｍ", []string{"fullwidth", "link"}, nil},
		{"，。！", nil, []string{"fullwidth"}}, // full-width punctuation is ordinary Chinese
		{"招聘打字员，需交押金", []string{"job", "deposit", "job_asks_money"}, nil},
		{"柬埔寨高薪，包机票", []string{"abroad", "travel_paid", "overseas_job"}, nil},
		{"刷单返利，先垫付", []string{"task", "rebate", "transfer", "task_prepay"}, nil},
		{"I lost my phone, this is my new number, can you transfer £300", []string{"new_number", "transfer", "acquaintance_money"}, nil},
		{"加 微 信 领 红 包", []string{"private_chat"}, nil}, // spaced-out Chinese still matches
	} {
		got := firedCues(tc.text)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: cue %s did not fire (fired %v)", tc.text, w, got)
			}
		}
		for _, n := range tc.not {
			if slices.Contains(got, n) {
				t.Errorf("%q: cue %s fired", tc.text, n)
			}
		}
	}
}

func TestPayRates(t *testing.T) {
	for _, tc := range []struct {
		text        string
		daily, high bool
	}{
		{"日结500元", true, true},
		{"日结200元", true, false},
		{"月入3万", false, true},
		{"月薪4500-5500元", false, false},
		{"月薪2-3万", false, true}, // 30,000 a month: the threshold for yuan (see the ordinary ads in classify_test.go)
		{"时薪35元", false, false},
		{"时薪200元", false, true},
		{"earn $300 a day", true, true},
		{"$120 per day", true, false},
		{"$16.50 per hour plus tips", false, false},
		{"Pay $42-$55 per hour", false, true},
		{"$1,500 per week", false, true},
		{"Salary £30,000 per year", false, false},
		{"3天内到账5000元", false, false},
		{"每个单子10块到30块", false, false},
		{"2024年3月", false, false},
	} {
		got := firedCues(tc.text)
		daily, high := slices.Contains(got, "daily_pay"), slices.Contains(got, "high_pay")
		if daily != tc.daily || high != tc.high {
			t.Errorf("%q: daily_pay %v high_pay %v, want %v %v", tc.text, daily, high, tc.daily, tc.high)
		}
	}
}

func TestReadAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		end  int
	}{
		{"500元", 500, 3},
		{"1,500 a", 1500, 5},
		{"2.5万", 25000, 3 + len("万")},
		{"5k/day", 5000, 2},
		{"3w", 30000, 2},
		{"3web", 3, 1},
		{"1,50", 1, 1},
		{"99999999999999999999", 1e12, 20},
	} {
		v, end := readAmount([]byte(tc.in), 0)
		if v != tc.want && !(tc.want == 1e12 && v >= 1e12) || end != tc.end {
			t.Errorf("readAmount(%q) = %v, %d; want %v, %d", tc.in, v, end, tc.want, tc.end)
		}
	}
}

// FuzzFeatures: no text makes feature extraction panic or point outside itself.
func FuzzFeatures(f *testing.F) {
	for _, s := range []string{"押金 ＷＷＷ.ａ.ｔｏｐ @x 138-0013-8000 日结500元", "$1,500 per week", "\xff\xfe", "3万w k"} {
		f.Add(s)
	}
	x := newExtraction()
	f.Fuzz(func(t *testing.T, text string) {
		read := x.extract(text)
		for _, f := range x.feats {
			if f.start < 0 || f.end < f.start || int(f.end) > len(read) {
				t.Fatalf("feature span [%d,%d) outside %d bytes", f.start, f.end, len(read))
			}
		}
		for c, h := range x.hits {
			if h.hit && (h.at.start < 0 || h.at.end < h.at.start || int(h.at.end) > len(read)) {
				t.Fatalf("cue %s span %v outside %d bytes", cueTable[c].name, h.at, len(read))
			}
		}
	})
}
