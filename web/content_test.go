package web

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// Messages the tests classify: two scams whose indicators the registry may
// know (signalsCSV holds 138 0013 8000 and task-earn.top), and two
// ordinary ones.
const (
	taskScamZH = "【兼职】宝妈学生党在家刷单，日赚300-500元，先垫付后返佣金，加微信 abc12345 或致电 138-0013-8000，详情见 http://task-earn.top/join"
	phishingEN = "URGENT: your ICBC account is locked. Verify now at hxxps://icbc-secure-login[.]top/verify or call +63 917 000 0000 within 24 hours."
	meetingZH  = "明天下午三点开会，记得带上季度报表。"
	lunchEN    = "Hey, are we still on for lunch tomorrow at 12? I'll book a table."
)

// indicatorOf finds the indicator of kind in a result's indicators.
func indicatorOf(t *testing.T, res map[string]any, kind string) map[string]any {
	t.Helper()
	for _, x := range res["indicators"].([]any) {
		if f := x.(map[string]any); f["kind"] == kind {
			return f
		}
	}
	t.Fatalf("no %s among %v", kind, res["indicators"])
	return nil
}

func TestClassifyOne(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/api/v1/signals", "telecom/analyst", "text/csv", []byte(signalsCSV))
	body := mustJSON(map[string]string{"text": taskScamZH, "channel": "sms"})
	code, m := e.do("POST", "/api/v1/classify", "police/analyst", "application/json", []byte(body))
	if code != 200 || m["scam"] != true || m["typology"] != "task_scam" || m["score"].(float64) < 0.9 || len(m["reasons"].([]any)) == 0 {
		t.Fatalf("%d %v", code, m)
	}
	phone := indicatorOf(t, m, "phone")
	if phone["value"] != "+8613800138000" || phone["raw"] != "138-0013-8000" || phone["known"] != true {
		t.Errorf("phone %v", phone)
	}
	if risk, _ := phone["risk"].(map[string]any); risk == nil || risk["score"].(float64) == 0 || len(risk["reasons"].([]any)) == 0 {
		t.Errorf("phone risk %v", phone["risk"])
	}
	if wechat := indicatorOf(t, m, "wechat"); wechat["known"] != false || wechat["risk"] != nil {
		t.Errorf("unknown WeChat ID %v", wechat)
	}
	// The link is unknown, but the registry knows its site.
	if link := indicatorOf(t, m, "url"); link["known"] != false {
		t.Errorf("link %v", link)
	}
	if site := indicatorOf(t, m, "domain"); site["value"] != "task-earn.top" || site["derived"] != true || site["known"] != true {
		t.Errorf("the link's domain %v", site)
	}
	start, end := int(phone["start"].(float64)), int(phone["end"].(float64))
	if taskScamZH[start:end] != "138-0013-8000" {
		t.Errorf("offsets %d..%d quote %q", start, end, taskScamZH[start:end])
	}
	if _, ok := m["submitted"]; ok {
		t.Errorf("submitted without asking: %v", m)
	}

	// A phishing text: the lookalike of ICBC is named.
	code, m = e.do("POST", "/api/v1/classify", "internet/readonly", "application/json", []byte(mustJSON(map[string]string{"text": phishingEN})))
	looks, _ := m["lookalikes"].([]any)
	if code != 200 || m["scam"] != true || len(looks) != 1 {
		t.Fatalf("phishing: %d %v", code, m)
	}
	if l := looks[0].(map[string]any); l["domain"] != "icbc-secure-login.top" || l["suspicious"] != true || l["brand"] != "ICBC" {
		t.Errorf("lookalike %v", l)
	}

	// An ordinary message.
	code, m = e.do("POST", "/api/v1/classify", "finance/analyst", "application/json", []byte(`{"id":7,"text":"`+meetingZH+`"}`))
	if code != 200 || m["scam"] != false || m["typology"] != nil || m["id"] != "7" || len(m["indicators"].([]any)) != 0 {
		t.Errorf("ordinary: %d %v", code, m)
	}
}

func TestClassifyBatchForms(t *testing.T) {
	e := newEnv(t)
	msgs := []map[string]any{
		{"id": "m1", "text": taskScamZH, "channel": "sms"},
		{"id": "m2", "text": lunchEN, "channel": "chat"},
		{"id": "m3", "text": phishingEN, "channel": "sms", "sender": "+8613912345678", "recipient": "+8613700000001"},
		{"id": "m4", "text": "", "channel": "sms"},
		{"id": "m5", "text": meetingZH, "channel": "fax"},
	}
	var ndjson strings.Builder
	for _, m := range msgs {
		ndjson.WriteString(mustJSON(m) + "\n")
	}
	ndjsonBad := ndjson.String() + "{not json\n"
	csvBody := "id,time,sender,recipient,channel,text\n" +
		"m1,2026-11-27T09:00:00+08:00,,,sms," + taskScamZH + "\n" +
		"m2,,,,chat,\"" + strings.ReplaceAll(lunchEN, `"`, `""`) + "\"\n" +
		"m3,,,,sms,\"" + phishingEN + "\"\n" +
		"m4,,,,sms,\n" +
		"m5,,,,fax," + meetingZH + "\n"
	forms := []struct {
		name, ct, body string
		count          int
		lines          bool
	}{
		{"object", "application/json", mustJSON(map[string]any{"messages": msgs}), 5, false},
		{"array", "application/json", mustJSON(msgs), 5, false},
		{"ndjson", "application/x-ndjson", ndjson.String(), 5, true},
		{"ndjson with a broken line", "application/x-ndjson", ndjsonBad, 6, true},
		{"csv", "text/csv", csvBody, 5, true},
	}
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			code, m := e.do("POST", "/api/v1/classify", "internet/analyst", f.ct, []byte(f.body))
			if code != 200 || int(m["count"].(float64)) != f.count || m["scam"].(float64) != 2 || int(m["errors"].(float64)) != f.count-3 {
				t.Fatalf("%d %v", code, m)
			}
			res := m["results"].([]any)
			for i, want := range []string{"m1", "m2", "m3", "m4", "m5"} {
				if r := res[i].(map[string]any); r["id"] != want {
					t.Errorf("result %d is %v, want %s (order kept)", i, r["id"], want)
				}
			}
			wantScam := []bool{true, false, true}
			for i, w := range wantScam {
				if r := res[i].(map[string]any); r["scam"] != w || r["error"] != nil {
					t.Errorf("%s: %v", r["id"], r)
				}
			}
			if r := res[3].(map[string]any); errCode(r) != CodeInvalid || errField(r) != "text" {
				t.Errorf("empty text: %v", r)
			}
			if r := res[4].(map[string]any); errField(r) != "channel" || !strings.Contains(mustJSON(r), "fax") {
				t.Errorf("unknown channel: %v", r)
			}
			if f.lines {
				first := 1
				if f.ct == "text/csv" {
					first = 2 // the header is line 1
				}
				if r := res[0].(map[string]any); int(r["line"].(float64)) != first {
					t.Errorf("first line %v, want %d", r["line"], first)
				}
			}
			if f.count == 6 {
				if r := res[5].(map[string]any); int(r["line"].(float64)) != 6 || errCode(r) != CodeInvalid {
					t.Errorf("broken NDJSON line: %v", r)
				}
			}
		})
	}
}

func TestClassifyBadInput(t *testing.T) {
	e := newEnv(t)
	many := make([]map[string]string, MaxClassifyBatch+1)
	for i := range many {
		many[i] = map[string]string{"text": "hi"}
	}
	tests := []struct {
		name, path, ct, body string
		status               int
		code, field          string
	}{
		{"broken JSON", "/api/v1/classify", "application/json", `{"text":`, 400, CodeInvalid, ""},
		{"not an object", "/api/v1/classify", "application/json", `"just a string"`, 400, CodeInvalid, ""},
		{"wrong type", "/api/v1/classify", "application/json", `{"text": 12}`, 400, CodeInvalid, "text"},
		{"empty body", "/api/v1/classify", "application/json", ``, 400, CodeInvalid, ""},
		{"no message", "/api/v1/classify", "application/json", `{}`, 400, CodeInvalid, "text"},
		{"text and messages", "/api/v1/classify", "application/json", `{"text":"a","messages":[{"text":"b"}]}`, 400, CodeInvalid, "text"},
		{"empty list", "/api/v1/classify", "application/json", `{"messages":[]}`, 400, CodeInvalid, "messages"},
		{"blank text", "/api/v1/classify", "application/json", `{"text":"  ","channel":"sms"}`, 400, CodeInvalid, "text"},
		{"unknown channel", "/api/v1/classify", "application/json", `{"text":"hello","channel":"pigeon"}`, 400, CodeInvalid, "channel"},
		{"bad time", "/api/v1/classify", "application/json", `{"text":"hello","time":"yesterday"}`, 400, CodeInvalid, "time"},
		{"future time", "/api/v1/classify", "application/json", `{"text":"hello","time":"2030-01-01T00:00:00Z"}`, 400, CodeInvalid, "time"},
		{"bad id", "/api/v1/classify", "application/json", `{"text":"hello","id":{"a":1}}`, 400, CodeInvalid, ""},
		{"text too long", "/api/v1/classify", "application/json", mustJSON(map[string]string{"text": strings.Repeat("x", maxMessageText+1)}), 400, CodeInvalid, "text"},
		{"bad submit", "/api/v1/classify?submit=maybe", "application/json", `{"text":"hello"}`, 400, CodeInvalid, "submit"},
		{"too many", "/api/v1/classify", "application/json", mustJSON(map[string]any{"messages": many}), 413, CodeTooLarge, "messages"},
		{"too many NDJSON", "/api/v1/classify", "application/x-ndjson", strings.Repeat(`{"text":"hi"}`+"\n", MaxClassifyBatch+1), 413, CodeTooLarge, "messages"},
		{"CSV without text", "/api/v1/classify", "text/csv", "id,body\n1,hello\n", 400, CodeInvalid, ""},
		{"too large", "/api/v1/classify", "application/json", `{"text":"` + strings.Repeat("x", maxClassifyBody) + `"}`, 413, CodeTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m := e.do("POST", tt.path, "police/analyst", tt.ct, []byte(tt.body))
			if code != tt.status || errCode(m) != tt.code || errField(m) != tt.field {
				t.Errorf("got %d %.300v, want %d %s on %q", code, m, tt.status, tt.code, tt.field)
			}
		})
	}
	// A batch whose every message is bad is a bad request, answered item
	// by item.
	code, m := e.do("POST", "/api/v1/classify", "police/analyst", "application/json", []byte(`{"messages":[{"text":""},{"channel":"x","text":"a"}]}`))
	if code != 400 || m["errors"].(float64) != 2 || len(m["results"].([]any)) != 2 {
		t.Errorf("all bad: %d %v", code, m)
	}
}

func TestClassifyPermissions(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/api/v1/signals", "telecom/analyst", "text/csv", []byte(signalsCSV))
	one := []byte(mustJSON(map[string]any{"text": taskScamZH}))
	withSubmit := []byte(mustJSON(map[string]any{"text": taskScamZH, "submit": true}))
	tests := []struct {
		name, who string
		body      []byte
		status    int
	}{
		{"no token", "", one, 401},
		{"bad token", "fz_nope", one, 401},
		{"any sector may classify: finance", "finance/readonly", one, 200},
		{"any sector may classify: regulator", "regulator/analyst", one, 200},
		{"a contributor classifies without the registry's view", "telecom/contributor", one, 200},
		{"internet analyst submits", "internet/analyst", withSubmit, 200},
		{"telecom contributor submits", "telecom/contributor", withSubmit, 200},
		{"police supervisor submits", "police/supervisor", withSubmit, 200},
		{"a bank may not submit classifier signals", "finance/analyst", withSubmit, 403},
		{"a regulator may not either", "regulator/admin", withSubmit, 403},
		{"readonly may not submit", "internet/readonly", withSubmit, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m := e.do("POST", "/api/v1/classify", tt.who, "application/json", tt.body)
			if code != tt.status {
				t.Fatalf("got %d %v, want %d", code, m, tt.status)
			}
			if code == 403 && errCode(m) != CodeForbidden {
				t.Errorf("403 with %v", m)
			}
		})
	}
	// The contributor is told why the registry's view is missing.
	_, m := e.do("POST", "/api/v1/classify", "telecom/contributor", "application/json", one)
	if phone := indicatorOf(t, m, "phone"); phone["known"] != nil || phone["risk"] != nil || !strings.Contains(m["registry"].(string), "contributor") {
		t.Errorf("contributor sees %v (note %v)", phone, m["registry"])
	}
}

func TestClassifySubmitLinksSignals(t *testing.T) {
	e := newEnv(t)
	// A scam that quotes the real ICBC hotline and site beside its own
	// number, Telegram handle and lookalike site.
	scam := "【工商银行】您的账户存在异常已被冻结，请立即登录 http://icbc-secure-login.top/verify 完成验证，" +
		"或联系客服电话 +63 917 000 0000、Telegram @icbc_help_desk。官方网站 www.icbc.com.cn，客服热线95588。"
	body := []byte(mustJSON(map[string]any{"messages": []map[string]any{
		{"id": "a", "text": scam, "channel": "sms", "time": "2026-11-26T10:00:00+08:00"},
		{"id": "b", "text": lunchEN, "channel": "chat"},
	}, "submit": true}))
	code, m := e.do("POST", "/api/v1/classify", "internet/analyst", "application/json", body)
	if code != 200 {
		t.Fatalf("%d %v", code, m)
	}
	sub := m["submitted"].(map[string]any)
	if sub["messages"].(float64) != 1 || sub["signals"].(float64) != 3 || sub["added"].(float64) != 3 || sub["links"].(float64) != 3 || sub["skipped"].(float64) != 3 {
		t.Fatalf("submitted %v in %v", sub, m)
	}
	first := m["results"].([]any)[0].(map[string]any)
	for _, x := range first["indicators"].([]any) {
		f := x.(map[string]any)
		switch f["value"] {
		case "95588", "www.icbc.com.cn":
			if f["submitted"] != false || f["not_submitted"] == "" {
				t.Errorf("a real ICBC contact was submitted: %v", f)
			}
		case "icbc-secure-login.top":
			if f["derived"] != true || f["submitted"] != false {
				t.Errorf("the domain of the link, not written alone, was submitted: %v", f)
			}
		default:
			if f["submitted"] != true {
				t.Errorf("not submitted: %v", f)
			}
		}
	}
	if second := m["results"].([]any)[1].(map[string]any); second["scam"] != false {
		t.Errorf("the ordinary message %v", second)
	}

	// Another organisation sees the classifier's signals on the phone and
	// the links to the rest of the message.
	code, m = e.do("GET", "/api/v1/indicators/phone/+639170000000", "police/analyst", "", nil)
	sigs, _ := m["signals"].([]any)
	if code != 200 || len(sigs) != 1 {
		t.Fatalf("profile: %d %v", code, m)
	}
	sig := sigs[0].(map[string]any)
	if sig["source"] != "classifier" || sig["tlp"] != "GREEN" || sig["organisation"] != "internet org" ||
		!strings.HasPrefix(sig["evidence"].(string), "message:sha256:") || sig["confidence"].(float64) > classifierTrust || sig["confidence"].(float64) < 0.3 {
		t.Errorf("signal %v", sig)
	}
	if sig["last_seen"] != "2026-11-26T02:00:00Z" {
		t.Errorf("last seen %v, want the message's time", sig["last_seen"])
	}
	linked := map[string]bool{}
	for _, x := range m["links"].([]any) {
		linked[x.(map[string]any)["value"].(string)] = true
	}
	if !linked["http://icbc-secure-login.top/verify"] || !linked["icbc_help_desk"] || len(linked) != 2 {
		t.Errorf("links %v", linked)
	}
	// Sending the same message again adds nothing.
	_, m = e.do("POST", "/api/v1/classify", "internet/analyst", "application/json", body)
	if sub := m["submitted"].(map[string]any); sub["added"].(float64) != 0 || sub["signals"].(float64) != 3 {
		t.Errorf("re-sent: %v", sub)
	}
	// NDJSON takes submit as a parameter.
	_, m = e.do("POST", "/api/v1/classify?submit=true", "telecom/analyst", "application/x-ndjson", []byte(mustJSON(map[string]string{"text": taskScamZH})+"\n"))
	if sub, _ := m["submitted"].(map[string]any); sub == nil || sub["added"].(float64) != 3 {
		t.Errorf("NDJSON submit: %v", m)
	}
}

func TestClassifyAudit(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/api/v1/signals", "telecom/analyst", "text/csv", []byte(signalsCSV))
	e.do("POST", "/api/v1/classify", "police/analyst", "application/json", []byte(mustJSON(map[string]string{"text": taskScamZH})))
	e.do("POST", "/api/v1/classify", "internet/analyst", "application/json", []byte(mustJSON(map[string]any{"text": phishingEN, "submit": true})))
	e.do("POST", "/api/v1/classify", "finance/analyst", "application/json", []byte(mustJSON(map[string]any{"text": phishingEN, "submit": true})))
	e.do("POST", "/public/v1/check", "", "application/json", []byte(mustJSON(map[string]string{"text": taskScamZH})))
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, m := e.do("GET", "/api/v1/audit?limit=50", "regulator/admin", "", nil)
	var lines []string
	for _, x := range m["entries"].([]any) {
		en := x.(map[string]any)
		lines = append(lines, en["action"].(string)+" "+en["target"].(string)+" "+en["organisation"].(string)+" "+mustJSON(en["detail"]))
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		"classify batch:1 police org",
		"phone:+8613800138000", // what the police learned the registry knows
		"classify batch:1 internet org",
		"classify.submit batch:2 internet org",
		"denied:signals.submit /api/v1/classify finance org",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("audit lacks %q:\n%s", want, all)
		}
	}
	for _, never := range []string{"刷单", "URGENT", "public"} {
		if strings.Contains(all, never) {
			t.Errorf("audit holds %q (a text, or the public check):\n%s", never, all)
		}
	}
}

func TestClassifyAuditDown(t *testing.T) {
	e := newEnv(t)
	e.breakAudit()
	var code int
	var m map[string]any
	for range 5 {
		code, m = e.do("POST", "/api/v1/classify", "police/analyst", "application/json", []byte(mustJSON(map[string]string{"text": taskScamZH})))
	}
	if code != 503 || errCode(m) != CodeUnavailable {
		t.Errorf("classify with the audit log down: %d %v", code, m)
	}
	// The public check is no agency read: it answers all the same.
	if code, m := e.do("POST", "/public/v1/check", "", "application/json", []byte(mustJSON(map[string]string{"text": taskScamZH}))); code != 200 {
		t.Errorf("public check with the audit log down: %d %v", code, m)
	}
}

func TestPublicMessageCheck(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/api/v1/signals", "telecom/analyst", "text/csv", []byte(signalsCSV))
	inds, sigs := e.srv.registry.Index().Len()

	// Chinese, asked in Chinese: the CLEAR signal on task-earn.top is in
	// the public view; the GREEN one on the phone is not.
	code, m := e.do("POST", "/public/v1/check", "", "application/json", []byte(mustJSON(map[string]string{"text": taskScamZH, "lang": "zh"})))
	if code != 200 || m["verdict"] != MessageScamLikely || m["typology"] != "task_scam" || m["typology_name"] != "刷单返利" || m["lang"] != "zh" {
		t.Fatalf("zh: %d %v", code, m)
	}
	text := mustJSON(m)
	for _, want := range []string{"96110", "垫付", "很可能是诈骗"} {
		if !strings.Contains(text, want) {
			t.Errorf("zh answer lacks %q: %s", want, text)
		}
	}
	if strings.Contains(text, "(+") {
		t.Errorf("the public sees the model's weights: %s", text)
	}
	if phone := indicatorOf(t, m, "phone"); phone["verdict"] != "no_reports" {
		t.Errorf("the public sees a GREEN signal: %v", phone)
	}
	if site := indicatorOf(t, m, "domain"); site["value"] != "task-earn.top" || site["verdict"] == "no_reports" {
		t.Errorf("the CLEAR signal on the link's site is not shown: %v", site)
	}
	if !strings.Contains(text, "task-earn.top 已被举报用于诈骗") {
		t.Errorf("the reasons do not say the site was reported: %s", text)
	}

	// English, language from the text; a lookalike site is warned of.
	code, m = e.do("POST", "/public/v1/check", "", "application/json", []byte(mustJSON(map[string]string{"text": phishingEN})))
	looks, _ := m["lookalikes"].([]any)
	if code != 200 || m["verdict"] != MessageScamLikely || m["lang"] != "en" || len(looks) != 1 {
		t.Fatalf("en: %d %v", code, m)
	}
	if l := looks[0].(map[string]any); l["brand"] != "ICBC" || l["official"] != "icbc.com.cn" || !strings.Contains(l["warning"].(string), "icbc-secure-login.top") {
		t.Errorf("lookalike %v", l)
	}
	if text := mustJSON(m); !strings.Contains(text, "110") || !strings.Contains(text, "verification code") {
		t.Errorf("en advice: %s", text)
	}

	// Ordinary messages, one as text/plain.
	code, m = e.do("POST", "/public/v1/check", "", "application/json", []byte(mustJSON(map[string]string{"text": lunchEN, "lang": "en"})))
	if code != 200 || m["verdict"] != MessageNoSign || m["typology"] != nil || len(m["advice"].([]any)) == 0 {
		t.Errorf("ordinary en: %d %v", code, m)
	}
	code, m = e.do("POST", "/public/v1/check?lang=zh", "", "text/plain; charset=utf-8", []byte(meetingZH))
	if code != 200 || m["verdict"] != MessageNoSign || m["lang"] != "zh" {
		t.Errorf("ordinary zh as text/plain: %d %v", code, m)
	}

	// Nothing was stored.
	if i, s := e.srv.registry.Index().Len(); i != inds || s != sigs {
		t.Errorf("the public check stored something: %d/%d indicators, %d/%d signals", i, inds, s, sigs)
	}
}

func TestPublicMessageCheckLimits(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, ct, body string
		status         int
		code, field    string
	}{
		{"empty", "application/json", `{"text":""}`, 400, CodeInvalid, "text"},
		{"broken JSON", "application/json", `{"text":`, 400, CodeInvalid, ""},
		{"unknown language", "application/json", `{"text":"hello","lang":"fr"}`, 400, CodeInvalid, "lang"},
		{"unknown channel", "application/json", `{"text":"hello","channel":"fax"}`, 400, CodeInvalid, "channel"},
		{"over 4 KB of text", "application/json", mustJSON(map[string]string{"text": strings.Repeat("刷单", maxPublicText/6+1)}), 413, CodeTooLarge, "text"},
		{"over the body limit", "text/plain", strings.Repeat("x", maxPublicCheckBody+1), 413, CodeTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m := e.do("POST", "/public/v1/check", "", tt.ct, []byte(tt.body))
			if code != tt.status || errCode(m) != tt.code || errField(m) != tt.field {
				t.Errorf("got %d %v, want %d %s on %q", code, m, tt.status, tt.code, tt.field)
			}
		})
	}
	// 4 KB of Chinese sent as \u escapes still fits the body limit.
	escaped, _ := json.Marshal(map[string]string{"text": strings.Repeat("刷", maxPublicText/3)})
	escaped = []byte(strings.NewReplacer("刷", `\u5237`).Replace(string(escaped)))
	if code, m := e.do("POST", "/public/v1/check", "", "application/json", escaped); code != 200 {
		t.Errorf("4 KB of escaped Chinese: %d %v", code, m)
	}

	// The public rate limit applies, shared with the indicator check.
	e.srv.limiter = newLimiter(0.001, 3)
	var codes []int
	for i := range 5 {
		path, method, body := "/public/v1/check", "POST", []byte(`{"text":"hello"}`)
		if i == 0 {
			method, path, body = "GET", "/public/v1/check?q=13800138000", nil
		}
		code, _ := e.do(method, path, "", "application/json", body)
		codes = append(codes, code)
	}
	if codes[2] != 200 || codes[3] != 429 || codes[4] != 429 {
		t.Errorf("codes %v, want 3×200 then 429", codes)
	}
}

// TestPublicReasonsInChinese: every cue the classifier may name has words
// for the Chinese answer, checked on texts that fire many cues.
func TestPublicReasonsInChinese(t *testing.T) {
	e := newEnv(t)
	for _, text := range []string{taskScamZH, phishingEN,
		"我是公安局的，你涉嫌洗钱，需将资金转到安全账户配合调查，不要告诉家人，否则将被通缉。",
		"高薪招聘打字员，无需经验，日结800元，包吃住包机票去泰国，先交300元培训费，联系Telegram @job_th_hr",
	} {
		_, m := e.do("POST", "/public/v1/check", "", "application/json", []byte(mustJSON(map[string]string{"text": text, "lang": "zh"})))
		for _, r := range m["reasons"].([]any) {
			s := r.(string)
			head, _, _ := strings.Cut(s, "：")
			if head == s {
				head, _, _ = strings.Cut(s, ": ")
			}
			ascii := true
			for _, c := range head {
				ascii = ascii && c < 0x80
			}
			if ascii && head != "" {
				t.Errorf("reason in English in a Chinese answer: %q", s)
			}
		}
	}
}

// TestClassifyLargeBatch: a batch large enough to be split across the
// CPUs comes back whole and in order (run with -race).
func TestClassifyLargeBatch(t *testing.T) {
	e := newEnv(t)
	texts := []string{taskScamZH, lunchEN, phishingEN, meetingZH}
	var nd strings.Builder
	const n = 1200
	for i := range n {
		nd.WriteString(mustJSON(map[string]any{"id": i, "text": texts[i%len(texts)]}) + "\n")
	}
	code, m := e.do("POST", "/api/v1/classify?submit=true", "police/analyst", "application/x-ndjson", []byte(nd.String()))
	if code != 200 || int(m["count"].(float64)) != n || int(m["scam"].(float64)) != n/2 {
		t.Fatalf("%d count %v scam %v", code, m["count"], m["scam"])
	}
	for i, x := range m["results"].([]any) {
		r := x.(map[string]any)
		if r["id"] != strconv.Itoa(i) || int(r["line"].(float64)) != i+1 || r["scam"] != (i%2 == 0) {
			t.Fatalf("result %d: %v", i, r)
		}
	}
	// Identical texts are one piece of evidence: their signals are stored once.
	if sub := m["submitted"].(map[string]any); sub["added"].(float64) != 5 || sub["signals"].(float64) != n/4*5 || sub["links"].(float64) != 4 {
		t.Errorf("submitted %v", sub)
	}
}
