package content

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dataDir is ../shared/data seen from this package; tests that need it skip
// when it is missing.
const dataDir = "../../shared/data"

func needData(t testing.TB) []*Dataset {
	t.Helper()
	if _, err := os.Stat(dataDir); err != nil {
		t.Skipf("no datasets at %s: %v", dataDir, err)
	}
	ds, err := LoadDatasets(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestLoadDatasets(t *testing.T) {
	ds := needData(t)
	want := map[string]struct{ raw, scams int }{
		UCISMS:      {5574, 747},
		TelecomZH:   {11773, 4000},
		ChatFraudZH: {233, 101},
	}
	for _, d := range ds {
		w := want[d.Name]
		scams := 0
		for _, e := range d.Examples {
			if e.Scam {
				scams++
			}
			if d.Name == TelecomZH && strings.Contains(e.Text, "DIGIT") {
				t.Errorf("placeholder left in %q", e.Text)
			}
		}
		if got := len(d.Examples) + d.Duplicates; got != w.raw {
			t.Errorf("%s: %d texts + %d duplicates, want %d rows", d.Name, len(d.Examples), d.Duplicates, w.raw)
		}
		if scams > w.scams || scams < w.scams*8/10 {
			t.Errorf("%s: %d scams after de-duplication, want at most %d and not far fewer", d.Name, scams, w.scams)
		}
	}
	if _, err := LoadDatasets(t.TempDir()); err == nil || !strings.Contains(err.Error(), UCISMS) {
		t.Errorf("missing data: err %v, want it to name the dataset", err)
	}
}

func TestLoadErrorsName(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, UCISMS), 0o755)
	os.WriteFile(filepath.Join(dir, UCISMS, "SMSSpamCollection"), []byte("ham\tfine\nmaybe\tbad label\n"), 0o644)
	_, err := loadUCISMS(dir)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad label: err %v, want it to name line 2", err)
	}
}

func TestDedupe(t *testing.T) {
	d := &Dataset{Examples: []Example{
		{Text: "a", Class: "ham"}, {Text: "b", Class: "spam"}, {Text: "a", Class: "ham"},
		{Text: "c", Class: "ham"}, {Text: "c", Class: "spam"}, {Text: "d", Class: "ham"},
	}}
	d.dedupe()
	var kept []string
	for _, e := range d.Examples {
		kept = append(kept, e.Text)
	}
	if !slices.Equal(kept, []string{"a", "b", "d"}) || d.Duplicates != 2 || d.Conflicts != 1 {
		t.Errorf("kept %v, %d duplicates, %d conflicts; want [a b d], 2, 1", kept, d.Duplicates, d.Conflicts)
	}
}

func TestPlaceholders(t *testing.T) {
	got := placeholders.Replace("尊敬的NAME，满DIGIT元减，点击[URL]，详询PHONE")
	want := "尊敬的，满8元减，点击" + exampleURL + "，详询" + examplePhone
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSplit(t *testing.T) {
	var ex []Example
	for i := range 1000 {
		class := "ham"
		if i%5 == 0 {
			class = "spam"
		}
		ex = append(ex, Example{Text: fmt.Sprint("text ", i), Scam: class == "spam", Class: class})
	}
	d := &Dataset{Examples: ex}
	s := SplitDataset(d, SplitSeed)
	if len(s.Test) != 200 || len(s.Valid) != 100 || len(s.Fit) != 700 {
		t.Fatalf("sizes %d/%d/%d, want 700/100/200", len(s.Fit), len(s.Valid), len(s.Test))
	}
	count := func(ex []Example) (n int) {
		for _, e := range ex {
			if e.Scam {
				n++
			}
		}
		return n
	}
	if count(s.Test) != 40 || count(s.Valid) != 20 {
		t.Errorf("not stratified: %d scams in test, %d in validation; want 40, 20", count(s.Test), count(s.Valid))
	}
	seen := map[string]bool{}
	for _, e := range slices.Concat(s.Fit, s.Valid, s.Test) {
		if seen[e.Text] {
			t.Fatalf("%q in two parts", e.Text)
		}
		seen[e.Text] = true
	}
	// The split depends on the texts, not their order; another seed gives
	// another split.
	shuffled := slices.Clone(ex)
	rand.New(rand.NewPCG(9, 9)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	s2 := SplitDataset(&Dataset{Examples: shuffled}, SplitSeed)
	if !sameTexts(s.Test, s2.Test) || !sameTexts(s.Valid, s2.Valid) {
		t.Error("the split changed with the order of the examples")
	}
	if sameTexts(s.Test, SplitDataset(d, 2).Test) {
		t.Error("seed 2 gives the same test set as seed 1")
	}
	if sm := SplitDataset(&Dataset{Examples: ex, SmokeOnly: true}, SplitSeed); len(sm.Test) != 1000 || len(sm.Fit) != 0 {
		t.Error("a smoke-only dataset is not all test")
	}
}

func sameTexts(a, b []Example) bool {
	ta, tb := textsOf(a), textsOf(b)
	slices.Sort(ta)
	slices.Sort(tb)
	return slices.Equal(ta, tb)
}

func textsOf(ex []Example) []string {
	var out []string
	for _, e := range ex {
		out = append(out, e.Text)
	}
	return out
}

// toyCorpus is a small made-up corpus, enough to train on in milliseconds.
func toyCorpus() []Example {
	scams := []struct{ text, typ string }{
		{"您的银行卡涉嫌洗钱，请转入安全账户", ImpersonationOfficial},
		{"我是公安局民警，你涉嫌犯罪，需配合调查", ImpersonationOfficial},
		{"低息贷款，额度高，放款前交解冻费", Loan},
		{"无抵押贷款秒批，先交保证金", Loan},
		{"我是淘宝客服，您的订单异常，为您办理退款", CustomerService},
		{"快递丢失，客服为您理赔双倍赔偿", CustomerService},
		{"WINNER! claim your cash prize, call 09061701461", ""},
		{"Free entry to win a prize, text WIN to 87121", ""},
	}
	hams := []string{
		"明天下午开会，记得带报告", "妈，我晚点回家吃饭", "周末一起去爬山吗", "快递已放门卫室，请取件",
		"are we still on for lunch", "ok see you at 7", "thanks for the lift home", "call me when you land",
	}
	var ex []Example
	for range 5 { // repeated with a suffix so there is something to learn
		for i, s := range scams {
			ex = append(ex, Example{Text: fmt.Sprint(s.text, " ", i, len(ex)), Scam: true, Typology: s.typ, Class: "scam"})
		}
		for i, h := range hams {
			ex = append(ex, Example{Text: fmt.Sprint(h, " ", i, len(ex)), Class: "ham"})
		}
	}
	return ex
}

func TestTrainToy(t *testing.T) {
	samples := featurise(toyCorpus())
	for _, approach := range Approaches {
		m, err := trainModel(approach, samples, TrainOptions{HashBits: 12}, "toy")
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Classes(); !slices.Equal(got, []string{Loan, CustomerService, ImpersonationOfficial, Other}) {
			t.Errorf("%s: classes %v", approach, got)
		}
		for _, tc := range []struct {
			text     string
			scam     bool
			typology string
		}{
			{"请把钱转入安全账户，配合民警调查", true, ImpersonationOfficial},
			{"客服为您办理退款理赔", true, CustomerService},
			{"明天一起吃饭吗", false, ""},
		} {
			v, err := m.Classify(tc.text, "")
			if err != nil {
				t.Fatal(err)
			}
			if v.Scam != tc.scam || v.Typology != tc.typology {
				t.Errorf("%s: %q: scam=%v (%.2f) %q, want %v %q", approach, tc.text, v.Scam, v.Score, v.Typology, tc.scam, tc.typology)
			}
		}

		// The model survives a round trip through its file, and training is
		// reproducible to the byte.
		var a, b bytes.Buffer
		if _, err := m.WriteTo(&a); err != nil {
			t.Fatal(err)
		}
		m2, err := trainModel(approach, featurise(toyCorpus()), TrainOptions{HashBits: 12}, "toy")
		if err != nil {
			t.Fatal(err)
		}
		m2.WriteTo(&b)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two trainings on the same data give different files", approach)
		}
		back, err := Load(bytes.NewReader(a.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if back.Approach() != approach || back.HashBits() != 12 || back.Note() != "toy" {
			t.Errorf("%s: loaded back as %s, %d bits, note %q", approach, back.Approach(), back.HashBits(), back.Note())
		}
		for _, text := range []string{"请转入安全账户", "claim your prize now", "see you"} {
			v1, _ := m.Classify(text, "sms")
			v2, _ := back.Classify(text, "sms")
			if v1.Score != v2.Score || v1.Typology != v2.Typology || !slices.Equal(v1.Reasons, v2.Reasons) {
				t.Errorf("%s: %q classified differently after loading: %+v vs %+v", approach, text, v1, v2)
			}
		}
	}
}

func TestTrainErrors(t *testing.T) {
	samples := featurise(toyCorpus())
	for _, tc := range []struct {
		name     string
		approach string
		samples  []sample
		opts     TrainOptions
		want     string
	}{
		{"no data", LogReg, nil, TrainOptions{}, "no training examples"},
		{"no scams", LogReg, featurise([]Example{{Text: "hi", Class: "ham"}}), TrainOptions{}, "no scam examples"},
		{"bad approach", "svm", samples, TrainOptions{}, "unknown approach"},
		{"too wide", LogReg, samples, TrainOptions{HashBits: 30}, "out of range"},
	} {
		_, err := trainModel(tc.approach, tc.samples, tc.opts, "")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
}
