package auth

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSeesPersonalData(t *testing.T) {
	for _, s := range append(Sectors(), Public, "") {
		for _, r := range append(Roles(), "") {
			for _, id := range []int64{0, 4} {
				p := Principal{Org: Org{ID: id, Sector: s}, Role: r}
				want := id != 0 && (s == Police || s == Judicial) && (r == Analyst || r == Supervisor || r == Admin)
				if got := SeesPersonalData(p); got != want {
					t.Errorf("SeesPersonalData(%d %q %q) = %v, want %v", id, s, r, got, want)
				}
			}
		}
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+8613800138000", "+86138****8000"},
		{"+86 138-0013-8000", "+86138****8000"},
		{"13800138000", "138****8000"},
		{"+1 (212) 555-1234", "+1212****1234"},
		{"+44 20 7946 0958", "+44207****0958"},
		{"+852 9123 4567", "+852****4567"},
		{"+7 912 345 67 89", "+7912****6789"},
		{"+886 912 345 678", "+886****5678"}, // 9 digits: last 4 only
		{"１３８００１３８０００", "138****8000"},
		{"＋８６１３８００１３８０００", "+86138****8000"},
		{"tel:+86-138-0013-8000", "+86138****8000"},
		{"95588", "****88"},
		{"12345678", "****5678"},
		{"110", "****"},
		{"+86", "+86****"},
		{"+", "+****"},
		{"abc", "****"},
		{"", ""},
		{"138+0013", "****13"}, // a "+" after digits is not a country code mark
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCallingCodeLen(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"1212", 1}, {"79", 1}, {"86138", 2}, {"44", 2}, {"20", 2}, {"27", 2},
		{"852", 3}, {"886", 3}, {"211", 3}, {"380", 3}, {"998", 3}, {"99", 2}, {"9", 1}, {"", 0},
	}
	for _, tt := range tests {
		if got := callingCodeLen([]byte(tt.in)); got != tt.want {
			t.Errorf("callingCodeLen(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestMaskAccount(t *testing.T) {
	tests := []struct{ in, want string }{
		{"6222021234567890123", "****0123"},
		{"6222 0212 3456 7890", "****7890"},
		{"GB82 WEST 1234 5698 7654 32", "****5432"},
		{"TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE", "****bLSE"},
		{"12345678", "****5678"},
		{"1234567", "****67"},
		{"12345", "****45"},
		{"1234", "****"},
		{"１２３４５６７８", "****５６７８"},
		{"--", "****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskAccount(tt.in); got != tt.want {
			t.Errorf("MaskAccount(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"zhang.san@example.com", "z***@example.com"},
		{"zhang@example.com", "z***@example.com"},
		{"a@example.com", "***@example.com"},
		{"张三@例子.中国", "张***@例子.中国"},
		{`"a@b"@example.com`, `"***@example.com`},
		{"@example.com", "***@example.com"},
		{" zhang@example.com ", "z***@example.com"},
		{"zhangsan", "z***"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskEmail(tt.in); got != tt.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"张三", "张*"},
		{"张三丰", "张**"},
		{"欧阳娜娜", "欧***"},
		{"张", "*"},
		{"John Doe", "J*** D***"},
		{"  John   Ronald\tDoe ", "J*** R*** D***"},
		{"Jo D", "J*** *"},
		{"José", "J***"},
		{"Ли Вэй", "Л*** В***"},
		{"김민준", "김**"},
		{"やまだ", "や**"},
		{"买买提·吐尔逊", "买******"},
		{"   ", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// phoneDigits is what MaskPhone counts as digits, written independently.
func phoneDigits(s string) []rune {
	var d []rune
	for _, r := range s {
		switch {
		case '0' <= r && r <= '9':
			d = append(d, r)
		case '０' <= r && r <= '９':
			d = append(d, '0'+r-'０')
		}
	}
	return d
}

func FuzzMaskPhone(f *testing.F) {
	for _, s := range []string{"+8613800138000", "13800138000", "+1 (212) 555-1234", "+852 9123 4567", "１３８", "+", "", "\xff+86", "+86138****8000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := MaskPhone(s)
		if !utf8.ValidString(out) {
			t.Fatalf("MaskPhone(%q) = %q, not UTF-8", s, out)
		}
		if (out == "") != (s == "") {
			t.Fatalf("MaskPhone(%q) = %q", s, out)
		}
		if s == "" {
			return
		}
		if strings.Trim(out, "+0123456789*") != "" || strings.Count(out, "****") != 1 {
			t.Fatalf("MaskPhone(%q) = %q: want only +, digits and one ****", s, out)
		}
		in := string(phoneDigits(s))
		kept := strings.NewReplacer("+", "", "*", "").Replace(out)
		if len(in) >= 5 && out == s {
			t.Fatalf("MaskPhone(%q) returned it unchanged", s)
		}
		// The digits kept are a prefix and a suffix of the input's digits,
		// at most 10 (3 of country code, 3 + 4 of the number), and at
		// least 3 stay hidden once there are 8 or more.
		head, tail, _ := strings.Cut(strings.TrimPrefix(out, "+"), "****")
		if !strings.HasPrefix(in, head) || !strings.HasSuffix(in, tail) || len(head)+len(tail) > len(in) {
			t.Fatalf("MaskPhone(%q) = %q: kept digits are not the input's first and last", s, out)
		}
		if len(kept) > 10 || (len(in) >= 8 && len(kept) > len(in)-3) {
			t.Fatalf("MaskPhone(%q) = %q: keeps %d of %d digits", s, out, len(kept), len(in))
		}
	})
}

func FuzzMaskAccount(f *testing.F) {
	for _, s := range []string{"6222021234567890123", "6222 0212 3456 7890", "GB82WEST12345698765432", "12345", "１２３４５６７８", "", "\xff\xfe", "****1234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := MaskAccount(s)
		if !utf8.ValidString(out) {
			t.Fatalf("MaskAccount(%q) = %q, not UTF-8", s, out)
		}
		if (out == "") != (s == "") {
			t.Fatalf("MaskAccount(%q) = %q", s, out)
		}
		if s == "" {
			return
		}
		var sig []rune
		for _, r := range s {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				sig = append(sig, r)
			}
		}
		kept, ok := strings.CutPrefix(out, "****")
		if !ok {
			t.Fatalf("MaskAccount(%q) = %q: want **** first", s, out)
		}
		k := utf8.RuneCountInString(kept)
		if k > 4 || !strings.HasSuffix(string(sig), kept) || (len(sig) >= 5 && len(sig)-k < 3) || (len(sig) < 5 && k > 0) {
			t.Fatalf("MaskAccount(%q) = %q: keeps %d of %d characters", s, out, k, len(sig))
		}
		if len(sig) > 0 && out == s {
			t.Fatalf("MaskAccount(%q) returned it unchanged", s)
		}
	})
}

func FuzzMaskEmail(f *testing.F) {
	for _, s := range []string{"zhang.san@example.com", "a@b", "@", "张三@例子.中国", "", "noat", "\xffa@b", "z***@example.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := MaskEmail(s)
		s = strings.TrimSpace(s)
		if (out == "") != (s == "") {
			t.Fatalf("MaskEmail(%q) = %q", s, out)
		}
		if s == "" {
			return
		}
		local, domain := s, ""
		if at := strings.LastIndexByte(s, '@'); at >= 0 {
			local, domain = s[:at], s[at:]
		}
		shown, ok := strings.CutSuffix(out, "***"+domain)
		if !ok {
			t.Fatalf("MaskEmail(%q) = %q: want the local part replaced and %q kept", s, out, domain)
		}
		// At most the first character of the local part shows, and only
		// when there is more to hide.
		if n := utf8.RuneCountInString(local); n < 2 && shown != "" || n >= 2 && shown != string([]rune(local)[:1]) {
			t.Fatalf("MaskEmail(%q) = %q: shows %q of local part %q", s, out, shown, local)
		}
		// Unchanged only when the input was masked already.
		if out == s && !strings.HasSuffix(local, "***") {
			t.Fatalf("MaskEmail(%q) returned it unchanged", s)
		}
	})
}

func FuzzMaskName(f *testing.F) {
	for _, s := range []string{"张三", "John Doe", "张", "  a  b ", "", "\xff\xfe", "J*** D***", "김민준"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := MaskName(s)
		in, got := strings.Fields(s), strings.Fields(out)
		if len(in) != len(got) || (len(in) > 0 && out != strings.Join(got, " ")) {
			t.Fatalf("MaskName(%q) = %q: words do not match", s, out)
		}
		masked := true
		for i, w := range in {
			rs := []rune(w)
			want := "*"
			if len(rs) > 1 {
				want = string(rs[0]) + "***"
				if hasCJK(w) {
					want = string(rs[0]) + strings.Repeat("*", len(rs)-1)
				}
			}
			if got[i] != want {
				t.Fatalf("MaskName(%q) = %q: word %q became %q, want %q", s, out, w, got[i], want)
			}
			masked = masked && strings.Trim(string(rs[1:]), "*") == ""
		}
		if out == s && !masked {
			t.Fatalf("MaskName(%q) returned it unchanged", s)
		}
	})
}

func BenchmarkMaskPhone(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		MaskPhone("+8613800138000")
	}
}
