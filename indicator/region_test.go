package indicator

import "testing"

func TestArea(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"+8613800138000", "CN-BJ"},
		{"+8613912345678", "CN-JS"},
		{"+8613755156024", "CN-HN"},
		{"+862150000000", "CN-SH"},
		{"+639171234567", "PH"},
		{"95588", ""},
	} {
		i, err := Detect(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := Area(i); got != tt.want {
			t.Errorf("Area(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Area(MustParse(Domain, "example.com")); got != "" {
		t.Errorf("Area of a domain = %q", got)
	}
}
