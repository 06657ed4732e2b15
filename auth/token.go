package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// TokenPrefix starts every token secret. It lets secret scanners and people
// recognise a leaked fanzha token, and lets the server refuse other strings
// before touching the database.
const TokenPrefix = "fz_"

// tokenBytes is the secret's entropy: 256 bits, beyond any guessing.
const tokenBytes = 32

// NewToken makes a fresh token secret, "fz_" followed by 43 base64url
// characters (32 bytes from crypto/rand), and its hash. Store only the hash
// (Token.Hash) and show the secret once: whoever reads the database still
// cannot call the API.
func NewToken() (secret string, hash [32]byte, err error) {
	var b [tokenBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", [32]byte{}, fmt.Errorf("auth: making token: %w", err)
	}
	secret = TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return secret, HashToken(secret), nil
}

// HashToken is the SHA-256 of a token secret, the key the store finds the
// token by. Looking tokens up by hash instead of comparing secrets is what
// makes the check safe against timing attacks: an attacker can learn how
// long a lookup of some hash takes, but cannot choose hashes, so timing says
// nothing about the secret. A fast hash is enough because the secret has 256
// random bits (nothing to brute-force, unlike a password).
func HashToken(secret string) [32]byte {
	return sha256.Sum256([]byte(secret))
}

// LooksLikeToken reports whether s has the shape NewToken gives a secret.
// Callers use it to refuse garbage without a database lookup and to spot
// secrets pasted where they do not belong; it says nothing about validity.
func LooksLikeToken(s string) bool {
	if len(s) != len(TokenPrefix)+base64.RawURLEncoding.EncodedLen(tokenBytes) || s[:len(TokenPrefix)] != TokenPrefix {
		return false
	}
	for i := len(TokenPrefix); i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
