package auth

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// buildChain makes n linked entries the way the store does.
func buildChain(n int) []AuditEntry {
	es := make([]AuditEntry, n)
	var prev [32]byte
	t0 := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	for i := range es {
		es[i] = AuditEntry{
			Seq: int64(i + 1), Time: t0.Add(time.Duration(i) * time.Millisecond),
			OrgID: int64(i%5 + 1), OrgName: "org", Role: Analyst, TokenID: 9, Addr: "10.0.0.1",
			Action: "lookup", Target: fmt.Sprintf("phone:+86138%08d", i), Detail: "hit",
			PrevHash: prev,
		}
		es[i].Hash = ChainHash(prev, es[i])
		prev = es[i].Hash
	}
	return es
}

// rehash recomputes hashes from index i on, as someone rewriting the log
// with knowledge of the scheme would.
func rehash(es []AuditEntry, i int) {
	for ; i < len(es); i++ {
		if i > 0 {
			es[i].PrevHash = es[i-1].Hash
		}
		es[i].Hash = ChainHash(es[i].PrevHash, es[i])
	}
}

// byStore pages like the store's AuditRange: Seq > after, ordered by Seq.
func byStore(es []AuditEntry) func(int64, int) ([]AuditEntry, error) {
	sorted := slices.Clone(es)
	slices.SortStableFunc(sorted, func(a, b AuditEntry) int { return int(a.Seq - b.Seq) })
	return func(after int64, limit int) ([]AuditEntry, error) {
		i, _ := slices.BinarySearchFunc(sorted, after+1, func(e AuditEntry, s int64) int { return int(e.Seq - s) })
		return slices.Clone(sorted[i:min(i+limit, len(sorted))]), nil
	}
}

// byPosition pages by row position, ignoring Seq, like a store that lost
// its ordering.
func byPosition(es []AuditEntry) func(int64, int) ([]AuditEntry, error) {
	return func(after int64, limit int) ([]AuditEntry, error) {
		i := min(int(after), len(es))
		return slices.Clone(es[i:min(i+limit, len(es))]), nil
	}
}

func TestVerifyChain(t *testing.T) {
	const n = 2500 // three pages
	tests := []struct {
		name   string
		tamper func([]AuditEntry) []AuditEntry
		pager  func([]AuditEntry) func(int64, int) ([]AuditEntry, error)
		seq    int64 // 0: intact
		reason string
		want   int64 // entries found intact
	}{
		{"intact", nil, byStore, 0, "", n},
		{"empty", func([]AuditEntry) []AuditEntry { return nil }, byStore, 0, "", 0},
		{"field altered", func(es []AuditEntry) []AuditEntry { es[41].Detail = "miss"; return es }, byStore,
			42, "entry 42: hash does not match its contents (altered?)", 41},
		{"time altered", func(es []AuditEntry) []AuditEntry { es[41].Time = es[41].Time.Add(time.Second); return es }, byStore,
			42, "entry 42: hash does not match its contents (altered?)", 41},
		{"hash altered", func(es []AuditEntry) []AuditEntry { es[41].Hash[0] ^= 1; return es }, byStore,
			42, "entry 42: hash does not match its contents (altered?)", 41},
		{"altered and rehashed", func(es []AuditEntry) []AuditEntry {
			es[41].Target = "phone:+8613900000000"
			es[41].Hash = ChainHash(es[41].PrevHash, es[41])
			return es
		}, byStore, 43, "entry 43: prev_hash does not match entry 42", 42},
		{"altered on the second page", func(es []AuditEntry) []AuditEntry { es[1000].OrgID = 99; return es }, byStore,
			1001, "entry 1001: hash does not match its contents (altered?)", 1000},
		{"deleted", func(es []AuditEntry) []AuditEntry { return slices.Delete(es, 16, 17) }, byStore,
			17, "gap: entry 17 missing", 16},
		{"three deleted", func(es []AuditEntry) []AuditEntry { return slices.Delete(es, 16, 19) }, byStore,
			17, "gap: entries 17 to 19 missing", 16},
		{"first deleted", func(es []AuditEntry) []AuditEntry { return es[1:] }, byStore,
			1, "gap: entry 1 missing", 0},
		{"deleted at a page boundary", func(es []AuditEntry) []AuditEntry { return slices.Delete(es, 1000, 1001) }, byStore,
			1001, "gap: entry 1001 missing", 1000},
		{"deleted and renumbered", func(es []AuditEntry) []AuditEntry {
			es = slices.Delete(es, 16, 17)
			for i := 16; i < len(es); i++ {
				es[i].Seq--
			}
			return es
		}, byStore, 17, "entry 17: hash does not match its contents (altered?)", 16},
		{"deleted, renumbered and relinked", func(es []AuditEntry) []AuditEntry {
			es = slices.Delete(es, 16, 17)
			for i := 16; i < len(es); i++ {
				es[i].Seq--
			}
			es[16].PrevHash = es[15].Hash
			es[16].Hash = ChainHash(es[16].PrevHash, es[16])
			return es
		}, byStore, 18, "entry 18: hash does not match its contents (altered?)", 17},
		{"sequence numbers swapped", func(es []AuditEntry) []AuditEntry {
			es[4].Seq, es[5].Seq = es[5].Seq, es[4].Seq
			return es
		}, byStore, 5, "entry 5: hash does not match its contents (altered?)", 4},
		{"rows reordered", func(es []AuditEntry) []AuditEntry {
			es[4], es[5] = es[5], es[4]
			return es
		}, byPosition, 6, "entry 6: out of order (found before entry 5)", 4},
		{"row repeated", func(es []AuditEntry) []AuditEntry { return slices.Insert(es, 5, es[4]) }, byPosition,
			5, "entry 5: repeated", 5},
		{"row moved back", func(es []AuditEntry) []AuditEntry { return slices.Insert(es, 9, es[2]) }, byPosition,
			3, "entry 3: out of order (found after entry 9)", 9},
		{"sequence from zero", func(es []AuditEntry) []AuditEntry {
			for i := range es {
				es[i].Seq--
			}
			return es
		}, byPosition, 1, "invalid sequence number 0 where entry 1 belongs", 0},
		{"first entry linked to something", func(es []AuditEntry) []AuditEntry {
			es[0].PrevHash[0] = 1
			rehash(es, 0)
			return es
		}, byStore, 1, "entry 1: prev_hash is not zero (entries before it removed?)", 0},
		// What the chain cannot catch on its own: a rewrite of the whole
		// tail, or losing the newest entries. Comparing the last hash with
		// a copy kept elsewhere catches both.
		{"tail rewritten (not detectable)", func(es []AuditEntry) []AuditEntry {
			es[41].Detail = "miss"
			rehash(es, 41)
			return es
		}, byStore, 0, "", n},
		{"newest entries truncated (not detectable)", func(es []AuditEntry) []AuditEntry { return es[:n-10] }, byStore, 0, "", n - 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := buildChain(n)
			if tt.tamper != nil {
				es = tt.tamper(es)
			}
			checked, err := VerifyChain(tt.pager(es))
			if checked != tt.want {
				t.Errorf("checked = %d, want %d", checked, tt.want)
			}
			if tt.seq == 0 {
				if err != nil {
					t.Fatalf("VerifyChain = %v, want nil", err)
				}
				return
			}
			var ce *ChainError
			if !errors.As(err, &ce) {
				t.Fatalf("VerifyChain = %v, want a *ChainError", err)
			}
			if ce.Seq != tt.seq || ce.Reason != tt.reason {
				t.Fatalf("VerifyChain = {%d, %q}, want {%d, %q}", ce.Seq, ce.Reason, tt.seq, tt.reason)
			}
		})
	}
}

func TestVerifyChainReadError(t *testing.T) {
	es := buildChain(1500)
	boom := errors.New("database gone")
	store := byStore(es)
	calls := 0
	checked, err := VerifyChain(func(after int64, limit int) ([]AuditEntry, error) {
		if calls++; calls == 2 {
			return nil, boom
		}
		return store(after, limit)
	})
	if !errors.Is(err, boom) || checked != verifyPage {
		t.Fatalf("VerifyChain = %d, %v; want %d, an error wrapping %v", checked, err, verifyPage, boom)
	}
	var ce *ChainError
	if errors.As(err, &ce) {
		t.Fatalf("a read error is reported as a broken chain: %v", err)
	}
}

// TestChainHashTimePrecision checks what the stores rely on: a time read
// back with microsecond precision, or in another zone, hashes alike.
func TestChainHashTimePrecision(t *testing.T) {
	e := buildChain(1)[0]
	e.Time = time.Date(2025, 3, 1, 8, 0, 0, 123456789, time.UTC)
	want := ChainHash(e.PrevHash, e)
	e.Time = e.Time.Truncate(time.Microsecond).In(time.FixedZone("CST", 8*3600))
	if ChainHash(e.PrevHash, e) != want {
		t.Fatal("ChainHash depends on sub-microsecond time or zone")
	}
}
