package auth

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"
)

// ChainHash is the hash of an audit entry: SHA-256 over the previous entry's
// hash followed by every field of e except Hash, each length-prefixed so
// that no two different entries encode alike. Time is taken in UTC with
// microsecond precision, the precision both stores keep.
func ChainHash(prev [32]byte, e AuditEntry) [32]byte {
	h := sha256.New()
	h.Write(prev[:])
	var n [8]byte
	putInt := func(v int64) {
		binary.BigEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	putStr := func(s string) {
		putInt(int64(len(s)))
		h.Write([]byte(s))
	}
	putInt(e.Seq)
	putInt(e.Time.UTC().Truncate(time.Microsecond).UnixMicro())
	putInt(e.OrgID)
	putStr(e.OrgName)
	putStr(string(e.Role))
	putInt(e.TokenID)
	putStr(e.Addr)
	putStr(e.Action)
	putStr(e.Target)
	putStr(e.Detail)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// ChainError is what VerifyChain finds wrong: the first broken entry of the
// audit chain and how it is broken. Everything before Seq is intact.
type ChainError struct {
	Seq    int64
	Reason string // "entry 42: hash does not match its contents (altered?)"
}

// Error says the chain is broken, and where.
func (e *ChainError) Error() string { return "audit chain broken: " + e.Reason }

// verifyPage is how many entries VerifyChain asks for at a time: large
// enough that paging costs little, small enough to keep memory flat on a
// chain of billions.
const verifyPage = 1000

// VerifyChain reads the whole audit chain through next (the store's
// AuditRange: entries with Seq > after, in order, at most limit) and checks
// that nothing was altered, removed or reordered: Seq runs 1, 2, 3… without
// gaps, each PrevHash is the previous entry's Hash (zero for entry 1), and
// each Hash is ChainHash of the entry. It stops at the first broken entry
// with a *ChainError naming it, so an investigator knows where to look; an
// error from next is returned wrapped. checked is how many entries were
// found intact.
//
// The chain proves the log was not edited in place. Dropping the newest
// entries, or rewriting the whole tail with fresh hashes, is only caught by
// comparing the last entry's Seq and Hash with a copy kept elsewhere.
func VerifyChain(next func(after int64, limit int) ([]AuditEntry, error)) (checked int64, err error) {
	var prev [32]byte
	for {
		page, err := next(checked, verifyPage)
		if err != nil {
			return checked, fmt.Errorf("audit chain: reading entries after %d: %w", checked, err)
		}
		if len(page) == 0 {
			return checked, nil
		}
		for i, e := range page {
			want := checked + 1
			if e.Seq != want {
				return checked, seqError(want, e.Seq, page[i+1:])
			}
			if ChainHash(e.PrevHash, e) != e.Hash {
				return checked, &ChainError{Seq: e.Seq, Reason: fmt.Sprintf("entry %d: hash does not match its contents (altered?)", e.Seq)}
			}
			if e.PrevHash != prev {
				if e.Seq == 1 {
					return checked, &ChainError{Seq: 1, Reason: "entry 1: prev_hash is not zero (entries before it removed?)"}
				}
				return checked, &ChainError{Seq: e.Seq, Reason: fmt.Sprintf("entry %d: prev_hash does not match entry %d", e.Seq, e.Seq-1)}
			}
			prev = e.Hash
			checked = want
		}
	}
}

// seqError explains why entry want was not where it belongs: got is the Seq
// found there instead, rest what came after it on the same page.
func seqError(want, got int64, rest []AuditEntry) *ChainError {
	switch {
	case got < 1:
		return &ChainError{Seq: want, Reason: fmt.Sprintf("invalid sequence number %d where entry %d belongs", got, want)}
	case got == want-1:
		return &ChainError{Seq: got, Reason: fmt.Sprintf("entry %d: repeated", got)}
	case got < want:
		return &ChainError{Seq: got, Reason: fmt.Sprintf("entry %d: out of order (found after entry %d)", got, want-1)}
	}
	for _, e := range rest {
		if e.Seq == want {
			return &ChainError{Seq: got, Reason: fmt.Sprintf("entry %d: out of order (found before entry %d)", got, want)}
		}
	}
	if got == want+1 {
		return &ChainError{Seq: want, Reason: fmt.Sprintf("gap: entry %d missing", want)}
	}
	return &ChainError{Seq: want, Reason: fmt.Sprintf("gap: entries %d to %d missing", want, got-1)}
}
