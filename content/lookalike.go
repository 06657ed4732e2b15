package content

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"github.com/fanzha/fanzha/indicator"
)

// Lookalike domains: names built to pass for a protected brand's own.
//
// A domain is read label by label after the indicator package has
// normalised it (lower case, A-labels, defanging undone). Each label is
// turned into a skeleton — Unicode confusables mapped to their Latin
// look-alike (Cyrillic "а" → "a"), accents dropped, and the ASCII tricks
// folded ("rn" → "m", "vv" → "w", 0 → o, 1/i/l → l, 3 → e, 4 →
// a, 5 → s) — and the skeleton is matched against the brands' tokens, which
// went through the same fold. Equal skeletons are homoglyphs or ASCII
// lookalikes; a skeleton one or two edits away (Damerau-Levenshtein, so a
// swap is one edit) is a typo; a token inside a longer label, or as a whole
// subdomain, is combosquatting. Lure words ("login", "refund", "kefu"),
// a risky top-level domain and a shared hosting platform raise the score;
// none of them flags a domain alone, since most names under .top are
// somebody's shop, not a bank's phishing page.
//
// The score is a judgement in [0, 1], not a probability: 0.5 and above is
// suspicious. The weights below were set by hand and checked against the
// crypto phishing lists and the ISCX benign URLs (see the tests): a
// distinctive brand name found anywhere counts more than a short or
// everyday one, an imitation of the name counts more than its plain use.

// SuspiciousScore is the score from which a domain is called suspicious.
const SuspiciousScore = 0.5

// Lookalike is the verdict on one domain.
type Lookalike struct {
	Domain     string   // the domain checked, lower-case A-label; the input itself when it held no domain
	Suspicious bool     // Score ≥ SuspiciousScore
	Score      float64  // 0 … 1, two decimals
	Brand      string   // the brand imitated (or owning the domain); "" when none
	Reasons    []string // each hit in words, the strongest first
}

// Checker scores domains against a set of protected brands. Build it once
// with NewChecker; it is safe for concurrent use and checking one domain
// takes a few microseconds, since every token is indexed by its skeleton,
// its first two letters and its length.
type Checker struct {
	brands    []Brand
	official  map[string]int32 // official domain → brand
	firstWord map[string]bool  // first labels of official domains
	maxWords  int              // most labels in an official domain
	tokens    []lkToken
	dict      lkDict // ASCII tokens by skeleton
	byLen     [lkMaxLabel + 1][]int32
	unicode   []int32 // tokens with non-ASCII letters ("工行"), matched in decoded labels
	// tokens of 7+ letters by their first and by their last two letters,
	// for typos inside a longer label ("walletsconnectapp")
	approxHead, approxTail *[lkKeys][]int32
	suffixes               [][]string // public suffixes of each brand's domains
	crypto                 []bool     // brand runs one site worldwide (no country copies)
}

const lkMaxLabel = 63

// lkToken is one indexed brand token.
type lkToken struct {
	text    string // normalised: "icbc", "bankofchina", "工行"
	skel    string // lookalike skeleton of text
	brand   int32
	name    string  // how messages name it: "icbc.com.cn", or "'weixin' (WeChat Pay)"
	suffix  string  // public suffix of the official domain it comes from, "com.cn"
	word    bool    // an everyday word too
	whole   bool    // counts only as a whole label or hyphen part (short or all digits)
	class   lkClass // how much the token says alone
	size    lkClass // the same, by length alone
	maxTypo int     // edits still read as a typo of it
	mask    uint64  // characters present in skel, for the typo filter
}

// NewChecker indexes brands. It fails on a brand without a name or an
// official domain, on a domain that is not one, and on a token that cannot
// be part of a domain name.
func NewChecker(brands []Brand) (*Checker, error) {
	c := &Checker{
		official:   map[string]int32{},
		firstWord:  map[string]bool{},
		dict:       newLkDict(),
		approxHead: new([lkKeys][]int32),
		approxTail: new([lkKeys][]int32),
	}
	seen := map[string]bool{}
	for _, b := range brands {
		cb, err := checkBrand(b)
		if err != nil {
			return nil, err
		}
		bi := int32(len(c.brands))
		c.brands = append(c.brands, b)
		var sfx []string
		for _, d := range cb.domains {
			if ps, _ := publicsuffix.PublicSuffix(d); !lkContains(sfx, ps) {
				sfx = append(sfx, ps)
			}
		}
		c.suffixes = append(c.suffixes, sfx)
		cat := strings.ToLower(b.Category)
		c.crypto = append(c.crypto, cat == "exchange" || cat == "wallet")
		for _, d := range cb.domains {
			if _, dup := c.official[d]; !dup {
				c.official[d] = bi
			}
			first, _, _ := strings.Cut(d, ".")
			c.firstWord[first] = true
			c.maxWords = max(c.maxWords, strings.Count(d, ".")+1)
		}
		for _, bt := range cb.tokens {
			if seen[bt.text] {
				continue // the first brand to claim a token keeps it
			}
			seen[bt.text] = true
			c.addToken(bi, bt, cb.domains)
		}
	}
	return c, nil
}

func (c *Checker) addToken(bi int32, bt brandToken, domains []string) {
	t := lkToken{text: bt.text, brand: bi, word: bt.word}
	ref := domains[0]
	for _, d := range domains {
		first, _, _ := strings.Cut(d, ".")
		if strings.ReplaceAll(first, "-", "") == bt.text || strings.ReplaceAll(brandMainLabel(d), "-", "") == bt.text {
			ref = d
			t.name = d
			break
		}
	}
	if t.name == "" {
		t.name = fmt.Sprintf("'%s' (%s)", bt.text, c.brands[bi].Name)
	}
	t.suffix, _ = publicsuffix.PublicSuffix(ref)
	id := int32(len(c.tokens))
	if !lkIsASCII(bt.text) {
		c.tokens = append(c.tokens, t)
		c.unicode = append(c.unicode, id)
		return
	}
	t.skel = lkSkelASCII(bt.text)
	digits := strings.Trim(bt.text, "0123456789") == ""
	t.whole = len(bt.text) <= 3 || digits
	n := len(t.skel)
	switch {
	case n <= 2:
		t.size = lkTiny
	case n == 3 || digits && n == 4:
		t.size = lkShort
	case n == 4:
		t.size = lkFour
	case n == 5 || digits:
		t.size = lkFive
	default:
		t.size = lkLong
	}
	t.class = t.size
	if t.word {
		t.class = lkWord
	}
	switch {
	case n <= 3 || digits:
	case n < 7:
		t.maxTypo = 1
	default:
		t.maxTypo = 2
	}
	t.mask = lkMask(t.skel)
	c.tokens = append(c.tokens, t)
	c.dict.add(t.skel, id, !t.whole)
	if t.maxTypo > 0 && n <= lkMaxLabel {
		c.byLen[n] = append(c.byLen[n], id)
	}
	if n >= 7 && !digits {
		head, tail := lkPairKey(t.skel[0], t.skel[1]), lkPairKey(t.skel[n-2], t.skel[n-1])
		c.approxHead[head] = append(c.approxHead[head], id)
		c.approxTail[tail] = append(c.approxTail[tail], id)
	}
}

// lkClass groups tokens by how much finding one says alone: a two-letter
// name ("jd") is in many innocent names, an everyday word ("apple") in
// more, a long invented one ("myetherwallet") in almost none.
type lkClass uint8

const (
	lkTiny  lkClass = iota // 2 letters
	lkShort                // 3 letters, or up to 4 digits
	lkWord                 // an everyday word, any length
	lkFour                 // 4 letters
	lkFive                 // 5 letters, or 5+ digits
	lkLong                 // 6 letters or more
)

// lkWeights are base scores by class.
type lkWeights [6]float64

// The base scores of each kind of finding. An imitation of a word
// ("app1e") is scored by its length, as a deliberate copy of an everyday
// word is as telling as one of an invented name; the word column of those
// rows is unused.
var (
	lkExactCore = lkWeights{0.1, 0.2, 0.3, 0.35, 0.4, 0.45}    // "binance.top"
	lkExactSub  = lkWeights{0.15, 0.25, 0.25, 0.35, 0.4, 0.45} // "binance.evil.com"
	lkLookCore  = lkWeights{0.3, 0.45, 0, 0.65, 0.75, 0.85}    // "app1e.com"
	lkGlyphCore = lkWeights{0.5, 0.7, 0, 0.85, 0.9, 0.95}      // "аpple.com"
	lkLookSub   = lkWeights{0.25, 0.35, 0, 0.5, 0.55, 0.6}
	lkGlyphSub  = lkWeights{0.4, 0.5, 0, 0.6, 0.65, 0.7}
	lkComboCore = lkWeights{0.2, 0.3, 0.3, 0.4, 0.45, 0.5}     // "binance-support.com"
	lkComboSub  = lkWeights{0.15, 0.25, 0.25, 0.35, 0.4, 0.45} // "binance-support.evil.com"
	lkUserTok   = lkWeights{0.3, 0.3, 0.3, 0.45, 0.5, 0.6}     // "https://binance@evil.top"
)

func (t *lkToken) w(ws lkWeights) float64     { return ws[t.class] }
func (t *lkToken) sized(ws lkWeights) float64 { return ws[t.size] }

// brandRef names a token's brand with its main domain: "Binance
// (binance.com)".
func (c *Checker) brandRef(t *lkToken) string {
	b := &c.brands[t.brand]
	if len(b.Domains) == 0 {
		return b.Name
	}
	return b.Name + " (" + b.Domains[0] + ")"
}

// lkCountryTLD reports whether a public suffix is a country's ("de",
// "com.au"), leaving out the country codes sold as generic names (.io, .co,
// .me, .ai, .cc …).
func lkCountryTLD(ps string) bool {
	tld := ps[strings.LastIndexByte(ps, '.')+1:]
	if len(tld) != 2 {
		return false
	}
	switch tld {
	case "io", "co", "me", "ai", "tv", "cc", "ws", "to", "ly", "gg", "so", "fm", "tk", "ml", "ga", "cf", "gq", "pw", "su", "la", "sh", "ac", "im", "vc", "gl", "is", "in":
		return false
	}
	return true
}

// Brands returns the brands the Checker protects.
func (c *Checker) Brands() []Brand { return c.brands }

// Check scores a domain, or the host of a URL, written in any form the
// indicator package reads ("Login.ICBC.com.cn.evil.top", "hxxps://evil[.]top/x",
// "xn--pple-43d.com"). Input that holds no domain name scores 0 with the
// input as Domain; CheckStrict says why.
func (c *Checker) Check(s string) Lookalike {
	l, _ := c.CheckStrict(s)
	return l
}

// CheckStrict is Check that also reports input holding no domain name: not
// a domain or URL, or a URL whose host is an IP address.
func (c *Checker) CheckStrict(s string) (Lookalike, error) {
	if c == nil {
		c = &lkNoBrands
	}
	host, user, err := lkHost(s)
	if err != nil {
		// A sector's own suffix ("gov.cn") is no domain anyone registers,
		// but it is a brand's official name all the same.
		if d, nerr := normalizeBrandDomain(s); nerr == nil {
			if b, ok := c.official[d]; ok {
				return Lookalike{Domain: d, Brand: c.brands[b].Name, Reasons: []string{"official domain of " + c.brands[b].Name}}, nil
			}
		}
		return Lookalike{Domain: s}, err
	}
	return c.check(host, user), nil
}

// lkNoBrands stands in for a nil Checker: it protects no brand.
var lkNoBrands Checker

// lkHost extracts the normalised host (and a URL's user name) from s.
func lkHost(s string) (host, user string, err error) {
	ind, err := indicator.Parse(indicator.Domain, s)
	if err == nil {
		return ind.Value(), "", nil
	}
	var ie *indicator.Error
	if !errors.As(err, &ie) || ie.Rule != "url" {
		return "", "", err
	}
	u, err := indicator.Parse(indicator.URL, s)
	if err != nil {
		return "", "", err
	}
	v := u.Value()
	i := strings.Index(v, "://")
	if i < 0 {
		return "", "", fmt.Errorf("%q: no host in the URL", s)
	}
	rest := v[i+3:]
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		user, rest = rest[:at], rest[at+1:]
		user, _, _ = strings.Cut(user, ":")
	}
	if strings.HasPrefix(rest, "[") {
		return "", "", fmt.Errorf("%q: the host is an IP address, not a domain name", s)
	}
	if colon := strings.LastIndexByte(rest, ':'); colon >= 0 {
		rest = rest[:colon]
	}
	if strings.Trim(rest, "0123456789.") == "" {
		return "", "", fmt.Errorf("%q: the host is an IP address, not a domain name", s)
	}
	return rest, user, nil
}

// lkHit is one piece of evidence about a domain.
type lkHit struct {
	base  float64
	brand int32  // -1: none
	what  string // the finding in words, without the aggravating factors
	// where the brand is, so that lure words are looked for elsewhere
	label  int // index of the label; -1 for none
	js, je int // span in that label's joined skeleton
	rs, re int // or a span of the whole name (embedded official domains)
	typo   bool
}

// check scores a normalised host.
func (c *Checker) check(host, user string) Lookalike {
	res := Lookalike{Domain: host}
	ps, icann := publicsuffix.PublicSuffix(host)
	if b, ok := c.ownedBy(host, ps, icann); ok {
		res.Brand = c.brands[b].Name
		res.Reasons = []string{"official domain of " + c.brands[b].Name}
		return res
	}
	if len(ps) >= len(host) || host[len(host)-len(ps)-1] != '.' {
		return res // a public suffix itself: nobody's name to imitate
	}
	rest := host[:len(host)-len(ps)-1]
	sc := lkScanPool.Get().(*lkScan)
	defer lkScanPool.Put(sc)
	sc.init(rest, ps, icann)
	tld := host[strings.LastIndexByte(host, '.')+1:]

	var hits []lkHit
	for li := range sc.labels {
		hits = c.labelHits(sc, li, hits)
	}
	hits = c.splitHits(sc, hits)
	hits = c.embeddedHits(sc, hits)
	if user != "" {
		hits = c.userHits(sc, user, hits)
	}

	best, bestScore := -1, 0.0
	finals := make([]string, len(hits))
	scores := make([]float64, len(hits))
	for i := range hits {
		scores[i], finals[i] = c.finish(sc, &hits[i], tld)
		if scores[i] > bestScore {
			best, bestScore = i, scores[i]
		}
	}
	if best < 0 {
		if lkRiskyTLD[tld] {
			res.Score = 0.1
			res.Reasons = []string{"risky TLD ." + tld + ", but no protected brand imitated"}
		}
		return res
	}
	res.Score = math.Round(min(bestScore, 1)*100) / 100
	res.Suspicious = res.Score >= SuspiciousScore
	if b := hits[best].brand; b >= 0 {
		res.Brand = c.brands[b].Name
	}
	res.Reasons = append(res.Reasons, finals[best])
	// Other strong findings: a second brand, or mixed scripts beside a
	// homoglyph. More ways of finding the same brand add nothing.
	for i := range hits {
		other := hits[i].brand < 0 || hits[i].brand != hits[best].brand
		if i != best && other && scores[i] >= SuspiciousScore && len(res.Reasons) < 3 && !lkContains(res.Reasons, finals[i]) {
			res.Reasons = append(res.Reasons, finals[i])
		}
	}
	return res
}

// finish adds the aggravating factors to a hit: its final score and words.
func (c *Checker) finish(sc *lkScan, h *lkHit, tld string) (float64, string) {
	s, what := h.base, h.what
	if h.brand < 0 {
		return s, what
	}
	if lure := sc.lure(h); lure != "" {
		s += 0.2
		what += " with lure word '" + lure + "'"
	}
	if lkRiskyTLD[tld] {
		s += 0.2
		what += " on risky TLD ." + tld
	}
	if !sc.icann && strings.Contains(sc.ps, ".") {
		s += 0.1
		what += ", hosted under the shared platform " + sc.ps
	}
	return s, what
}

// ownedBy reports the brand whose official domain host is, or is under. A
// name under a shared-platform suffix (s3.amazonaws.com, github.io) is its
// tenant's, not the platform owner's, so there only an official domain at
// or below the registrable name counts.
func (c *Checker) ownedBy(host, ps string, icann bool) (int32, bool) {
	regLen := len(host)
	if len(ps) < len(host) {
		head := host[:len(host)-len(ps)-1]
		regLen = len(host) - (strings.LastIndexByte(head, '.') + 1)
	}
	for i := 0; ; {
		s := host[i:]
		if b, ok := c.official[s]; ok && (icann || len(s) >= regLen) {
			return b, true
		}
		dot := strings.IndexByte(s, '.')
		if dot < 0 {
			return 0, false
		}
		i += dot + 1
	}
}

// labelHits finds the brand tokens in one label: the whole label, a hyphen
// part, a substring, a typo, or a non-ASCII brand name.
func (c *Checker) labelHits(sc *lkScan, li int, hits []lkHit) []lkHit {
	l := &sc.labels[li]
	core := li == len(sc.labels)-1
	if l.idn {
		if mixed := lkMixedScripts(l.text); mixed != "" {
			hits = append(hits, lkHit{base: 0.55, brand: -1, label: li,
				what: fmt.Sprintf("mixed scripts in '%s': %s", l.text, mixed)})
		}
	}
	if len(l.joined) == 0 {
		return hits
	}
	first := len(hits) // this label's hits start here
	whole := false
	for _, id := range c.dict.exact[l.joined] {
		whole = true
		hits = append(hits, c.wholeHit(sc, li, &c.tokens[id], core))
	}
	if len(l.parts) > 1 {
		for pi := range l.parts {
			p := &l.parts[pi]
			for _, id := range c.dict.exact[p.skel] {
				if h, ok := c.partHit(sc, li, p.js, p.je, &c.tokens[id], core, l.plainPart(pi)); ok {
					hits = append(hits, h)
				}
			}
		}
	}
	// A token inside a longer run of letters.
	for at := 0; at+1 < len(l.joined); at++ {
		for _, e := range c.dict.at(l.joined, at) {
			if !strings.HasPrefix(l.joined[at:], e.s) {
				continue
			}
			t := &c.tokens[e.id]
			end := at + len(t.skel)
			if end-at == len(l.joined) || l.partBoundaries(at, end) {
				continue // the whole label or a whole part: found above
			}
			if !core && (t.word || len(t.skel) < 6) {
				continue // a short or everyday name inside a subdomain word is noise
			}
			if h, ok := c.partHit(sc, li, at, end, t, core, l.joinedRaw(at, end)); ok {
				hits = append(hits, h)
			}
		}
	}
	// Typos: of the whole label, of each hyphen part, and of a long name
	// inside a longer label.
	if !whole {
		hits = c.typoHits(sc, li, 0, len(l.joined), core, hits, first)
	}
	if len(l.parts) > 1 {
		for pi := range l.parts {
			p := &l.parts[pi]
			if len(c.dict.exact[p.skel]) == 0 && p.je-p.js >= 4 {
				hits = c.typoHits(sc, li, p.js, p.je, core, hits, first)
			}
		}
	}
	hits = c.approxHits(sc, li, core, hits, first)
	if l.idn {
		for _, id := range c.unicode {
			t := &c.tokens[id]
			if strings.Contains(l.text, t.text) {
				base := 0.6
				if !core {
					base = 0.5
				}
				hits = append(hits, lkHit{base: base, brand: t.brand, label: li, js: 0, je: len(l.joined),
					what: fmt.Sprintf("brand '%s' of %s in '%s'", t.text, c.brandRef(t), l.text)})
			}
		}
	}
	return hits
}

// wholeHit is a label whose skeleton is a token's: the name itself under
// another suffix or as a subdomain, or an imitation of it.
func (c *Checker) wholeHit(sc *lkScan, li int, t *lkToken, core bool) lkHit {
	l := &sc.labels[li]
	h := lkHit{brand: t.brand, label: li, js: 0, je: len(l.joined)}
	plain := l.plain()
	if plain == t.text {
		if core {
			h.base = t.w(lkExactCore)
			// A country's copy of a bank's or a shop's name is often its
			// own local site; a crypto firm runs one site worldwide, and
			// nobody's own site sits under a generic suffix it does not list.
			if t.class >= lkWord && (!lkCountryTLD(sc.ps) || c.crypto[t.brand]) {
				h.base += 0.1
			}
			h.what = fmt.Sprintf("the name '%s' of %s under .%s", t.text, c.brandRef(t), sc.ps)
		} else {
			h.base = t.w(lkExactSub)
			if t.class >= lkWord && c.crypto[t.brand] {
				h.base += 0.1
			}
			h.what = fmt.Sprintf("brand '%s' of %s as a subdomain of unrelated %s", t.text, c.brandRef(t), sc.reg())
		}
		return h
	}
	diff, homoglyph := lkDescribe(lkUnits(plain), lkUnits(t.text), false)
	kind := "lookalike"
	switch {
	case homoglyph && core:
		h.base = t.sized(lkGlyphCore)
		kind = "homoglyph"
	case homoglyph:
		h.base = t.sized(lkGlyphSub)
		kind = "homoglyph"
	case core:
		h.base = t.sized(lkLookCore)
	default:
		h.base = t.sized(lkLookSub)
	}
	if core && c.ownSuffix(t.brand, sc.ps) {
		h.base += 0.05
	}
	h.what = fmt.Sprintf("%s of %s: %s", kind, t.name, diff.text())
	if !core {
		h.what += " (as a subdomain of " + sc.reg() + ")"
	}
	return h
}

// ownSuffix reports whether ps is the suffix of one of the brand's own
// domains: "icvc.com.cn" copies ICBC's ".com.cn" too.
func (c *Checker) ownSuffix(b int32, ps string) bool {
	return lkContains(c.suffixes[b], ps)
}

// partHit is a token that is part of a longer label: "binance-support",
// "icbcsecure", "app1e-id". Written with lookalike characters inside a run
// of letters it counts only for a long name: "getmail" holds no "tmall",
// nor "ctrlp" a "ctrip".
func (c *Checker) partHit(sc *lkScan, li, js, je int, t *lkToken, core bool, raw string) (lkHit, bool) {
	l := &sc.labels[li]
	h := lkHit{brand: t.brand, label: li, js: js, je: je}
	if core {
		h.base = t.w(lkComboCore)
	} else {
		h.base = t.w(lkComboSub)
	}
	if raw == t.text {
		h.what = fmt.Sprintf("brand '%s' of %s in '%s'", t.text, c.brandRef(t), l.text)
	} else {
		diff, homoglyph := lkDescribe(lkUnits(raw), lkUnits(t.text), false)
		if diff.edits > 0 || (t.size != lkLong && !homoglyph && !l.partBoundaries(js, je)) {
			return lkHit{}, false
		}
		if homoglyph {
			h.base += 0.2
		} else {
			h.base += 0.05
		}
		h.what = fmt.Sprintf("brand '%s' of %s written '%s' in '%s': %s", t.text, c.brandRef(t), raw, l.text, diff.text())
	}
	if !core {
		h.what += " (a subdomain of unrelated " + sc.reg() + ")"
	}
	return h, true
}

// typoHits finds tokens a few edits from joined[js:je] of a label. A brand
// the label already names outright (hits from first on) is not looked for:
// "sf-express-track" is no typo of "sfexpress".
func (c *Checker) typoHits(sc *lkScan, li, js, je int, core bool, hits []lkHit, first int) []lkHit {
	l := &sc.labels[li]
	s := l.joined[js:je]
	n := len(s)
	if n < 4 || n > lkMaxLabel {
		return hits
	}
	mask := lkMask(s)
	for m := max(4, n-2); m <= min(lkMaxLabel, n+2); m++ {
		for _, id := range c.byLen[m] {
			t := &c.tokens[id]
			maxd := t.maxTypo
			if !core {
				if t.word || len(t.skel) < 6 {
					continue
				}
				maxd = 1
			}
			if lkAbs(n-m) > maxd || bits.OnesCount64(mask^t.mask) > 2*maxd {
				continue
			}
			if d := lkOSA(s, t.skel, maxd); d == 0 || d > maxd || lkHasBrand(hits[first:], t.brand) {
				continue
			}
			if h, ok := c.typoHit(sc, li, js, je, t, core, maxd); ok {
				hits = append(hits, h)
			}
		}
	}
	return hits
}

// approxHits finds a long name with one typo inside a longer label:
// "walletsconnectapp", "binnancesupport". The typo is looked for after the
// name's first two letters or before its last two, which the index holds.
func (c *Checker) approxHits(sc *lkScan, li int, core bool, hits []lkHit, first int) []lkHit {
	l := &sc.labels[li]
	s := l.joined
	if len(s) < 9 || c.approxHead == nil {
		return hits
	}
	for i := 0; i+1 < len(s); i++ {
		k := lkPairKey(s[i], s[i+1])
		for _, id := range c.approxHead[k] {
			m := len(c.tokens[id].skel)
			for w := m - 1; w <= m+1; w++ {
				hits = c.approxTry(sc, li, core, hits, first, id, i, i+w)
			}
		}
		for _, id := range c.approxTail[k] {
			m := len(c.tokens[id].skel)
			for w := m - 1; w <= m+1; w++ {
				hits = c.approxTry(sc, li, core, hits, first, id, i+2-w, i+2)
			}
		}
	}
	return hits
}

// approxTry checks one window [js, je) of a label for a typo of token id.
func (c *Checker) approxTry(sc *lkScan, li int, core bool, hits []lkHit, first int, id int32, js, je int) []lkHit {
	s := sc.labels[li].joined
	t := &c.tokens[id]
	if js < 0 || je > len(s) || je-js == len(s) || lkHasBrand(hits[first:], t.brand) {
		return hits
	}
	if !core && (t.word || len(t.skel) < 8) {
		return hits
	}
	if lkOSA(s[js:je], t.skel, 1) != 1 {
		return hits
	}
	if h, ok := c.typoHit(sc, li, js, je, t, core, 1); ok {
		hits = append(hits, h)
	}
	return hits
}

// typoHit weighs and explains a typo: keyboard-neighbour and look-alike
// substitutions, omissions, doubled letters and swaps are what fingers and
// eyes miss, so they count more than an arbitrary letter changed; a first
// letter changed for no such reason is more likely another word than a
// typo ("small" is not "tmall").
func (c *Checker) typoHit(sc *lkScan, li, js, je int, t *lkToken, core bool, maxd int) (lkHit, bool) {
	l := &sc.labels[li]
	raw := l.joinedRaw(js, je)
	whole := js == 0 && je == len(l.joined)
	d, homoglyph := lkDescribe(lkUnits(raw), lkUnits(t.text), !whole)
	if d.edits == 0 || d.edits > maxd || d.firstAtypical {
		return lkHit{}, false
	}
	// Inside a longer label a name is cut out of a run of letters, so an
	// edit at its first or last letter is more likely the neighbouring word
	// ("riverbankcomputing" is not "bankcomm") and an odd one a coincidence.
	if !whole && (d.editAtEnds || !d.typical || t.size != lkLong || t.word) {
		return lkHit{}, false
	}
	n := len(t.skel)
	var base float64
	switch {
	case n == 4:
		if d.edits > 1 || !d.typical {
			return lkHit{}, false
		}
		base = 0.45
	case n == 5:
		base = lkPick(d.typical, 0.45, 0.4)
	case d.edits == 1:
		base = lkPick(d.typical, lkPick(n < 8, 0.7, 0.75), 0.45)
	case n < 8:
		if !d.typical {
			return lkHit{}, false
		}
		base = 0.5
	default:
		base = lkPick(d.typical, 0.6, 0.4)
	}
	if t.word && n < 8 {
		base *= 0.6 // "leader" is two edits from "ledger" and a word of its own
	}
	if d.lookalikes > 0 {
		base += 0.05
	}
	if homoglyph {
		base += 0.1
	}
	if !whole {
		base -= 0.1 // "binnance-support": the lure word will add its share
	}
	if !core {
		base = min(base, 0.4)
	}
	if core && whole && c.ownSuffix(t.brand, sc.ps) {
		base += 0.05
	}
	h := lkHit{base: base, brand: t.brand, label: li, js: js, je: je, typo: true}
	h.what = fmt.Sprintf("typo of %s: %s", t.name, d.text())
	if !whole {
		h.what = fmt.Sprintf("typo of %s in '%s': %s", t.name, l.text, d.text())
	}
	if !core {
		h.what += " (a subdomain of unrelated " + sc.reg() + ")"
	}
	return h, true
}

// splitHits finds a long name split across labels: "myetherwa.llet.com",
// "myet.herwallet.com".
func (c *Checker) splitHits(sc *lkScan, hits []lkHit) []lkHit {
	if len(sc.labels) < 2 {
		return hits
	}
	var buf [256]byte
	all := buf[:0]
	var ends [8]int // where each label ends in all
	for li := range sc.labels {
		all = append(all, sc.labels[li].joined...)
		if li < len(ends) {
			ends[li] = len(all)
		}
	}
	for at := 0; at+1 < len(all); at++ {
		for _, e := range c.dict.prefixOf(all[at], all[at+1]) {
			t := &c.tokens[e.id]
			end := at + len(e.s)
			if t.class != lkLong || end > len(all) || string(all[at:end]) != e.s || lkHasBrand(hits, t.brand) {
				continue
			}
			inside := false
			for li := 0; li < len(sc.labels) && li < len(ends); li++ {
				start := 0
				if li > 0 {
					start = ends[li-1]
				}
				if at >= start && end <= ends[li] {
					inside = true // inside one label: found there
				}
			}
			if !inside {
				hits = append(hits, lkHit{base: 0.6, brand: t.brand, label: -1, rs: 0, re: len(sc.name),
					what: fmt.Sprintf("brand '%s' of %s split across the labels of '%s'", t.text, c.brandRef(t), sc.host())})
			}
		}
	}
	return hits
}

// embeddedHits finds an official domain spelled out inside the name:
// "login.icbc.com.cn.evil.top", "www-apple-com.verify.xyz".
func (c *Checker) embeddedHits(sc *lkScan, hits []lkHit) []lkHit {
	if c.maxWords < 2 {
		return hits
	}
	var buf [256]byte
	words := sc.words
	for i := range words {
		if words[i].start >= sc.restLen {
			break // the platform's own name ("s3.amazonaws.com") is no copy of it
		}
		if !c.firstWord[words[i].text] {
			continue
		}
		b := append(buf[:0], words[i].text...)
		for j := i + 1; j < len(words) && j-i < c.maxWords; j++ {
			b = append(b, '.')
			b = append(b, words[j].text...)
			bi, ok := c.official[string(b)]
			if !ok {
				continue
			}
			span := sc.name[words[i].start:words[j].end]
			h := lkHit{brand: bi, label: -1, rs: words[i].start, re: words[j].end}
			if strings.Contains(span, "-") {
				h.base = 0.7
				h.what = fmt.Sprintf("official domain %s of %s spelled '%s' in unrelated %s", string(b), c.brands[bi].Name, span, sc.reg())
			} else {
				h.base = 0.85
				h.what = fmt.Sprintf("official domain %s of %s inside the name of unrelated %s", string(b), c.brands[bi].Name, sc.reg())
			}
			hits = append(hits, h)
		}
	}
	return hits
}

// userHits looks at the user name of a URL: "https://icbc.com.cn@evil.top/"
// shows the bank's name where a reader expects the host.
func (c *Checker) userHits(sc *lkScan, user string, hits []lkHit) []lkHit {
	u := strings.ToLower(user)
	for i := 0; i < len(u); {
		if bi, ok := c.official[u[i:]]; ok {
			return append(hits, lkHit{base: 0.85, brand: bi, label: -1, rs: -1, re: -1,
				what: fmt.Sprintf("URL shows %s before '@', but the host is %s", u, sc.host())})
		}
		dot := strings.IndexByte(u[i:], '.')
		if dot < 0 {
			break
		}
		i += dot + 1
	}
	if len(u) <= lkMaxLabel && lkIsASCII(u) {
		for _, id := range c.dict.exact[lkSkelASCII(strings.ReplaceAll(u, "-", ""))] {
			t := &c.tokens[id]
			hits = append(hits, lkHit{base: t.w(lkUserTok), brand: t.brand, label: -1, rs: -1, re: -1,
				what: fmt.Sprintf("URL shows '%s' before '@', but the host is %s", u, sc.host())})
		}
	}
	return hits
}

// ---------------------------------------------------------------------------
// The labels of one name.

// lkScanPool keeps the scratch space of a check: a few kilobytes that
// would otherwise be allocated for every domain.
var lkScanPool = sync.Pool{New: func() any { return new(lkScan) }}

type lkScan struct {
	name    string // the name without its public suffix (with it, under a shared platform)
	restLen int    // the length of the name without the suffix
	ps      string
	icann   bool
	labels  []lkLabel
	words   []lkNameWord // name (and a shared platform's suffix) split at dots and hyphens, A-labels
	lbuf    [6]lkLabel
	wbuf    [12]lkNameWord
}

type lkLabel struct {
	a      string // A-label
	text   string // Unicode form; a for ASCII labels
	idn    bool
	skel   string // skeleton, hyphens kept
	joined string // skeleton without hyphens
	parts  []lkPart
	pbuf   [4]lkPart
}

// lkPart is a hyphen-separated part of a label.
type lkPart struct {
	skel   string
	js, je int // span in the label's joined skeleton
	rs, re int // span in the label's text
}

type lkNameWord struct {
	text       string
	start, end int // in lkScan.name
}

func (sc *lkScan) init(name, ps string, icann bool) {
	sc.name, sc.ps, sc.icann, sc.restLen = name, ps, icann, len(name)
	n := strings.Count(name, ".") + 1
	if n <= len(sc.lbuf) {
		sc.labels = sc.lbuf[:n]
	} else {
		sc.labels = make([]lkLabel, n)
	}
	sc.words = sc.wbuf[:0]
	start := 0
	for i := range sc.labels {
		end := strings.IndexByte(name[start:], '.')
		if end < 0 {
			end = len(name)
		} else {
			end += start
		}
		sc.labels[i].init(name[start:end])
		for ws := start; ws <= end; {
			we := strings.IndexByte(name[ws:end], '-')
			if we < 0 {
				we = end
			} else {
				we += ws
			}
			if we > ws {
				sc.words = append(sc.words, lkNameWord{name[ws:we], ws, we})
			}
			ws = we + 1
		}
		start = end + 1
	}
	// Under a shared platform's suffix ("www.gov.cn.com") the suffix's own
	// labels are someone's free text too.
	if !icann {
		base := len(name) + 1
		full := name + "." + ps
		for ws := base; ws < len(full); {
			we := strings.IndexAny(full[ws:], ".-")
			if we < 0 {
				we = len(full)
			} else {
				we += ws
			}
			if we > ws {
				sc.words = append(sc.words, lkNameWord{full[ws:we], ws, we})
			}
			ws = we + 1
		}
		sc.name = full
	}
}

func (l *lkLabel) init(a string) {
	l.a, l.text = a, a
	if strings.HasPrefix(a, "xn--") {
		if u, err := idna.Punycode.ToUnicode(a); err == nil && u != a {
			l.text, l.idn = u, true
		}
	}
	if l.idn {
		var b strings.Builder
		for _, u := range lkUnits(l.text) {
			b.WriteString(u.skel)
		}
		l.skel = b.String()
	} else {
		l.skel = lkSkelASCII(a)
	}
	l.joined = l.skel
	if strings.IndexByte(l.skel, '-') >= 0 {
		l.joined = strings.ReplaceAll(l.skel, "-", "")
	}
	l.parts = l.pbuf[:0]
	js, rs := 0, 0
	sk, tx := l.skel, l.text
	for {
		sEnd := strings.IndexByte(sk, '-')
		tEnd := strings.IndexByte(tx, '-')
		if sEnd < 0 || tEnd < 0 {
			sEnd, tEnd = len(sk), len(tx)
		}
		if sEnd > 0 {
			l.parts = append(l.parts, lkPart{skel: sk[:sEnd], js: js, je: js + sEnd, rs: rs, re: rs + tEnd})
		}
		js += sEnd
		rs += tEnd + 1
		if sEnd >= len(sk) {
			break
		}
		sk, tx = sk[sEnd+1:], tx[tEnd+1:]
	}
}

// plain is the label's text without hyphens: what is compared with a token
// to tell the name itself from an imitation of it.
func (l *lkLabel) plain() string {
	if strings.IndexByte(l.text, '-') < 0 {
		return l.text
	}
	return strings.ReplaceAll(l.text, "-", "")
}

// plainPart is the text of hyphen part pi.
func (l *lkLabel) plainPart(pi int) string {
	p := l.parts[pi]
	if p.re > len(l.text) || p.rs > p.re {
		return ""
	}
	return l.text[p.rs:p.re]
}

// joinedRaw is the text behind the joined skeleton's span [js, je): the
// skeleton folds "rn" into "m", so offsets differ from the text's.
func (l *lkLabel) joinedRaw(js, je int) string {
	if !l.idn && l.joined == strings.ReplaceAll(l.a, "-", "") {
		return l.joined[js:je]
	}
	var b strings.Builder
	pos := 0
	for _, u := range lkUnits(l.plain()) {
		if pos >= js && pos < je {
			b.WriteString(u.raw)
		}
		pos += len(u.skel)
	}
	return b.String()
}

// partBoundaries reports whether [js, je) of the joined skeleton is exactly
// one hyphen part.
func (l *lkLabel) partBoundaries(js, je int) bool {
	for _, p := range l.parts {
		if p.js == js && p.je == je {
			return true
		}
	}
	return false
}

func (sc *lkScan) reg() string {
	if len(sc.labels) == 0 {
		return sc.ps
	}
	return sc.labels[len(sc.labels)-1].a + "." + sc.ps
}

func (sc *lkScan) host() string {
	if !sc.icann {
		return sc.name
	}
	return sc.name + "." + sc.ps
}

// lure returns the first lure word found outside the brand's own span.
func (sc *lkScan) lure(h *lkHit) string {
	for li := range sc.labels {
		l := &sc.labels[li]
		if l.idn {
			for _, w := range lkLuresZH {
				if strings.Contains(l.text, w) {
					return w
				}
			}
		}
		for _, p := range l.parts {
			if h.label < 0 && h.rs >= 0 && sc.labelOffset(li)+p.rs >= h.rs && sc.labelOffset(li)+p.re <= h.re {
				continue
			}
			if li != h.label {
				if w := lkFindLure(p.skel); w != "" {
					return w
				}
				continue
			}
			// The part holding the brand: what is left around it.
			if p.js < h.js {
				if w := lkFindLure(l.joined[p.js:min(p.je, h.js)]); w != "" {
					return w
				}
			}
			if p.je > h.je {
				if w := lkFindLure(l.joined[max(p.js, h.je):p.je]); w != "" {
					return w
				}
			}
		}
	}
	return ""
}

// labelOffset is where label li starts in sc.name.
func (sc *lkScan) labelOffset(li int) int {
	off := 0
	for i := 0; i < li; i++ {
		off += len(sc.labels[i].a) + 1
	}
	return off
}

func lkFindLure(s string) string {
	if w, ok := lkLureExact[s]; ok {
		return w
	}
	if len(s) < 5 {
		return ""
	}
	for i := 0; i+1 < len(s); i++ {
		for _, e := range lkLureDict.at(s, i) {
			if strings.HasPrefix(s[i:], e.s) {
				return lkLures[e.id]
			}
		}
	}
	return ""
}

// ---------------------------------------------------------------------------
// Skeletons.

// lkSkelASCII folds the ASCII lookalikes of a lower-case label.
func lkSkelASCII(s string) string {
	changed := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if lkFold[c] != c || (i+1 < len(s) && lkPair(c, s[i+1]) != 0) {
			changed = true
			break
		}
	}
	if !changed {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i+1 < len(s) {
			if p := lkPair(c, s[i+1]); p != 0 {
				b = append(b, p)
				i++
				continue
			}
		}
		b = append(b, lkFold[c])
	}
	return string(b)
}

// lkPair is the letter two ASCII letters pass for, or 0.
func lkPair(a, b byte) byte {
	switch {
	case a == 'r' && b == 'n':
		return 'm'
	case a == 'v' && b == 'v':
		return 'w'
	}
	return 0
}

var lkFold = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	for from, to := range map[byte]byte{'0': 'o', '1': 'l', 'i': 'l', '3': 'e', '4': 'a', '5': 's'} {
		t[from] = to
	}
	return t
}()

// lkUnit is one character as read: its text and what it passes for.
type lkUnit struct{ raw, skel string }

// lkUnits splits text into lookalike units: "rn" is one unit passing for
// "m", Cyrillic "а" one passing for "a", "é" one passing for "e".
func lkUnits(text string) []lkUnit {
	out := make([]lkUnit, 0, len(text))
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if i+1 < len(text) {
				if p := lkPair(c, text[i+1]); p != 0 {
					out = append(out, lkUnit{text[i : i+2], lkByteStr[p]})
					i += 2
					continue
				}
			}
			out = append(out, lkUnit{text[i : i+1], lkByteStr[lkFold[c]]})
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		raw := text[i : i+n]
		i += n
		f := lkSkelASCII(lkFoldRune(r))
		if f == "" {
			continue // a combining mark on its own
		}
		first := true
		for j := 0; j < len(f); {
			_, m := utf8.DecodeRuneInString(f[j:])
			u := lkUnit{skel: f[j : j+m]}
			if m > 1 {
				// Still not ASCII: one character no token has, so that
				// "ƅinance" is one substitution away from "binance".
				u.skel = "*"
			}
			if first {
				u.raw, first = raw, false
			}
			out = append(out, u)
			j += m
		}
	}
	return out
}

var lkByteStr = func() (t [256]string) {
	for i := range t {
		t[i] = string(rune(i))
		if i >= utf8.RuneSelf {
			t[i] = string([]byte{byte(i)})
		}
	}
	return t
}()

// lkFoldRune maps a non-ASCII rune to what it passes for: the Unicode
// confusables skeleton, lower case, accents dropped.
func lkFoldRune(r rune) string {
	s := confusables.Skeleton(string(r))
	var b strings.Builder
	for _, x := range s {
		if unicode.Is(unicode.Mn, x) {
			continue
		}
		b.WriteRune(unicode.ToLower(x))
	}
	return b.String()
}

// lkMask is the set of characters in s: an edit changes at most two of its
// bits, so two strings whose sets differ in more than 2k bits are more than
// k edits apart.
func lkMask(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			m |= 1 << (c - 'a')
		case c >= '0' && c <= '9':
			m |= 1 << (26 + c - '0')
		default:
			m |= 1 << (36 + c%28)
		}
	}
	return m
}

// lkOSA is the optimal-string-alignment distance (Damerau-Levenshtein with
// each substring edited once) of two short byte strings, or max+1 when it
// is larger than max.
func lkOSA(a, b string, maxd int) int {
	if lkAbs(len(a)-len(b)) > maxd || len(a) > lkMaxLabel || len(b) > lkMaxLabel {
		return maxd + 1
	}
	var rows [3][lkMaxLabel + 1]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > maxd {
			return maxd + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// lkDiff is how a label differs from a token, in words.
type lkDiff struct {
	notes         []string
	edits         int  // substitutions, insertions, omissions, swaps
	lookalikes    int  // characters that pass for the token's
	typical       bool // every edit is one fingers make
	firstAtypical bool // the first letter replaced by a non-neighbour
	editAtEnds    bool // an edit touches the token's first or last letter
}

func (d lkDiff) text() string { return strings.Join(d.notes, ", ") }

// lkDescribe aligns the units of a label (a) with a token's (b) and says
// what differs. homoglyph is whether a non-ASCII character stands in for
// one of the token's. strict counts 'i' for 'l' (and back) as an edit, not
// a lookalike: inside longer words the two trade places naturally.
func lkDescribe(a, b []lkUnit, strict bool) (d lkDiff, homoglyph bool) {
	n, m := len(a), len(b)
	if n > 4*lkMaxLabel || m > 4*lkMaxLabel {
		return lkDiff{edits: n + m}, false
	}
	dist := make([][]int, n+1)
	for i := range dist {
		dist[i] = make([]int, m+1)
		dist[i][0] = i
	}
	for j := 0; j <= m; j++ {
		dist[0][j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			cost := 1
			if a[i-1].skel == b[j-1].skel {
				cost = 0
			}
			v := min(dist[i-1][j]+1, dist[i][j-1]+1, dist[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1].skel == b[j-2].skel && a[i-2].skel == b[j-1].skel {
				v = min(v, dist[i-2][j-2]+1)
			}
			dist[i][j] = v
		}
	}
	// Walk back from the end, collecting the notes in reverse.
	d.typical = true
	var notes []string
	i, j := n, m
	for i > 0 || j > 0 {
		switch {
		case i > 0 && j > 0 && a[i-1].skel == b[j-1].skel && dist[i][j] == dist[i-1][j-1]:
			if strict && lkILSwap(a[i-1].raw, b[j-1].raw) {
				d.edits++
				d.editAtEnds = d.editAtEnds || lkAtEnds(b, j-1)
				notes = append(notes, fmt.Sprintf("'%s'→'%s' (looks alike)", b[j-1].raw, a[i-1].raw))
			} else if a[i-1].raw != b[j-1].raw && a[i-1].raw != "" {
				d.lookalikes++
				if !lkIsASCII(a[i-1].raw) {
					homoglyph = true
				}
				notes = append(notes, lkGlyphNote(a[i-1].raw, b[j-1].raw))
			}
			i, j = i-1, j-1
		case i > 1 && j > 1 && a[i-1].skel == b[j-2].skel && a[i-2].skel == b[j-1].skel && dist[i][j] == dist[i-2][j-2]+1:
			d.edits++
			d.editAtEnds = d.editAtEnds || lkAtEnds(b, j-2) || lkAtEnds(b, j-1)
			notes = append(notes, fmt.Sprintf("'%s%s' swapped to '%s%s'", b[j-2].raw, b[j-1].raw, a[i-2].raw, a[i-1].raw))
			i, j = i-2, j-2
		case i > 0 && j > 0 && dist[i][j] == dist[i-1][j-1]+1:
			d.edits++
			d.editAtEnds = d.editAtEnds || lkAtEnds(b, j-1)
			switch {
			case lkNeighbours(b[j-1].raw, a[i-1].raw):
				notes = append(notes, fmt.Sprintf("'%s'→'%s' (keyboard neighbour)", b[j-1].raw, a[i-1].raw))
			case lkVisual(b[j-1].raw, a[i-1].raw):
				notes = append(notes, fmt.Sprintf("'%s'→'%s' (looks alike)", b[j-1].raw, a[i-1].raw))
			case !lkIsASCII(a[i-1].raw):
				r, _ := utf8.DecodeRuneInString(a[i-1].raw)
				notes = append(notes, fmt.Sprintf("'%s'→%s '%s' (U+%04X)", b[j-1].raw, lkScriptOf(r), a[i-1].raw, r))
			default:
				d.typical = false
				if j == 1 {
					d.firstAtypical = true
				}
				notes = append(notes, fmt.Sprintf("'%s'→'%s'", b[j-1].raw, a[i-1].raw))
			}
			if !lkIsASCII(a[i-1].raw) {
				homoglyph = true
			}
			i, j = i-1, j-1
		case j > 0 && dist[i][j] == dist[i][j-1]+1:
			d.edits++
			d.editAtEnds = d.editAtEnds || lkAtEnds(b, j-1)
			notes = append(notes, fmt.Sprintf("'%s' left out", b[j-1].raw))
			j--
		case i > 0:
			d.edits++
			d.editAtEnds = d.editAtEnds || j == 0 || j == m || lkAtEnds(b, j-1) || lkAtEnds(b, j)
			x := a[i-1]
			switch {
			case (i > 1 && a[i-2].skel == x.skel) || (i < n && a[i].skel == x.skel):
				notes = append(notes, fmt.Sprintf("'%s' doubled", x.raw))
			case (i > 1 && lkNeighbours(a[i-2].raw, x.raw)) || (i < n && lkNeighbours(a[i].raw, x.raw)):
				notes = append(notes, fmt.Sprintf("'%s' added (keyboard neighbour)", x.raw))
			case x.raw == "s":
				notes = append(notes, "'s' added") // a plural: "walletsconnect"
			default:
				d.typical = false
				notes = append(notes, fmt.Sprintf("'%s' added", x.raw))
			}
			if !lkIsASCII(x.raw) {
				homoglyph = true
			}
			i--
		default:
			j-- // unreachable: j > 0 is covered above
		}
	}
	for k := len(notes) - 1; k >= 0; k-- {
		d.notes = append(d.notes, notes[k])
	}
	return d, homoglyph
}

// lkAtEnds reports whether unit k of a token is in its first or last run
// of one letter: dropping one 'm' of "bankcomm" is an edit at its end.
func lkAtEnds(b []lkUnit, k int) bool {
	if k < 0 || k >= len(b) {
		return false
	}
	lo, hi := k, k
	for lo > 0 && b[lo-1].skel == b[k].skel {
		lo--
	}
	for hi < len(b)-1 && b[hi+1].skel == b[k].skel {
		hi++
	}
	return lo == 0 || hi == len(b)-1
}

// lkILSwap reports 'i' standing for 'l' or 'l' for 'i'.
func lkILSwap(a, b string) bool {
	return (a == "i" && b == "l") || (a == "l" && b == "i")
}

// lkGlyphNote says which character stands in for which: "Cyrillic 'а' for
// Latin 'a'", "'1' for 'l'", "'rn' for 'm'".
func lkGlyphNote(got, want string) string {
	r, _ := utf8.DecodeRuneInString(got)
	if r < utf8.RuneSelf {
		return fmt.Sprintf("'%s' for '%s'", got, want)
	}
	s, w := lkScriptOf(r), "Latin"
	if want != "" {
		wr, _ := utf8.DecodeRuneInString(want)
		w = lkScriptOf(wr)
	}
	if s == w {
		return fmt.Sprintf("'%s' (U+%04X) for '%s'", got, r, want)
	}
	return fmt.Sprintf("%s '%s' for %s '%s'", s, got, w, want)
}

var lkScripts = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek},
	{"Armenian", unicode.Armenian}, {"Cherokee", unicode.Cherokee}, {"Georgian", unicode.Georgian},
	{"Coptic", unicode.Coptic}, {"Han", unicode.Han}, {"Hiragana", unicode.Hiragana},
	{"Katakana", unicode.Katakana}, {"Hangul", unicode.Hangul}, {"Bopomofo", unicode.Bopomofo},
	{"Arabic", unicode.Arabic}, {"Hebrew", unicode.Hebrew}, {"Thai", unicode.Thai},
	{"Devanagari", unicode.Devanagari}, {"Lisu", unicode.Lisu},
	{"Canadian Aboriginal", unicode.Canadian_Aboriginal}, {"Tifinagh", unicode.Tifinagh},
}

// lkScriptOf names the script of r ("Common" for digits and punctuation).
func lkScriptOf(r rune) string {
	if r < utf8.RuneSelf {
		if unicode.IsLetter(r) {
			return "Latin"
		}
		return "Common"
	}
	for _, s := range lkScripts {
		if unicode.Is(s.table, r) {
			return s.name
		}
	}
	for name, t := range unicode.Scripts {
		if name != "Common" && name != "Inherited" && unicode.Is(t, r) {
			return strings.ReplaceAll(name, "_", " ")
		}
	}
	return "Common"
}

// lkMixedScripts names the scripts of a label that mixes alphabets people
// do not mix ("Latin with Cyrillic"), or returns "". Latin beside Chinese,
// Japanese or Korean is ordinary ("qq音乐") and not counted.
func lkMixedScripts(text string) string {
	var seen []string
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		s := lkScriptOf(r)
		switch s {
		case "Common", "Han", "Hiragana", "Katakana", "Hangul", "Bopomofo":
			continue
		}
		if !lkContains(seen, s) {
			seen = append(seen, s)
		}
	}
	if len(seen) < 2 {
		return ""
	}
	return seen[0] + " with " + strings.Join(seen[1:], " and ")
}

// lkVisual reports whether two ASCII letters are easily misread for each
// other, beyond the pairs the skeleton already folds: phishing lists are
// full of "myelherwallel" ('t' read as 'l').
func lkVisual(a, b string) bool {
	if len(a) != 1 || len(b) != 1 {
		return false
	}
	x, y := a[0], b[0]
	if x > y {
		x, y = y, x
	}
	return strings.Contains(lkVisualPairs, string([]byte{' ', x, y, ' '}))
}

// lkVisualPairs lists the pairs, each in byte order between spaces.
const lkVisualPairs = " mn hn uv vy ce co ao ae eo gq pq bd bh ft lt ij jl kx "

// lkNeighbours reports whether two single characters are next to each
// other on a QWERTY keyboard.
func lkNeighbours(a, b string) bool {
	if len(a) != 1 || len(b) != 1 {
		return false
	}
	pa, oka := lkKeyPos[a[0]]
	pb, okb := lkKeyPos[b[0]]
	if !oka || !okb || a == b {
		return false
	}
	dr := pa.row - pb.row
	dx := pa.x - pb.x
	if dr == 0 {
		return dx == 1 || dx == -1
	}
	return (dr == 1 || dr == -1) && dx > -1 && dx < 1
}

type lkKey struct {
	row int
	x   float64
}

// lkKeyPos places each key by row and horizontal position: the rows of a
// keyboard are staggered, so "w" touches "a" and "s" but not "d".
var lkKeyPos = func() map[byte]lkKey {
	m := map[byte]lkKey{}
	for r, row := range []struct {
		keys   string
		offset float64
	}{{"1234567890-", 0}, {"qwertyuiop", 0.5}, {"asdfghjkl", 0.75}, {"zxcvbnm", 1.25}} {
		for i := 0; i < len(row.keys); i++ {
			m[row.keys[i]] = lkKey{r, row.offset + float64(i)}
		}
	}
	return m
}()

// ---------------------------------------------------------------------------
// Lure words and risky top-level domains.

// lkLures are words phishing names put beside a brand: English, and the
// pinyin of the Chinese ones scams use (tuikuan 退款 refund, kefu 客服
// customer service, dongjie 冻结 frozen …).
var lkLures = []string{
	"login", "logon", "signin", "signon", "verify", "verification", "verified", "validate", "validation",
	"authenticate", "authentication", "auth", "secure", "security", "safety", "account", "accounts",
	"update", "upgrade", "confirm", "confirmation", "support", "service", "services", "help", "helpdesk",
	"customer", "care", "contact", "refund", "refunds", "claim", "claims", "reward", "rewards", "bonus",
	"gift", "gifts", "giveaway", "airdrop", "airdrops", "promo", "promotion", "event", "free", "winner",
	"prize", "lottery", "wallet", "wallets", "sync", "synchronize", "connect", "restore", "recovery",
	"recover", "unlock", "unblock", "unfreeze", "freeze", "frozen", "blocked", "suspended", "alert",
	"alerts", "notice", "notification", "notify", "official", "online", "portal", "center", "centre",
	"web", "app", "apps", "download", "mobile", "pay", "payment", "payments", "bank", "banking", "ebank",
	"card", "credit", "loan", "loans", "invest", "investment", "finance", "financial", "trade", "trading",
	"exchange", "pro", "vip", "cn", "china", "hk", "global", "intl", "dapp", "dapps", "defi", "nft",
	"nfts", "mint", "stake", "staking", "swap", "token", "tokens", "coin", "coins", "usdt", "eth", "btc",
	"check", "status", "track", "tracking", "express", "delivery", "parcel", "package", "shipping",
	"logistics", "job", "jobs", "hr", "career", "careers", "recruit", "recruitment", "hiring", "salary",
	"task", "tasks", "invoice", "billing", "bill", "id", "kyc", "2fa", "otp", "password", "reset",
	"webmail", "mail", "email", "docs", "drive", "shop", "store", "mall", "order", "orders", "discount",
	"coupon", "fix", "validator", "node", "bridge", "migration", "migrate", "unstake", "approve",
	"tuikuan", "kefu", "denglu", "yanzheng", "anquan", "zhifu", "shouquan", "buchang", "lipei", "tousu",
	"gongan", "jingcha", "fayuan", "jiancha", "tongzhi", "chaxun", "shenhe", "zhuxiao", "baozhengjin",
	"jianzhi", "fanli", "shuadan", "dongjie", "jiedong", "guanwang", "zhongxin", "daikuan", "zhengxin",
	"etc", "market", "markets", "info", "labs", "team", "group",
}

// lkLuresZH are the same lures in Chinese, looked for in decoded labels.
var lkLuresZH = []string{"退款", "客服", "登录", "验证", "安全", "认证", "官网", "中心", "冻结", "解冻",
	"补偿", "理赔", "通知", "查询", "兼职", "返利", "刷单", "贷款", "征信", "注销"}

var (
	lkLureExact = map[string]string{} // skeleton → word
	lkLureDict  = newLkDict()         // words of 4+ letters, for substrings
)

func init() {
	for i, w := range lkLures {
		s := lkSkelASCII(w)
		if _, dup := lkLureExact[s]; !dup {
			lkLureExact[s] = w
		}
		if len(s) >= 4 {
			lkLureDict.add(s, int32(i), true)
		}
	}
}

// lkRiskyTLD are top-level domains that are cheap and much abused: an
// aggravating factor, never a verdict.
var lkRiskyTLD = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range strings.Fields(`top xyz vip club shop icu cyou buzz monster live online site fun work
		cc tk ml ga cf gq pw rest bar sbs cfd click link store space website tech life world today win bid
		loan men date racing review stream download trade party science cricket accountant faith kim wang
		ltd ren xin gdn host press uno lol mom beauty hair skin makeup boats quest ink info biz one su
		bond lat autos`) {
		m[t] = true
	}
	return m
}()

// ---------------------------------------------------------------------------
// A small string index: exact look-ups and substring scans.

type lkDict struct {
	exact  map[string][]int32
	prefix *[lkKeys][]lkEntry // by first two bytes, for substring scans
}

type lkEntry struct {
	s  string
	id int32
}

func newLkDict() lkDict {
	return lkDict{exact: map[string][]int32{}, prefix: new([lkKeys][]lkEntry)}
}

func (d *lkDict) add(s string, id int32, sub bool) {
	d.exact[s] = append(d.exact[s], id)
	if sub && len(s) >= 2 {
		k := lkPairKey(s[0], s[1])
		d.prefix[k] = append(d.prefix[k], lkEntry{s, id})
	}
}

// at returns the entries that may start at s[i]: those whose first two
// bytes are s[i:i+2] (and a few that share their key). The caller checks.
func (d *lkDict) at(s string, i int) []lkEntry {
	if d.prefix == nil || i+1 >= len(s) {
		return nil
	}
	return d.prefix[lkPairKey(s[i], s[i+1])]
}

func (d *lkDict) prefixOf(a, b byte) []lkEntry {
	if d.prefix == nil {
		return nil
	}
	return d.prefix[lkPairKey(a, b)]
}

// Two-byte keys over the skeleton alphabet: a-z, 0-9, '-', '_', '*' and
// one code for anything else.
const (
	lkKeyCodes = 40
	lkKeys     = lkKeyCodes * lkKeyCodes
)

func lkKeyCode(c byte) int {
	switch {
	case c >= 'a' && c <= 'z':
		return int(c - 'a')
	case c >= '0' && c <= '9':
		return 26 + int(c-'0')
	case c == '-':
		return 36
	case c == '_':
		return 37
	case c == '*':
		return 38
	}
	return 39
}

func lkPairKey(a, b byte) int { return lkKeyCode(a)*lkKeyCodes + lkKeyCode(b) }

// ---------------------------------------------------------------------------

func lkHasBrand(hits []lkHit, b int32) bool {
	for i := range hits {
		if hits[i].brand == b {
			return true
		}
	}
	return false
}

func lkIsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lkContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func lkPick(cond bool, yes, no float64) float64 {
	if cond {
		return yes
	}
	return no
}

func lkAbs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
