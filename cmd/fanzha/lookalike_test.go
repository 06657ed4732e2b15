package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lookalikeCLI runs `fanzha lookalike ARGS` and returns what it printed.
func lookalikeCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := runLookalike(context.Background(), args, &out)
	return out.String(), err
}

func lookalikeWriteFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLookalikeCLIPlainList(t *testing.T) {
	dir := t.TempDir()
	in := lookalikeWriteFile(t, dir, "domains.txt", strings.Join([]string{
		"# from today's reports",
		"binance-support.top",
		"",
		"not a domain",
		"https://www.icbc.com.cn/icbc/",
		"hxxps://login.icbc.com.cn.evil[.]top/x",
		"http://10.0.0.1/login",
		"BINANCE-SUPPORT.TOP",
		"apple-pie-recipes.com",
	}, "\n")) // no newline at the end
	outPath := filepath.Join(dir, "scored.csv")
	out, err := lookalikeCLI(t, "--in", in, "--out", outPath)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Log(out)
	for _, want := range []string{
		"read 7 lines from " + in,
		"accepted 5 (4 distinct domains), rejected 2; the first:",
		"\n  line 4: ",
		"\n  line 7: the host is an IP address, not a domain name",
		"suspicious 2 of 4 domains (50.0%): Binance 1, ICBC 1",
		"wrote " + outPath,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	rows := readCSV(t, outPath)
	want := [][]string{
		{"domain", "suspicious", "score", "brand", "reasons"},
		{"binance-support.top", "true", "0.90", "Binance", "brand 'binance' of Binance (binance.com) in 'binance-support' with lure word 'support' on risky TLD .top"},
		{"www.icbc.com.cn", "false", "0.00", "ICBC", "official domain of ICBC"},
		{"login.icbc.com.cn.evil.top", "true", "1.00", "ICBC", ""},
		{"apple-pie-recipes.com", "false", "0.30", "Apple", "brand 'apple' of Apple (apple.com) in 'apple-pie-recipes'"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %q", len(rows), len(want), rows)
	}
	for i := range want {
		for k := range want[i] {
			if want[i][k] != "" && rows[i][k] != want[i][k] {
				t.Errorf("row %d column %s = %q, want %q", i, want[0][k], rows[i][k], want[i][k])
			}
		}
	}

	// Only the suspicious ones, to stdout.
	out, err = lookalikeCLI(t, "--in", in, "--out", "-", "--suspicious-only")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "domain,suspicious,score,brand,reasons\nbinance-support.top,true,") || strings.Contains(out, "apple-pie") {
		t.Errorf("--suspicious-only to stdout:\n%s", out)
	}
}

func TestLookalikeCLICSV(t *testing.T) {
	dir := t.TempDir()
	in := lookalikeWriteFile(t, dir, "feed.csv", "id,URL,source\n"+
		"1,http://app1e.com/verify,sms\n"+
		"2,,sms\n"+
		"3,\"hxxp://x\"y.com,bad quote\n"+
		"4,https://www.alipay.com/,web\n")
	outPath := filepath.Join(dir, "scored.csv")
	out, err := lookalikeCLI(t, "--in", in, "--out", outPath)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"accepted ", "line 3: no domain in column 2", "suspicious 1 of "} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	rows := readCSV(t, outPath)
	if rows[1][0] != "app1e.com" || rows[1][1] != "true" || rows[1][3] != "Apple" {
		t.Errorf("first row %q", rows[1])
	}

	// The ISCX shape: one column named URLs.
	iscx := lookalikeWriteFile(t, dir, "iscx.csv", "URLs\nhttp://1337x.to/torrent/1\nhttp://paypa1.com/x\n")
	out, err = lookalikeCLI(t, "--in", iscx, "--out", "-", "--suspicious-only")
	if err != nil || !strings.Contains(out, "\npaypa1.com,true,") {
		t.Errorf("ISCX shape: %v\n%s", err, out)
	}
}

func TestLookalikeCLIBrands(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "brands.csv")
	if out, err := lookalikeCLI(t, "--list-brands", "--out", list); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if b := string(mustRead(t, list)); !strings.HasPrefix(b, "brand,domain,tokens,category\nICBC,icbc.com.cn,") {
		t.Errorf("listed brands start %q", b[:min(len(b), 80)])
	}
	// A list of one's own replaces the built-in one.
	own := lookalikeWriteFile(t, dir, "own.csv", "brand,domain,tokens\nExample Bank,examplebank.com,exbank\n")
	in := lookalikeWriteFile(t, dir, "d.txt", "exbank-login.top\nbinance-support.top\n")
	out, err := lookalikeCLI(t, "--in", in, "--brands", own, "--out", "-")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "exbank-login.top,true,") || !strings.Contains(out, "binance-support.top,false,") {
		t.Errorf("own brands:\n%s", out)
	}
	bad := lookalikeWriteFile(t, dir, "bad.csv", "brand,domain,tokens\nBank,bank.com,ok\nBank,not a domain,x\n")
	if _, err := lookalikeCLI(t, "--in", in, "--brands", bad); err == nil || !strings.Contains(err.Error(), `domain "not a domain"`) {
		t.Errorf("bad brands file: %v", err)
	}
}

func TestLookalikeCLIFailures(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{}, {"--in"}, {"--in", "x.txt", "extra"}, {"--bogus"}} {
		if _, err := lookalikeCLI(t, args...); !errors.Is(err, errUsage) {
			t.Errorf("lookalike %q: %v, want a usage error", args, err)
		}
	}
	// Nothing usable: an error, and no half-written output left behind.
	in := lookalikeWriteFile(t, dir, "junk.txt", "not a domain\n1.2.3.4\n")
	outPath := filepath.Join(dir, "scored.csv")
	out, err := lookalikeCLI(t, "--in", in, "--out", outPath)
	if err == nil || !strings.Contains(err.Error(), "all 2 lines were rejected") || !strings.Contains(out, "rejected 2") {
		t.Errorf("all rejected: %v\n%s", err, out)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}
	if _, err := lookalikeCLI(t, "--in", filepath.Join(dir, "missing.txt")); err == nil {
		t.Error("a missing input was accepted")
	}
	if _, err := lookalikeCLI(t, "--in", dir); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("a directory as input: %v", err)
	}
	// An empty input is no error: nothing to score.
	empty := lookalikeWriteFile(t, dir, "empty.txt", "\n# nothing\n")
	if out, err := lookalikeCLI(t, "--in", empty); err != nil || !strings.Contains(out, "read 0 lines") {
		t.Errorf("empty input: %v\n%s", err, out)
	}
}
