package content

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// TestDefaultBrands checks the built-in list: it indexes, each official
// domain is clean and owned by its brand, and callers get a copy.
func TestDefaultBrands(t *testing.T) {
	brands := DefaultBrands()
	if len(brands) < 90 {
		t.Fatalf("%d default brands, want the whole list", len(brands))
	}
	c, err := NewChecker(brands)
	if err != nil {
		t.Fatal(err)
	}
	cats := map[string]int{}
	for _, b := range brands {
		cats[b.Category]++
		if len(b.Tokens) == 0 {
			t.Errorf("brand %q has no token", b.Name)
		}
		for _, d := range b.Domains {
			l := c.Check(d)
			if l.Suspicious || l.Score != 0 || l.Brand != b.Name {
				t.Errorf("official %s of %s: %+v", d, b.Name, l)
			}
		}
	}
	for _, cat := range []string{"bank", "payment", "exchange", "wallet", "government", "courier", "jobs", "ecommerce", "tech", "messaging"} {
		if cats[cat] == 0 {
			t.Errorf("no default brand in category %q", cat)
		}
	}
	brands[0].Domains[0] = "changed.example"
	brands[0].Tokens = nil
	if again := DefaultBrands(); again[0].Domains[0] == "changed.example" || len(again[0].Tokens) == 0 {
		t.Error("DefaultBrands returned shared slices")
	}
}

func TestBrandsCSVRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteBrands(&buf, DefaultBrands()); err != nil {
		t.Fatal(err)
	}
	got, err := ReadBrands(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultBrands(); !reflect.DeepEqual(got, want) {
		t.Errorf("read back %d brands, differing from the %d written", len(got), len(want))
	}
}

func TestReadBrands(t *testing.T) {
	in := `# my bank's own list
brand,domain,tokens,category
Example Bank,examplebank.com,exbank ~example 示例银行,bank
Example Bank,examplebank.com.cn,,
Example Bank,,EXBANK-CN,
Shop,shop-one.com,,
`
	got, err := ReadBrands(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Brand{
		{Name: "Example Bank", Category: "bank", Domains: []string{"examplebank.com", "examplebank.com.cn"}, Tokens: []string{"exbank", "~example", "示例银行", "EXBANK-CN"}},
		{Name: "Shop", Domains: []string{"shop-one.com"}, Tokens: []string{"shopone"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ReadBrands = %+v\nwant %+v", got, want)
	}
	c, err := NewChecker(got)
	if err != nil {
		t.Fatal(err)
	}
	for in, wantBrand := range map[string]string{
		"exbankcn-login.top":     "Example Bank", // the token lost its hyphen
		"examp1ebank.com":        "Example Bank",
		"shopone-refund.xyz":     "Shop",
		"示例银行-客服.com":            "Example Bank",
		"login.examplebank.com":  "",
		"example-recipes.com":    "",
		"binance-support.com":    "", // not in this list
		"examplebank.com.cn.top": "Example Bank",
	} {
		l := c.Check(in)
		if wantBrand == "" {
			if l.Suspicious {
				t.Errorf("Check(%q) = %+v, want clean", in, l)
			}
			continue
		}
		if !l.Suspicious || l.Brand != wantBrand {
			t.Errorf("Check(%q) = %+v, want suspicious as %s", in, l, wantBrand)
		}
	}
	if l := c.Check("login.examplebank.com"); l.Brand != "Example Bank" || l.Score != 0 {
		t.Errorf("official subdomain: %+v", l)
	}
}

func TestReadBrandsErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "no brands"},
		{"brand,domain,tokens\n", "no brands"},
		{"Bank,,tok\n", `brand "Bank": no official domain`},
		{"Bank,not a domain,tok\n", `brand "Bank": domain "not a domain"`},
		{"Bank,bank.zzzz,tok\n", `domain "bank.zzzz"`},
		{"Bank,bank.com,a\n", `token "a": a token needs at least two characters`},
		{"Bank,bank.com,ba/nk\n", `token "ba/nk": character '/'`},
		{"Bank,bank.com,tok\n,x.com,y\n", "line 2: no brand name"},
		{"Bank,\"bank.com,tok\n", "brands: "},
	} {
		_, err := ReadBrands(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadBrands(%q) = %v, want an error with %q", tc.in, err, tc.want)
		}
	}
	if _, err := NewChecker([]Brand{{Name: "", Domains: []string{"x.com"}}}); err == nil {
		t.Error("NewChecker accepted a brand without a name")
	}
}

// TestBrandsPublicSuffixDomain: a sector's own suffix is an official domain.
func TestBrandsPublicSuffixDomain(t *testing.T) {
	c, err := NewChecker([]Brand{{Name: "Gov", Domains: []string{"gov.cn"}, Tokens: []string{"govcn"}}})
	if err != nil {
		t.Fatal(err)
	}
	if l := c.Check("www.customs.gov.cn"); l.Brand != "Gov" || l.Score != 0 {
		t.Errorf("under gov.cn: %+v", l)
	}
	if l := c.Check("gov-cn-service.top"); !l.Suspicious {
		t.Errorf("gov-cn-service.top: %+v", l)
	}
}

func FuzzReadBrands(f *testing.F) {
	var buf bytes.Buffer
	WriteBrands(&buf, DefaultBrands()[:5])
	f.Add(buf.String())
	f.Add("a,b.com,~c d\n")
	f.Add("brand,domain\n\"x,\"y\n")
	f.Fuzz(func(t *testing.T, s string) {
		brands, err := ReadBrands(strings.NewReader(s))
		if err != nil {
			return
		}
		c, err := NewChecker(brands)
		if err != nil {
			t.Fatalf("ReadBrands accepted brands NewChecker refuses: %v", err)
		}
		for _, b := range brands {
			for _, d := range b.Domains {
				c.Check(d)
				c.Check("login-" + d)
			}
		}
	})
}
