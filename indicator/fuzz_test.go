package indicator

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// The fuzz targets assert, for any input: no panic; an error is an *Error
// with a rule and a message; a result re-parses to itself; its text form
// round-trips; Describe and Registrable do not panic on it.

// checkParse asserts the properties for one Parse call.
func checkParse(t *testing.T, k Kind, s string) {
	i, err := Parse(k, s)
	checkResult(t, k, s, i, err)
}

func checkResult(t *testing.T, k Kind, s string, i Indicator, err error) {
	t.Helper()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("(%s, %q): error %T %v is not *Error", k, s, err, err)
		}
		if e.Rule == "" || e.Message == "" || e.Input != s {
			t.Fatalf("(%s, %q): incomplete error %+v", k, s, e)
		}
		if !i.IsZero() {
			t.Fatalf("(%s, %q): error %v with a non-zero result %v", k, s, err, i)
		}
		return
	}
	if k.Valid() && i.Kind() != k {
		t.Fatalf("(%s, %q): result of kind %s", k, s, i.Kind())
	}
	v := i.Value()
	if v == "" || !utf8.ValidString(v) {
		t.Fatalf("(%s, %q): bad value %q", k, s, v)
	}
	again, err := Parse(i.Kind(), v)
	if err != nil {
		t.Fatalf("(%s, %q) = %q, which does not parse again: %v", k, s, v, err)
	}
	if again != i {
		t.Fatalf("(%s, %q) = %q, which parses again to %q: not idempotent", k, s, v, again.Value())
	}
	text, _ := i.MarshalText()
	var back Indicator
	if err := back.UnmarshalText(text); err != nil || back != i {
		t.Fatalf("(%s, %q): text %q does not round-trip: %v, %v", k, s, text, back, err)
	}
	_ = Describe(i)
	_ = i.Registrable()
}

// fuzzSeeds adds the table cases (all of them, or those of one kind).
func fuzzSeeds(f *testing.F, only Kind, add func(k Kind, s string)) {
	for _, c := range validCases {
		if only == KindInvalid || c.kind == only {
			add(c.kind, c.in)
		}
	}
	for _, c := range invalidCases {
		if only == KindInvalid || c.kind == only {
			add(c.kind, c.in)
		}
	}
	for _, c := range fuzzFound {
		if only == KindInvalid || c.kind == only {
			add(c.kind, c.in)
		}
	}
}

// fuzzFound holds inputs the fuzzers found that once broke a property; they
// stay as seeds so the bugs stay fixed.
var fuzzFound = []struct {
	kind Kind
	in   string
}{
	{Phone, "0"},                  // Detect: fewer digits than a short code
	{WhatsApp, "00000000000"},     // libphonenumber strips a trunk 0 again on re-parse
	{Phone, "+860000000000"},      // likewise
	{Domain, "\x80.AC"},           // invalid UTF-8 became U+FFFD, then xn--zn7c
	{URL, "\x8e.AC"},              // likewise in a host
	{URL, "http://a.com/(%64ot)"}, // decoding made "(dot)", undone on re-parse
	{URL, "http://a.com/?x=[[.]]"},
	{Domain, "a[[.]]com"}, // undoing "[.]" made another "[.]"
	{URL, "%800.AC"},      // a percent-decoded host that is not UTF-8
}

// FuzzParse runs every parser, the kind taken from the input.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f, KindInvalid, func(k Kind, s string) { f.Add(uint8(k), s) })
	f.Fuzz(func(t *testing.T, k uint8, s string) {
		checkParse(t, Kind(k%uint8(numKinds+1)), s)
	})
}

// FuzzDetect runs Detect; a detected kind must re-parse its own value.
func FuzzDetect(f *testing.F) {
	fuzzSeeds(f, KindInvalid, func(_ Kind, s string) { f.Add(s) })
	f.Fuzz(func(t *testing.T, s string) {
		i, err := Detect(s)
		if err == nil && !i.Kind().Valid() {
			t.Fatalf("Detect(%q) = %v with no error", s, i)
		}
		checkResult(t, KindInvalid, s, i, err)
	})
}

// One target per parser, so that a fuzzing budget can go to one of them.

func fuzzKind(f *testing.F, k Kind) {
	fuzzSeeds(f, k, func(_ Kind, s string) { f.Add(s) })
	f.Fuzz(func(t *testing.T, s string) { checkParse(t, k, s) })
}

func FuzzPhone(f *testing.F)       { fuzzKind(f, Phone) }
func FuzzWhatsApp(f *testing.F)    { fuzzKind(f, WhatsApp) }
func FuzzDomain(f *testing.F)      { fuzzKind(f, Domain) }
func FuzzURL(f *testing.F)         { fuzzKind(f, URL) }
func FuzzBankAccount(f *testing.F) { fuzzKind(f, BankAccount) }
func FuzzCard(f *testing.F)        { fuzzKind(f, Card) }
func FuzzBTC(f *testing.F)         { fuzzKind(f, BTC) }
func FuzzETH(f *testing.F)         { fuzzKind(f, ETH) }
func FuzzTRON(f *testing.F)        { fuzzKind(f, TRON) }
func FuzzCryptoOther(f *testing.F) { fuzzKind(f, CryptoOther) }
func FuzzTelegram(f *testing.F)    { fuzzKind(f, Telegram) }
func FuzzWeChat(f *testing.F)      { fuzzKind(f, WeChat) }
func FuzzEmail(f *testing.F)       { fuzzKind(f, Email) }
func FuzzIP(f *testing.F)          { fuzzKind(f, IP) }
func FuzzApp(f *testing.F)         { fuzzKind(f, App) }
func FuzzQQ(f *testing.F)          { fuzzKind(f, QQ) }
