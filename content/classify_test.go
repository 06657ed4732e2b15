package content

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// embeddedModel returns the shipped model or fails the test: every test
// here judges the model that ships.
func shippedModel(t testing.TB) *Model {
	t.Helper()
	m, err := Embedded()
	if err != nil {
		t.Fatalf("embedded model: %v", err)
	}
	return m
}

// jobAds is a small hand-made set of realistic job ads (channel job_ad):
// scams of the kinds seen in Chinese and English recruitment fraud —
// deposits and fees, pay far above market, overseas work with travel
// arranged, "no experience, daily pay", contact only on Telegram or
// WhatsApp — and ordinary ads that must score low. Written for these tests;
// names, numbers and addresses are made up.
var jobAds = []struct {
	name string
	text string
	scam bool
	// for scams: acceptable typologies, and cues that must be among the
	// reasons
	typologies []string
	cues       []string
}{
	// Scams, Chinese.
	{name: "zh typing job with training fee", scam: true, typologies: []string{FakeJob, TaskScam},
		cues: []string{"job_fee", "no_experience"},
		text: "【高薪招聘】手机兼职打字员，无需经验，在家就能做，日结300-800元，多劳多得！有意者加微信：abc12345，入职需交198元培训费，学完即可上岗。"},
	{name: "zh Cambodia customer service with flights", scam: true, typologies: []string{FakeJob},
		cues: []string{"overseas_job", "intl_chat"},
		text: "诚聘海外高薪岗位：柬埔寨西港客服专员，月薪2-3万，包吃住、包机票，无需经验，不限学历，落地接机。联系飞机@kh_hr888"},
	{name: "zh order brushing with advance payment", scam: true, typologies: []string{TaskScam},
		cues: []string{"task", "task_prepay"},
		text: "急招淘宝刷单员，一单一结，佣金5%-15%，只需一部手机，宝妈学生党优先。先垫付后返款，做任务请加QQ 3008775615"},
	{name: "zh likes for pay", scam: true, typologies: []string{TaskScam, FakeJob},
		cues: []string{"task", "daily_pay"},
		text: "招聘抖音点赞员，关注点赞就能赚钱，日赚500+，当天结算，零门槛。下载APP注册即可开始接任务。"},
	{name: "zh Dubai hotel job with deposit", scam: true, typologies: []string{FakeJob},
		cues: []string{"overseas_job", "job_asks_money"},
		text: "【迪拜高薪招聘】酒店前台，月入5万，公司报销机票、办签证，需先交3000元保证金，到岗后退还。微信vx: dubai_job66"},
	{name: "zh factory job with uniform and medical fees", scam: true, typologies: []string{FakeJob},
		cues: []string{"job_fee"},
		text: "电子厂直招普工，时薪35元，包吃住，需缴纳服装费、体检费共计380元，名额有限，速来报名！"},

	// Scams, English.
	{name: "en likes on WhatsApp", scam: true, typologies: []string{FakeJob, TaskScam},
		cues: []string{"no_experience", "intl_chat", "high_pay"},
		text: "We are hiring! Work from home, no experience needed. Earn $300-$800 per day just by liking YouTube videos. Contact our HR on WhatsApp +1 (302) 555-0147 to start today."},
	{name: "en Bangkok job with flights and visa", scam: true, typologies: []string{FakeJob},
		cues: []string{"overseas_job", "intl_chat"},
		text: "URGENT HIRING: Customer service staff for our Bangkok office. Salary $3,000/month, free flight tickets and accommodation provided, visa sponsorship. No experience required. Apply on Telegram @thaijobs_hr"},
	{name: "en product rating with deposit", scam: true, typologies: []string{TaskScam, FakeJob},
		cues: []string{"task", "job_via_chat"},
		text: "Part-time job offer: rate products online, 20-30 minutes a day, earn $200 daily. Paid same day. A refundable deposit of $50 is required to activate your account. Text me on Telegram: @amz_tasks"},
	{name: "en data entry with equipment fee", scam: true, typologies: []string{FakeJob},
		cues: []string{"job_fee", "job_asks_money"},
		text: "Remote data entry position, $45/hour, flexible hours, no skills required. To receive your work laptop, you must first pay the equipment fee of $150 via gift card."},
	{name: "en fake recruiter", scam: true, typologies: []string{FakeJob, TaskScam},
		cues: []string{"daily_pay", "intl_chat"},
		text: "Congratulations! Your CV has been selected for an online position with Amazon. Daily pay 500-1000 USD. Reply YES and our recruiter will contact you on WhatsApp."},

	// Ordinary ads, Chinese.
	{name: "zh software engineer", scam: false,
		text: "【招聘】上海某软件公司招聘Java开发工程师。岗位职责：负责后端服务开发与维护。任职要求：本科及以上学历，3年以上开发经验。薪资15-25K，五险一金，双休，带薪年假。简历请投递至hr@example-soft.com。"},
	{name: "zh supermarket cashier", scam: false,
		text: "连锁超市招聘收银员2名，要求：高中及以上学历，有责任心，能适应轮班。待遇：底薪3500+绩效，缴纳社保，试用期一个月。面试地点：朝阳区建国路88号，联系电话：010-65001234。"},
	{name: "zh restaurant waiter", scam: false,
		text: "本地餐厅诚聘服务员，月薪4500-5500元，包工作餐，月休4天。有意者请携带身份证到店面试，地址：天河区体育西路100号。"},
	{name: "zh hospital nurse", scam: false,
		text: "某三甲医院招聘护士若干名，要求护理专业大专及以上学历，持有护士执业证书。签订劳动合同，五险一金。请将简历发送至医院人事科邮箱。"},
	{name: "zh truck driver", scam: false,
		text: "物流公司招聘货车司机，需持B2驾照，3年以上驾龄。月薪8000-12000元，缴纳五险一金。报名请致电人事部王女士 0755-26001234。"},

	// Ordinary ads, English.
	{name: "en backend engineer", scam: false,
		text: "Senior Backend Engineer (Go), Berlin. Responsibilities: design and operate our payment APIs. Requirements: 5+ years of experience with Go and PostgreSQL. Benefits: health insurance, 30 days paid time off, pension plan. Apply via our careers page."},
	{name: "en barista", scam: false,
		text: "Barista wanted at Riverside Cafe. Part-time, 20 hours per week, $16.50 per hour plus tips. Previous coffee experience preferred. Drop your resume in store or email jobs@riversidecafe.com."},
	{name: "en nurse", scam: false,
		text: "Registered Nurse, night shift. St. Mary's Hospital is hiring RNs for the medical-surgical unit. Qualifications: current RN license, BLS certification. Pay $42-$55 per hour depending on experience. We are an equal opportunity employer."},
	{name: "en warehouse", scam: false,
		text: "Warehouse Associate, full-time. Pick, pack and ship orders. Must be able to lift 50 lbs. $18/hour, weekly pay, overtime available. Apply online; interviews held Monday to Friday."},
	{name: "en graduate accountant", scam: false,
		text: "Graduate Accountant, London. Join our audit team. Requirements: degree in accounting or finance, working towards ACA or ACCA. Salary £30,000 per year plus study support and pension."},
}

func TestJobAds(t *testing.T) {
	m := shippedModel(t)
	for _, tc := range jobAds {
		t.Run(tc.name, func(t *testing.T) {
			v, err := m.Classify(tc.text, "job_ad")
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("score %.3f typology %s (%.2f)\n  %s", v.Score, v.Typology, v.TypologyScore, strings.Join(v.Reasons, "\n  "))
			if !tc.scam {
				if v.Scam || v.Score >= 0.3 {
					t.Errorf("an ordinary job ad scored %.3f (scam=%v), want < 0.3", v.Score, v.Scam)
				}
				return
			}
			if !v.Scam || v.Score < 0.7 {
				t.Errorf("a scam job ad scored %.3f (scam=%v), want >= 0.7", v.Score, v.Scam)
			}
			if !slices.Contains(tc.typologies, v.Typology) {
				t.Errorf("typology %s, want one of %v", v.Typology, tc.typologies)
			}
			for _, c := range tc.cues {
				if !hasCue(v, c) {
					t.Errorf("cue %s not among the evidence", c)
				}
			}
		})
	}
}

func hasCue(v Verdict, name string) bool {
	for _, e := range v.Evidence {
		if e.Kind == "cue" && e.Cue == name {
			return true
		}
	}
	return false
}

// TestTypologies checks that typical scams of every typology, most of them
// unlike anything in the training data, get a sensible typology, and that
// ordinary messages stay low.
func TestTypologies(t *testing.T) {
	m := shippedModel(t)
	cases := []struct {
		text, channel string
		scam          bool
		typology      string
	}{
		{"您好，这里是市公安局刑侦支队，您的银行卡涉嫌洗钱，请立即将资金转入安全账户配合调查，此事需要保密，不要告诉任何人。", "sms", true, ImpersonationOfficial},
		{"This is the police. Your bank account is linked to money laundering. Move your savings to a safe account today and do not tell anyone.", "sms", true, ImpersonationOfficial},
		{"亲，您在淘宝购买的商品有质量问题，我们将为您办理双倍赔偿退款，请添加客服QQ处理。", "sms", true, CustomerService},
		{"无抵押低息贷款，额度5-50万，当天放款，放款前需先交解冻费。", "sms", true, Loan},
		{"您的征信有逾期记录，我们可以帮您修复征信、消除不良记录，收费低。", "sms", true, CreditRepair},
		{"老师带单，USDT稳赚不赔，日收益10%，加入我们的投资群，名额有限。", "chat", true, Investment},
		{"你好，你在交易猫上架的王者荣耀账号我已经拍下了，但平台提示你的账户被冻结，需要先交500元保证金解冻才能收款，请加客服QQ处理。", "chat", true, GameTrade},
		{"Your account has been suspended due to unusual activity. Verify your details at http://secure-bank-login.top within 24 hours.", "email", true, Phishing},
		{"Hi mum, I lost my phone, this is my new number. Can you transfer £300 for rent today? Don't tell dad.", "sms", true, ImpersonationAcquaintance},
		{"刷单返利，一单一结，佣金日结，先垫付后返还本金加佣金，加QQ群领任务。", "chat", true, TaskScam},
		{"WINNER!! You have been selected to receive a £1000 cash prize. Call 09061701461 now to claim.", "sms", true, Other},
		{"妈，我今晚加班，晚点回家吃饭，不用等我。", "chat", false, ""},
		{"【中国移动】尊敬的客户，您本月话费账单已出，请登录中国移动APP查询。", "sms", false, ""},
		{"Hey, are we still on for lunch tomorrow at 12? I'll book a table.", "chat", false, ""},
		{"明天下午三点开会，请大家准时参加，带上季度报告。", "chat", false, ""},
		{"Your dentist appointment is confirmed for Tuesday 14 May at 9:30. Reply C to cancel.", "sms", false, ""},
	}
	for _, tc := range cases {
		v, err := m.Classify(tc.text, tc.channel)
		if err != nil {
			t.Fatal(err)
		}
		if v.Scam != tc.scam || v.Typology != tc.typology {
			t.Errorf("%q:\n got scam=%v (%.3f) typology %q, want scam=%v typology %q\n  %s", tc.text, v.Scam, v.Score, v.Typology, tc.scam, tc.typology, strings.Join(v.Reasons, "\n  "))
		}
	}
}

// TestExplanations checks that reasons quote the message and give weights.
func TestExplanations(t *testing.T) {
	m := shippedModel(t)
	text := "入职需先交押金500元和培训费，日结工资，无需经验，联系Telegram @hr_job"
	v, err := m.Classify(text, "job_ad")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Reasons) == 0 || len(v.Evidence) == 0 {
		t.Fatalf("no reasons: %+v", v)
	}
	if !strings.HasPrefix(v.Reasons[0], "typology ") {
		t.Errorf("first reason %q, want the typology", v.Reasons[0])
	}
	for _, e := range v.Evidence {
		if e.Text != "" && !strings.Contains(text, e.Text) {
			t.Errorf("evidence %q does not quote the message", e.Text)
		}
		if e.Weight <= 0 {
			t.Errorf("evidence %+v does not push towards scam", e)
		}
	}
	joined := strings.Join(v.Reasons, "\n")
	for _, want := range []string{"培训费", "Telegram", "(+"} {
		if !strings.Contains(joined, want) {
			t.Errorf("reasons do not mention %q:\n%s", want, joined)
		}
	}
	// An ordinary message is explained by what makes it ordinary.
	v, err = m.Classify("周末一起去爬山吗？天气预报说周六晴天。", "chat")
	if err != nil {
		t.Fatal(err)
	}
	if v.Scam || len(v.Reasons) == 0 {
		t.Fatalf("ordinary message: %+v", v)
	}
	for _, e := range v.Evidence {
		if e.Weight >= 0 {
			t.Errorf("ordinary message evidence %+v pushes towards scam", e)
		}
	}
}

func TestClassifyInputs(t *testing.T) {
	m := shippedModel(t)
	if _, err := m.Classify("hello", "fax"); err == nil || !strings.Contains(err.Error(), "unknown channel") {
		t.Errorf("unknown channel: err %v", err)
	}
	for _, text := range []string{
		"", " ", "\x00\xff\xfe", strings.Repeat("押金", 100000), strings.Repeat("a", maxTextBytes+3),
		"ＷＷＷ．ｅｘａｍｐｌｅ．ｔｏｐ", "@", "1,", "3万", "$", "日结", "\u200b\u3000\t\n", strings.Repeat("9", 5000),
	} {
		for _, ch := range append([]string{""}, Channels...) {
			v, err := m.Classify(text, ch)
			if err != nil {
				t.Fatalf("%q/%s: %v", text, ch, err)
			}
			if !(v.Score >= 0 && v.Score <= 1) || len(v.Reasons) == 0 {
				t.Fatalf("%.20q/%s: %+v", text, ch, v)
			}
		}
	}
	// The package function uses the same embedded model.
	a, err := Classify("您的账户涉嫌洗钱，请转入安全账户", "sms")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Classify("您的账户涉嫌洗钱，请转入安全账户", "sms")
	if a.Score != b.Score || a.Typology != b.Typology {
		t.Errorf("Classify %+v differs from the embedded model's %+v", a, b)
	}
}

func TestFullWidthEvasion(t *testing.T) {
	m := shippedModel(t)
	plain, _ := m.Classify("加微信领取返利，日结，www.example.top", "sms")
	wide, _ := m.Classify("加微信领取返利，日结，ｗｗｗ．ｅｘａｍｐｌｅ．ｔｏｐ", "sms")
	if !hasCue(wide, "fullwidth") || !hasCue(wide, "odd_domain") {
		t.Errorf("full-width link not recognised: %v", wide.Reasons)
	}
	if wide.Score < plain.Score {
		t.Errorf("full-width writing lowered the score: %.3f < %.3f", wide.Score, plain.Score)
	}
}

func TestLoadErrors(t *testing.T) {
	m := shippedModel(t)
	var good bytes.Buffer
	if _, err := m.WriteTo(&good); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(good.Bytes(), embeddedModel) {
		t.Error("writing the embedded model back does not give the same bytes")
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a gzip stream"},
		{"not gzip", []byte("hello world"), "not a gzip stream"},
		{"truncated", good.Bytes()[:good.Len()/2], "damaged"},
		{"bad magic", gz(t, []byte("XXXX\x01\x00")), "bad magic"},
		{"short header", gz(t, []byte("FZCM\x01\x00\x01\x00\x06logr")), "truncated"},
		{"future format", gz(t, []byte("FZCM\x09\x00\x01\x00")), "format version"},
		{"other features", gz(t, []byte("FZCM\x01\x00\x63\x00")), "feature version"},
	} {
		_, err := Load(bytes.NewReader(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func gz(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// FuzzLoad: no input makes Load panic.
func FuzzLoad(f *testing.F) {
	f.Add(embeddedModel[:min(len(embeddedModel), 512)])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		Load(bytes.NewReader(data))
	})
}

// FuzzClassify: no text makes Classify panic, and the reasons quote it.
func FuzzClassify(f *testing.F) {
	for _, ad := range jobAds {
		f.Add(ad.text)
	}
	f.Add("ｗｗｗ．ａｂｃ．ｔｏｐ 押金 \xff @x 138 0013 8000 日结500元")
	m := shippedModel(f)
	f.Fuzz(func(t *testing.T, text string) {
		v, err := m.Classify(text, "job_ad")
		if err != nil {
			t.Fatal(err)
		}
		if !(v.Score >= 0 && v.Score <= 1) {
			t.Fatalf("score %v", v.Score)
		}
		for _, e := range v.Evidence {
			if !strings.Contains(text, e.Text) || !strings.Contains(text, e.Also) {
				t.Fatalf("evidence %+v does not quote %q", e, text)
			}
		}
	})
}

// benchTexts is a mix of real-looking messages: Chinese and English, scam
// and ordinary, short SMS and longer chats.
var benchTexts = []string{
	"【中国联通】尊敬的用户，月底了，请关注话费余额。现赠送您一次在中国联通手机营业厅直充50元享9折优惠特权，本月30号22点前有效，回复TD退订。",
	"您好，这里是上海市松江区公安局，我们发现您的招商卡涉及犯罪，需要进行资金清查。我们需要您配合我们的调查，并下载一个APP，以便我们远程操控您的手机进行相关操作。",
	"Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005. Text FA to 87121 to receive entry question(std txt rate)T&C's apply 08452810075over18's",
	"Ok lar... Joking wif u oni...",
	"在吗在你微信绑有卡吗有啊绑银行卡我微信被限制登录了。我想转2800到支付宝给你。然后你再用微信给我朋友给转过去。她有事要急用;行吗",
	"Hey, are we still on for lunch tomorrow at 12? I'll book a table.",
	"We are hiring! Work from home, no experience needed. Earn $300-$800 per day just by liking YouTube videos. Contact our HR on WhatsApp +1 (302) 555-0147 to start today.",
	"明天下午三点开会，请大家准时参加，带上季度报告。",
}

func BenchmarkClassify(b *testing.B) {
	m := shippedModel(b)
	bytes := 0
	for _, t := range benchTexts {
		bytes += len(t)
	}
	b.ReportAllocs()
	b.SetBytes(int64(bytes / len(benchTexts)))
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		if _, err := m.Classify(benchTexts[i%len(benchTexts)], "sms"); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	// On a busy machine wall time says little; CPU time is what one core
	// spends per message.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "msgs/cpu-s")
	}
}

// cpuTime is the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestConcurrent classifies from many goroutines at once (run with -race):
// the pooled scratch space must not leak between calls.
func TestConcurrent(t *testing.T) {
	m := shippedModel(t)
	want := make([]Verdict, len(benchTexts))
	for i, text := range benchTexts {
		want[i], _ = m.Classify(text, "chat")
	}
	errs := make(chan string, 8)
	for g := range 8 {
		go func() {
			for k := range 200 {
				i := (g + k) % len(benchTexts)
				v, err := m.Classify(benchTexts[i], "chat")
				if err != nil || v.Score != want[i].Score || !slices.Equal(v.Reasons, want[i].Reasons) {
					errs <- fmt.Sprintf("text %d: got %+v, want %+v (err %v)", i, v, want[i], err)
					return
				}
			}
			errs <- ""
		}()
	}
	for range 8 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}
