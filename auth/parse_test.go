package auth

import (
	"slices"
	"strings"
	"testing"
)

func TestParseSector(t *testing.T) {
	tests := []struct {
		in      string
		want    Sector
		wantErr string
	}{
		{"police", Police, ""},
		{"Finance", Finance, ""},
		{" TELECOM ", Telecom, ""},
		{"internet", Internet, ""},
		{"judicial", Judicial, ""},
		{"regulator", Regulator, ""},
		{"public", "", "public portal's"},
		{"PUBLIC", "", "public portal's"},
		{"", "", "unknown sector"},
		{"bank", "", `unknown sector "bank" (want police, finance, telecom, internet, judicial or regulator)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSector(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSector(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseSector(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want Role
		ok   bool
	}{
		{"admin", Admin, true},
		{"Supervisor", Supervisor, true},
		{" analyst", Analyst, true},
		{"contributor", Contributor, true},
		{"readonly", ReadOnly, true},
		{"read-only", ReadOnly, true},
		{"READ_ONLY", ReadOnly, true},
		{"", "", false},
		{"root", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRole(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Fatalf("ParseRole(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestParseTLP(t *testing.T) {
	tests := []struct {
		in   string
		want TLP
		ok   bool
	}{
		{"TLP:CLEAR", TLPClear, true},
		{"clear", TLPClear, true},
		{"white", TLPClear, true},
		{"TLP:WHITE", TLPClear, true},
		{"green", TLPGreen, true},
		{"TLP:AMBER", TLPAmber, true},
		{"amber", TLPAmber, true},
		{"tlp:amber", TLPAmber, true},
		{"TLP: AMBER", TLPAmber, true},
		{"AMBER+STRICT", TLPAmberStrict, true},
		{"tlp:amber+strict", TLPAmberStrict, true},
		{" RED ", TLPRed, true},
		{"", "", false},
		{"TLP:", "", false},
		{"amber strict", "", false},
		{"orange", "", false},
		{"TLP:TLP:RED", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTLP(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Fatalf("ParseTLP(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

// TestLists checks that the help-text lists are complete, parse back, and
// cannot be changed by a caller.
func TestLists(t *testing.T) {
	if slices.Contains(Sectors(), Public) {
		t.Error("Sectors() lists public, which no token may have")
	}
	for _, s := range Sectors() {
		if got, err := ParseSector(string(s)); err != nil || got != s {
			t.Errorf("ParseSector(%q) = %q, %v", s, got, err)
		}
	}
	for _, r := range Roles() {
		if got, err := ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, m := range TLPs() {
		if got, err := ParseTLP(string(m)); err != nil || got != m {
			t.Errorf("ParseTLP(%q) = %q, %v", m, got, err)
		}
	}
	if n := len(Sectors()); n != 6 {
		t.Errorf("len(Sectors()) = %d, want 6", n)
	}
	if n := len(Roles()); n != 5 {
		t.Errorf("len(Roles()) = %d, want 5", n)
	}
	s := Sectors()
	s[0] = "x"
	if Sectors()[0] != Police {
		t.Error("Sectors() shares its backing array with callers")
	}
}

func FuzzParseTLP(f *testing.F) {
	for _, s := range []string{"TLP:AMBER", "amber", "AMBER+STRICT", "white", "", "TLP:", "ɑmber", "TLP:\u00a0RED"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTLP(s)
		if err != nil {
			if got != "" {
				t.Fatalf("ParseTLP(%q) = %q with error %v", s, got, err)
			}
			return
		}
		if !slices.Contains(TLPs(), got) {
			t.Fatalf("ParseTLP(%q) = %q, not a canonical marking", s, got)
		}
		if again, err := ParseTLP(string(got)); err != nil || again != got {
			t.Fatalf("ParseTLP(%q) = %q, %v; not stable", got, again, err)
		}
	})
}
