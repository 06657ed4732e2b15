package content

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// How a text becomes features.
//
// A text is read once, rune by rune. Each rune is normalised (full-width
// letters and digits folded to ASCII, letters lower-cased, runs of spaces
// collapsed, a space between two Chinese characters dropped so "加 微 信"
// reads as "加微信") and written to a normalised copy; at the same time it is
// fed to two tokenisers:
//
//   - Chinese, Japanese and Korean characters give character 1-, 2- and
//     3-grams within each run (no segmenter needed: "安全账户" yields 安, 全,
//     安全, 安全账, …).
//   - Letters and digits of other scripts form words; each word gives itself,
//     the pair it makes with the word before (a bigram), and its character
//     3-, 4- and 5-grams with boundary marks ("<fee>" gives <fe, fee, ee>, …),
//     which catch misspellings and word forms.
//
// Digits are folded to 0 for hashing and a run of digits counts as one, so
// every number is the same feature ("3500元" and "8元" alike). Each n-gram
// is hashed to 32 bits without building a string (the hashing trick); a
// model keeps as many top bits as its table is wide. Each occurrence
// remembers where it came from in the original text, so a verdict can
// quote the words that drove it.
//
// The hand-written cues (the table below) are matched on the normalised
// copy with one pass of an Aho–Corasick automaton, and a few derived cues
// (phone numbers, handles, full-width letters, pay rates) are recognised by
// small scanners while reading. content/extract.go finds indicators
// properly (valid phone numbers, refanged links, wallets); a cue only needs
// to know that something of the kind is there, at no cost per message, so
// it does not call the extractor.

// featureVersion changes whenever the way text becomes features changes
// (normalisation, n-gram hashing). A model trained with another version is
// refused at load instead of being silently misread. Changes to the cue
// table do not need a new version: models store cue weights by cue name.
const featureVersion = 1

// maxTextBytes bounds the work one text can cause: only its first 64 KiB
// are read. Scam messages, chats and job ads are far shorter.
const maxTextBytes = 64 << 10

// maxWordRunes bounds the character n-grams of one word (long tokens are
// URLs, hashes or base64, whose first runes say enough).
const maxWordRunes = 24

// Hash seeds, one per kind of n-gram, so "ab" as a word and "ab" as a
// Chinese bigram land in different buckets.
const (
	seedCJK1   uint64 = 0x243f6a8885a308d3
	seedCJK2   uint64 = 0x13198a2e03707344
	seedCJK3   uint64 = 0xa4093822299f31d0
	seedChar   uint64 = 0x082efa98ec4e6c89
	seedWord   uint64 = 0x452821e638d01377
	seedBigram uint64 = 0xbe5466cf34e90c6c
	fnvPrime   uint64 = 0x100000001b3
)

// feature is one occurrence of a hashed n-gram and where it came from in the
// original text (byte offsets), so explanations can quote it.
type feature struct {
	hash       uint32
	start, end int32
}

// span is a stretch of the original text, in byte offsets.
type span struct{ start, end int32 }

// wordRune is one rune of the word being read, with its original span.
type wordRune struct {
	r          rune
	start, end int32
}

// extraction is the reusable scratch space for turning one text into
// features. It is pooled by the model, so classifying allocates nothing for
// features.
type extraction struct {
	norm  []byte    // normalised text
	orig  []int32   // orig[i] = offset in the original text of norm[i]; one extra entry at the end
	feats []feature // n-gram occurrences, in reading order

	// the Chinese run being read: the last two runes and their spans
	cjk  [2]wordRune
	cjkN int

	// the Latin word being read, and the word before it (for bigrams)
	word      []wordRune
	prevWord  uint64
	prevStart int32
	hasPrev   bool

	// derived cues, found while reading
	fullwidth  int  // full-width letters and digits
	fullSpan   span // first one
	digits     int  // digits in the current number (single spaces and hyphens allowed inside)
	digitStart int32
	digitGap   bool // a space or hyphen just followed a digit
	phone      span // first phone-like number (7+ digits)
	handle     span // first @handle
	anyDigit   bool

	cjkRunes, letters int // Chinese (and Japanese, Korean) characters; other letters

	pendingSpace bool  // a space waits to be written (dropped between CJK)
	spaceAt      int32 // its original offset
	lastCJK      bool  // the last rune written was CJK

	hits  []cueHit // per cue in the table; reset per text
	marks []mark   // pay-rate markers found by the cue matcher
}

// cueHit records whether a cue fired and where (first match).
type cueHit struct {
	hit  bool
	at   span
	also span // the second part of a combination cue
}

func newExtraction() *extraction {
	return &extraction{
		norm:  make([]byte, 0, 1024),
		orig:  make([]int32, 0, 1025),
		feats: make([]feature, 0, 1024),
		word:  make([]wordRune, 0, maxWordRunes),
		hits:  make([]cueHit, len(cueTable)),
	}
}

// reset prepares the scratch space for a new text.
func (x *extraction) reset() {
	x.norm = x.norm[:0]
	x.orig = x.orig[:0]
	x.feats = x.feats[:0]
	x.cjkN = 0
	x.word = x.word[:0]
	x.hasPrev = false
	x.fullwidth = 0
	x.fullSpan = span{}
	x.digits = 0
	x.digitGap = false
	x.phone = span{-1, -1}
	x.handle = span{-1, -1}
	x.anyDigit = false
	x.cjkRunes, x.letters = 0, 0
	x.pendingSpace = false
	x.lastCJK = false
	clear(x.hits)
}

// extract reads text (at most maxTextBytes of it) into x: the normalised
// copy, the n-gram features and the cue hits. It returns the part of text
// that was read, which the spans index.
func (x *extraction) extract(text string) string {
	x.reset()
	if len(text) > maxTextBytes {
		cut := maxTextBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		start, end := int32(i), int32(i+size)
		i += size
		x.feed(r, start, end)
	}
	x.endWord()
	x.endDigits()
	x.orig = append(x.orig, int32(len(text)))
	x.matchCues()
	return text
}

// feed normalises one rune and passes it to the tokenisers.
func (x *extraction) feed(r rune, start, end int32) {
	// Fold full-width forms (ＡＢＣ１２３！) to ASCII and the ideographic
	// space to a space; count folded letters and digits, a filter-dodging
	// trick in scam texts (ordinary Chinese text uses full-width
	// punctuation, which is not counted).
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
		if isASCIIAlnum(r) {
			if x.fullwidth == 0 {
				x.fullSpan = span{start, end}
			}
			x.fullwidth++
		}
	} else if r == 0x3000 {
		r = ' '
	}
	common := r >= 0x4E00 && r <= 0x9FFF // common Chinese: no case, not a space
	switch {
	case r >= 'A' && r <= 'Z':
		r += 'a' - 'A'
	case r >= 0x80 && !common && unicode.IsUpper(r):
		r = unicode.ToLower(r)
	}
	if !common && (r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r)) {
		// Invalid bytes, controls and every kind of space count as one space.
		x.endWord()
		x.noteNonDigit(' ', start)
		if len(x.norm) > 0 && !x.pendingSpace {
			x.pendingSpace, x.spaceAt = true, start
		}
		return
	}
	cjk := common || isCJK(r)
	if x.pendingSpace {
		x.pendingSpace = false
		if !(cjk && x.lastCJK) {
			x.write(' ', x.spaceAt)
		}
	}
	x.write(r, start)
	x.lastCJK = cjk
	switch {
	case cjk:
		x.cjkRunes++
		x.endWord()
		x.noteNonDigit(r, start)
		x.hasPrev = false // a Chinese run breaks Latin bigrams
		x.addCJK(r, start, end)
	case isAlnum(r):
		x.cjkN = 0
		switch n := len(x.word); {
		case n > 0 && fold(r) == '0' && fold(x.word[n-1].r) == '0':
			// A number is one rune '0' whatever its length, so "3500" and
			// "8" are alike: length says little, and a dataset whose ordinary
			// texts had their numbers masked would otherwise teach that
			// long numbers mean scams.
			x.word[n-1].end = end
		case n < maxWordRunes:
			x.word = append(x.word, wordRune{r, start, end})
		}
		if r >= '0' && r <= '9' {
			x.noteDigit(start, end)
		} else {
			x.letters++
			x.noteNonDigit(r, start)
		}
		if n := len(x.norm) - 2; x.handle.start < 0 && r < 0x80 && r != '@' && n >= 0 && x.norm[n] == '@' {
			// "@name" not preceded by a letter or digit (that would be an
			// e-mail address)
			if n == 0 || !isASCIIAlnum(rune(x.norm[n-1])) {
				x.handle = span{x.orig[n], end}
			}
		}
	default:
		x.cjkN = 0
		x.endWord()
		x.noteNonDigit(r, start)
	}
}

// write appends the normalised rune r to the normalised copy, every byte
// pointing back to the rune's original offset.
func (x *extraction) write(r rune, start int32) {
	n := len(x.norm)
	x.norm = utf8.AppendRune(x.norm, r)
	for range len(x.norm) - n {
		x.orig = append(x.orig, start)
	}
}

// addCJK emits the character 1-, 2- and 3-grams ending at r.
func (x *extraction) addCJK(r rune, start, end int32) {
	f := fold(r)
	x.emit(finish(mix(seedCJK1, f)), start, end)
	if x.cjkN >= 1 {
		p := x.cjk[1]
		x.emit(finish(mix(mix(seedCJK2, fold(p.r)), f)), p.start, end)
	}
	if x.cjkN >= 2 {
		p, q := x.cjk[0], x.cjk[1]
		x.emit(finish(mix(mix(mix(seedCJK3, fold(p.r)), fold(q.r)), f)), p.start, end)
	}
	x.cjk[0], x.cjk[1] = x.cjk[1], wordRune{r, start, end}
	if x.cjkN < 2 {
		x.cjkN++
	}
}

// endWord emits the features of the Latin word just read: the word, its
// bigram with the word before, and its character 3- to 5-grams.
func (x *extraction) endWord() {
	w := x.word
	if len(w) == 0 {
		return
	}
	x.word = x.word[:0]
	h := seedWord
	for _, c := range w {
		h = mix(h, fold(c.r))
	}
	start, end := w[0].start, w[len(w)-1].end
	x.emit(finish(h), start, end)
	if x.hasPrev {
		x.emit(finish((x.prevWord*0x9e3779b97f4a7c15)^h^seedBigram), x.prevStart, end)
	}
	x.prevWord, x.prevStart, x.hasPrev = h, start, true

	// Character n-grams over "<word>": position p in 0..len(w)+1, where 0
	// and len(w)+1 are the boundary marks.
	padded := len(w) + 2
	for n := 3; n <= 5; n++ {
		for s := 0; s+n <= padded; s++ {
			g := seedChar + uint64(n)
			for p := s; p < s+n; p++ {
				g = mix(g, paddedRune(w, p))
			}
			a, b := max(s, 1), min(s+n-1, len(w)) // real runes covered, 1-based
			x.emit(finish(g), w[a-1].start, w[b-1].end)
		}
	}
}

// paddedRune is rune p of "<word>" (digits folded).
func paddedRune(w []wordRune, p int) rune {
	switch p {
	case 0:
		return '<'
	case len(w) + 1:
		return '>'
	}
	return fold(w[p-1].r)
}

func (x *extraction) emit(h uint32, start, end int32) {
	x.feats = append(x.feats, feature{h, start, end})
}

// noteDigit and noteNonDigit follow numbers for the phone-number cue: seven
// or more digits, single spaces or hyphens allowed inside ("138 0013 8000").
func (x *extraction) noteDigit(start, end int32) {
	x.anyDigit = true
	if x.digits == 0 {
		x.digitStart = start
	}
	x.digits++
	x.digitGap = false
	if x.digits >= 7 && x.phone.start < 0 {
		x.phone = span{x.digitStart, end}
	} else if x.digits >= 7 && x.phone.start == x.digitStart {
		x.phone.end = end
	}
}

func (x *extraction) noteNonDigit(r rune, start int32) {
	if x.digits > 0 && !x.digitGap && (r == ' ' || r == '-') {
		x.digitGap = true
		return
	}
	x.endDigits()
}

func (x *extraction) endDigits() {
	x.digits = 0
	x.digitGap = false
}

// mix adds one rune to an FNV-1a style hash.
func mix(h uint64, r rune) uint64 {
	return (h ^ uint64(r)) * fnvPrime
}

// finish scrambles a hash (the SplitMix64 finaliser) and keeps the top 32
// bits, so any number of top bits makes a well-spread table index.
func finish(h uint64) uint32 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return uint32(h >> 32)
}

// fold maps every decimal digit to '0' for hashing.
func fold(r rune) rune {
	if r >= '0' && r <= '9' {
		return '0'
	}
	if r >= 0x80 && r < 0x4E00 && unicode.IsDigit(r) { // no digits among the common Chinese characters
		return '0'
	}
	return r
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// isAlnum reports a rune that belongs to a word (letters and digits of any
// script other than the CJK ones, plus '@' and '_' so handles stay whole).
func isAlnum(r rune) bool {
	if r < 0x80 {
		return isASCIIAlnum(r) || r == '_' || r == '@'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isCJK reports a Chinese, Japanese or Korean character (read as
// character n-grams rather than words).
func isCJK(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case r >= 0x4E00 && r <= 0x9FFF: // the common block, first for speed
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// Scripts a text can be written in, as a bit set: a model records those
// it was trained on.
const (
	scriptCJK   = 1 << iota // Chinese characters (and kana, hangul)
	scriptLatin             // letters of other scripts, mostly Latin
)

// script is the text's main script: whichever has more characters, or 0
// for a text without letters.
func (x *extraction) script() uint8 {
	switch {
	case x.cjkRunes == 0 && x.letters == 0:
		return 0
	case x.cjkRunes >= x.letters:
		return scriptCJK
	}
	return scriptLatin
}

// ngramWeight is the value of one n-gram occurrence for a model that
// normalises by length: 1/sqrt(n) for n occurrences, so a long text does not
// score higher just for being long. Models that count (naive Bayes) use 1.
func ngramWeight(n int, sqrtNorm bool) float32 {
	if !sqrtNorm || n == 0 {
		return 1
	}
	return float32(1 / math.Sqrt(float64(n)))
}

// The hand-written cues: the language of scams in Chinese and English,
// written down once so it carries across datasets. Each cue has
//
//   - reason: what it means, in plain words, for explanations;
//   - prior: how much it moves the scam log-odds before any training. The
//     trained model adds its own correction on top (learned with the prior
//     as a fixed offset), so a cue that the training data never shows —
//     fake-job language, say — still counts with its prior, and one the data
//     contradicts is corrected;
//   - typo: how much it moves each typology (log-weights, see classify.go);
//   - words: patterns, written in normalised form (lower case, ASCII for
//     full-width). A pattern that begins or ends with a Latin letter or
//     digit only matches at a word boundary there, unless it ends with '*'
//     ("commission*" matches "commissions");
//   - when: instead of words, a combination that fires when every group has
//     a cue that fired (e.g. a job ad that also asks for a fee).
//
// Cues with no words and no when are derived by code (phone numbers,
// handles, full-width letters, pay rates).
type cue struct {
	name   string
	reason string
	prior  float32
	typo   map[string]float32
	words  []string
	when   [][]string
}

var cueTable = []cue{
	// Money asked for.
	{name: "job_fee", reason: "asks a job seeker to pay first (training, uniform, registration fees)", prior: 2.5,
		typo:  map[string]float32{FakeJob: 3},
		words: []string{"培训费", "服装费", "工服费", "工装费", "体检费", "入职费", "报名费", "中介费", "资料费", "岗前培训费", "押金上岗", "介绍费", "建档费", "training fee", "uniform fee", "registration fee", "application fee", "onboarding fee", "starter kit", "equipment fee", "visa fee", "work permit fee", "placement fee", "processing fee", "refundable deposit", "security deposit"}},
	{name: "loan_fee", reason: "asks for a fee before a loan is paid out (解冻费 保证金 刷流水)", prior: 2,
		typo:  map[string]float32{Loan: 3},
		words: []string{"解冻费", "解冻金", "工本费", "刷流水", "验资", "激活费", "认证金", "放款前", "insurance fee", "release fee", "upfront fee", "advance fee", "unlock fee", "loan fee", "clearance fee"}},
	{name: "deposit", reason: "mentions a deposit or fee", prior: 0.5,
		words: []string{"押金", "保证金", "手续费", "服务费", "会员费", "定金", "先交", "先付", "deposit", "fee", "fees", "pay first", "upfront"}},
	{name: "transfer", reason: "asks for a money transfer", prior: 0.8,
		words: []string{"转账", "汇款", "打款", "转入", "转到", "转给", "转过去", "打到", "汇到", "付款", "垫付", "扫码支付", "transfer*", "wire", "send money", "western union", "moneygram", "gift card", "itunes card", "steam card", "bank transfer", "pay now"}},
	{name: "safe_account", reason: "tells you to move money to a \"safe account\" (安全账户)", prior: 3,
		typo:  map[string]float32{ImpersonationOfficial: 3},
		words: []string{"安全账户", "安全帐户", "资金清查", "资金核查", "监管账户", "核查账户", "清查账户", "国家账户", "safe account", "secure account", "protected account", "safety account"}},
	{name: "authority", reason: "invokes the police, courts or other authorities (公安 检察院 法院)", prior: 0.8,
		typo:  map[string]float32{ImpersonationOfficial: 2.5},
		words: []string{"公安", "警官", "警察", "民警", "刑警", "派出所", "检察院", "检察官", "法院", "法官", "公检法", "通缉", "拘捕令", "逮捕令", "逮捕", "拘留", "立案", "涉嫌", "洗钱", "犯罪", "传票", "国安", "社保局", "医保局", "海关", "税务局", "police", "arrest warrant", "arrest", "court", "money laundering", "investigation", "customs", "irs", "hmrc", "interpol", "warrant", "fbi", "prosecutor", "law enforcement"}},
	{name: "secrecy", reason: "asks you to keep it secret", prior: 1.5,
		typo:  map[string]float32{ImpersonationOfficial: 1, ImpersonationAcquaintance: 0.5},
		words: []string{"保密", "不要告诉", "不要跟别人", "不要和别人", "不要跟任何人", "不要和任何人", "不要向任何人", "不要声张", "别告诉", "不能告诉", "不得泄露", "不要透露", "删除聊天", "don't tell", "do not tell", "dont tell", "keep this between", "keep it secret", "keep this secret", "tell no one", "confidential"}},
	{name: "urgency", reason: "pushes you to act at once", prior: 0.5,
		words: []string{"立即", "马上", "尽快", "立刻", "赶紧", "赶快", "限时", "24小时内", "今天内", "逾期", "最后期限", "紧急", "来不及", "急用", "urgent", "urgently", "immediately", "act now", "asap", "right away", "expires", "final notice", "last chance", "within 24 hours", "limited time"}},
	{name: "remote", reason: "asks you to install an app or share your screen", prior: 0.8,
		typo:  map[string]float32{ImpersonationOfficial: 0.5, CustomerService: 0.8, Loan: 0.5},
		words: []string{"屏幕共享", "共享屏幕", "远程", "视频会议", "会议号", "腾讯会议", "下载app", "下载软件", "安装软件", "zoom", "向日葵", "todesk", "anydesk", "teamviewer", "screen share", "share your screen", "screen sharing", "download the app", "install the app", "remote access"}},
	{name: "credentials", reason: "asks for codes, passwords or card numbers", prior: 1,
		typo:  map[string]float32{Phishing: 1.5},
		words: []string{"验证码", "密码", "银行卡号", "卡号", "身份证号", "cvv", "安全码", "otp", "one-time code", "pin", "password", "verification code", "card number", "security code", "login details", "bank details", "account details"}},
	{name: "verify_account", reason: "says your account is blocked or must be verified", prior: 1.2,
		typo:  map[string]float32{Phishing: 2.5},
		words: []string{"账户异常", "账号异常", "异常登录", "账户冻结", "账号冻结", "账户被冻结", "账号被冻结", "身份验证", "认证失败", "积分清零", "积分兑换", "verify your", "verify account", "confirm your", "account suspended", "account has been", "unusual activity", "suspended", "locked", "unlock", "update your", "reactivate", "validate your"}},
	{name: "refund", reason: "offers a refund or compensation (退款 理赔)", prior: 0.8,
		typo:  map[string]float32{CustomerService: 2.5},
		words: []string{"退款", "理赔", "赔偿", "退货", "退费", "补偿", "快递丢失", "包裹丢失", "丢件", "订单异常", "质量问题", "双倍赔偿", "refund", "compensation", "your parcel", "your package", "delivery failed", "redelivery"}},
	{name: "platform_service", reason: "claims to be a shop's or platform's customer service (客服)", prior: 0.2,
		typo:  map[string]float32{CustomerService: 1.5},
		words: []string{"客服", "售后", "客户服务", "百万保障", "自动续费", "自动扣费", "扣费", "取消会员", "关闭服务", "customer service", "support team", "auto-renew", "subscription"}},
	{name: "loan", reason: "talks of loans or credit limits (贷款 额度)", prior: 0.6,
		typo:  map[string]float32{Loan: 2.5},
		words: []string{"贷款", "借款", "放款", "下款", "网贷", "额度", "提额", "无抵押", "低息", "免息", "秒批", "黑户", "信用卡", "办卡", "借呗", "花呗", "loan", "loans", "credit limit", "low interest", "no credit check", "borrow"}},
	{name: "credit_record", reason: "talks of your credit record (征信)", prior: 0.8,
		typo:  map[string]float32{CreditRepair: 1, Loan: 1, CustomerService: 0.5},
		words: []string{"征信", "信用记录", "逾期记录", "不良记录", "校园贷", "注销账户", "注销账号", "影响信用", "信用分", "credit score", "credit record", "credit report", "credit history"}},
	{name: "credit_fix", reason: "offers to clean up your credit record (修复征信)", prior: 1.5,
		typo:  map[string]float32{CreditRepair: 3},
		words: []string{"修复征信", "征信修复", "消除逾期", "消除不良", "逾期消除", "征信洗白", "洗白征信", "铲单", "credit repair", "repair your credit", "fix your credit", "clean your credit", "remove negative", "clear your debt record"}},
	{name: "task", reason: "offers paid tasks (刷单 做任务 点赞 垫付)", prior: 2.5,
		typo:  map[string]float32{TaskScam: 4},
		words: []string{"刷单", "刷信誉", "做任务", "接任务", "派单", "抢单", "点赞", "关注抖音", "一单一结", "连单", "卡单", "任务单", "试玩", "like videos", "like and follow", "rate products", "boost ratings", "boost sales", "complete tasks", "simple tasks", "merge order", "combination order", "optimize products", "optimise products", "app optimization"}},
	{name: "rebate", reason: "promises rebates or commission (返利 佣金)", prior: 0.6,
		typo:  map[string]float32{TaskScam: 1.5},
		words: []string{"返利", "返佣", "佣金", "返现", "提成", "commission*", "rebate*", "cashback"}},
	{name: "investment", reason: "talks of investing or crypto (投资 USDT 带单)", prior: 0.5,
		typo:  map[string]float32{Investment: 2.5},
		words: []string{"投资", "理财", "带单", "导师", "老师带", "荐股", "炒股", "牛股", "期货", "外汇", "虚拟币", "数字货币", "比特币", "以太坊", "usdt", "btc", "币圈", "挖矿", "交易所", "杀猪盘", "博彩", "平台漏洞", "内幕", "invest*", "crypto*", "bitcoin", "trading", "forex", "mining", "portfolio", "trading signals"}},
	{name: "sure_gain", reason: "promises sure or outsized gains (稳赚 保本)", prior: 2,
		typo:  map[string]float32{Investment: 2, TaskScam: 0.5},
		words: []string{"稳赚", "保本", "零风险", "无风险", "包赚", "躺赚", "翻倍", "高回报", "高收益", "日收益", "一本万利", "只赚不赔", "稳赚不赔", "guaranteed", "risk-free", "risk free", "no risk", "double your", "passive income", "guaranteed returns", "guaranteed profit"}},
	{name: "job", reason: "is about a job", prior: 0,
		typo:  map[string]float32{FakeJob: 1, TaskScam: 0.3},
		words: []string{"招聘", "招工", "诚聘", "急招", "直招", "普工", "电子厂", "工厂招", "兼职", "全职", "岗位", "职位", "上班", "打字员", "录入员", "入职", "应聘", "求职", "hiring", "job", "jobs", "vacancy", "vacancies", "recruiting", "recruitment", "part-time", "part time", "full-time", "work from home", "recruiter", "employment"}},
	{name: "no_experience", reason: "says no experience or skills are needed", prior: 0.8,
		typo:  map[string]float32{FakeJob: 1, TaskScam: 1},
		words: []string{"无需经验", "无经验", "零基础", "不限经验", "经验不限", "无门槛", "零门槛", "小白", "宝妈", "学生党", "简单易做", "简单易上手", "动动手指", "手机就能做", "一部手机", "时间自由", "不限学历", "学历不限", "no experience", "no skills", "no qualifications", "anyone can", "easy work", "easy job", "from your phone", "flexible hours", "from home", "only need a phone", "just a smartphone"}},
	{name: "daily_pay", reason: "promises pay by the day or per task (日结)", prior: 1,
		typo:  map[string]float32{FakeJob: 1, TaskScam: 1},
		words: []string{"日结", "当天结", "当日结", "一单一结", "做完就结", "秒结", "当天到账", "天天结", "paid daily", "daily pay", "same day pay", "same-day pay", "paid same day", "daily payout", "get paid today", "paid every day"}},
	{name: "high_pay", reason: "promises pay far above market", prior: 1,
		typo:  map[string]float32{FakeJob: 1.5, TaskScam: 0.5},
		words: []string{"高薪", "月入过万", "月入上万", "月入万元", "月薪过万", "轻松月入", "日入过千", "日赚千元", "日入千元", "年薪百万", "high salary", "high pay", "high income", "huge income", "earn up to", "earn big"}},
	{name: "abroad", reason: "mentions work abroad", prior: 0.3,
		typo:  map[string]float32{FakeJob: 1},
		words: []string{"出国", "海外", "境外", "国外", "柬埔寨", "缅甸", "迪拜", "泰国", "菲律宾", "老挝", "越南", "马来西亚", "妙瓦底", "西港", "金边", "阿联酋", "abroad", "overseas", "cambodia", "myanmar", "laos", "dubai", "thailand", "philippines", "malaysia", "bangkok", "phnom penh", "sihanoukville"}},
	{name: "travel_paid", reason: "offers to pay travel, visa or board (包机票 包吃住)", prior: 0.6,
		typo:  map[string]float32{FakeJob: 1.5},
		words: []string{"包机票", "机票报销", "报销机票", "报销路费", "包路费", "包吃住", "包住宿", "包食宿", "包签证", "办签证", "落地接机", "接机", "flight ticket*", "air ticket*", "visa provided", "free visa", "free accommodation", "accommodation provided", "free flight*", "travel arranged", "visa sponsorship", "we pay for your flight"}},
	{name: "intl_chat", reason: "moves you to Telegram or WhatsApp", prior: 1.2,
		typo:  map[string]float32{FakeJob: 0.5, TaskScam: 0.5, Investment: 0.5},
		words: []string{"telegram", "whatsapp", "t.me/", "wa.me/", "纸飞机", "飞机号", "联系飞机", "加飞机", "飞机联系", "tg", "signal app", "line id", "viber", "kakao"}},
	{name: "private_chat", reason: "moves you to a private chat or group (加微信 QQ群)", prior: 0.4,
		typo:  map[string]float32{TaskScam: 0.5, Investment: 0.3},
		words: []string{"加微信", "加我微信", "微信号", "加v", "加vx", "vx", "加q", "qq", "qq群", "扫码", "二维码", "私聊", "加好友", "拉你进群", "进群", "add me on", "text me on", "dm me", "message me on"}},
	{name: "acquaintance", reason: "poses as a boss, relative or friend who needs money", prior: 0.8,
		typo:  map[string]float32{ImpersonationAcquaintance: 2.5},
		words: []string{"我是你领导", "我是你老板", "领导", "老板", "董事长", "总经理", "校长", "班主任", "主任", "老同学", "换号了", "换号码", "新号码", "我是你", "猜猜我是谁", "你猜我是谁", "帮我转", "借我", "借点钱", "帮个忙", "帮我个忙", "周转", "不方便接电话", "在开会", "it's me", "its me", "hi mum", "hi mom", "hi dad", "lend me", "do me a favour", "do me a favor"}},
	{name: "new_number", reason: "says they changed number or lost their phone (the opener of 冒充熟人 and \"Hi Mum\" scams)", prior: 2,
		typo:  map[string]float32{ImpersonationAcquaintance: 2.5},
		words: []string{"换号了", "换号码了", "新号码", "这是我的新号", "我的新号", "手机丢了", "手机坏了", "微信被限制", "微信被封", "new number", "my new phone", "changed my number", "lost my phone", "broke my phone", "phone is broken", "dropped my phone"}},
	{name: "romance", reason: "romantic or dating talk", prior: 0.2,
		typo:  map[string]float32{Romance: 2},
		words: []string{"交友", "婚恋", "相亲", "亲爱的", "宝贝", "缘分", "单身", "离异", "恋爱", "聊得来", "my love", "darling", "soulmate", "lonely", "dating", "marry me", "relationship"}},
	{name: "game", reason: "is about game accounts, items or top-ups", prior: 0.3,
		typo:  map[string]float32{GameTrade: 3},
		words: []string{"游戏", "账号交易", "游戏币", "装备", "皮肤", "代练", "点券", "交易猫", "王者荣耀", "和平精英", "原神", "英雄联盟", "梦幻西游", "游戏账号", "买号", "卖号", "game account", "in-game", "skins", "steam", "roblox", "robux", "fortnite", "v-bucks"}},
	{name: "prize", reason: "says you won a prize or a free gift", prior: 0.8,
		typo:  map[string]float32{Other: 1},
		words: []string{"中奖", "恭喜您", "恭喜你", "领奖", "奖品", "奖金", "幸运用户", "免费领取", "won", "winner", "prize", "claim", "congratulations", "awarded", "cash prize", "lucky"}},
	{name: "link", reason: "contains a link", prior: 0.2,
		words: []string{"http://", "https://", "www.", ".com", ".cn", ".net", ".org", ".co.uk", ".io"}},
	{name: "odd_domain", reason: "links to a cheap, often newly registered domain (.top .xyz .vip)", prior: 1.2,
		typo:  map[string]float32{Phishing: 1},
		words: []string{".top", ".xyz", ".vip", ".cc", ".icu", ".shop", ".club", ".site", ".online", ".buzz", ".live", ".work", ".click", ".link", ".info", ".biz", ".tk", ".ml", ".ga", ".cf", ".gq", ".win", ".loan", ".bond", ".cyou", ".sbs"}},
	{name: "short_link", reason: "hides a link behind a shortener", prior: 0.8,
		typo:  map[string]float32{Phishing: 0.5},
		words: []string{"bit.ly", "t.cn/", "tinyurl", "goo.gl", "is.gd", "cutt.ly", "rebrand.ly", "t.co/", "dwz.cn", "suo.im", "url.cn"}},
	{name: "phone", reason: "gives a phone number", prior: 0.3},
	{name: "handle", reason: "gives a chat handle (@name)", prior: 0.4},
	{name: "fullwidth", reason: "writes letters or digits in full-width form (ｗｗｗ １２３) to slip past filters", prior: 1.2},
	{name: "legit_job", reason: "reads like an ordinary job ad (contract, benefits, CV)", prior: -1.5,
		typo:  map[string]float32{FakeJob: -0.5},
		words: []string{"五险一金", "社保", "公积金", "双休", "带薪年假", "简历", "任职要求", "岗位职责", "学历要求", "本科及以上", "大专及以上", "劳动合同", "试用期", "responsibilities", "qualifications", "requirements", "benefits", "health insurance", "paid time off", "equal opportunity", "years of experience", "bachelor*", "degree in", "resume", "curriculum vitae", "401(k)", "pension"}},

	// Combinations: stronger together than apart.
	{name: "job_asks_money", reason: "a job that asks you to pay first (illegal for employers in China)", prior: 3,
		typo: map[string]float32{FakeJob: 2},
		when: [][]string{{"job", "no_experience", "high_pay"}, {"deposit", "job_fee", "transfer"}}},
	{name: "easy_money", reason: "big pay for no experience", prior: 1.5,
		typo: map[string]float32{FakeJob: 1, TaskScam: 1},
		when: [][]string{{"no_experience", "daily_pay"}, {"high_pay"}}},
	{name: "overseas_job", reason: "overseas work with travel paid (a route into scam compounds)", prior: 2,
		typo: map[string]float32{FakeJob: 2.5},
		when: [][]string{{"abroad"}, {"travel_paid", "job", "high_pay"}}},
	{name: "job_via_chat", reason: "a job reached only through Telegram or WhatsApp", prior: 1.5,
		typo: map[string]float32{FakeJob: 1.5},
		when: [][]string{{"job", "no_experience", "daily_pay", "high_pay"}, {"intl_chat"}}},
	{name: "task_prepay", reason: "tasks you must pay into first (垫付)", prior: 1.5,
		typo: map[string]float32{TaskScam: 2},
		when: [][]string{{"task", "rebate"}, {"transfer", "deposit"}}},
	{name: "official_money", reason: "officials who want money moved or frozen", prior: 2,
		typo: map[string]float32{ImpersonationOfficial: 2},
		when: [][]string{{"authority"}, {"transfer", "safe_account", "secrecy", "remote"}}},
	{name: "game_deal", reason: "a game-account deal paid up front or moved off the platform", prior: 1.5,
		typo: map[string]float32{GameTrade: 1.5},
		when: [][]string{{"game"}, {"deposit", "transfer", "private_chat", "intl_chat"}}},
	{name: "sure_investment", reason: "an investment with guaranteed returns", prior: 2,
		typo: map[string]float32{Investment: 2},
		when: [][]string{{"investment"}, {"sure_gain"}}},
	{name: "loan_asks_money", reason: "a loan that must be paid for before it is paid out", prior: 1.5,
		typo: map[string]float32{Loan: 1.5},
		when: [][]string{{"loan"}, {"deposit", "loan_fee", "transfer"}}},
	{name: "service_about_loans", reason: "a platform's \"customer service\" about your loans or credit (注销校园贷, 降息)", prior: 0.5,
		typo: map[string]float32{CustomerService: 2.5},
		when: [][]string{{"platform_service"}, {"loan", "credit_record"}}},
	{name: "romance_money", reason: "an online romance that turns to money or investing (杀猪盘)", prior: 1.5,
		typo: map[string]float32{Investment: 1.5, Romance: 1},
		when: [][]string{{"romance"}, {"investment", "transfer", "sure_gain"}}},
	{name: "acquaintance_money", reason: "an acquaintance asking for a transfer", prior: 1.5,
		typo: map[string]float32{ImpersonationAcquaintance: 1.5},
		when: [][]string{{"acquaintance", "new_number"}, {"transfer"}}},
}

// Markers are patterns that are not cues themselves but help the pay-rate
// scanner read "日结500元", "$300 a day" or "月入3万".
const (
	markDay = iota + 1
	markHour
	markWeek
	markMonth
	markCNY
	markUSD
	markGBP
	markEUR
	markPayWord
)

var markerTable = map[int][]string{
	markDay:     {"天", "日薪", "日结", "日入", "日赚", "每日", "一日", "当天", "day", "daily", "a day", "per day"},
	markHour:    {"小时", "时薪", "hour", "hr", "/h", "hourly"},
	markWeek:    {"周薪", "每周", "一周", "week", "weekly", "wk"},
	markMonth:   {"月薪", "月入", "每月", "一个月", "个月", "/月", "month", "monthly", "/mo"},
	markCNY:     {"元", "块", "rmb", "cny", "¥", "￥"},
	markUSD:     {"$", "usd", "dollar*", "美元", "美金"},
	markGBP:     {"£", "gbp", "pound*", "英镑"},
	markEUR:     {"€", "eur", "euro*", "欧元"},
	markPayWord: {"赚", "薪", "收入", "工资", "月入", "日入", "日结", "earn*", "pay", "paid", "salary", "income", "make", "wage*"},
}

// The cue table, resolved once: indexes instead of names, the matcher.
var (
	cueIndex    map[string]int           // name -> index in cueTable
	cueTypo     [][numTypologies]float32 // per cue, per typology
	cueCombos   [][][]int                // per cue: groups of cue indexes (combinations only)
	cueMatcher  *matcher                 // all words and markers
	cueTableErr error                    // a mistake in the table, reported by Classify and a test
	cueDerived  struct{ phone, handle, fullwidth, highPay, dailyPay int }
)

func init() {
	cueTableErr = resolveCues()
}

// resolveCues checks the table and builds the lookup structures. A mistake
// in the table (a typo in a name) is an error, not a panic: Classify
// returns it and a test fails on it.
func resolveCues() error {
	cueIndex = make(map[string]int, len(cueTable))
	for i, c := range cueTable {
		if _, dup := cueIndex[c.name]; dup || c.name == "" {
			return fmt.Errorf("cue table: duplicate or empty cue name %q", c.name)
		}
		cueIndex[c.name] = i
	}
	cueTypo = make([][numTypologies]float32, len(cueTable))
	cueCombos = make([][][]int, len(cueTable))
	var pats []pattern
	for i, c := range cueTable {
		for t, w := range c.typo {
			k := typologyIndex(t)
			if k < 0 {
				return fmt.Errorf("cue table: cue %q names unknown typology %q", c.name, t)
			}
			cueTypo[i][k] = w
		}
		for _, group := range c.when {
			var idx []int
			for _, name := range group {
				j, ok := cueIndex[name]
				if !ok || j >= i {
					return fmt.Errorf("cue table: combination %q needs cue %q listed before it", c.name, name)
				}
				idx = append(idx, j)
			}
			cueCombos[i] = append(cueCombos[i], idx)
		}
		for _, w := range c.words {
			p, err := newPattern(w, i, 0)
			if err != nil {
				return fmt.Errorf("cue table: cue %q: %w", c.name, err)
			}
			pats = append(pats, p)
		}
	}
	for kind := markDay; kind <= markPayWord; kind++ {
		for _, w := range markerTable[kind] {
			p, err := newPattern(w, -1, kind)
			if err != nil {
				return fmt.Errorf("marker table: %w", err)
			}
			pats = append(pats, p)
		}
	}
	for _, d := range []struct {
		name string
		to   *int
	}{{"phone", &cueDerived.phone}, {"handle", &cueDerived.handle}, {"fullwidth", &cueDerived.fullwidth}, {"high_pay", &cueDerived.highPay}, {"daily_pay", &cueDerived.dailyPay}} {
		i, ok := cueIndex[d.name]
		if !ok {
			return fmt.Errorf("cue table: derived cue %q missing", d.name)
		}
		*d.to = i
	}
	m, err := newMatcher(pats)
	if err != nil {
		return fmt.Errorf("cue table: %w", err)
	}
	cueMatcher = m
	return nil
}

// mark is where a marker matched in the normalised text.
type mark struct {
	kind       int
	start, end int32 // in the normalised text
}

// matchCues runs the cue matcher over the normalised text, then the derived
// cues and the combinations.
func (x *extraction) matchCues() {
	if cueMatcher == nil {
		return
	}
	x.marks = x.marks[:0]
	cueMatcher.match(x.norm, func(p *pattern, start, end int) {
		if p.cue < 0 {
			x.marks = append(x.marks, mark{p.marker, int32(start), int32(end)})
			return
		}
		if h := &x.hits[p.cue]; !h.hit {
			*h = cueHit{hit: true, at: span{x.orig[start], x.orig[end]}}
		}
	})
	x.setDerived(cueDerived.phone, x.phone)
	x.setDerived(cueDerived.handle, x.handle)
	if x.fullwidth > 0 {
		x.setDerived(cueDerived.fullwidth, x.fullSpan)
	}
	if x.anyDigit {
		x.scanPay()
	}
	for i, groups := range cueCombos {
		if len(groups) == 0 {
			continue
		}
		var parts [2]span
		fired := true
		for g, group := range groups {
			found := false
			for _, j := range group {
				if x.hits[j].hit {
					if g < 2 {
						parts[g] = x.hits[j].at
					}
					found = true
					break
				}
			}
			if !found {
				fired = false
				break
			}
		}
		if fired {
			x.hits[i] = cueHit{hit: true, at: parts[0], also: parts[1]}
		}
	}
}

// setDerived marks a derived cue as fired at s (if s is a real span and the
// cue has not fired already).
func (x *extraction) setDerived(cue int, s span) {
	if s.start < 0 || x.hits[cue].hit {
		return
	}
	x.hits[cue] = cueHit{hit: true, at: s}
}

// payThreshold is the pay per period that is far above market for the
// work these ads offer: unskilled, part-time, "no experience". Chinese
// figures in yuan, others in dollars, pounds or euros (close enough to
// treat alike).
var payThreshold = map[bool][5]float64{ // [yuan?][period]
	true:  {markDay: 500, markHour: 100, markWeek: 3000, markMonth: 30000},
	false: {markDay: 300, markHour: 50, markWeek: 1500, markMonth: 10000},
}

// scanPay reads amounts of pay with a period ("日结500元", "$300 a day",
// "月入3万", "时薪200") from the normalised text. An amount counts when a
// period marker stands right before or after it and a currency or a pay
// word is near. Any such amount fires daily_pay when the period is a day,
// and high_pay when the amount is at or over payThreshold.
func (x *extraction) scanPay() {
	norm := x.norm
	for i := 0; i < len(norm); i++ {
		if !isDigitByte(norm[i]) || i > 0 && (isDigitByte(norm[i-1]) || norm[i-1] == '.' || norm[i-1] == ',') {
			continue
		}
		value, j := readAmount(norm, i)
		if value <= 0 {
			continue
		}
		period, currency, pay := 0, 0, false
		for _, m := range x.marks {
			before := m.end <= int32(i) && m.end >= int32(i)-7 // two Chinese characters and a colon
			after := m.start >= int32(j) && m.end <= int32(j)+10
			if !before && !after {
				continue
			}
			switch m.kind {
			case markDay, markHour, markWeek, markMonth:
				if period == 0 {
					period = m.kind
				}
			case markCNY, markUSD, markGBP, markEUR:
				if currency == 0 {
					currency = m.kind
				}
			case markPayWord:
				pay = true
			}
		}
		if period == 0 || currency == 0 && !pay {
			continue
		}
		yuan := currency == markCNY || currency == 0 && x.anyCJK()
		at := span{x.orig[i], x.orig[j]}
		if period == markDay {
			x.setDerived(cueDerived.dailyPay, at)
		}
		if value >= payThreshold[yuan][period] {
			x.setDerived(cueDerived.highPay, at)
		}
		i = j
	}
}

// anyCJK reports whether the normalised text has any non-ASCII byte that
// begins a CJK character (cheap test: a three-byte UTF-8 lead byte).
func (x *extraction) anyCJK() bool {
	for _, b := range x.norm {
		if b >= 0xE2 && b <= 0xEF {
			return true
		}
	}
	return false
}

func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

// readAmount reads a number at norm[i:] ("1,500", "2.5", "3万", "5k") and
// returns its value and where it ends. Values are capped so absurd digit
// strings cannot overflow anything.
func readAmount(norm []byte, i int) (float64, int) {
	value, j, frac := 0.0, i, 0.0
	for j < len(norm) {
		b := norm[j]
		switch {
		case isDigitByte(b):
			if frac > 0 {
				value += float64(b-'0') * frac
				frac /= 10
			} else if value < 1e12 {
				value = value*10 + float64(b-'0')
			}
		case b == ',' && frac == 0 && j+3 < len(norm) && isDigitByte(norm[j+1]) && isDigitByte(norm[j+2]) && isDigitByte(norm[j+3]):
			// thousands separator
		case b == '.' && frac == 0 && j+1 < len(norm) && isDigitByte(norm[j+1]):
			frac = 0.1
		default:
			return applyMultiplier(norm, j, value)
		}
		j++
	}
	return value, j
}

// applyMultiplier reads "万", "千", "k" or "w" right after a number.
func applyMultiplier(norm []byte, j int, value float64) (float64, int) {
	rest := norm[j:]
	switch {
	case bytes.HasPrefix(rest, []byte("万")):
		return value * 10000, j + len("万")
	case bytes.HasPrefix(rest, []byte("千")):
		return value * 1000, j + len("千")
	case len(rest) > 0 && (rest[0] == 'k' || rest[0] == 'w') && (len(rest) == 1 || !isASCIIAlnum(rune(rest[1]))):
		if rest[0] == 'k' {
			return value * 1000, j + 1
		}
		return value * 10000, j + 1
	}
	return value, j
}

// pattern is one word of the cue or marker tables, ready for matching.
type pattern struct {
	text       string
	cue        int  // index in cueTable, or -1 for a marker
	marker     int  // marker kind when cue is -1
	startBound bool // must start at a word boundary
	endBound   bool // must end at a word boundary
}

// newPattern reads one table word: a leading or trailing Latin letter or
// digit asks for a word boundary there; a trailing '*' drops the one at
// the end.
func newPattern(w string, cue, marker int) (pattern, error) {
	prefix := strings.HasSuffix(w, "*")
	w = strings.TrimSuffix(w, "*")
	if w == "" || w != strings.ToLower(w) || strings.TrimSpace(w) != w {
		return pattern{}, fmt.Errorf("pattern %q must be non-empty, lower case and trimmed", w)
	}
	return pattern{
		text:       w,
		cue:        cue,
		marker:     marker,
		startBound: isASCIIAlnum(rune(w[0])),
		endBound:   !prefix && isASCIIAlnum(rune(w[len(w)-1])),
	}, nil
}

// matcher finds every pattern in a text in one pass (Aho–Corasick). The
// automaton is a full table over byte classes — bytes that appear in no
// pattern share one class — so each step is one array read.
type matcher struct {
	class    [256]uint8
	nclass   int
	next     []uint16 // next[state*nclass+class]
	outStart []int32  // patterns ending at state s: outs[outStart[s]:outStart[s+1]]
	outs     []int32
	pats     []pattern
}

// maxStates keeps state numbers in uint16.
const maxStates = 1 << 16

func newMatcher(pats []pattern) (*matcher, error) {
	m := &matcher{pats: pats}
	// Byte classes: 0 for bytes in no pattern, then one per byte used.
	for _, p := range pats {
		for i := 0; i < len(p.text); i++ {
			b := p.text[i]
			if m.class[b] == 0 {
				m.nclass++
				if m.nclass > 255 {
					return nil, errors.New("too many distinct bytes in patterns")
				}
				m.class[b] = uint8(m.nclass)
			}
		}
	}
	m.nclass++
	nc := m.nclass

	// The trie: -1 marks a missing edge while building.
	next := make([]int32, nc)
	for i := range next {
		next[i] = -1
	}
	own := [][]int32{nil} // patterns ending exactly at each state
	for pi, p := range pats {
		s := int32(0)
		for i := 0; i < len(p.text); i++ {
			c := int32(m.class[p.text[i]])
			if next[s*int32(nc)+c] < 0 {
				if len(own) >= maxStates {
					return nil, errors.New("too many patterns for the cue matcher")
				}
				next[s*int32(nc)+c] = int32(len(own))
				own = append(own, nil)
				for range nc {
					next = append(next, -1)
				}
			}
			s = next[s*int32(nc)+c]
		}
		own[s] = append(own[s], int32(pi))
	}

	// Failure links by breadth-first search; missing edges become the
	// failure state's edges, so matching never backtracks.
	states := len(own)
	fail := make([]int32, states)
	outs := make([][]int32, states)
	queue := make([]int32, 0, states)
	for c := range nc {
		t := next[c]
		if t < 0 {
			next[c] = 0
			continue
		}
		fail[t] = 0
		queue = append(queue, t)
	}
	outs[0] = own[0]
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		outs[s] = append(append([]int32(nil), own[s]...), outs[fail[s]]...)
		for c := range int32(nc) {
			t := next[s*int32(nc)+c]
			f := next[fail[s]*int32(nc)+c]
			if t < 0 {
				next[s*int32(nc)+c] = f
				continue
			}
			fail[t] = f
			queue = append(queue, t)
		}
	}

	m.next = make([]uint16, len(next))
	for i, t := range next {
		m.next[i] = uint16(t)
	}
	m.outStart = make([]int32, states+1)
	for s := range states {
		m.outStart[s+1] = m.outStart[s] + int32(len(outs[s]))
		m.outs = append(m.outs, outs[s]...)
	}
	return m, nil
}

// match calls found for every occurrence of a pattern in text that meets
// its word-boundary rules, in order of where it ends.
func (m *matcher) match(text []byte, found func(p *pattern, start, end int)) {
	s := 0
	nc := m.nclass
	for i := 0; i < len(text); i++ {
		s = int(m.next[s*nc+int(m.class[text[i]])])
		for _, pi := range m.outs[m.outStart[s]:m.outStart[s+1]] {
			p := &m.pats[pi]
			end := i + 1
			start := end - len(p.text)
			if p.startBound && start > 0 && isASCIIAlnum(rune(text[start-1])) {
				continue
			}
			if p.endBound && end < len(text) && isASCIIAlnum(rune(text[end])) {
				continue
			}
			found(p, start, end)
		}
	}
}
