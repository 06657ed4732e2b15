package content

import (
	"slices"
	"testing"

	"github.com/fanzha/fanzha/indicator"
)

// exFuzzRegions are the default regions the fuzzers read national numbers in
// ("" is CN; "ZZ" is not a region at all, and must not break anything).
var exFuzzRegions = []string{"", "GB", "US", "PH", "ZZ"}

func exFuzzSeedTexts(f *testing.F, add func(string)) {
	for _, c := range exExtractCases {
		add(c.text)
	}
	for _, c := range exAmountCases {
		add(c.text)
	}
	for _, m := range exBenchMessages {
		add(m)
	}
	for _, s := range []string{
		"", "[.]", "a[.]b[.]c", "x(at)y(dot)z", "http[:]//a.cn", "hxxps[://]evil.top/x", "一二三四五六七八九零",
		"1-2-3-4-5-6-7-8-9-0-1-2-3-4-5-6-7-8-9-0", "(((((1", "+ +86 (21) 6234 5678", "0x" + "ab", "T" + "1",
		"微信微信微信：", "QQQQ1234567", "@@@@abcde", "9999999999999999999999元", "一亿亿亿万万千千百百十十元",
		"1,000,000,000,000,000,000,000元", "0.000000000000000000001 BTC", "点点点com点", "。。com。cn", "\u200b\u200b",
		"\xe4\xb8", "1\xff2\xfe3", "５５５５５５５５５５５", "①③⑧⓪⓪①③⑧⓪⓪⓪", "加V：", "+V", "wxid_", "t.me/", "wa.me/+",
	} {
		add(s)
	}
}

func FuzzExtract(f *testing.F) {
	exFuzzSeedTexts(f, func(s string) {
		for r := range exFuzzRegions {
			f.Add(s, uint8(r))
		}
	})
	f.Fuzz(func(t *testing.T, text string, region uint8) {
		opts := indicator.Options{DefaultRegion: exFuzzRegions[int(region)%len(exFuzzRegions)]}
		fs := Extract(text, opts)
		seen := map[indicator.Indicator]bool{}
		last := -1
		for _, f := range fs {
			if f.Start < 0 || f.End > len(text) || f.Start >= f.End {
				t.Fatalf("%v: offsets [%d,%d) outside the text (%d bytes)", f.Indicator, f.Start, f.End, len(text))
			}
			if f.Raw != text[f.Start:f.End] {
				t.Fatalf("%v: Raw %q is not text[%d:%d]", f.Indicator, f.Raw, f.Start, f.End)
			}
			if f.Start < last {
				t.Fatalf("%v at %d found after one at %d: not in order of appearance", f.Indicator, f.Start, last)
			}
			last = f.Start
			if seen[f.Indicator] {
				t.Fatalf("%v found twice", f.Indicator)
			}
			seen[f.Indicator] = true
			if !f.Indicator.Kind().Valid() {
				t.Fatalf("invalid indicator at %q", f.Raw)
			}
			back, err := opts.Parse(f.Indicator.Kind(), f.Indicator.Value())
			if err != nil || back != f.Indicator {
				t.Fatalf("%v (from %q) does not read back as itself: %v %v", f.Indicator, f.Raw, back, err)
			}
		}
		fs2, as := ExtractAll(text, opts)
		if !slices.Equal(fs, fs2) {
			t.Fatalf("ExtractAll gives other indicators than Extract: %v vs %v", fs2, fs)
		}
		if !slices.Equal(as, ExtractAmounts(text)) {
			t.Fatal("ExtractAll gives other amounts than ExtractAmounts")
		}
	})
}

func FuzzAmounts(f *testing.F) {
	exFuzzSeedTexts(f, func(s string) { f.Add(s) })
	f.Fuzz(func(t *testing.T, text string) {
		last := -1
		for _, a := range ExtractAmounts(text) {
			exCheckAmount(t, text, a)
			if a.Start < last {
				t.Fatalf("amount %v at %d after one at %d: not in order", a, a.Start, last)
			}
			last = a.Start
		}
	})
}
