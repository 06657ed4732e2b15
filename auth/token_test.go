package auth

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	seen := make(map[string]bool)
	for range 100 {
		secret, hash, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "fz_") || len(secret) != 3+43 {
			t.Fatalf("secret %q: want fz_ and 43 characters", secret)
		}
		raw, err := base64.RawURLEncoding.DecodeString(secret[3:])
		if err != nil || len(raw) != 32 {
			t.Fatalf("secret %q: body is not 32 bytes of base64url: %v", secret, err)
		}
		if hash != HashToken(secret) {
			t.Fatalf("hash of %q is not HashToken(secret)", secret)
		}
		if !LooksLikeToken(secret) {
			t.Fatalf("LooksLikeToken(%q) = false", secret)
		}
		if seen[secret] {
			t.Fatalf("secret %q made twice", secret)
		}
		seen[secret] = true
	}
}

func TestHashToken(t *testing.T) {
	// SHA-256 of "fz_test", computed independently (printf fz_test | sha256sum).
	const want = "dac96d4c92408fc9c49db0e52b91917faac9766e07a5755801234bab3d003288"
	if got := HashToken("fz_test"); hex.EncodeToString(got[:]) != want {
		t.Fatalf("HashToken(fz_test) = %x, want %s", got, want)
	}
}

func TestLooksLikeToken(t *testing.T) {
	good := "fz_" + strings.Repeat("A", 43)
	tests := []struct {
		in   string
		want bool
	}{
		{good, true},
		{"fz_" + strings.Repeat("-_aZ9", 8) + "abc", true},
		{"", false},
		{"fz_", false},
		{good + "A", false},
		{good[:len(good)-1], false},
		{"FZ_" + good[3:], false},
		{"xx_" + good[3:], false},
		{"fz_" + strings.Repeat("A", 42) + "=", false},
		{"fz_" + strings.Repeat("A", 42) + "+", false},
		{"fz_" + strings.Repeat("A", 42) + "/", false},
		{"Bearer " + good, false},
	}
	for _, tt := range tests {
		if got := LooksLikeToken(tt.in); got != tt.want {
			t.Errorf("LooksLikeToken(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
