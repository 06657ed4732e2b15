package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/content"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/records"
	"github.com/fanzha/fanzha/simulate"
)

// classifyCLI runs `fanzha classify ARGS` and returns what it printed.
func classifyCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := runClassify(context.Background(), args, &out)
	return out.String(), err
}

// classifyMessages is a small input in the FORMATS.md message shape: two
// Chinese and two English scams, two ordinary messages, and rows that are
// wrong in each way a row can be.
var classifyMessages = []struct {
	id, channel, text string
}{
	{"zh-task", "sms", "【兼职】宝妈学生党在家刷单，日赚300-500元，先垫付后返佣金，加微信 abc12345 或致电 138-0013-8000"},
	{"zh-police", "sms", "我是公安局的，你涉嫌洗钱，需将资金转到安全账户配合调查，否则将被通缉。"},
	{"en-phish", "sms", "URGENT: your ICBC account is locked. Verify now at hxxps://icbc-secure-login[.]top/verify or call +63 917 000 0000"},
	{"en-job", "job_ad", "We are hiring! Work from home, no experience needed. Earn $300-$800 per day just by liking YouTube videos. Contact our HR on WhatsApp +1 (302) 555-0147 to start today."},
	{"zh-ok", "chat", "明天下午三点开会，记得带上季度报表。"},
	{"en-ok", "CHAT", "Hey, are we still on for lunch tomorrow at 12? I'll book a table."},
}

// classifyCSV writes the messages as CSV, with bad rows after them.
func classifyCSV() string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "time", "sender", "recipient", "channel", "text", "extra"})
	for _, m := range classifyMessages {
		w.Write([]string{m.id, "2026-11-27T09:00:00+08:00", "+8613912345678", "", m.channel, m.text, "kept or ignored"})
	}
	w.Write([]string{"", "", "", "", "sms", "no id", ""})            // line 8
	w.Write([]string{"no-text", "", "", "", "sms", "   ", ""})       // line 9
	w.Write([]string{"bad-channel", "", "", "", "fax", "hello", ""}) // line 10
	w.Flush()
	b.WriteString("short,row\n") // line 11
	return b.String()
}

// classifyWant is the output for classifyMessages: every column but the
// score, which is checked for its shape, and the reasons, checked for
// what they must say.
var classifyWant = []struct {
	id, scam, typology, indicators string
	reasons                        []string
}{
	{"zh-task", "1", "task_scam", "wechat:abc12345 phone:+8613800138000", []string{"typology task_scam", "offers paid tasks"}},
	{"zh-police", "1", "impersonation_official", "", []string{"typology impersonation_official", "safe account"}},
	{"en-phish", "1", "phishing", "url:https://icbc-secure-login.top/verify phone:+639170000000",
		[]string{"pushes you to act at once", "lookalike domain icbc-secure-login.top imitates ICBC (0.80): brand 'icbc'"}},
	{"en-job", "1", "fake_job", "whatsapp:+13025550147", []string{"typology fake_job"}},
	{"zh-ok", "0", "", "", []string{"wording seen in ordinary messages"}},
	{"en-ok", "0", "", "", []string{"wording seen in ordinary messages"}},
}

var scoreShape = regexp.MustCompile(`^(0|1)\.\d{3}$`)

func checkClassifyOutput(t *testing.T, rows [][]string) {
	t.Helper()
	if len(rows) != len(classifyWant)+1 {
		t.Fatalf("%d rows, want %d: %q", len(rows), len(classifyWant)+1, rows)
	}
	if strings.Join(rows[0], ",") != "id,scam,score,typology,indicators,reasons" {
		t.Errorf("header %q", rows[0])
	}
	for i, want := range classifyWant {
		row := rows[i+1]
		if len(row) != 6 {
			t.Fatalf("row %d has %d columns: %q", i+1, len(row), row)
		}
		got := []string{row[0], row[1], row[3], row[4]}
		if exp := []string{want.id, want.scam, want.typology, want.indicators}; strings.Join(got, "|") != strings.Join(exp, "|") {
			t.Errorf("row %d: %q, want %q", i+1, got, exp)
		}
		if !scoreShape.MatchString(row[2]) || (row[1] == "1") != (row[2] >= "0.500") {
			t.Errorf("%s: score %q does not agree with scam %s", row[0], row[2], row[1])
		}
		for _, r := range want.reasons {
			if !strings.Contains(row[5], r) {
				t.Errorf("%s: reasons %q lack %q", row[0], row[5], r)
			}
		}
	}
}

func TestClassifyCLI(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "messages.csv")
	if err := os.WriteFile(in, []byte(classifyCSV()), 0o644); err != nil {
		t.Fatal(err)
	}
	outPath := filepath.Join(dir, "scored.csv")
	out, err := classifyCLI(t, "--in", in, "--out", outPath)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Log(out)
	for _, want := range []string{
		"read 10 messages from " + in,
		"accepted 6, rejected 4; the first:",
		"\n  line 8: id: required",
		"\n  line 9: text: required",
		"\n  line 10: channel: unknown channel \"fax\"",
		"\n  line 11: has 2 fields, the header has 7",
		"scam 4 of 6 (66.7%): fake_job 1, impersonation_official 1, phishing 1, task_scam 1",
		"indicators 5 in 3 messages: phone 2, url 1, wechat 1, whatsapp 1; lookalike domains 1 in 1 messages",
		"wrote " + outPath,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	checkClassifyOutput(t, readCSV(t, outPath))
}

// TestClassifyCLIForms reads the same messages as NDJSON and gzip CSV, on
// one worker and on many, and gets the same output.
func TestClassifyCLIForms(t *testing.T) {
	dir := t.TempDir()
	var nd bytes.Buffer
	for _, m := range classifyMessages {
		b, _ := json.Marshal(map[string]string{"id": m.id, "channel": m.channel, "text": m.text, "sender": "+8613912345678"})
		nd.Write(append(b, '\n'))
	}
	nd.WriteString("{\"id\":\"x\"}\n{broken\n")
	ndPath := filepath.Join(dir, "messages.ndjson")
	os.WriteFile(ndPath, nd.Bytes(), 0o644)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(classifyCSV()))
	zw.Close()
	gzPath := filepath.Join(dir, "messages.csv.gz")
	os.WriteFile(gzPath, gz.Bytes(), 0o644)
	plain := filepath.Join(dir, "messages.txt")
	os.WriteFile(plain, []byte(classifyCSV()), 0o644)
	for _, tt := range []struct {
		name   string
		args   []string
		reject []string
	}{
		{"ndjson", []string{"--in", ndPath}, []string{"line 7: text: required", "line 8: not a JSON object"}},
		{"gzip csv on one worker", []string{"--in", gzPath, "--workers", "1"}, []string{"line 8: id: required"}},
		{"format named", []string{"--in", plain, "--format", "CSV", "--workers", "3"}, []string{"line 11: has 2 fields"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			outPath := filepath.Join(dir, tt.name+".csv")
			out, err := classifyCLI(t, append(tt.args, "--out", outPath)...)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for _, want := range tt.reject {
				if !strings.Contains(out, want) {
					t.Errorf("summary lacks %q:\n%s", want, out)
				}
			}
			checkClassifyOutput(t, readCSV(t, outPath))
		})
	}
}

// TestClassifyCLIOrder: many chunks on many workers come out in input
// order, the same as on one worker.
func TestClassifyCLIOrder(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "text"})
	n := 5*classifyChunk + 17
	for i := range n {
		m := classifyMessages[i%len(classifyMessages)]
		w.Write([]string{fmt.Sprint(i), m.text})
	}
	w.Flush()
	in := filepath.Join(dir, "many.csv")
	os.WriteFile(in, b.Bytes(), 0o644)
	var outs [2]string
	for k, workers := range []string{"1", "4"} {
		outs[k] = filepath.Join(dir, "out"+workers+".csv")
		if out, err := classifyCLI(t, "--in", in, "--out", outs[k], "--workers", workers); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	one, many := readCSV(t, outs[0]), readCSV(t, outs[1])
	if len(many) != n+1 {
		t.Fatalf("%d rows, want %d", len(many), n+1)
	}
	for i := 1; i <= n; i++ {
		if many[i][0] != fmt.Sprint(i-1) || strings.Join(many[i], "|") != strings.Join(one[i], "|") {
			t.Fatalf("row %d: %q, on one worker %q", i, many[i], one[i])
		}
	}
}

func TestClassifyCLIErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(data), 0o644)
		return p
	}
	allBad := write("bad.csv", "id,text\n,hello\nx,\n")
	noText := write("notext.csv", "id,body\n1,hello\n")
	tests := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no input", []string{"--out", "x.csv"}, true, "needs --in"},
		{"argument", []string{"--in", allBad, "extra"}, true, "no arguments"},
		{"bad format", []string{"--in", allBad, "--format", "xml"}, true, "want csv, ndjson or json"},
		{"unknown extension", []string{"--in", write("m.txt", "id,text\n")}, true, "cannot tell the format"},
		{"bad region", []string{"--in", allBad, "--region", "XX"}, true, "numbering plan"},
		{"no workers", []string{"--in", allBad, "--workers", "0"}, true, "at least 1"},
		{"missing file", []string{"--in", filepath.Join(dir, "none.csv")}, false, "no such file"},
		{"missing column", []string{"--in", noText}, false, `lacks the required column "text"`},
		{"broken quote", []string{"--in", write("quote.csv", "id,text\n1,hello\n2,\"broken\n")}, false, "stopped after 1 messages: line 3"},
		{"every row bad", []string{"--in", allBad, "--out", filepath.Join(dir, "out.csv")}, false, "no messages: all 2 were rejected (first: line 2: id: required)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := classifyCLI(t, tt.args...)
			if err == nil || errors.Is(err, errUsage) != tt.usage || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want usage=%v and %q", err, tt.usage, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "out.csv")); err == nil {
		t.Error("a run that rejected everything left an output file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 { // the four inputs
		t.Errorf("temporary files left behind: %v", entries)
	}
}

// TestClassifyCLIStdout writes the scored rows to stdout.
func TestClassifyCLIStdout(t *testing.T) {
	in := filepath.Join(t.TempDir(), "m.csv")
	os.WriteFile(in, []byte(classifyCSV()), 0o644)
	out, err := classifyCLI(t, "--in", in, "--out", "-")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("stdout is not the CSV alone: %v\n%s", err, out)
	}
	checkClassifyOutput(t, rows)
}

// benchMessages are SMS- and chat-length messages as they come: Chinese
// and English, scams and ordinary ones, half with something to extract.
var benchMessages = []string{
	"【工商银行】您的账户存在异常，请致电95588或登录hxxp://icbc-verify[.]top/login处理。",
	"【京东】您的订单4567823910已发货，快递单号JDX012345678901，预计明天送达。",
	"宝妈兼职，每单佣金10块到30块不等，垫付100返130，接待员vx：abc-task01",
	"您的验证码为836512，5分钟内有效，请勿泄露给他人。【支付宝】",
	"老师带单，稳赚不赔，USDT充值地址 TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW ，最低500U",
	"明天下午3点在2号会议室开会，请提前10分钟到场，会议时长约1.5小时。",
	"您好，这里是上海市松江区公安局，我们发现您的招商卡涉及犯罪，需要进行资金清查，请下载APP配合调查。",
	"Hi mum, I'll be home by 7.30, can you pick up 2 pints of milk? Love you x",
	"WINNER!! As a valued network customer you have been selected to receive a £900 prize reward! To claim call 09061701461.",
	"We are hiring! Work from home, no experience needed. Earn $300-$800 per day. Contact HR on WhatsApp +1 (302) 555-0147.",
	"Hey, are we still on for lunch tomorrow at 12? I'll book a table.",
	"晚上一起吃饭吗？我们一块去，人均大概八十块，地点老地方。",
}

// BenchmarkClassifyMessage is the per-message work of fanzha classify on
// one core: classify, extract, check the domains, make the row. Target:
// 50,000 messages/s per core.
//
//	go test -run '^$' -bench ClassifyMessage -benchmem ./cmd/fanzha
func BenchmarkClassifyMessage(b *testing.B) {
	checker, err := content.NewChecker(content.DefaultBrands())
	if err != nil {
		b.Fatal(err)
	}
	opts := indicator.Options{DefaultRegion: "CN"}
	n := 0
	for _, m := range benchMessages {
		n += len(m)
	}
	b.SetBytes(int64(n / len(benchMessages)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		if _, err := scoreMessage(checker, "id", benchMessages[i%len(benchMessages)], "sms", opts); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "msgs/cpu-s")
	}
}

// cpuTime is the CPU time (user + system) the process has used: on a
// shared or hyper-threaded machine, wall time over the number of cores
// says little about what one core does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkClassifyFile is the whole command on 100,000 messages in
// memory: parse the CSV, classify on every core, write the rows in order.
// msgs/cpu-s is the throughput per core whatever the machine lends.
//
//	go test -run '^$' -bench ClassifyFile -benchtime 3x ./cmd/fanzha
func BenchmarkClassifyFile(b *testing.B) {
	checker, err := content.NewChecker(content.DefaultBrands())
	if err != nil {
		b.Fatal(err)
	}
	var in bytes.Buffer
	w := csv.NewWriter(&in)
	w.Write([]string{"id", "time", "sender", "recipient", "channel", "text"})
	const n = 100_000
	for i := range n {
		w.Write([]string{fmt.Sprint("m", i), "2026-11-27T09:00:00+08:00", "", "", "sms", benchMessages[i%len(benchMessages)]})
	}
	w.Flush()
	workers := runtime.GOMAXPROCS(0)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		job := &classifyJob{checker: checker, opts: indicator.Options{DefaultRegion: "CN"}, workers: workers}
		if err := job.run(context.Background(), bytes.NewReader(in.Bytes()), records.CSV, io.Discard); err != nil {
			b.Fatal(err)
		}
		if job.sum.Accepted != n {
			b.Fatalf("accepted %d", job.sum.Accepted)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "msgs/cpu-s")
	}
}

// TestDemoContent loads the demo's messages through POST /api/v1/classify
// and checks what they leave: the scams judged so, their indicators in the
// registry as the platform's linked signals, the bank's real hotline kept
// out, and the printed examples answering.
func TestDemoContent(t *testing.T) {
	ctx := context.Background()
	a, err := openApp(ctx, appConfig{DSN: "sqlite:" + filepath.Join(t.TempDir(), "demo.db"), Region: "CN"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	sc := simulate.Generate(7, time.Now().UTC())
	var out bytes.Buffer
	tokens, err := loadScenario(ctx, a, sc, &out)
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	cd, err := loadContent(ctx, a, tokens, sc, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	if !strings.Contains(out.String(), "content: 11 messages screened") || !strings.Contains(out.String(), "7 judged scam") ||
		!strings.Contains(out.String(), "1 lookalike domain") {
		t.Errorf("summary: %s", out.String())
	}
	if cd.linked == "" {
		t.Fatal("no submitted Telegram handle to show")
	}

	// The task-scam ring's handle now carries the platform's classifier
	// signal beside the agencies' ones, linked to the ring's phone and site.
	police := auth.Principal{Org: auth.Org{ID: 1, Sector: auth.Police}, Role: auth.Analyst}
	ring := sc.Rings[0]
	handle := indicator.MustParse(indicator.Telegram, ring.Handles[0])
	sigs, err := a.registry.Signals(ctx, handle)
	if err != nil {
		t.Fatal(err)
	}
	var fromClassifier int
	for _, s := range sigs {
		if s.Source == "classifier" {
			fromClassifier++
		}
	}
	if fromClassifier != 1 {
		t.Errorf("%d classifier signals on %s, want 1", fromClassifier, handle)
	}
	prof, err := a.registry.Profile(ctx, handle, police)
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]bool{}
	for _, l := range prof.Links {
		for _, src := range l.Sources {
			if strings.HasPrefix(src, "evidence:message:sha256:") {
				linked[l.Indicator.Value()] = true
			}
		}
	}
	phone, _ := indicator.Detect(ring.Phones[0])
	if !linked[phone.Value()] || !linked["https://"+strings.TrimPrefix(ring.URLs[0], "https://")] {
		t.Errorf("the handle's links from the message: %v", linked)
	}
	if s, ok := a.registry.Lookup(indicator.MustParse(indicator.Phone, "95588"), police); ok {
		t.Errorf("the bank's real hotline is in the registry: %+v", s)
	}

	// The printed examples answer.
	var try bytes.Buffer
	printTryContent(&try, "http://x", cd)
	lines := strings.Split(strings.TrimSpace(try.String()), "\n")[1:]
	if len(lines) != 5 {
		t.Fatalf("%d examples:\n%s", len(lines), try.String())
	}
	h := a.server.Handler()
	for _, line := range lines {
		f := strings.Fields(line)
		url := strings.TrimPrefix(strings.Trim(f[len(f)-1], "'"), "http://x")
		method, body, token := "GET", []byte(nil), ""
		if i := strings.Index(line, "-d '"); i >= 0 {
			method = "POST"
			body = []byte(line[i+4 : strings.LastIndex(line, "' '")])
		}
		if i := strings.Index(line, "Bearer "); i >= 0 {
			token = line[i+7 : i+7+strings.Index(line[i+7:], "'")]
		}
		code, resp := demoCall(ctx, h, method, url, token, "application/json", body)
		if code != http.StatusOK {
			t.Errorf("%s: HTTP %d %.300s", line, code, resp)
			continue
		}
		var m map[string]any
		json.Unmarshal(resp, &m)
		switch {
		case strings.HasSuffix(url, "/public/v1/check") && m["verdict"] != "scam_likely":
			t.Errorf("%s: %v", line, m)
		case strings.HasSuffix(url, "/api/v1/classify") && m["scam"] != true && m["scam"] != 2.0:
			t.Errorf("%s: %v", line, m)
		}
	}
}
