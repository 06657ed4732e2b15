package content

// Indicator extraction from free text: the phone numbers, links, crypto
// addresses, messaging handles, e-mail addresses, cards, accounts and IP
// addresses that a scam message asks its reader to contact or pay, and the
// amounts of money it talks about.
//
// Scam texts are written to get past keyword filters, so the same number
// arrives as "138-0013-8000", "１３８００１３８０００" or "一三八零零一三八零零零",
// and the same link as "hxxp://evil[.]com", "evil点com" or glued between two
// Chinese words. The extractor works in two steps:
//
//  1. fold: one pass over the text builds an ASCII view of it (full-width
//     forms, Chinese numerals in long digit runs, "。" and "点" between the
//     labels of a host, defang tokens such as "[.]" and "(at)" become ASCII),
//     with the offset in the original text of every byte, so that what is
//     found can be reported where it was written;
//  2. scan: one pass over that view looks at each word start and runs a
//     cheap shape test (digits, "0x…", "T…", a dot with a top-level domain,
//     a keyword such as 微信 or "call") before handing the candidate to
//     package indicator, which alone decides whether it is valid and what
//     its canonical form is. Nothing here re-implements validation.
//
// Numbers are where precision is lost, so they get the most care: a bare
// digit string is a phone number only in the shapes phone numbers have (a
// Chinese mobile, an area code with its trunk 0, "+" and a country code, a
// 400/800 line) or when the words before it say so ("致电95588", "call
// 87121"); words such as 订单号, 验证码 or "ref" say it is not; and card and
// account numbers are taken only after 卡号, 账号, "account"… (or, for cards,
// when written in groups of four and passing Luhn).
//
// QQ numbers ("QQ: 12345678", "扣扣…", "企鹅号…") are reported as kind qq,
// and never mistaken for phone numbers. IPv6 addresses, internationalised (non-ASCII) host names and
// other chains' addresses (crypto_other) are not looked for in free text.

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/fanzha/fanzha/indicator"
)

// Found is one indicator found in a text.
type Found struct {
	// Indicator is the normalised identifier, as indicator.Parse gives it.
	Indicator indicator.Indicator
	// Start and End are byte offsets in the text: Raw == text[Start:End].
	Start, End int
	// Raw is the indicator as written, defanged or spelled out.
	Raw string
}

// Amount is a sum of money found in a text.
type Amount struct {
	// Value is the exact decimal amount without thousands separators or
	// trailing fractional zeros: "5000", "15000", "1.5".
	Value string
	// Currency is an ISO 4217 code, or the token's ticker for crypto
	// ("CNY", "USD", "USDT", "BTC"). Chinese multipliers without a
	// currency ("3万", "1.5万") are taken as CNY.
	Currency string
	// Start and End are byte offsets in the text of the whole expression,
	// currency sign or word included.
	Start, End int
}

// Extract returns the indicators written in text, each once (the first time
// it appears), in order of appearance. National phone numbers are read in
// opts.DefaultRegion (CN when empty). It never fails: text that is not
// valid UTF-8 or holds nothing is simply searched and may give nothing.
func Extract(text string, opts indicator.Options) []Found {
	s := exGetScanner(text, opts)
	defer exPutScanner(s)
	s.fold()
	s.scan()
	return s.found()
}

// ExtractAmounts returns the sums of money written in text, in order of
// appearance (the same sum written twice is returned twice, since both may
// matter: a deposit and a "fee" of the same size).
func ExtractAmounts(text string) []Amount {
	s := exGetScanner(text, indicator.Options{})
	defer exPutScanner(s)
	s.fold()
	s.scanAmounts()
	return s.amounts()
}

// ExtractAll is Extract and ExtractAmounts together, sharing the one
// folding of the text, for callers (the classifier) that want both.
func ExtractAll(text string, opts indicator.Options) ([]Found, []Amount) {
	s := exGetScanner(text, opts)
	defer exPutScanner(s)
	s.fold()
	s.scan()
	s.scanAmounts()
	return s.found(), s.amounts()
}

// ---------------------------------------------------------------------------
// The folded view.

// Flags of the bytes of the folded view.
const (
	exFolded  uint8 = 1 << iota // the byte differs from what the text has there
	exSoft                      // a dot written as "。" or "点": maybe just punctuation
	exDefang                    // produced by undoing "[.]", "(at)"…
	exNumeral                   // a digit written as a Chinese numeral or ①
)

// exMeta maps one byte of the folded view back to the text.
type exMeta struct {
	start, end int // the text bytes [start, end) that produced the byte
	flag       uint8
}

// exScanner holds the folded view and the results of one text. Scanners are
// pooled, so that a message costs no allocation beyond its results.
type exScanner struct {
	text string
	opts indicator.Options
	cn   bool // national numbers are Chinese

	b    []byte   // the folded view
	meta []exMeta // one per byte of b

	out  []Found
	seen map[indicator.Indicator]struct{} // only for texts with many indicators
	amts []Amount
}

var exScannerPool = sync.Pool{New: func() any { return new(exScanner) }}

func exGetScanner(text string, opts indicator.Options) *exScanner {
	s := exScannerPool.Get().(*exScanner)
	s.text, s.opts = text, opts
	r := strings.TrimSpace(opts.DefaultRegion)
	s.cn = r == "" || strings.EqualFold(r, "CN")
	return s
}

// exMaxPooled bounds the buffers a pooled scanner keeps, so that one huge
// text does not pin its memory for ever.
const exMaxPooled = 64 << 10

func exPutScanner(s *exScanner) {
	if cap(s.b) > exMaxPooled {
		*s = exScanner{}
	} else {
		s.text, s.b, s.meta, s.out, s.amts = "", s.b[:0], s.meta[:0], s.out[:0], s.amts[:0]
		s.seen = nil
	}
	exScannerPool.Put(s)
}

func (s *exScanner) emit(c byte, start, end int, flag uint8) {
	s.b = append(s.b, c)
	s.meta = append(s.meta, exMeta{start, end, flag})
}

// fold builds the ASCII view of s.text. Bytes it does not fold (most of a
// Chinese text) are copied as they are, so keywords are matched in the view.
func (s *exScanner) fold() {
	t := s.text
	// The view is never longer than the text: folding only shortens.
	if cap(s.b) < len(t) {
		s.b = make([]byte, 0, len(t))
		s.meta = make([]exMeta, 0, len(t))
	}
	numeralUntil, plainUntil := 0, 0
	for p := 0; p < len(t); {
		c := t[p]
		if c < utf8.RuneSelf {
			if c == '[' || c == '(' || c == '{' {
				if n := s.refang(p); n > 0 {
					p += n
					continue
				}
			}
			q := p + 1
			for q < len(t) && t[q] < utf8.RuneSelf && t[q] != '[' && t[q] != '(' && t[q] != '{' {
				q++
			}
			s.b = append(s.b, t[p:q]...)
			for k := p; k < q; k++ {
				s.meta = append(s.meta, exMeta{k, k + 1, 0})
			}
			p = q
			continue
		}
		r, n := utf8.DecodeRuneInString(t[p:])
		switch {
		case r == utf8.RuneError && n == 1:
			s.emit(c, p, p+1, 0) // not UTF-8: kept, never part of a match
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			s.emit(byte(r-0xFEE0), p, p+n, exFolded)
		case exIsSpaceRune(r):
			s.emit(' ', p, p+n, exFolded)
		case exIsInvisible(r):
			// Zero-width characters split numbers and links to beat
			// filters; they are left out of the view (Raw keeps them).
		case r == 0x3002 || r == 0xFF61 || r == 0xFE52 || r == 0x2024: // 。｡﹒․
			s.emit('.', p, p+n, exFolded|exSoft)
		case r == '点' || r == '點':
			if s.softDotAt(p + n) {
				s.emit('.', p, p+n, exFolded|exSoft)
			} else {
				s.copyRune(p, n)
			}
		case exIsDash(r):
			s.emit('-', p, p+n, exFolded)
		default:
			if d := exNumeralDigit(r); d >= 0 {
				if p >= numeralUntil && p >= plainUntil {
					end, count := s.numeralRun(p)
					if count >= exMinNumeralRun {
						numeralUntil = end
					} else {
						plainUntil = end
					}
				}
				if p < numeralUntil {
					s.emit(byte('0'+d), p, p+n, exFolded|exNumeral)
					break
				}
			}
			s.copyRune(p, n)
		}
		p += n
	}
}

func (s *exScanner) copyRune(p, n int) {
	s.b = append(s.b, s.text[p:p+n]...)
	for k := 0; k < n; k++ {
		s.meta = append(s.meta, exMeta{p, p + n, 0})
	}
}

// softDotAt reports whether a "点" ending at text offset q stands for a dot
// between two labels of a host name ("abc点com"): an ASCII letter or digit
// just before it and an ASCII letter just after. "点击" and "一点" are left
// alone.
func (s *exScanner) softDotAt(q int) bool {
	if len(s.b) == 0 || !exIsAlnum(s.b[len(s.b)-1]) || q >= len(s.text) {
		return false
	}
	if exIsAlpha(s.text[q]) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s.text[q:])
	return (r >= 'Ａ' && r <= 'Ｚ') || (r >= 'ａ' && r <= 'ｚ')
}

// exMinNumeralRun is how many digits a run written partly in Chinese
// numerals must have to be read as digits: spelled-out phone numbers have
// at least 7, while "一" or "三五" in ordinary prose have a few at most.
const exMinNumeralRun = 7

// numeralRun measures the run of digits (in any script) that the numeral at
// text offset p belongs to, counting digits already in the view just
// before it; single spaces and dashes may separate the digits. It returns
// the text offset just past the run's last digit and the number of digits.
func (s *exScanner) numeralRun(p int) (end, count int) {
	for j := len(s.b) - 1; j >= 0 && count < exMinNumeralRun; j-- {
		if exIsDigit(s.b[j]) {
			count++
		} else if s.b[j] != ' ' && s.b[j] != '-' {
			break
		}
	}
	t := s.text
	end = p
	for q := p; q < len(t); {
		r, n := utf8.DecodeRuneInString(t[q:])
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９', exNumeralDigit(r) >= 0:
			count++
			q += n
			end = q
			continue
		case r == ' ' || r == '-' || r == 0x3000 || exIsDash(r):
			if q+n < len(t) {
				r2, _ := utf8.DecodeRuneInString(t[q+n:])
				if r2 >= '0' && r2 <= '9' || r2 >= '０' && r2 <= '９' || exNumeralDigit(r2) >= 0 {
					q += n
					continue
				}
			}
		}
		break
	}
	return end, count
}

// exNumeralDigit returns the digit a Chinese numeral (lower-case 一二三,
// financial 壹贰叁, spoken 幺 for one) or a circled digit stands for, or -1.
func exNumeralDigit(r rune) int {
	switch r {
	case '零', '〇', '⓪', '○':
		return 0
	case '一', '壹', '幺', '①':
		return 1
	case '二', '贰', '貳', '②':
		return 2
	case '三', '叁', '參', '③':
		return 3
	case '四', '肆', '④':
		return 4
	case '五', '伍', '⑤':
		return 5
	case '六', '陆', '陸', '⑥':
		return 6
	case '七', '柒', '⑦':
		return 7
	case '八', '捌', '⑧':
		return 8
	case '九', '玖', '⑨':
		return 9
	}
	return -1
}

func exIsSpaceRune(r rune) bool {
	return r == 0x3000 || r == 0x00A0 || (r >= 0x2000 && r <= 0x200A) || r == 0x202F || r == 0x205F || r == 0x0085 || r == 0x2028 || r == 0x2029
}

func exIsInvisible(r rune) bool {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x200E, 0x200F, 0xFE0F, 0xFE0E:
		return true
	}
	return false
}

func exIsDash(r rune) bool {
	return (r >= 0x2010 && r <= 0x2015) || r == 0x2212 || r == 0xFE63 || r == 0x30FC
}

// refang undoes a defang token at text offset p ("[.]", "(dot)", "{.}",
// "[:]", "[://]", "[@]", "(at)"), with the spaces around it, when it sits
// between the parts of an address. It returns the number of text bytes
// consumed, or 0 when there is no such token.
func (s *exScanner) refang(p int) int {
	t := s.text
	var closer byte
	switch t[p] {
	case '[':
		closer = ']'
	case '(':
		closer = ')'
	default:
		closer = '}'
	}
	lim := min(len(t), p+8)
	k := strings.IndexByte(t[p+1:lim], closer)
	if k < 0 {
		return 0
	}
	inner := strings.TrimSpace(t[p+1 : p+1+k])
	tokEnd := p + 2 + k
	var rep string
	switch {
	case inner == "." || strings.EqualFold(inner, "dot"):
		rep = "."
	case inner == ":" || inner == "://":
		rep = inner
	case inner == "@" || strings.EqualFold(inner, "at"):
		rep = "@"
	default:
		return 0
	}
	q := tokEnd
	for q < len(t) && t[q] == ' ' {
		q++
	}
	j := len(s.b)
	for j > 0 && s.b[j-1] == ' ' {
		j--
	}
	if q >= len(t) || j == 0 {
		return 0
	}
	prev, next := s.b[j-1], t[q]
	switch rep {
	case ".", "@":
		if !exIsAlnum(prev) || !exIsAlnum(next) {
			return 0
		}
	case ":":
		if !exIsAlpha(prev) || next != '/' || q != tokEnd {
			return 0
		}
	case "://":
		if !exIsAlpha(prev) || !exIsAlnum(next) {
			return 0
		}
	}
	if rep == ":" || rep == "://" {
		if j != len(s.b) {
			return 0 // "http [:]//" is not a scheme
		}
	}
	s.b, s.meta = s.b[:j], s.meta[:j]
	for x := 0; x < len(rep); x++ {
		s.emit(rep[x], p, tokEnd, exFolded|exDefang)
	}
	return q - p
}

// ---------------------------------------------------------------------------
// Byte classes of the folded view.

func exIsDigit(c byte) bool { return '0' <= c && c <= '9' }
func exIsAlpha(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
func exIsAlnum(c byte) bool { return exIsDigit(c) || exIsAlpha(c) }
func exIsUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func exLower(c byte) byte {
	if exIsUpper(c) {
		return c + 'a' - 'A'
	}
	return c
}

// exIsWordByte: the bytes that keep a word going; a candidate only starts
// where the byte before is not one of them.
func exIsWordByte(c byte) bool {
	return exIsAlnum(c) || c == '.' || c == '_' || c == '-' || c == '@' || c == '%' || c == '+'
}

// exIsHostByte: the bytes of a host name (and of an e-mail domain).
func exIsHostByte(c byte) bool { return exIsAlnum(c) || c == '.' || c == '-' || c == '_' }

// exIsLocalByte: the bytes of an e-mail local part that the extractor
// accepts (RFC 5322 allows more; real addresses use these).
func exIsLocalByte(c byte) bool {
	return exIsAlnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '%'
}

// exIsURLByte: the bytes a URL may have after its host (RFC 3986's
// unreserved, reserved and '%').
func exIsURLByte(c byte) bool {
	if exIsAlnum(c) {
		return true
	}
	switch c {
	case '-', '.', '_', '~', ':', '/', '?', '#', '[', ']', '@', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', '%':
		return true
	}
	return false
}

func exIsHex(c byte) bool {
	return exIsDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// exIsBase58 reports base58 characters (no 0, O, I, l).
func exIsBase58(c byte) bool {
	return exIsAlnum(c) && c != '0' && c != 'O' && c != 'I' && c != 'l'
}

// exRuneLen is the length of the UTF-8 sequence a lead byte starts; 1 for
// anything else, so that scanning always moves on.
func exRuneLen(c byte) int {
	switch {
	case c >= 0xF0:
		return 4
	case c >= 0xE0:
		return 3
	case c >= 0xC0:
		return 2
	}
	return 1
}

// exHasPrefixFold reports whether b starts with kw, ASCII letters compared
// without case (kw is lower-case); other bytes compared exactly.
func exHasPrefixFold(b []byte, kw string) bool {
	if len(b) < len(kw) {
		return false
	}
	for i := 0; i < len(kw); i++ {
		if exLower(b[i]) != kw[i] {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------
// Results.

// str returns the candidate b[i:e] as a string for indicator.Parse: the text
// itself when the view did not change it there (no allocation), else a copy
// of the view.
func (s *exScanner) str(i, e int) string {
	a, z := s.meta[i].start, s.meta[e-1].end
	if z-a == e-i && s.text[a:z] == string(s.b[i:e]) {
		return s.text[a:z]
	}
	return string(s.b[i:e])
}

// add records an indicator found at b[i:e], unless it was found before.
func (s *exScanner) add(ind indicator.Indicator, i, e int) {
	if !ind.Kind().Valid() {
		return
	}
	if s.seen != nil {
		if _, dup := s.seen[ind]; dup {
			return
		}
	} else {
		for k := range s.out {
			if s.out[k].Indicator == ind {
				return
			}
		}
	}
	a, z := s.meta[i].start, s.meta[e-1].end
	s.out = append(s.out, Found{Indicator: ind, Start: a, End: z, Raw: s.text[a:z]})
	switch {
	case s.seen != nil:
		s.seen[ind] = struct{}{}
	case len(s.out) >= 16:
		s.seen = make(map[indicator.Indicator]struct{}, 2*len(s.out))
		for _, f := range s.out {
			s.seen[f.Indicator] = struct{}{}
		}
	}
}

// found returns a copy of the results in order of appearance.
func (s *exScanner) found() []Found {
	if len(s.out) == 0 {
		return nil
	}
	out := make([]Found, len(s.out))
	copy(out, s.out)
	// Handlers that look ahead (a keyword, then its handle) still add in
	// text order, but keep the promise even if one does not.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Start < out[j-1].Start; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func (s *exScanner) amounts() []Amount {
	if len(s.amts) == 0 {
		return nil
	}
	out := make([]Amount, len(s.amts))
	copy(out, s.amts)
	return out
}

// ---------------------------------------------------------------------------
// The scan.

func (s *exScanner) scan() {
	b := s.b
	for i := 0; i < len(b); {
		c := b[i]
		var j int
		if c < utf8.RuneSelf {
			j = s.ascii(i)
		} else {
			j = s.keyword(i)
		}
		if j <= i {
			j = i + exStep(b, i)
		}
		i = min(j, len(b))
	}
}

// exStep returns the length of the rune at b[i] (1 for a byte that does not
// start valid UTF-8), with a fast path for the three-byte runes of Chinese.
func exStep(b []byte, i int) int {
	c := b[i]
	if c < utf8.RuneSelf {
		return 1
	}
	if c >= 0xE1 && c <= 0xEC && i+2 < len(b) && b[i+1]&0xC0 == 0x80 && b[i+2]&0xC0 == 0x80 {
		return 3
	}
	_, n := utf8.DecodeRune(b[i:])
	return n
}

// wordStart reports whether a candidate may start at b[i]: the byte before
// is not part of a word. For digits, a run of dots or dashes after a
// letter also counts ("now.0906…"), but not after a digit ("3.5", "10-20").
func (s *exScanner) wordStart(i int) bool {
	b := s.b
	if i == 0 || !exIsWordByte(b[i-1]) {
		return true
	}
	if !exIsDigit(b[i]) && b[i] != '+' {
		return false
	}
	j := i - 1
	for j >= 0 && (b[j] == '.' || b[j] == '-') {
		j--
	}
	if j == i-1 {
		return false
	}
	return j < 0 || exIsAlpha(b[j]) || !exIsWordByte(b[j])
}

// ascii handles an ASCII byte; it returns where to go on (≤ i: next byte).
func (s *exScanner) ascii(i int) int {
	b := s.b
	c := b[i]
	if c == '(' {
		if i+1 < len(b) && (exIsDigit(b[i+1]) || b[i+1] == '+') {
			return s.number(i, 0)
		}
		return i + 1
	}
	if !s.wordStart(i) {
		if exIsAlnum(c) {
			return s.skipWord(i)
		}
		return i + 1
	}
	switch {
	case c == '@':
		return s.atHandle(i)
	case c == '+':
		if j := s.keyword(i); j > i {
			return j
		}
		k := i + 1
		if k < len(b) && b[k] == ' ' {
			k++
		}
		if k < len(b) && (exIsDigit(b[k]) || b[k] == '(') {
			return s.number(i, 0)
		}
		return i + 1
	case exIsDigit(c):
		if j := s.word(i); j > i {
			return j
		}
		return s.number(i, 0)
	case exIsAlpha(c):
		if j := s.keyword(i); j > i {
			return j
		}
		if j := s.word(i); j > i {
			return j
		}
		// Letters glued to a number: "Tel13800138000", "call09061701461".
		k := i
		for k < len(b) && exIsAlpha(b[k]) {
			k++
		}
		if k < len(b) && exIsDigit(b[k]) {
			if exGluePrefix(b[i:k]) {
				return s.number(k, exNumPos|exNumGlued)
			}
			// After a word of three letters or more, a number that is a
			// phone by its shape ("Help08714742804"); not codes such as
			// "KL341", nor "Q03008775615" (Q for QQ).
			if k-i >= 3 {
				return s.number(k, exNumGlued)
			}
		}
		return s.skipWord(i)
	}
	return i + 1
}

// skipWord moves past a run of letters, digits and '_' that holds nothing.
func (s *exScanner) skipWord(i int) int {
	b := s.b
	for i < len(b) && (exIsAlnum(b[i]) || b[i] == '_') {
		i++
	}
	return i
}

// exGluePrefix: words that may be written glued to the phone number after
// them.
func exGluePrefix(w []byte) bool {
	if len(w) > 8 {
		return false
	}
	var buf [8]byte
	for i, c := range w {
		buf[i] = exLower(c)
	}
	switch string(buf[:len(w)]) {
	case "tel", "call", "phone", "mob", "mobile", "hotline", "contact", "dial", "cell", "fax":
		return true
	}
	return false
}

// word looks at a word starting with a letter or digit for the kinds that
// have a textual shape: links, e-mail, IP addresses, domains, crypto
// addresses, IBANs and wxid_ handles. It returns the end of what it took
// (found or certainly not anything else), or i.
func (s *exScanner) word(i int) int {
	b := s.b
	if n := exSchemeLen(b[i:]); n > 0 {
		return s.link(i, i+n, true)
	}
	k := i
	for k < len(b) && exIsAlnum(b[k]) {
		k++
	}
	if j := s.crypto(i, k); j > 0 {
		return j
	}
	if exHasPrefixFold(b[i:], "wxid_") {
		e := i
		for e < len(b) && (exIsAlnum(b[e]) || b[e] == '_' || b[e] == '-') {
			e++
		}
		if ind, err := indicator.Parse(indicator.WeChat, s.str(i, e)); err == nil {
			s.add(ind, i, e)
		}
		return e
	}
	if j := s.iban(i, k); j > 0 {
		return j
	}
	return s.hostish(i)
}

// exSchemeLen returns the length of a web scheme and its slashes at the
// start of b ("https://", "hxxp://", "http:\\"), or 0.
func exSchemeLen(b []byte) int {
	n := 0
	switch {
	case exHasPrefixFold(b, "https"), exHasPrefixFold(b, "hxxps"):
		n = 5
	case exHasPrefixFold(b, "http"), exHasPrefixFold(b, "hxxp"):
		n = 4
	case exHasPrefixFold(b, "ftp"), exHasPrefixFold(b, "fxp"):
		n = 3
	default:
		return 0
	}
	if n >= len(b) || b[n] != ':' {
		return 0
	}
	n++
	slashes := 0
	for n < len(b) && (b[n] == '/' || b[n] == '\\') && slashes < 3 {
		n++
		slashes++
	}
	if slashes == 0 || n >= len(b) || !exIsAlnum(b[n]) {
		return 0
	}
	return n
}

// link takes a URL starting at b[i]; p is where its host (after a scheme)
// or its path, query or port (after a bare host) starts. Telegram, WhatsApp
// and app-store links come out as their own kinds (indicator.Detect).
func (s *exScanner) link(i, p int, scheme bool) int {
	b := s.b
	e := p
	if scheme {
		for e < len(b) && (exIsHostByte(b[e]) || b[e] == '@' || b[e] == ':') {
			e++
		}
	}
	// Past the host, "。" ends the URL: it is the end of the sentence.
	for e < len(b) && exIsURLByte(b[e]) && s.meta[e].flag&exSoft == 0 {
		e++
	}
	e = exTrimURL(b, i, e)
	if e <= p {
		return max(p, i+1)
	}
	cand := s.str(i, e)
	if !scheme {
		// Detect reads "host?query" as no link at all; with a scheme in
		// front every host-and-path is read the same way.
		cand = "http://" + cand
	}
	ind, err := s.opts.Detect(cand)
	if err == nil {
		switch ind.Kind() {
		case indicator.URL, indicator.Telegram, indicator.WhatsApp, indicator.App, indicator.Domain:
			s.add(ind, i, e)
		}
	}
	return e
}

// exTrimURL drops the punctuation that ends a sentence rather than the URL:
// dots, commas, quotes, and closing brackets that were never opened in it.
func exTrimURL(b []byte, i, e int) int {
	open := [2]int{bytes.Count(b[i:e], []byte{'('}), bytes.Count(b[i:e], []byte{'['})}
	shut := [2]int{bytes.Count(b[i:e], []byte{')'}), bytes.Count(b[i:e], []byte{']'})}
	for e > i {
		switch c := b[e-1]; c {
		case '.', ',', ';', ':', '!', '?', '\'', '"', '*', '-':
		case '(':
			open[0]--
		case '[':
			open[1]--
		case ')', ']':
			k := 0
			if c == ']' {
				k = 1
			}
			if open[k] >= shut[k] {
				return e
			}
			shut[k]--
		default:
			return e
		}
		e--
	}
	return e
}

// hostish handles words that may be an e-mail address, a host with a path
// (a link without a scheme), an IPv4 address or a bare domain.
func (s *exScanner) hostish(i int) int {
	b := s.b
	l := i
	for l < len(b) && exIsLocalByte(b[l]) {
		l++
	}
	if l < len(b) && b[l] == '@' && l > i {
		return s.email(i, l)
	}
	h := i
	for h < len(b) && exIsHostByte(b[h]) {
		h++
	}
	he := h
	for he > i && (b[he-1] == '.' || b[he-1] == '-' || b[he-1] == '_') {
		he--
	}
	dot := bytes.IndexByte(b[i:he], '.')
	if dot < 0 {
		return i
	}
	www := exHasPrefixFold(b[i:], "www.")
	if he == h && h < len(b) && (s.hostLooksReal(i, he, www, true) || exDottedQuad(b[i:he])) {
		switch b[h] {
		case '/', '?', '#', '\\':
			return s.link(i, h, false)
		case ':':
			if h+1 < len(b) && exIsDigit(b[h+1]) {
				return s.link(i, h, false)
			}
		}
	}
	if exDottedQuad(b[i:he]) {
		if ind, err := indicator.Parse(indicator.IP, s.str(i, he)); err == nil {
			s.add(ind, i, he)
			return he
		}
		return i
	}
	// "abc.com。Thanks": a "。" may end the sentence rather than join two
	// labels; cut there and try again.
	for !s.hostLooksReal(i, he, www, false) {
		k := he - 1
		for k > i && s.meta[k].flag&exSoft == 0 {
			k--
		}
		if k <= i {
			return i
		}
		he = k
		for he > i && (b[he-1] == '.' || b[he-1] == '-' || b[he-1] == '_') {
			he--
		}
	}
	ind, err := indicator.Parse(indicator.Domain, s.str(i, he))
	if err != nil {
		return i
	}
	s.add(ind, i, he)
	return he
}

// hostLooksReal screens host names before indicator.Parse, which accepts
// every ICANN top-level domain and so would take "home.Will" (.will is a
// TLD) from "...at home.Will you...". A host with a path, port, "www." or a
// defanged dot is taken on its word; a bare one needs a top-level domain
// that scam messages actually use, written in one case. Dots written as
// "。" or "点" need such a TLD even with a path.
func (s *exScanner) hostLooksReal(i, e int, www, path bool) bool {
	b := s.b
	dot := bytes.LastIndexByte(b[i:e], '.')
	if dot < 0 {
		return false
	}
	tld := b[i+dot+1 : e]
	if len(tld) < 2 || len(tld) > 24 {
		return false
	}
	lower, upper, digit := false, false, false
	for _, c := range tld {
		switch {
		case exIsUpper(c):
			upper = true
		case exIsDigit(c):
			digit = true
		case c >= 'a' && c <= 'z':
			lower = true
		default:
			return false
		}
	}
	if digit && !lower && !upper {
		return false // a number, or an IPv4 address
	}
	soft, defang := false, false
	for j := i; j < e; j++ {
		f := s.meta[j].flag
		soft = soft || f&exSoft != 0
		defang = defang || f&exDefang != 0
	}
	if !soft && (path || www || defang) {
		return true
	}
	if lower && upper {
		return false
	}
	var buf [24]byte
	for k, c := range tld {
		buf[k] = exLower(c)
	}
	switch exCommonTLD[string(buf[:len(tld)])] {
	case 1:
		return true
	case 2:
		// English words as TLDs ("sambar.life", "it.works"): only when the
		// name does not look like prose, i.e. it has a digit or hyphen, three
		// labels or more, or sits in Chinese text.
		if i > 0 && s.b[i-1] >= utf8.RuneSelf || bytes.Count(b[i:e], []byte{'.'}) >= 2 {
			return true
		}
		for _, c := range b[i : i+dot] {
			if exIsDigit(c) || c == '-' {
				return true
			}
		}
	}
	return false
}

// exCommonTLD lists the top-level domains that bare host names in messages
// (no scheme, no path) are accepted with: 1 for the big generic ones, the
// cheap ones scam sites favour and the country codes of the region; 2 for
// those that are also English words, which need more (see hostLooksReal).
// Two-letter codes that are English words ("in", "it", "me", "us", "my",
// "so"…) are left out: "log.in" and "call.me" are typos, not hosts.
var exCommonTLD = map[string]uint8{
	"com": 1, "net": 1, "org": 1, "cn": 1, "top": 1, "xyz": 1, "vip": 1, "cc": 1, "info": 1,
	"io": 1, "co": 1, "tk": 1, "ml": 1, "ga": 1, "cf": 1, "gq": 1, "ltd": 1, "ink": 1,
	"wang": 1, "pw": 1, "icu": 1, "buzz": 1, "asia": 1, "hk": 1, "tw": 1, "mo": 1, "biz": 1,
	"mobi": 1, "ren": 1, "kim": 1, "cyou": 1, "sbs": 1, "cfd": 1, "ph": 1, "vn": 1, "th": 1,
	"kh": 1, "la": 1, "sg": 1, "jp": 1, "kr": 1, "ru": 1, "uk": 1, "de": 1, "fr": 1, "au": 1,
	"ca": 1, "tv": 1, "ws": 1, "gov": 1, "edu": 1, "xin": 1,
	"shop": 2, "site": 2, "online": 2, "club": 2, "work": 2, "live": 2, "life": 2, "store": 2,
	"tech": 2, "win": 2, "bid": 2, "loan": 2, "link": 2, "pro": 2, "fun": 2, "today": 2,
	"click": 2, "monster": 2, "bond": 2, "rest": 2, "space": 2, "website": 2, "fit": 2,
	"red": 2, "one": 2,
}

// exDottedQuad reports four dot-separated groups of one to three digits.
func exDottedQuad(w []byte) bool {
	parts, n := 1, 0
	for _, c := range w {
		switch {
		case exIsDigit(c):
			n++
			if n > 3 {
				return false
			}
		case c == '.':
			if n == 0 {
				return false
			}
			parts++
			n = 0
		default:
			return false
		}
	}
	return parts == 4 && n > 0
}

// email takes the address whose local part is b[i:at].
func (s *exScanner) email(i, at int) int {
	b := s.b
	d := at + 1
	for d < len(b) && exIsHostByte(b[d]) {
		d++
	}
	for d > at+1 && (b[d-1] == '.' || b[d-1] == '-' || b[d-1] == '_') {
		d--
	}
	if d <= at+1 {
		return at + 1
	}
	if ind, err := indicator.Parse(indicator.Email, s.str(i, d)); err == nil {
		s.add(ind, i, d)
	}
	return d
}

// atHandle takes "@name" as a Telegram username.
func (s *exScanner) atHandle(i int) int {
	b := s.b
	e := i + 1
	for e < len(b) && (exIsAlnum(b[e]) || b[e] == '_') {
		e++
	}
	if e-i-1 < 5 {
		return e
	}
	if e < len(b) && (b[e] == '@' || b[e] == '.' && e+1 < len(b) && exIsAlnum(b[e+1])) {
		return e // "@example.com": not a username
	}
	if ind, err := indicator.Parse(indicator.Telegram, s.str(i, e)); err == nil {
		s.add(ind, i, e)
	}
	return e
}

// crypto takes the alphanumeric word b[i:k] when it has the shape of an
// Ethereum, TRON or Bitcoin address; the checksum is indicator's to check.
func (s *exScanner) crypto(i, k int) int {
	b := s.b
	n := k - i
	if n < 26 {
		return 0
	}
	if k < len(b) && (b[k] == '@' || b[k] == '_' || b[k] == '.' && k+1 < len(b) && exIsAlnum(b[k+1])) {
		return 0
	}
	w := b[i:k]
	var kind indicator.Kind
	switch {
	case n == 42 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X'):
		for _, c := range w[2:] {
			if !exIsHex(c) {
				return 0
			}
		}
		kind = indicator.ETH
	case n == 34 && w[0] == 'T' && exAllBase58(w):
		kind = indicator.TRON
	case (w[0] == '1' || w[0] == '3') && n <= 35 && exAllBase58(w) && exHasLetter(w):
		kind = indicator.BTC
	case n <= 74 && exHasPrefixFold(w, "bc1"):
		kind = indicator.BTC
	default:
		return 0
	}
	if ind, err := indicator.Parse(kind, s.str(i, k)); err == nil {
		s.add(ind, i, k)
	}
	return k
}

func exAllBase58(w []byte) bool {
	for _, c := range w {
		if !exIsBase58(c) {
			return false
		}
	}
	return true
}

func exHasLetter(w []byte) bool {
	for _, c := range w {
		if exIsAlpha(c) {
			return true
		}
	}
	return false
}

// iban takes an IBAN ("GB82WEST12345698765432", or in groups of four) when
// it passes the mod-97 check that indicator applies to the IBAN shape.
func (s *exScanner) iban(i, k int) int {
	b := s.b
	if k-i < 4 || !exIsUpper(b[i]) || !exIsUpper(b[i+1]) || !exIsDigit(b[i+2]) || !exIsDigit(b[i+3]) {
		return 0
	}
	// Extend over groups separated by single spaces.
	ends := [10]int{k}
	n := 1
	e := k
	for n < len(ends) && e+1 < len(b) && b[e] == ' ' && exIsAlnum(b[e+1]) {
		g := e + 1
		for g < len(b) && exIsAlnum(b[g]) {
			g++
		}
		if g-e-1 > 4 {
			break
		}
		e = g
		ends[n] = e
		n++
	}
	for x := n - 1; x >= 0; x-- {
		if ends[x]-i < 15 {
			break
		}
		if ends[x] < len(b) && exIsAlnum(b[ends[x]]) {
			continue
		}
		cand := s.str(i, ends[x])
		ind, err := indicator.Parse(indicator.BankAccount, cand)
		if err != nil {
			continue
		}
		if d := indicator.Describe(ind); d.Account != nil && d.Account.IBAN {
			s.add(ind, i, ends[x])
			return ends[x]
		}
	}
	return 0
}

// ---------------------------------------------------------------------------
// Keywords that announce a messaging handle.

type exHandleKind uint8

const (
	exTelegram exHandleKind = iota + 1
	exWeChat
	exWhatsApp
	exQQ
)

type exHandleKeyword struct {
	word string // ASCII letters lower-case
	kind exHandleKind
}

// exHandleKeywords are the ways messages introduce a handle, including the
// homophones and nicknames used to get past filters (V信, 威信, 纸飞机…).
var exHandleKeywords = []exHandleKeyword{
	{"纸飞机", exTelegram}, {"飞机", exTelegram}, {"电报", exTelegram}, {"telegram", exTelegram},
	{"tg", exTelegram}, {"✈", exTelegram},
	{"微信", exWeChat}, {"威信", exWeChat}, {"薇信", exWeChat}, {"徽信", exWeChat}, {"维信", exWeChat},
	{"v信", exWeChat}, {"vx", exWeChat}, {"wx", exWeChat}, {"wechat", exWeChat}, {"weixin", exWeChat},
	{"加v", exWeChat}, {"+v", exWeChat}, {"加微", exWeChat}, {"薇", exWeChat},
	{"whatsapp", exWhatsApp},
	{"qq", exQQ}, {"扣扣", exQQ}, {"企鹅号", exQQ},
}

// exHandleIndex lists, by first byte (lower-cased), the keywords starting
// with it.
var exHandleIndex = func() (t [256][]exHandleKeyword) {
	for _, kw := range exHandleKeywords {
		c := kw.word[0]
		t[c] = append(t[c], kw)
		if c >= 'a' && c <= 'z' {
			t[c-'a'+'A'] = append(t[c-'a'+'A'], kw)
		}
	}
	return t
}()

// keyword handles a handle keyword at b[i]; it returns where to go on, or
// i when there is none.
func (s *exScanner) keyword(i int) int {
	b := s.b
	for _, kw := range exHandleIndex[b[i]] {
		if !exHasPrefixFold(b[i:], kw.word) {
			continue
		}
		if exIsAlpha(kw.word[0]) && i > 0 && exIsAlpha(b[i-1]) {
			continue
		}
		end := i + len(kw.word)
		last := kw.word[len(kw.word)-1]
		if exIsAlpha(last) && end < len(b) && exIsAlpha(b[end]) {
			continue // "tgif", "qqmusic"
		}
		if exIsAlpha(kw.word[0]) && s.addressAt(i) {
			continue // "qq.com", "wx123@qq.com": the word is an address
		}
		if kw.word == "薇" && !(end < len(b) && (b[end] == ':' || b[end] == ' ')) {
			continue // 薇 alone is a name; only "薇:" is a keyword
		}
		if j := s.handle(end, kw.kind, exIsAlpha(last)); j > i {
			return j
		}
		return end
	}
	return i
}

// addressAt reports whether the word at b[i] is an e-mail address or a
// host name (a dot followed by a letter), which the word scan reads.
func (s *exScanner) addressAt(i int) bool {
	b := s.b
	l := i
	for l < len(b) && exIsLocalByte(b[l]) {
		l++
	}
	if l < len(b) && b[l] == '@' {
		return true
	}
	for h := i; h+1 < len(b) && exIsHostByte(b[h]); h++ {
		if b[h] == '.' && exIsAlpha(b[h+1]) {
			return true
		}
	}
	return false
}

// handle reads the handle after a keyword that ends at b[j]. asciiKW says
// the keyword was an English word, which needs an explicit separator or a
// handle-looking name ("telegram channel" names nothing).
func (s *exScanner) handle(j int, kind exHandleKind, asciiKW bool) int {
	b := s.b
	j, explicit := s.skipFillers(j)
	if j >= len(b) {
		return j
	}
	c := b[j]
	switch kind {
	case exQQ:
		// The digits after the word are a QQ number, not a phone number.
		e := j
		for e < len(b) && exIsDigit(b[e]) {
			e++
		}
		if e-j < 5 || e-j > 12 {
			return j
		}
		if ind, err := s.opts.Parse(indicator.QQ, string(b[j:e])); err == nil {
			s.add(ind, j, e)
		}
		return e
	case exWhatsApp:
		if c == '+' || c == '(' || exIsDigit(c) {
			return s.number(j, exNumPos|exNumWhatsApp)
		}
		return j
	case exWeChat:
		if c == '+' || exIsDigit(c) {
			// WeChat finds people by phone number too.
			return s.number(j, exNumPos)
		}
		if !exIsAlpha(c) || exSchemeLen(b[j:]) > 0 {
			return j
		}
		e := j
		for e < len(b) && (exIsAlnum(b[e]) || b[e] == '_' || b[e] == '-') {
			e++
		}
		for e > j && b[e-1] == '-' {
			e--
		}
		if e < len(b) && (b[e] == '@' || b[e] == '.' && e+1 < len(b) && exIsAlnum(b[e+1])) {
			return j // an e-mail address or a host: the scan takes it
		}
		if asciiKW && !explicit && !exHandleLike(b[j:e]) || exPlaceholder(b[j:e]) {
			return j
		}
		if ind, err := indicator.Parse(indicator.WeChat, s.str(j, e)); err == nil {
			s.add(ind, j, e)
			return e
		}
		return j
	case exTelegram:
		k := j
		if c == '@' {
			k++
		}
		if exSchemeLen(b[j:]) > 0 || exHasPrefixFold(b[j:], "t.me/") {
			return j
		}
		e := k
		for e < len(b) && (exIsAlnum(b[e]) || b[e] == '_') {
			e++
		}
		if e-k < 5 {
			return j
		}
		if e < len(b) && (b[e] == '@' || b[e] == '.' && e+1 < len(b) && exIsAlnum(b[e+1])) {
			return j
		}
		if asciiKW && !explicit && k == j && !exHandleLike(b[k:e]) || exPlaceholder(b[k:e]) {
			return j
		}
		if ind, err := indicator.Parse(indicator.Telegram, s.str(j, e)); err == nil {
			s.add(ind, j, e)
			return e
		}
		return j
	}
	return j
}

// exPlaceholder reports a handle that stands for one rather than being one:
// "xxxxxx" (masked), or the name of the app itself ("微信（WeChat）").
func exPlaceholder(w []byte) bool {
	masked := true
	for _, c := range w {
		if c != 'x' && c != 'X' && c != '-' && c != '_' {
			masked = false
			break
		}
	}
	if masked {
		return true
	}
	if len(w) > 10 {
		return false
	}
	var buf [10]byte
	for k, c := range w {
		buf[k] = exLower(c)
	}
	switch string(buf[:len(w)]) {
	case "wechat", "weixin", "telegram", "whatsapp", "username", "wechatid", "account":
		return true
	}
	return false
}

// exHandleLike reports a name with a digit or '_' in it: "abc_123" is a
// handle, "channel" is a word.
func exHandleLike(w []byte) bool {
	for _, c := range w {
		if exIsDigit(c) || c == '_' {
			return true
		}
	}
	return false
}

// exFillers are the words between a keyword and its handle: "微信号：",
// "vx搜索", "飞机联系"…
var exFillers = []string{"号码", "号", "码", "是", "为", "帐号", "账号", "搜索", "搜", "添加", "加", "信", "联系", "私聊", "找", "「", "『", "【", "】", "“", "”", "‘", "→", "➡", "：", "id"}

// skipFillers moves past separators and filler words after a keyword.
// explicit reports a ':' or '=' or "号" among them.
func (s *exScanner) skipFillers(j int) (int, bool) {
	b := s.b
	explicit := false
	for limit := j + 24; j < len(b) && j < limit; {
		switch c := b[j]; c {
		case ':', '=':
			explicit = true
			j++
			continue
		case ' ', '-', '>', '"', '\'', '(', '[', '<', '~':
			j++
			continue
		}
		matched := false
		for _, f := range exFillers {
			if exHasPrefixFold(b[j:], f) {
				if f == "id" && j+2 < len(b) && exIsAlpha(b[j+2]) {
					continue
				}
				explicit = explicit || f == "号" || f == "id" || f == "："
				j += len(f)
				matched = true
				break
			}
		}
		if !matched {
			break
		}
	}
	return j, explicit
}

// ---------------------------------------------------------------------------
// Numbers: phones, cards, accounts.

type exNumFlags uint8

const (
	exNumPos      exNumFlags = 1 << iota // the words before say it is a phone number
	exNumGlued                           // letters just before ("Tel13800138000")
	exNumWhatsApp                        // a WhatsApp number
)

const (
	exMaxGroups = 8
	exMaxDigits = 24
)

type exGroup struct {
	s, e  int  // the digits b[s:e]
	space bool // the separator before the group has a space
}

// number reads the run of digits, spaces, dashes, dots and brackets that
// starts at b[i] ('+', '(' or a digit) and decides what it is. It returns
// the end of the run (or of the part taken), so that no part of a number
// is read again as a number of its own.
func (s *exScanner) number(i int, f exNumFlags) int {
	b := s.b
	if f&exNumGlued == 0 && i > 0 {
		switch p := b[i-1]; {
		case p == '/' || p == '#' || p == '*' || p == '$' || p == '&' || p == '=' || p == '%' || p == '_' || p == '\\':
			return s.skipNumber(i)
		}
	}
	p := i
	plus := false
	if b[p] == '+' {
		plus = true
		p++
		if p < len(b) && b[p] == ' ' {
			p++
		}
	}
	var g [exMaxGroups]exGroup
	ng, nd := 0, 0
	paren := false
	if p < len(b) && b[p] == '(' {
		paren = true
		p++
	}
	space := false
	end := p
	for {
		gs := p
		for p < len(b) && exIsDigit(b[p]) {
			p++
		}
		if p == gs {
			break
		}
		if ng == exMaxGroups || nd+p-gs > exMaxDigits {
			return s.skipNumber(i)
		}
		g[ng] = exGroup{gs, p, space}
		ng++
		nd += p - gs
		end = p
		q := p
		closed := false
		if paren && q < len(b) && b[q] == ')' {
			q++
			paren, closed = false, true
			end = q
		}
		q2, sp, ok := exSeparator(b, q)
		// "+86 (21) 6234 5678": a bracketed area code after the country
		// code; elsewhere brackets hold something else ("95823（01）").
		if q2 < len(b) && b[q2] == '(' && q2+1 < len(b) && exIsDigit(b[q2+1]) && !paren && plus && ng == 1 {
			paren = true
			q2++
			ok = true
		}
		if q2 < len(b) && exIsDigit(b[q2]) && (ok || closed) {
			p, space = q2, sp
			continue
		}
		break
	}
	if ng == 0 {
		return i + 1
	}
	// A last group glued to a unit or a code ("61200 (25p)", "87070. 150p",
	// "13800138000 3天") is not part of the number: leave it out.
	for ng > 1 && exBadEnd(b, g[ng-1].e, g[ng-1].e-g[ng-1].s) {
		ng--
		nd -= g[ng].e - g[ng].s
		end = g[ng-1].e
		if end < len(b) && b[end] == ')' && b[i] == '(' {
			end++
		}
	}
	if nd < 3 {
		return end
	}
	if b[i] == '(' && ng == 1 {
		// "(10086)": the brackets are the sentence's, not the number's.
		i, end = g[0].s, g[0].e
	}
	var buf [exMaxDigits]byte
	d := buf[:0]
	for _, gr := range g[:ng] {
		d = append(d, b[gr.s:gr.e]...)
	}
	last := g[ng-1].e
	glued := last < len(b) && exIsAlpha(b[last])
	if exBadEnd(b, last, nd) || exMasked(b, last) {
		return end
	}
	if exCurrencyBefore(b, i) {
		return end
	}
	if exIsDate(b, g[:ng]) {
		return end
	}
	cls, gapOK := s.context(i)
	pos := f&exNumPos != 0 || cls == exCtxPhone && gapOK && f&exNumGlued == 0
	if cls == exCtxNeg && !plus {
		return end
	}
	if (cls == exCtxCard || cls == exCtxAccount) && gapOK && !plus && !glued && !exCNMobile(d) {
		if nd >= 12 && nd <= 19 && exLuhn(d) {
			if ind, err := indicator.Parse(indicator.Card, s.numStr(i, end, d)); err == nil {
				s.add(ind, i, end)
				return end
			}
		}
		if nd >= 6 {
			if ind, err := indicator.Parse(indicator.BankAccount, s.numStr(i, end, d)); err == nil {
				s.add(ind, i, end)
			}
		}
		return end
	}
	if f&exNumWhatsApp != 0 && s.tryPhone(indicator.WhatsApp, i, end, d, g[:ng], plus, pos) {
		return end
	}
	if s.tryPhone(indicator.Phone, i, end, d, g[:ng], plus, pos) {
		return end
	}
	if exCardGroups(g[:ng]) && exLuhn(d) {
		if ind, err := indicator.Parse(indicator.Card, s.numStr(i, end, d)); err == nil {
			s.add(ind, i, end)
		}
		return end
	}
	// A price glued to the end ("08700435505150p", "087123002209am"): try
	// the number without its last one to four digits.
	if glued && nd >= 11 {
		for cut := 1; cut <= 4 && nd-cut >= 9; cut++ {
			e := last - cut
			if e <= g[ng-1].s {
				break
			}
			dd := d[:nd-cut]
			if s.strongPhone(dd, g[:ng], plus) && s.tryPhone(indicator.Phone, i, e, dd, g[:ng], plus, false) {
				return end
			}
		}
	}
	// Two numbers side by side ("13800138000 2024"): try the groups before
	// each space, longest first; only shapes that are phones on their own.
	for k := ng - 1; k >= 1; k-- {
		if !g[k].space {
			continue
		}
		e := g[k-1].e
		cnt := 0
		for _, gr := range g[:k] {
			cnt += gr.e - gr.s
		}
		dd := d[:cnt]
		if !s.strongPhone(dd, g[:k], plus) {
			continue
		}
		if s.tryPhone(indicator.Phone, i, e, dd, g[:k], plus, false) {
			return e
		}
	}
	return end
}

// exBadEnd reports what may not follow the last digit of a phone number of
// nd digits: letters (units and codes: "5pm", "150p", "4G"; a long number
// glued to words is still taken, as spam writes "08452810075over18's"),
// '%', '*', '#', '@', or a Chinese unit ("3天", "15号", "200元").
func exBadEnd(b []byte, q, nd int) bool {
	if q >= len(b) {
		return false
	}
	switch c := b[q]; {
	case exIsAlpha(c):
		return nd < 10
	case c == '%' || c == '*' || c == '#' || c == '@':
		return true
	}
	return exUnitAfter(b, q)
}

// exMasked reports digits followed by a masked part ("138-xxxx-xxxx",
// "138****8000"): two or more x or * right after them or after a dash.
func exMasked(b []byte, q int) bool {
	if q < len(b) && b[q] == '-' {
		q++
	}
	n := 0
	for q < len(b) && (b[q] == 'x' || b[q] == 'X' || b[q] == '*') {
		n++
		q++
	}
	return n >= 2
}

// numStr returns the candidate b[i:e] for Parse, or just its digits when it
// holds characters that card and account numbers may not have.
func (s *exScanner) numStr(i, e int, d []byte) string {
	for _, c := range s.b[i:e] {
		if !exIsDigit(c) && c != ' ' && c != '-' {
			return string(d)
		}
	}
	return s.str(i, e)
}

// skipNumber moves past a run of digits and separators without reading it.
func (s *exScanner) skipNumber(i int) int {
	b := s.b
	j := i + 1
	for j < len(b) && (exIsDigit(b[j]) || b[j] == ' ' && j+1 < len(b) && exIsDigit(b[j+1]) || b[j] == '-' || b[j] == '.' || b[j] == '(' || b[j] == ')') {
		j++
	}
	return j
}

// exSeparator reads what may stand between two groups of a phone number:
// up to two spaces with at most one '-' or '.' among them, or nothing.
func exSeparator(b []byte, q int) (next int, space, ok bool) {
	start := q
	mark := false
	for q < len(b) && q-start < 4 {
		switch b[q] {
		case ' ':
			space = true
		case '-', '.':
			if mark {
				return q, space, false
			}
			mark = true
		default:
			return q, space, q > start
		}
		q++
	}
	return q, space, q > start
}

// strongPhone reports digits shaped like a phone number on their own,
// without any word before them to say so.
func (s *exScanner) strongPhone(d []byte, g []exGroup, plus bool) bool {
	n := len(d)
	if plus || n > 2 && d[0] == '0' && d[1] == '0' {
		return n >= 7
	}
	if s.cn {
		switch {
		case exCNMobile(d):
			return true
		case n == 13 && d[0] == '8' && d[1] == '6' && exCNMobile(d[2:]):
			return true
		case d[0] == '0' && n >= 10 && n <= 12:
			return true // area code with its trunk 0
		case n == 10 && (string(d[:3]) == "400" || string(d[:3]) == "800"):
			return true
		}
		return false
	}
	if d[0] == '0' && n >= 9 && n <= 13 {
		return true
	}
	if len(g) >= 2 && n >= 9 && n <= 12 {
		for _, gr := range g {
			if gr.e-gr.s < 2 {
				return false
			}
		}
		return true
	}
	return false
}

func exCNMobile(d []byte) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9'
}

// tryPhone parses b[i:e] as a phone (or WhatsApp) number when its shape or
// its context allows; short codes need the context.
func (s *exScanner) tryPhone(kind indicator.Kind, i, e int, d []byte, g []exGroup, plus, pos bool) bool {
	if !pos && !s.strongPhone(d, g, plus) {
		return false
	}
	if s.cn && !plus && len(g) >= 3 && g[0].e-g[0].s == 1 {
		// "1-800-123-4567" is North American; read as Chinese it would
		// make the mobile number +86 180 0123 4567.
		return false
	}
	ind, err := s.opts.Parse(kind, s.str(i, e))
	if err != nil {
		return false
	}
	if v := ind.Value(); !strings.HasPrefix(v, "+") {
		// A short code or service number: only when said so, and written
		// in one piece ("1.50" and "88888. 6" are prices and sentences).
		if !pos || len(g) != 1 {
			return false
		}
		// Three and four digits are too common in prose ("call 999
		// times"): only the region's known short numbers (110, 120, 114,
		// 999 in GB).
		if len(v) <= 4 {
			if dt := s.opts.Describe(ind); dt.Phone == nil || !dt.Phone.Valid {
				return false
			}
		}
	}
	s.add(ind, i, e)
	return true
}

// exCardGroups reports a number written as card numbers are: groups of
// four digits (the last may be shorter), 16 to 19 digits in all.
func exCardGroups(g []exGroup) bool {
	if len(g) < 4 {
		return false
	}
	n := 0
	for k, gr := range g {
		l := gr.e - gr.s
		n += l
		if l != 4 && !(k == len(g)-1 && l >= 1 && l < 4) {
			return false
		}
	}
	return n >= 16 && n <= 19
}

// exLuhn is only a quick filter before indicator.Parse(Card), which checks
// again.
func exLuhn(d []byte) bool {
	sum, double := 0, false
	for k := len(d) - 1; k >= 0; k-- {
		v := int(d[k] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// exIsDate reports year-month-day written with '-', '.' or '/' ("2024-01-15",
// "2024.1.5"), or year-month.
func exIsDate(b []byte, g []exGroup) bool {
	if len(g) < 2 || len(g) > 3 || g[0].e-g[0].s != 4 {
		return false
	}
	y := b[g[0].s : g[0].s+2]
	if string(y) != "19" && string(y) != "20" {
		return false
	}
	for _, gr := range g[1:] {
		if l := gr.e - gr.s; l < 1 || l > 2 || gr.space {
			return false
		}
	}
	return true
}

// exUnits are the words after a number that make it a quantity, a date or
// a time, not a phone number.
var exUnits = []string{"元", "块", "万", "千", "百", "亿", "年", "月", "日", "号", "时", "分", "秒", "点", "天", "个", "次", "岁", "倍", "人", "件", "单", "期", "斤", "米", "克", "位", "名", "周", "折", "张", "条", "笔", "公里", "美元", "％"}

// exUnitAfter reports a unit word at b[q] (after at most one space).
func exUnitAfter(b []byte, q int) bool {
	if q < len(b) && b[q] == ' ' {
		q++
	}
	if q >= len(b) || b[q] < utf8.RuneSelf {
		return false
	}
	for _, u := range exUnits {
		if bytes.HasPrefix(b[q:], []byte(u)) {
			return true
		}
	}
	return false
}

// exCurrencyBefore reports a currency sign just before b[i] ("$", "¥", "￥").
func exCurrencyBefore(b []byte, i int) bool {
	j := i
	for j > 0 && b[j-1] == ' ' {
		j--
	}
	if j == 0 {
		return false
	}
	switch b[j-1] {
	case '$':
		return true
	case 0xA5: // ¥ (C2 A5), ￥ (EF BF A5)
		return j >= 2 && b[j-2] == 0xC2 || j >= 3 && b[j-2] == 0xBF && b[j-3] == 0xEF
	case 0xA3: // £ (C2 A3)
		return j >= 2 && b[j-2] == 0xC2
	case 0xAC: // € (E2 82 AC)
		return j >= 3 && b[j-2] == 0x82 && b[j-3] == 0xE2
	}
	return false
}

// ---------------------------------------------------------------------------
// Context: the words before a number.

type exCtxClass uint8

const (
	exCtxNone    exCtxClass = iota
	exCtxPhone              // 致电, call, 热线 …
	exCtxAccount            // 账号, account …
	exCtxCard               // 卡号, card …
	exCtxNeg                // 订单号, 验证码, ref … (it is not a phone number)
)

type exCtxKeyword struct {
	word  string // ASCII letters lower-case
	class exCtxClass
}

// exCtxKeywords. When several appear before a number, the one ending last
// decides, and on a tie the later class in the list above wins, so
// "订单号码" (negative) beats "号码" and "account number" beats "number".
var exCtxKeywords = []exCtxKeyword{
	// phone
	{"电话", exCtxPhone}, {"致电", exCtxPhone}, {"拨打", exCtxPhone}, {"来电", exCtxPhone},
	{"热线", exCtxPhone}, {"手机", exCtxPhone}, {"联系", exCtxPhone}, {"客服", exCtxPhone},
	{"呼叫", exCtxPhone}, {"回电", exCtxPhone}, {"咨询", exCtxPhone}, {"专线", exCtxPhone},
	{"座机", exCtxPhone}, {"短信", exCtxPhone}, {"打给", exCtxPhone},
	{"回拨", exCtxPhone}, {"电联", exCtxPhone}, {"详询", exCtxPhone}, {"询问", exCtxPhone}, {"拨", exCtxPhone}, {"号码", exCtxPhone},
	{"tel", exCtxPhone}, {"phone", exCtxPhone}, {"call", exCtxPhone}, {"dial", exCtxPhone},
	{"ring", exCtxPhone}, {"mobile", exCtxPhone}, {"mob", exCtxPhone}, {"hotline", exCtxPhone},
	{"contact", exCtxPhone}, {"txt", exCtxPhone}, {"text", exCtxPhone}, {"sms", exCtxPhone},
	{"reply", exCtxPhone}, {"send", exCtxPhone}, {"fax", exCtxPhone}, {"cell", exCtxPhone},
	{"whatsapp", exCtxPhone}, {"number", exCtxPhone},
	// account
	{"账号", exCtxAccount}, {"帐号", exCtxAccount}, {"账户", exCtxAccount}, {"帐户", exCtxAccount},
	{"收款", exCtxAccount}, {"汇款", exCtxAccount}, {"转账到", exCtxAccount}, {"转入", exCtxAccount},
	{"打款", exCtxAccount}, {"对公", exCtxAccount}, {"开户", exCtxAccount}, {"account", exCtxAccount},
	{"acct", exCtxAccount}, {"a/c", exCtxAccount}, {"iban", exCtxAccount}, {"bank", exCtxAccount},
	// card
	{"卡号", exCtxCard}, {"银行卡", exCtxCard}, {"信用卡", exCtxCard}, {"储蓄卡", exCtxCard},
	{"借记卡", exCtxCard}, {"card", exCtxCard},
	// not a phone
	{"订单", exCtxNeg}, {"单号", exCtxNeg}, {"运单", exCtxNeg}, {"快递", exCtxNeg},
	{"验证码", exCtxNeg}, {"动态码", exCtxNeg}, {"校验码", exCtxNeg}, {"取件码", exCtxNeg},
	{"提取码", exCtxNeg}, {"邀请码", exCtxNeg}, {"兑换码", exCtxNeg}, {"激活码", exCtxNeg},
	{"密码", exCtxNeg}, {"编号", exCtxNeg}, {"工号", exCtxNeg}, {"警号", exCtxNeg},
	{"尾号", exCtxNeg}, {"身份证", exCtxNeg}, {"学号", exCtxNeg}, {"会员号", exCtxNeg},
	{"流水号", exCtxNeg}, {"交易号", exCtxNeg}, {"合同号", exCtxNeg}, {"案号", exCtxNeg},
	{"券码", exCtxNeg}, {"口令", exCtxNeg}, {"金额", exCtxNeg}, {"价格", exCtxNeg},
	{"余额", exCtxNeg}, {"人民币", exCtxNeg}, {"房间", exCtxNeg}, {"车牌", exCtxNeg},
	{"游戏账号", exCtxNeg}, {"游戏帐号", exCtxNeg}, {"群号", exCtxNeg}, {"房号", exCtxNeg},
	{"order", exCtxNeg}, {"ref", exCtxNeg}, {"reference", exCtxNeg}, {"code", exCtxNeg},
	{"pin", exCtxNeg}, {"otp", exCtxNeg}, {"id", exCtxNeg}, {"invoice", exCtxNeg},
	{"tracking", exCtxNeg}, {"booking", exCtxNeg}, {"ticket", exCtxNeg}, {"serial", exCtxNeg},
	{"voucher", exCtxNeg}, {"quote", exCtxNeg}, {"version", exCtxNeg}, {"po box", exCtxNeg},
	{"pobox", exCtxNeg}, {"box", exCtxNeg}, {"room", exCtxNeg}, {"flight", exCtxNeg},
	{"order number", exCtxNeg}, {"reference number", exCtxNeg}, {"tracking number", exCtxNeg},
	{"account number", exCtxAccount}, {"card number", exCtxCard},
	{"订单号码", exCtxNeg}, {"单号码", exCtxNeg},
}

var exCtxIndex = func() (t [256][]exCtxKeyword) {
	for _, kw := range exCtxKeywords {
		t[kw.word[0]] = append(t[kw.word[0]], kw)
	}
	return t
}()

// exCtxWindow is how far back (bytes of the view) context words are looked
// for: about a dozen Chinese characters or a few English words.
const exCtxWindow = 40

// context classifies the words just before b[i], within the same clause.
// gapOK reports that nothing but filler lies between the deciding keyword
// and the number ("拨打我行95588", "Text WIN to 87121"), which short codes
// need: "call 2 c u at 1230" does not make 1230 a phone number.
func (s *exScanner) context(i int) (exCtxClass, bool) {
	b := s.b
	w0 := max(0, i-exCtxWindow)
	for w0 < i && b[w0]&0xC0 == 0x80 {
		w0++ // start on a character boundary
	}
	for j := i - 1; j >= w0; j-- {
		c := b[j]
		if c == '\n' || c == '\r' || c == '!' || c == '?' || c == ';' || c == ',' || c == '.' && s.meta[j].flag&exSoft != 0 {
			w0 = j + 1
			break
		}
	}
	var low [exCtxWindow]byte
	win := low[:i-w0]
	for k := range win {
		win[k] = exLower(b[w0+k])
	}
	best, bestEnd := exCtxNone, -1
	for p := 0; p < len(win); p++ {
		for _, kw := range exCtxIndex[win[p]] {
			if !bytes.HasPrefix(win[p:], []byte(kw.word)) {
				continue
			}
			if exIsAlpha(kw.word[0]) {
				// English words stand alone: "ring" is not in "during",
				// "id" not in "paid"; "calls", "texting" are fine.
				if p > 0 && exIsAlpha(win[p-1]) {
					continue
				}
				e := p + len(kw.word)
				if len(kw.word) <= 4 && e < len(win) && exIsAlpha(win[e]) && !exCtxSuffixOK(win[e:]) {
					continue
				}
			}
			e := p + len(kw.word)
			if e > bestEnd || e == bestEnd && kw.class > best {
				best, bestEnd = kw.class, e
			}
		}
	}
	if best == exCtxNone {
		return exCtxNone, false
	}
	if best == exCtxPhone && exSMSTo(win) {
		return best, true
	}
	return best, exGapOK(b[w0+bestEnd : i])
}

// exSMSTo recognises the premium-SMS idiom "txt the word CLAIM to (No:)
// 81010": the window (lower-case) ends in "to ", "to: " or "to no: "
// after a verb of sending. The words between can be anything.
func exSMSTo(win []byte) bool {
	w := bytes.TrimRight(win, " ")
	for _, suf := range [...]string{"to no:", "to no.", "to no", "to:", "to"} {
		if bytes.HasSuffix(w, []byte(suf)) {
			k := len(w) - len(suf)
			if k > 0 && exIsAlpha(w[k-1]) {
				continue
			}
			for _, verb := range [...]string{"txt", "text", "send", "reply", "rply", "sms"} {
				if bytes.Contains(w[:k], []byte(verb)) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// exCtxSuffixOK allows inflections after a short English keyword ("calls",
// "called", "texting", "replies").
func exCtxSuffixOK(rest []byte) bool {
	for _, suf := range [...]string{"s", "ed", "ing", "ies", "er"} {
		if bytes.HasPrefix(rest, []byte(suf)) && (len(rest) == len(suf) || !exIsAlpha(rest[len(suf)])) {
			return true
		}
	}
	return false
}

// exGapFillers are the English words allowed between a phone keyword and
// the number.
var exGapFillers = map[string]bool{
	"us": true, "on": true, "now": true, "free": true, "to": true, "at": true, "the": true,
	"no": true, "our": true, "me": true, "or": true, "toll": true, "line": true, "number": true,
	"hotline": true, "service": true, "customer": true, "us:": true, "back": true, "direct": true,
	"phone": true, "tel": true, "a": true, "this": true, "pls": true, "please": true,
}

// exGapOK: between keyword and number, only spaces and punctuation, up to
// six Chinese characters, words in capitals (the "WIN" of "Text WIN to
// 80086") and filler words.
func exGapOK(gap []byte) bool {
	cjk := 0
	for k := 0; k < len(gap); {
		c := gap[k]
		switch {
		case c >= utf8.RuneSelf:
			cjk++
			if cjk > 6 {
				return false
			}
			k += exRuneLen(c)
		case exIsAlpha(c):
			e := k
			upper := true
			for e < len(gap) && exIsAlpha(gap[e]) {
				upper = upper && exIsUpper(gap[e])
				e++
			}
			if !upper || e-k > 10 {
				var buf [16]byte
				if e-k > len(buf) {
					return false
				}
				for x := k; x < e; x++ {
					buf[x-k] = exLower(gap[x])
				}
				if !exGapFillers[string(buf[:e-k])] {
					return false
				}
			}
			k = e
		case exIsDigit(c):
			return false
		default:
			k++
		}
	}
	return true
}

// ---------------------------------------------------------------------------
// Amounts.

// exDec is an exact decimal m / 10^sc with m kept below 10^18.
type exDec struct {
	m  uint64
	sc int
}

const exDecMax = 1_000_000_000_000_000_000

func (d exDec) shift(k int) (exDec, bool) {
	for k > 0 && d.sc > 0 {
		d.sc--
		k--
	}
	for ; k > 0; k-- {
		if d.m >= exDecMax/10 {
			return d, false
		}
		d.m *= 10
	}
	return d, true
}

func (d exDec) add(e exDec) (exDec, bool) {
	for d.sc < e.sc {
		if d.m >= exDecMax/10 {
			return d, false
		}
		d.m *= 10
		d.sc++
	}
	for e.sc < d.sc {
		if e.m >= exDecMax/10 {
			return d, false
		}
		e.m *= 10
		e.sc++
	}
	if d.m+e.m >= exDecMax {
		return d, false
	}
	d.m += e.m
	return d, true
}

func (d exDec) isZero() bool { return d.m == 0 }

// String writes the value without trailing fractional zeros.
func (d exDec) String() string {
	m, sc := d.m, d.sc
	for sc > 0 && m%10 == 0 {
		m /= 10
		sc--
	}
	digits := strconv.FormatUint(m, 10)
	if sc == 0 {
		return digits
	}
	if len(digits) <= sc {
		digits = strings.Repeat("0", sc-len(digits)+1) + digits
	}
	return digits[:len(digits)-sc] + "." + digits[len(digits)-sc:]
}

// exAmountInfo describes a number expression.
type exAmountInfo struct {
	chineseOnly bool // all of it in Chinese numerals
	big         bool // has 千, 万, 亿 or a glued "w": a sum of money when nothing says otherwise
	trail       int  // power of ten of the unit the expression ends in (3 for "5千"), else 0
	units       bool // has any unit
	one         bool // just "一" (一块 is also "together")
}

// numExpr reads a number at b[p]: Arabic ("5,000.50"), Chinese
// ("五万八千", "一万五", "十五"), or mixed ("1.5万", "3万5千", "5w", "5k").
// ok is false when there is no number there (end then says how far the
// failed attempt went).
func (s *exScanner) numExpr(p int) (v exDec, end int, info exAmountInfo, ok bool) {
	b := s.b
	// The value is total (亿s) + wan (万s) + sec (below 万) + num (the
	// digit waiting for its unit).
	var total, wan, sec, num exDec
	hasNum, single, zero := false, false, false
	lastSmall, lastUnit, tokens := 0, 0, 0
	info.chineseOnly = true
	end = p
	q := p
loop:
	for q < len(b) {
		c := b[q]
		if exIsDigit(c) {
			if hasNum || tokens > 0 && lastUnit == 0 {
				break
			}
			n, e, good := s.arabic(q)
			if !good {
				return v, e, info, false
			}
			num, hasNum, single = n, true, n.sc == 0 && e-q == 1
			info.chineseOnly = false
			q, end = e, e
			tokens++
			// "5w", "5k": a glued multiplier not followed by a letter,
			// which ends the expression.
			if tokens == 1 && q < len(b) && (b[q]|0x20 == 'w' || b[q]|0x20 == 'k') && !exWordAfter(b, q+1) {
				pow := 4
				if b[q]|0x20 == 'k' {
					pow = 3
				} else {
					info.big = true
				}
				x, good := num.shift(pow)
				if !good {
					return v, q, info, false
				}
				num, single = x, false
				q++
				end = q
				info.units, info.trail = true, pow
				return num, end, info, true
			}
			continue
		}
		if c < 0xE0 {
			break
		}
		r, n := utf8.DecodeRune(b[q:])
		if dgt := exAmountDigit(r); dgt >= 0 {
			if dgt == 0 {
				if tokens == 0 {
					break // a number does not start with 零
				}
				zero = true
				q += n
				end = q
				continue
			}
			if hasNum {
				break // "一二" is not a number
			}
			num, hasNum, single = exDec{m: uint64(dgt)}, true, true
			info.one = tokens == 0 && (r == '一' || r == '壹')
			q += n
			end = q
			tokens++
			continue
		}
		pow := exAmountUnit(r)
		if pow == 0 {
			break
		}
		switch {
		case pow < 4:
			if lastSmall != 0 && pow >= lastSmall {
				break loop // "三十百"
			}
			if !hasNum {
				if pow != 1 {
					break loop // 百, 千 need a digit ("千万" is "by all means")
				}
				num = exDec{m: 1} // 十五 = 15
			}
			x, good := num.shift(pow)
			if good {
				sec, good = sec.add(x)
			}
			if !good {
				return v, q, info, false
			}
			lastSmall = pow
		case pow == 4:
			if !hasNum && sec.isZero() || !wan.isZero() {
				break loop
			}
			x, good := sec.add(num)
			if good {
				wan, good = x.shift(4)
			}
			if !good {
				return v, q, info, false
			}
			sec, lastSmall = exDec{}, 0
		default: // 亿
			if !hasNum && sec.isZero() && wan.isZero() {
				break loop
			}
			x, good := total.add(wan)
			if good {
				x, good = x.add(sec)
			}
			if good {
				x, good = x.add(num)
			}
			if good {
				total, good = x.shift(8)
			}
			if !good {
				return v, q, info, false
			}
			wan, sec, lastSmall = exDec{}, exDec{}, 0
		}
		num, hasNum, single, zero = exDec{}, false, false, false
		lastUnit = pow
		info.units = true
		info.big = info.big || pow >= 3
		info.one = false
		q += n
		end = q
		tokens++
	}
	if tokens == 0 {
		return v, p, info, false
	}
	switch {
	case !hasNum:
		info.trail = lastUnit
	case single && !zero && lastUnit > 1:
		// "一万五" is 15000 and "三千五" 3500: a lone digit after a unit
		// counts in the unit below it.
		x, good := num.shift(lastUnit - 1)
		if !good {
			return v, end, info, false
		}
		num = x
	}
	var good bool
	v, good = total.add(wan)
	if good {
		v, good = v.add(sec)
	}
	if good {
		v, good = v.add(num)
	}
	if !good {
		return v, end, info, false
	}
	return v, end, info, true
}

// arabic reads "5000", "5,000", "5000.50" at b[q].
func (s *exScanner) arabic(q int) (exDec, int, bool) {
	b := s.b
	var d exDec
	n := 0
	for q < len(b) && exIsDigit(b[q]) {
		if n >= 18 {
			for q < len(b) && exIsDigit(b[q]) {
				q++
			}
			return d, q, false
		}
		d.m = d.m*10 + uint64(b[q]-'0')
		n++
		q++
	}
	// Thousands separators: ",000" groups, only after one to three digits
	// and never a folded full-width comma (a clause break in Chinese).
	if n <= 3 {
		for q < len(b) && b[q] == ',' && s.meta[q].flag&exFolded == 0 && exIsDigit3(b, q+1) && (q+4 >= len(b) || !exIsDigit(b[q+4])) {
			if n+3 > 18 {
				return d, q, false
			}
			for k := 1; k <= 3; k++ {
				d.m = d.m*10 + uint64(b[q+k]-'0')
			}
			n += 3
			q += 4
		}
	}
	if q+1 < len(b) && b[q] == '.' && s.meta[q].flag&exSoft == 0 && exIsDigit(b[q+1]) {
		q++
		for q < len(b) && exIsDigit(b[q]) {
			if n >= 18 {
				for q < len(b) && exIsDigit(b[q]) {
					q++
				}
				return d, q, false
			}
			d.m = d.m*10 + uint64(b[q]-'0')
			d.sc++
			n++
			q++
		}
	}
	return d, q, true
}

func exIsDigit3(b []byte, q int) bool {
	return q+2 < len(b) && exIsDigit(b[q]) && exIsDigit(b[q+1]) && exIsDigit(b[q+2])
}

// exAmountDigit maps the Chinese numerals used for sums (两 too), or -1.
func exAmountDigit(r rune) int {
	switch r {
	case '两', '兩':
		return 2
	case '○', '⓪', '①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '幺':
		return -1
	}
	return exNumeralDigit(r)
}

// exAmountUnit returns the power of ten of a Chinese unit, or 0.
func exAmountUnit(r rune) int {
	switch r {
	case '十', '拾':
		return 1
	case '百', '佰':
		return 2
	case '千', '仟':
		return 3
	case '万', '萬':
		return 4
	case '亿', '億':
		return 8
	}
	return 0
}

type exCurrencyToken struct {
	tok, cur string // tok: ASCII letters lower-case
}

var exCurrencyPrefixes = []exCurrencyToken{
	{"us$", "USD"}, {"hk$", "HKD"}, {"$", "USD"}, {"¥", "CNY"}, {"￥", "CNY"}, {"£", "GBP"},
	{"€", "EUR"}, {"₹", "INR"}, {"rmb", "CNY"}, {"cny", "CNY"}, {"usdt", "USDT"}, {"usdc", "USDC"},
	{"usd", "USD"}, {"hkd", "HKD"}, {"gbp", "GBP"}, {"eur", "EUR"}, {"btc", "BTC"}, {"eth", "ETH"},
	{"trx", "TRX"}, {"rs.", "INR"}, {"rs", "INR"}, {"人民币", "CNY"}, {"美金", "USD"}, {"美元", "USD"},
}

var exCurrencySuffixes = []exCurrencyToken{
	{"元", "CNY"}, {"块钱", "CNY"}, {"块", "CNY"}, {"圆", "CNY"}, {"人民币", "CNY"},
	{"美元", "USD"}, {"美金", "USD"}, {"刀", "USD"}, {"港币", "HKD"}, {"港元", "HKD"},
	{"英镑", "GBP"}, {"欧元", "EUR"}, {"日元", "JPY"},
	{"usdt", "USDT"}, {"usdc", "USDC"}, {"usd", "USD"}, {"rmb", "CNY"}, {"cny", "CNY"},
	{"hkd", "HKD"}, {"gbp", "GBP"}, {"eur", "EUR"}, {"btc", "BTC"}, {"eth", "ETH"}, {"trx", "TRX"},
	{"dollars", "USD"}, {"dollar", "USD"}, {"bucks", "USD"}, {"pounds", "GBP"}, {"pound", "GBP"},
	{"euros", "EUR"}, {"euro", "EUR"}, {"u", "USDT"},
}

// exMeasureWords after "3万", "5千" make them counts, not money.
var exMeasureWords = []string{"人", "名", "个", "次", "步", "米", "公里", "里", "字", "条", "件", "份", "张", "台", "部", "家", "户", "粉", "年", "天", "小时", "分钟", "秒", "吨", "斤", "克", "平", "亩", "册", "本", "票", "单", "点", "赞", "阅读", "播放", "多人", "余人", "粉丝", "公斤", "千克", "升", "度", "页", "行", "首", "篇", "只", "头", "颗", "株", "棵", "瓶", "箱", "包", "盒", "辆", "套", "间", "座", "所", "倍", "%"}

// exCurrencyPrefixIndex lists the prefixes by first byte (both cases).
var exCurrencyPrefixIndex = func() (t [256][]exCurrencyToken) {
	for _, c := range exCurrencyPrefixes {
		f := c.tok[0]
		t[f] = append(t[f], c)
		if f >= 'a' && f <= 'z' {
			t[f-'a'+'A'] = append(t[f-'a'+'A'], c)
		}
	}
	return t
}()

// exCurrencyAt matches a currency token of list at b[i]; ASCII ones must
// stand alone ("USDT 500", not "xUSD500").
func exCurrencyAt(b []byte, i int, list []exCurrencyToken) (string, int) {
	for _, t := range list {
		if !exHasPrefixFold(b[i:], t.tok) {
			continue
		}
		e := i + len(t.tok)
		if exIsAlpha(t.tok[0]) {
			if i > 0 && exIsAlpha(b[i-1]) {
				continue
			}
			if exIsAlpha(t.tok[len(t.tok)-1]) && e < len(b) && exIsAlpha(b[e]) {
				continue
			}
		}
		return t.cur, e
	}
	return "", i
}

// exNumberStart reports whether an amount's number may start at b[q].
func exNumberStart(b []byte, q int) bool {
	if q >= len(b) {
		return false
	}
	if exIsDigit(b[q]) {
		return true
	}
	if b[q] < 0xE0 {
		return false
	}
	r, _ := utf8.DecodeRune(b[q:])
	return exAmountDigit(r) > 0 || exAmountUnit(r) == 1
}

type exPending struct {
	start, end int
	v          exDec
	units      bool
	set        bool
}

func (s *exScanner) scanAmounts() {
	b := s.b
	var pend exPending
	for i := 0; i < len(b); {
		c := b[i]
		j := i
		switch {
		case c < utf8.RuneSelf:
			if exIsDigit(c) || len(exCurrencyPrefixIndex[c]) > 0 {
				j = s.amountAt(i, &pend)
			}
		default:
			r, n := utf8.DecodeRune(b[i:])
			if r < 0x10000 && exAmountRunes[r>>6]&(1<<(r&63)) != 0 {
				j = s.amountAt(i, &pend)
			}
			if j <= i {
				j = i + n
			}
		}
		if j <= i {
			j = i + 1
		}
		i = min(j, len(b))
	}
}

// exAmountRunes is a bitset over the Basic Multilingual Plane of the runes
// an amount may start with: Chinese numerals and 十, and the first rune of
// each non-ASCII currency prefix (¥, ￥, £, €, ₹, 人民币, 美元). The scan
// skips every other character of a Chinese text after one lookup.
var exAmountRunes = func() (t [1024]uint64) {
	set := func(r rune) {
		if r < 0x10000 {
			t[r>>6] |= 1 << (r & 63)
		}
	}
	for r := rune(0x80); r < 0x10000; r++ {
		if exAmountDigit(r) > 0 || exAmountUnit(r) == 1 {
			set(r)
		}
	}
	for _, c := range exCurrencyPrefixes {
		if r, _ := utf8.DecodeRuneInString(c.tok); r >= utf8.RuneSelf {
			set(r)
		}
	}
	return t
}()

// amountAt reads an amount starting at b[i] (a currency prefix or a
// number); it returns where to go on, or i.
func (s *exScanner) amountAt(i int, pend *exPending) int {
	b := s.b
	c := b[i]
	prefixCur, p := exCurrencyAt(b, i, exCurrencyPrefixIndex[c])
	if prefixCur != "" {
		for k := p; p < len(b) && (b[p] == ' ' || b[p] == ':') && p-k < 3; {
			p++
		}
		if !exNumberStart(b, p) {
			return i + 1
		}
	} else {
		if !exNumberStart(b, i) {
			return i
		}
		// A number glued to letters or digits, or after a decimal point, is
		// part of something else.
		if i > 0 && (exIsAlnum(b[i-1]) || b[i-1] == '.' && s.meta[i-1].flag&exSoft == 0 ||
			b[i-1] == ',' && s.meta[i-1].flag&exFolded == 0 && i > 1 && exIsDigit(b[i-2])) {
			if exIsDigit(c) {
				for i < len(b) && (exIsDigit(b[i]) || b[i] == '.' || b[i] == ',') {
					i++
				}
				return i
			}
			return i
		}
		if i > 0 && b[i-1] >= 0x80 && !exIsDigit(c) {
			// Inside a run of Chinese numerals: its start was tried.
			k := i - 1
			for k > 0 && b[k]&0xC0 == 0x80 {
				k--
			}
			r, _ := utf8.DecodeRune(b[k:i])
			if exAmountDigit(r) >= 0 || exAmountUnit(r) > 0 {
				return i
			}
		}
	}
	v, e, info, ok := s.numExpr(p)
	if !ok {
		if e > i {
			return e
		}
		return i + 1
	}
	if e < len(b) && b[e] == '%' {
		return e
	}
	q := e
	if q < len(b) && b[q] == ' ' {
		q++
	}
	sufCur, qe := exCurrencyAt(b, q, exCurrencySuffixes)
	if sufCur != "" {
		tok := b[q:qe]
		switch {
		case len(tok) == 1 && exLower(tok[0]) == 'u':
			// "500U" only glued, with two digits or more ("4u" is "for
			// you"), not before an English word, and not a U盘 (USB stick).
			if q != e || info.chineseOnly || e-p < 2 || exWordAfter(b, qe) || bytes.HasPrefix(b[qe:], []byte("盘")) {
				sufCur = ""
			}
		case string(tok) == "刀" && info.chineseOnly:
			sufCur = ""
		case string(tok) == "块" && info.one:
			sufCur = "" // 一块 also means "together"
		}
	}
	start := i
	switch {
	case prefixCur != "":
		end := e
		if sufCur == prefixCur {
			end = qe
		}
		s.addAmount(v, prefixCur, start, end)
		pend.set = false
		return end
	case sufCur != "":
		s.rangeStart(pend, info, sufCur, start)
		s.addAmount(v, sufCur, start, qe)
		return qe
	case info.big && !info.chineseOnly && !exMeasureAfter(b, e):
		s.rangeStart(pend, info, "CNY", start)
		s.addAmount(v, "CNY", start, e)
		return e
	}
	*pend = exPending{start: start, end: e, v: v, units: info.units, set: true}
	return e
}

// rangeStart adds the bare number before a range sign as an amount of the
// currency of the range's end: "10-30元" is 10 and 30 yuan, "1-3万" is 1万
// and 3万.
func (s *exScanner) rangeStart(pend *exPending, info exAmountInfo, cur string, start int) {
	if pend.set && exRangeBetween(s.b, pend.end, start) {
		pv := pend.v
		if !pend.units && info.trail > 0 {
			if x, good := pv.shift(info.trail); good {
				pv = x
			}
		}
		s.addAmount(pv, cur, pend.start, pend.end)
	}
	pend.set = false
}

// exWordAfter reports a letter at b[q], or a space and a letter: the
// letter before was part of an English word ("4w technologies", "2u in").
func exWordAfter(b []byte, q int) bool {
	if q < len(b) && b[q] == ' ' {
		q++
	}
	return q < len(b) && exIsAlpha(b[q])
}

// exRangeBetween reports a range sign between two numbers ("10-30元",
// "1到3万").
func exRangeBetween(b []byte, from, to int) bool {
	if from > to {
		return false
	}
	g := bytes.TrimSpace(b[from:to])
	switch string(g) {
	case "-", "~", "到", "至", "～", "—":
		return true
	}
	return false
}

func exMeasureAfter(b []byte, q int) bool {
	if q < len(b) && b[q] == ' ' {
		q++
	}
	for _, m := range exMeasureWords {
		if bytes.HasPrefix(b[q:], []byte(m)) {
			return true
		}
	}
	return false
}

func (s *exScanner) addAmount(v exDec, cur string, i, e int) {
	if e <= i || v.isZero() {
		return
	}
	s.amts = append(s.amts, Amount{Value: v.String(), Currency: cur, Start: s.meta[i].start, End: s.meta[e-1].end})
}
