package indicator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"

	"github.com/btcsuite/btcd/btcutil/bech32"
	"github.com/mr-tron/base58"
	"golang.org/x/crypto/sha3"
)

// Crypto addresses. BTC: base58check P2PKH (version 0x00) and P2SH (0x05),
// bech32 segwit v0 and bech32m v1+ ("bc1…", kept lower-case); testnet is
// rejected. ETH: "0x" and 40 hex digits, canonical in EIP-55 mixed case; a
// mixed-case input must carry a correct EIP-55 checksum. TRON: base58check
// with version 0x41 ("T…", 34 characters); the hex form "41…" is converted.
// Other chains are kept as written after a charset and length check.

const b58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var b58Index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(b58Alphabet); i++ {
		t[b58Alphabet[i]] = int8(i)
	}
	return t
}()

// firstNonBase58 returns the index of the first byte of s outside the
// base58 alphabet, or -1.
func firstNonBase58(s string) int {
	for i := 0; i < len(s); i++ {
		if b58Index[s[i]] < 0 {
			return i
		}
	}
	return -1
}

// base58Decode25 decodes s into exactly 25 bytes (version, 20-byte hash,
// 4-byte checksum) without allocating. ok is false when s does not encode
// exactly 25 bytes; s must be in the alphabet.
func base58Decode25(s string) (out [25]byte, ok bool) {
	for i := 0; i < len(s); i++ {
		carry := uint32(b58Index[s[i]])
		for j := len(out) - 1; j >= 0; j-- {
			carry += uint32(out[j]) * 58
			out[j] = byte(carry)
			carry >>= 8
		}
		if carry != 0 {
			return out, false
		}
	}
	ones, zeros := 0, 0
	for ones < len(s) && s[ones] == '1' {
		ones++
	}
	for zeros < len(out) && out[zeros] == 0 {
		zeros++
	}
	return out, ones == zeros
}

// checksum4 is the base58check checksum: the first four bytes of a double
// SHA-256.
func checksum4(payload []byte) [4]byte {
	h := sha256.Sum256(payload)
	h = sha256.Sum256(h[:])
	return [4]byte{h[0], h[1], h[2], h[3]}
}

func checksumOK(b *[25]byte) bool { return checksum4(b[:21]) == [4]byte(b[21:25]) }

// stripCryptoURI drops a payment-URI scheme ("bitcoin:", "ethereum:") and
// whatever follows the address ("?amount=…", "@1/transfer").
func stripCryptoURI(s, scheme string) string {
	if !hasPrefixFold(s, scheme) {
		return s
	}
	s = strings.TrimLeft(s[len(scheme):], "/")
	if i := strings.IndexAny(s, "?@/"); i >= 0 {
		s = s[:i]
	}
	return s
}

func parseBTC(raw string) (Indicator, error) {
	s := prepare(raw)
	s = stripCryptoURI(s, "bitcoin:")
	if s == "" {
		return fail(BTC, raw, "empty", "no Bitcoin address given")
	}
	switch {
	case hasPrefixFold(s, "bc1"):
		return parseSegwit(raw, s)
	case hasPrefixFold(s, "tb1"), hasPrefixFold(s, "bcrt1"):
		return fail(BTC, raw, "testnet", "this is a Bitcoin testnet/regtest address (tb1…/bcrt1…); only mainnet addresses are indicators")
	}
	if i := firstNonBase58(s); i >= 0 {
		return fail(BTC, raw, "base58", fmt.Sprintf("%s is not a base58 character (base58 has no 0, O, I or l)", charAt(s, i)))
	}
	switch {
	case len(s) < 25:
		return fail(BTC, raw, "too_short", fmt.Sprintf("%d characters; a base58 Bitcoin address has 25 to 35", len(s)))
	case len(s) > 35:
		return fail(BTC, raw, "too_long", fmt.Sprintf("%d characters; a base58 Bitcoin address has 25 to 35", len(s)))
	}
	b, ok := base58Decode25(s)
	if !ok {
		return fail(BTC, raw, "length", "does not decode to the 25 bytes of a base58check address")
	}
	if !checksumOK(&b) {
		return fail(BTC, raw, "checksum", "base58check checksum does not match; a character is probably mistyped")
	}
	switch b[0] {
	case 0x00, 0x05:
		return Indicator{BTC, s}, nil
	case 0x6f, 0xc4:
		return fail(BTC, raw, "testnet", "this is a Bitcoin testnet address (m…, n…, 2…); only mainnet addresses are indicators")
	case 0x41:
		return fail(BTC, raw, "version", "this is a TRON address (version byte 0x41), not Bitcoin; use kind tron")
	}
	return fail(BTC, raw, "version", fmt.Sprintf("version byte 0x%02x is not Bitcoin (P2PKH 0x00, P2SH 0x05); another chain's address belongs to kind crypto_other", b[0]))
}

// segwitInfo decodes a bech32/bech32m segwit address already known to be
// well-formed or returns the broken rule.
type segwitInfo struct {
	witnessVersion int
	program        int // length in bytes
	bech32m        bool
}

func decodeSegwit(s string) (segwitInfo, string, string) {
	var info segwitInfo
	hrp, data, ver, err := bech32.DecodeGeneric(s)
	if err != nil {
		var mixed bech32.ErrMixedCase
		var sum bech32.ErrInvalidChecksum
		switch {
		case errors.As(err, &mixed):
			return info, "bech32", "mixes upper and lower case; bech32 addresses are all one case"
		case errors.As(err, &sum):
			return info, "checksum", "bech32 checksum does not match; a character is probably mistyped"
		}
		return info, "bech32", "not a valid bech32 address: " + err.Error()
	}
	if hrp != "bc" {
		return info, "bech32", fmt.Sprintf("human-readable part %q is not Bitcoin's \"bc\"", hrp)
	}
	if len(data) == 0 {
		return info, "bech32", "no witness program"
	}
	info.witnessVersion = int(data[0])
	info.bech32m = ver == bech32.VersionM
	if info.witnessVersion > 16 {
		return info, "witness_version", fmt.Sprintf("witness version %d is above 16", info.witnessVersion)
	}
	prog, err := bech32.ConvertBits(data[1:], 5, 8, false)
	if err != nil {
		return info, "bech32", "witness program is not whole bytes"
	}
	info.program = len(prog)
	switch {
	case len(prog) < 2 || len(prog) > 40:
		return info, "witness_program", fmt.Sprintf("witness program of %d bytes; 2 to 40 are allowed", len(prog))
	case info.witnessVersion == 0 && len(prog) != 20 && len(prog) != 32:
		return info, "witness_program", fmt.Sprintf("witness v0 program of %d bytes; P2WPKH has 20, P2WSH 32", len(prog))
	case info.witnessVersion == 0 && info.bech32m:
		return info, "bech32", "witness v0 address must use bech32, not bech32m (BIP 350)"
	case info.witnessVersion > 0 && !info.bech32m:
		return info, "bech32m", fmt.Sprintf("witness v%d address must use bech32m, not bech32 (BIP 350)", info.witnessVersion)
	}
	return info, "", ""
}

func parseSegwit(raw, s string) (Indicator, error) {
	if len(s) > 90 {
		return fail(BTC, raw, "too_long", fmt.Sprintf("%d characters; a bech32 address has at most 90", len(s)))
	}
	if _, rule, msg := decodeSegwit(s); rule != "" {
		return fail(BTC, raw, rule, msg)
	}
	return Indicator{BTC, lowerASCII(s)}, nil
}

// keccak is a pooled Keccak-256 with its buffers, so that hashing an
// address allocates nothing: the buffers would escape to the heap if passed
// to the hash through its interface.
type keccak struct {
	h     hash.Hash
	r     io.Reader // the same sponge: Read squeezes without Sum's copy
	lower [40]byte
	sum   [32]byte
}

var keccakPool = sync.Pool{New: func() any {
	h := sha3.NewLegacyKeccak256()
	return &keccak{h: h, r: h.(io.Reader)}
}}

// eip55 writes the EIP-55 checksummed form of 40 lower-case hex digits:
// a letter is upper-cased when the matching nibble of the Keccak-256 of the
// lower-case hex is 8 or more.
func eip55(lower *[40]byte, out *[42]byte) {
	k := keccakPool.Get().(*keccak)
	k.h.Reset()
	k.lower = *lower
	k.h.Write(k.lower[:])
	k.r.Read(k.sum[:])
	sum := k.sum
	keccakPool.Put(k)
	out[0], out[1] = '0', 'x'
	for i, c := range lower {
		if c >= 'a' {
			nib := sum[i/2]
			if i%2 == 0 {
				nib >>= 4
			}
			if nib&0xf >= 8 {
				c -= 'a' - 'A'
			}
		}
		out[2+i] = c
	}
}

func parseETH(raw string) (Indicator, error) {
	s := prepare(raw)
	s = stripCryptoURI(s, "ethereum:")
	if s == "" {
		return fail(ETH, raw, "empty", "no Ethereum address given")
	}
	h := s
	if len(h) >= 2 && h[0] == '0' && (h[1] == 'x' || h[1] == 'X') {
		h = h[2:]
	} else if len(h) != 40 {
		return fail(ETH, raw, "prefix", "an Ethereum address starts with 0x")
	}
	for i := 0; i < len(h); i++ {
		if !isHex(h[i]) {
			return fail(ETH, raw, "invalid_character", fmt.Sprintf("%s is not a hex digit", charAt(s, len(s)-len(h)+i)))
		}
	}
	switch {
	case len(h) < 40:
		return fail(ETH, raw, "too_short", fmt.Sprintf("%d hex digits; an Ethereum address has 40", len(h)))
	case len(h) > 40:
		return fail(ETH, raw, "too_long", fmt.Sprintf("%d hex digits; an Ethereum address has 40 (a 64-digit one is a transaction hash or key)", len(h)))
	}
	var lower [40]byte
	hasLower, hasUpper := false, false
	for i := 0; i < 40; i++ {
		c := h[i]
		switch {
		case 'a' <= c && c <= 'f':
			hasLower = true
		case 'A' <= c && c <= 'F':
			hasUpper = true
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	var out [42]byte
	eip55(&lower, &out)
	if hasLower && hasUpper && string(out[2:]) != h {
		return fail(ETH, raw, "eip55_checksum", fmt.Sprintf("mixed case does not match the EIP-55 checksum (%s); a character is probably mistyped", out[:]))
	}
	if string(out[:]) == s {
		return Indicator{ETH, s}, nil
	}
	return Indicator{ETH, string(out[:])}, nil
}

func parseTRON(raw string) (Indicator, error) {
	s := prepare(raw)
	if s == "" {
		return fail(TRON, raw, "empty", "no TRON address given")
	}
	if h, ok := tronHex(s); ok {
		return tronFromHex(raw, h)
	}
	if s[0] != 'T' {
		return fail(TRON, raw, "tron_prefix", "a TRON address starts with T (or, in hex, with 41)")
	}
	if i := firstNonBase58(s); i >= 0 {
		return fail(TRON, raw, "base58", fmt.Sprintf("%s is not a base58 character (base58 has no 0, O, I or l)", charAt(s, i)))
	}
	switch {
	case len(s) < 34:
		return fail(TRON, raw, "too_short", fmt.Sprintf("%d characters; a TRON address has 34", len(s)))
	case len(s) > 34:
		return fail(TRON, raw, "too_long", fmt.Sprintf("%d characters; a TRON address has 34", len(s)))
	}
	b, ok := base58Decode25(s)
	if !ok {
		return fail(TRON, raw, "length", "does not decode to the 25 bytes of a base58check address")
	}
	if b[0] != 0x41 {
		return fail(TRON, raw, "tron_prefix", fmt.Sprintf("version byte 0x%02x; TRON addresses have 0x41", b[0]))
	}
	if !checksumOK(&b) {
		return fail(TRON, raw, "checksum", "base58check checksum does not match; a character is probably mistyped")
	}
	return Indicator{TRON, s}, nil
}

// tronHex recognises the hex form: "41" and 40 hex digits, with or without
// "0x"; it returns the 42 digits.
func tronHex(s string) (string, bool) {
	h := s
	if len(h) >= 2 && h[0] == '0' && (h[1]|0x20) == 'x' {
		h = h[2:]
	}
	if len(h) != 42 && h != s {
		return h, true // "0x…" of the wrong length: report it as hex
	}
	if len(h) != 42 {
		return "", false
	}
	for i := 0; i < len(h); i++ {
		if !isHex(h[i]) {
			return "", false
		}
	}
	return h, true
}

func tronFromHex(raw, h string) (Indicator, error) {
	if len(h) == 40 {
		return fail(TRON, raw, "tron_prefix", "0x and 40 hex digits is the EVM form; a hex TRON address is 41 and the 40 digits (or give the T… form)")
	}
	if len(h) != 42 {
		return fail(TRON, raw, "length", fmt.Sprintf("%d hex digits; a hex TRON address has 42 (41 and 20 bytes)", len(h)))
	}
	var b [25]byte
	if _, err := hex.Decode(b[:21], []byte(h)); err != nil {
		return fail(TRON, raw, "invalid_character", "not hex: "+err.Error())
	}
	if b[0] != 0x41 {
		return fail(TRON, raw, "tron_prefix", fmt.Sprintf("hex TRON addresses start with 41, not %02x", b[0]))
	}
	sum := checksum4(b[:21])
	copy(b[21:], sum[:])
	return Indicator{TRON, base58.Encode(b[:])}, nil
}

const (
	minCryptoOther = 20
	maxCryptoOther = 120
)

func parseCryptoOther(raw string) (Indicator, error) {
	s := prepare(raw)
	if s == "" {
		return fail(CryptoOther, raw, "empty", "no address given")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != ':' && c != '_' && c != '-' {
			return fail(CryptoOther, raw, "invalid_character", fmt.Sprintf("%s: addresses have only letters, digits and ':', '_', '-'", charAt(s, i)))
		}
	}
	switch {
	case len(s) < minCryptoOther:
		return fail(CryptoOther, raw, "too_short", fmt.Sprintf("%d characters; addresses have %d to %d", len(s), minCryptoOther, maxCryptoOther))
	case len(s) > maxCryptoOther:
		return fail(CryptoOther, raw, "too_long", fmt.Sprintf("%d characters; addresses have %d to %d", len(s), minCryptoOther, maxCryptoOther))
	}
	return Indicator{CryptoOther, s}, nil
}
