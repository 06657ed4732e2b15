package content

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/indicator"
)

// exExtractCase is one message with exactly the indicators expected from it,
// as "kind:value", in order of appearance.
type exExtractCase struct {
	name   string
	region string
	text   string
	want   []string
}

var exExtractCases = []exExtractCase{
	// Task scams (刷单返利).
	{name: "task scam wechat url qq", text: "【兼职】在家动动手指日赚300-500元，刷单返利，一单一结，佣金5%。加微信：shuadan_888 或QQ：2850123456，详情点击 https://jz-task.top/join?id=8821 。",
		want: []string{"wechat:shuadan_888", "qq:2850123456", "url:https://jz-task.top/join?id=8821"}},
	{name: "task scam vx and plane", text: "宝妈兼职，每单佣金10块到30块不等，垫付100返130，接待员vx：abc-task01，飞机：@task_leader99",
		want: []string{"wechat:abc-task01", "telegram:task_leader99"}},
	{name: "qq glued is a qq, not a phone", text: "做任务请加接待员QQ3008775615，不要加错了", want: []string{"qq:3008775615"}},
	{name: "qq and 扣扣 are qq numbers, not phones", text: "加我QQ号：12345678 或 扣扣 87654321，备注刷单", want: []string{"qq:12345678", "qq:87654321"}},

	// Fake customer service, refunds.
	{name: "refund 400 wechat soft-dot url", text: "【淘宝】亲，您购买的商品质量有问题，可办理三倍赔偿，请联系客服专线400-820-1234或添加客服微信tb_kefu2024，退款链接：taobao-refund。com/apply",
		want: []string{"phone:+864008201234", "wechat:tb_kefu2024", "url:http://taobao-refund.com/apply"}},
	{name: "landline yes meeting number no", text: "您好，我是京东金融客服，您的白条利率过高需要关闭，否则影响征信，请拨打0755-8888 6666，或下载会议APP，会议号 8866 1234 5678。",
		want: []string{"phone:+8675588886666"}},
	{name: "english refund defanged", text: "Amazon: your refund of $129.99 is pending. Verify at hxxps://amaz0n-refunds[.]com/verify or call +1 (888) 555-0147.",
		want: []string{"url:https://amaz0n-refunds.com/verify", "phone:+18885550147"}},

	// Impersonating police and prosecutors.
	{name: "fake police account", text: "我是上海市公安局民警，警号027315，你涉嫌洗钱案，案件编号2024沪0315号，请立即拨打专线021-5432 1098配合调查，将资金转入安全账户：6217 0012 3456 7890 123。",
		want: []string{"phone:+862154321098", "bank_account:6217001234567890123"}},
	{name: "fake prosecutor url mobile", text: "【最高人民检察院】您的身份信息涉嫌犯罪，查看通缉令请登录 http://www.spp-gov.cn.wanted-check.xyz/case?no=31009 ，并联系李警官 138 1234 5678。",
		want: []string{"url:http://www.spp-gov.cn.wanted-check.xyz/case?no=31009", "phone:+8613812345678"}},
	{name: "call 110", text: "如遇紧急情况请拨打110报警", want: []string{"phone:110"}},

	// Loans.
	{name: "loan short link spelled phone", text: "【秒批贷】无抵押低息贷款，最高可贷20万，日息万分之三，下载APP：http://t.cn/A6xYz9Qk ，客服：一三九一二三四五六七八",
		want: []string{"url:http://t.cn/A6xYz9Qk", "phone:+8613912345678"}},
	{name: "loan card number", text: "贷款已审批通过，因您的银行卡号填写错误，账户被冻结，需缴纳解冻金5000元至指定账户，卡号：6228 4800 1234 5678 911。",
		want: []string{"card:6228480012345678911"}},

	// Investment, USDT, crypto.
	{name: "usdt tron telegram", text: "老师带单，稳赚不赔，USDT充值地址 TRC20：TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW ，最低充值500U，日收益3%，加纸飞机 @usdt_teacher_vip",
		want: []string{"tron:TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW", "telegram:usdt_teacher_vip"}},
	{name: "eth and t.me", text: "ETH wallet 0x52908400098527886E0F7030069857D2E4169EE7, send 2 ETH to unlock your 50,000 USDT profit. Support: t.me/CryptoSupport_Desk",
		want: []string{"eth:0x52908400098527886E0F7030069857D2E4169EE7", "telegram:cryptosupport_desk"}},
	{name: "btc and bad eip55", text: "Deposit BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq; wrong checksum 0x52908400098527886e0F7030069857D2E4169EE7 must be ignored",
		want: []string{"btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "btc:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}},
	{name: "lower-case eth", text: "转账地址：0x52908400098527886e0f7030069857d2e4169ee7。", want: []string{"eth:0x52908400098527886E0F7030069857D2E4169EE7"}},

	// Job ads.
	{name: "job ad mobile email", text: "高薪招聘打字员，日结200-800元，无需经验，手机兼职，有意者联系HR 小王：15012345678（微信同号），邮箱 hr_job2024@163.com",
		want: []string{"phone:+8615012345678", "email:hr_job2024@163.com"}},
	{name: "job ad whatsapp", text: "Work from home! Earn $500/day. WhatsApp +63 917 123 4567 or email jobs.recruit@gmail.com",
		want: []string{"whatsapp:+639171234567", "email:jobs.recruit@gmail.com"}},

	// Parcel SMS phishing.
	{name: "sf phishing", text: "【顺丰速运】您的快递因地址不详无法派送，运单号SF1234567890123，请在24小时内点击 https://sf-express.delivery-update.top/a8K2 更新地址，逾期退回。",
		want: []string{"url:https://sf-express.delivery-update.top/a8K2"}},
	{name: "ems phishing domain short code", text: "【中国邮政】您的包裹因关税未缴被扣留，请登录ems-cn.vip补缴12.5元关税，取件码 6723，详询95580。",
		want: []string{"domain:ems-cn.vip", "phone:95580"}},
	{name: "usps lookalike", text: "USPS: Your package is on hold due to an incomplete address. Update here: usps.com-track.info/us within 12 hours.",
		want: []string{"url:http://usps.com-track.info/us"}},

	// Ordinary messages: nothing, or only what is really there.
	{name: "bank notice", text: "【招商银行】您尾号6688的储蓄卡12月15日10:30支出人民币1,280.00元，活期余额25,346.18元。", want: nil},
	{name: "verification code", text: "您的验证码为836512，5分钟内有效，请勿泄露给他人。【支付宝】", want: nil},
	{name: "order and tracking", text: "【京东】您的订单4567823910已发货，快递单号JDX012345678901，预计明天送达。", want: nil},
	{name: "meeting", text: "明天下午3点在2号会议室开会，请提前10分钟到场，会议时长约1.5小时。", want: nil},
	{name: "english ham", text: "Hi mum, I'll be home by 7.30, can you pick up 2 pints of milk? Love you x", want: nil},
	{name: "prose with missing spaces", text: "Ok lar... Joking wif u oni... at home.Will call later, it.is fine", want: nil},
	{name: "tracking url", text: "Your order #A1234567 has shipped. Track: https://www.ups.com/track?tracknum=1Z999AA10123456784",
		want: []string{"url:https://www.ups.com/track?tracknum=1Z999AA10123456784"}},
	{name: "minutes", text: "2024年1月15日 会议纪要：预算约3万元，参会25人，合同号HT-20240115-008。", want: nil},
	{name: "dates and rooms", text: "会议时间 2024-03-15 14:30，地点 3 号楼 1205 室，联系人张老师", want: nil},
	{name: "prices", text: "iPhone 15 Pro 仅售 7999 元，原价 9999 元，限量 500 台", want: nil},
	{name: "otp english", text: "Your OTP is 482913. Do not share it with anyone.", want: nil},
	{name: "short code without context", text: "请不要相信95588以外的任何号码", want: nil},
	{name: "order number long", text: "订单2024011512345678已支付，流水号 6222021234567894", want: nil},
	{name: "masked mobile", text: "您好，骑手电话138****8000，或138-xxxx-xxxx", want: nil},

	// Evasion.
	{name: "full-width and ideographic dots", text: "客服电话 １３９-１２３４-５６７８ ，网址 www。fake-bank。com 或 fake-bank(.)com",
		want: []string{"phone:+8613912345678", "domain:www.fake-bank.com", "domain:fake-bank.com"}},
	{name: "url glued to chinese", text: "点击http://x.cn/abc领取，回复TD退订", want: []string{"url:http://x.cn/abc"}},
	{name: "点com", text: "打开网址abc123点com领红包", want: []string{"domain:abc123.com"}},
	{name: "spaced numerals", text: "有事打我电话 幺三八 零零一三 八零零零", want: []string{"phone:+8613800138000"}},
	{name: "financial numerals", text: "联系：壹叁玖壹贰叁肆伍陆柒捌", want: []string{"phone:+8613912345678"}},
	{name: "zero-width", text: "加我微\u200b信：abc\u200b_123", want: []string{"wechat:abc_123"}},
	{name: "defanged email", text: "联系 admin(at)scam-mail(dot)com 获取返款", want: []string{"email:admin@scam-mail.com"}},
	{name: "wechat nicknames", text: "V信：love_money888，威信 abcd1234，vx:Abc-12345",
		want: []string{"wechat:love_money888", "wechat:abcd1234", "wechat:abc-12345"}},
	{name: "wechat by phone", text: "微信13800138000同号", want: []string{"phone:+8613800138000"}},
	{name: "keyword is not a handle", text: "关注微信（WeChat）公众号，join our telegram channel", want: nil},
	{name: "plain english telegram", text: "Telegram: crypto_pump_2024", want: []string{"telegram:crypto_pump_2024"}},
	{name: "same phone three ways", text: "+86 138 0013 8000 / 0086-138-0013-8000 / 86 13800138000", want: []string{"phone:+8613800138000"}},
	{name: "two phones side by side", text: "电话13800138000 13900139000", want: []string{"phone:+8613800138000", "phone:+8613900139000"}},
	{name: "phone then year", text: "联系13800138000 2024年办理", want: []string{"phone:+8613800138000"}},
	{name: "nanp in cn", text: "call our hotline 1-800-123-4567 now", want: nil},
	{name: "nanp in us", region: "US", text: "call our hotline 1-800-123-4567 now", want: []string{"phone:+18001234567"}},
	{name: "bracketed short code", text: "详情请致电（10086）", want: []string{"phone:10086"}},

	{name: "dotted mobile", text: "手机 138.0013.8000 随时联系", want: []string{"phone:+8613800138000"}},
	{name: "english short code", text: "Suspicious activity on your card, call 95588 immediately", want: []string{"phone:95588"}},
	{name: "TG colon", text: "TG：fraud_boss，电报 @fraud_boss2", want: []string{"telegram:fraud_boss", "telegram:fraud_boss2"}},
	{name: "wx colon", text: "有意者wx: abc123 备注来意", want: []string{"wechat:abc123"}},
	{name: "full-width url", text: "登录ｈｔｔｐｓ：／／ｅｖｉｌ－ｂａｎｋ．ｃｏｍ／ｌｏｇｉｎ】立即处理", want: []string{"url:https://evil-bank.com/login"}},
	{name: "trailing chinese punctuation", text: "网址：http://a.cn/x?id=1），或者（www.b.cn）。", want: []string{"url:http://a.cn/x?id=1", "domain:www.b.cn"}},
	{name: "sentence stop before english", text: "详情访问abc.com。Thanks", want: []string{"domain:abc.com"}},
	{name: "idn host left alone", text: "访问 例子.中国 了解", want: nil},

	// Links of other kinds, IPs, accounts.
	{name: "whatsapp link", text: "点此咨询 https://api.whatsapp.com/send?phone=8613800138000", want: []string{"whatsapp:+8613800138000"}},
	{name: "wa.me", text: "chat with us wa.me/447700900123", want: []string{"whatsapp:+447700900123"}},
	{name: "telegram invite is a url", text: "进群 https://t.me/+AbCdEf123", want: []string{"url:https://t.me/+AbCdEf123"}},
	{name: "ip and ip url", text: "访问 http://103.45.67.89:8080/login 或服务器 47.96.12.34",
		want: []string{"url:http://103.45.67.89:8080/login", "ip:47.96.12.34"}},
	{name: "version is not an ip", text: "请升级到 v1.2.3.4 版本", want: nil},
	{name: "iban", text: "Please wire the fee to IBAN GB82 WEST 1234 5698 7654 32 today", want: []string{"bank_account:GB82WEST12345698765432"}},
	{name: "card with context", text: "卡号：4111 1111 1111 1111", want: []string{"card:4111111111111111"}},
	{name: "card by grouping", text: "请转到 6222 0212 3456 7894", want: []string{"card:6222021234567894"}},
	{name: "account in english", text: "Transfer to account number 12345678, sort code 12-34-56", want: []string{"bank_account:12345678"}},
	{name: "alipay account is a phone", text: "支付宝账号13800138000", want: []string{"phone:+8613800138000"}},

	// English spam (UCI style), numbers read in GB.
	{name: "uci winner", region: "GB", text: "WINNER!! As a valued network customer you have been selected to receivea £900 prize reward! To claim call 09061701461. Claim code KL341. Valid 12 hours only.",
		want: []string{"phone:+449061701461"}},
	{name: "uci txt to", region: "GB", text: "URGENT! You have won a 1 week FREE membership in our £100,000 Prize Jackpot! Txt the word: CLAIM to No: 81010 T&C www.dbuk.net LCCLTD POBOX 4403LDNW1A7RW18",
		want: []string{"phone:81010", "domain:www.dbuk.net"}},
	{name: "uci glued price", region: "GB", text: "Reply with your name and address www.phb1.com ph:08700435505150p",
		want: []string{"domain:www.phb1.com", "phone:+448700435505"}},
	{name: "uci emergency", region: "GB", text: "If you feel unsafe call 999 straight away", want: []string{"phone:999"}},
	{name: "uci prose numbers", region: "GB", text: "call 2 c u at 1230 ok? I'll ring u on 5th", want: nil},
}

func TestExtract(t *testing.T) {
	for _, c := range exExtractCases {
		t.Run(c.name, func(t *testing.T) {
			fs := Extract(c.text, indicator.Options{DefaultRegion: c.region})
			var got []string
			for _, f := range fs {
				got = append(got, f.Indicator.String())
				exCheckFound(t, c.text, f)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("Extract(%q)\n got %q\nwant %q", c.text, got, c.want)
			}
		})
	}
}

// exCheckFound checks the promises of one Found: offsets in bounds, Raw the
// text there, and an indicator that reads back as itself.
func exCheckFound(t *testing.T, text string, f Found) {
	t.Helper()
	if f.Start < 0 || f.End > len(text) || f.Start >= f.End {
		t.Fatalf("%v: offsets [%d,%d) outside the text (%d bytes)", f.Indicator, f.Start, f.End, len(text))
	}
	if f.Raw != text[f.Start:f.End] {
		t.Fatalf("%v: Raw %q is not text[%d:%d] = %q", f.Indicator, f.Raw, f.Start, f.End, text[f.Start:f.End])
	}
	if !f.Indicator.Kind().Valid() {
		t.Fatalf("zero indicator found at %q", f.Raw)
	}
	back, err := indicator.Parse(f.Indicator.Kind(), f.Indicator.Value())
	if err != nil || back != f.Indicator {
		t.Fatalf("%v does not read back as itself: %v %v", f.Indicator, back, err)
	}
}

func TestExtractRaw(t *testing.T) {
	for _, c := range []struct{ text, raw string }{
		{"客服电话 １３９-１２３４-５６７８ 谢谢", "１３９-１２３４-５６７８"},
		{"登录hxxp://icbc-verify[.]top/login处理。", "hxxp://icbc-verify[.]top/login"},
		{"网址：abc点com。", "abc点com"},
		{"有事打我电话 幺三八 零零一三 八零零零。", "幺三八 零零一三 八零零零"},
		{"(点这里: https://a.cn/x?y=1)", "https://a.cn/x?y=1"},
		{"【链接】https://a.cn/x（详情）", "https://a.cn/x"},
		{"visit example [.] com now", "example [.] com"},
		{"邮箱 user[@]mail[.]com。", "user[@]mail[.]com"},
		{"电话：（021）6234 5678。", "（021）6234 5678"},
		{"详情请致电（10086）。", "10086"},
		{"(13800138000)", "13800138000"},
	} {
		fs := Extract(c.text, indicator.Options{})
		if len(fs) != 1 || fs[0].Raw != c.raw {
			t.Errorf("Extract(%q) = %v, want one with Raw %q", c.text, fs, c.raw)
			continue
		}
		exCheckFound(t, c.text, fs[0])
	}
}

func TestExtractNothing(t *testing.T) {
	for _, text := range []string{"", " ", "\xff\xfe\xfd", "。。。", "http://", "@", "+", "(", "0x", "一二三", "微信", "QQ", "飞机", "点com", "[.]", "(at)"} {
		if fs := Extract(text, indicator.Options{}); len(fs) != 0 {
			t.Errorf("Extract(%q) = %v, want nothing", text, fs)
		}
	}
}

func TestExtractLongText(t *testing.T) {
	// Many indicators: deduplication switches to a map past 16; order and
	// offsets must not change.
	var b strings.Builder
	var want []string
	for i := range 40 {
		d := string(rune('0'+i/10)) + string(rune('0'+i%10))
		b.WriteString("请致电1380013" + d + "00，或访问 site" + d + ".com 。")
		want = append(want, "phone:+86138001"+"3"+d+"00", "domain:site"+d+".com")
	}
	text := b.String() + b.String() // every indicator twice
	fs := Extract(text, indicator.Options{})
	var got []string
	for _, f := range fs {
		got = append(got, f.Indicator.String())
		exCheckFound(t, text, f)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %d indicators %q…, want %d", len(got), got[:min(4, len(got))], len(want))
	}
}

// TestExtractLinear feeds texts built to make a careless scanner go back
// over what it has read (long runs of digits, dots, brackets, keywords);
// the budget is generous, as the test only has to catch quadratic work,
// which would take minutes.
func TestExtractLinear(t *testing.T) {
	const n = 256 << 10
	for name, text := range map[string]string{
		"closing brackets": "http://a.cn/" + strings.Repeat(")", n),
		"digit groups":     strings.Repeat("1 ", n/2),
		"dotted digits":    strings.Repeat("1.", n/2),
		"dashes":           strings.Repeat("-", n) + "1",
		"dotted words":     strings.Repeat("a.", n/2),
		"numerals":         strings.Repeat("1一", n/4),
		"keywords":         strings.Repeat("微信：", n/9),
		"handles":          strings.Repeat("@abcdef ", n/8),
		"long host":        "http://" + strings.Repeat("a", n),
		"at signs":         strings.Repeat("a@", n/2),
		"defang":           strings.Repeat("a[.]", n/4),
		"amounts":          strings.Repeat("1万", n/4),
		"brackets":         strings.Repeat("(", n),
		"phones":           strings.Repeat("电话13800138000 ", n/20),
	} {
		start := time.Now()
		fs, as := ExtractAll(text, indicator.Options{})
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s: %v for %d bytes (%d found, %d amounts)", name, d, len(text), len(fs), len(as))
		}
	}
}

type exAmountCase struct {
	text string
	want []string // "value currency raw"
}

var exAmountCases = []exAmountCase{
	{"投资5000元，返利3万元，日赚1.5万", []string{"5000 CNY 5000元", "30000 CNY 3万元", "15000 CNY 1.5万"}},
	{"￥5,000 和 ¥1,280.50 以及 5千", []string{"5000 CNY ￥5,000", "1280.5 CNY ¥1,280.50", "5000 CNY 5千"}},
	{"USDT 500，500U，500 USDT，$200，RMB 800，人民币五千元", []string{"500 USDT USDT 500", "500 USDT 500U", "500 USDT 500 USDT", "200 USD $200", "800 CNY RMB 800", "5000 CNY 人民币五千元"}},
	{"每单佣金10块到30块不等，日结200-800元", []string{"10 CNY 10块", "30 CNY 30块", "200 CNY 200", "800 CNY 800元"}},
	{"月入1-3万，首充两千元送五百", []string{"10000 CNY 1", "30000 CNY 3万", "2000 CNY 两千元"}},
	{"借款十五万八千元，一万五千块，三千五百元，一亿两千万元", []string{"158000 CNY 十五万八千元", "15000 CNY 一万五千块", "3500 CNY 三千五百元", "120000000 CNY 一亿两千万元"}},
	{"一万五块钱，三千五元，5万8元", []string{"15000 CNY 一万五块钱", "3500 CNY 三千五元", "58000 CNY 5万8元"}},
	{"一百零五元，二十元，十元", []string{"105 CNY 一百零五元", "20 CNY 二十元", "10 CNY 十元"}},
	{"You have won £1,000,000! Claim £1.50 or $5k, 100 dollars, 20 pounds", []string{"1000000 GBP £1,000,000", "1.5 GBP £1.50", "5000 USD $5k", "100 USD 100 dollars", "20 GBP 20 pounds"}},
	{"send 2 ETH and 0.005 BTC, get 1,000 USDT", []string{"2 ETH 2 ETH", "0.005 BTC 0.005 BTC", "1000 USDT 1,000 USDT"}},
	{"日赚5w，月入3W+，买个500U盘", []string{"50000 CNY 5w", "30000 CNY 3W"}},
	{"５０００元 and 人民币 800", []string{"5000 CNY ５０００元", "800 CNY 人民币 800"}},
	// Not amounts.
	{"3万人参加，跑了1万步，5千米，增长5%，3倍收益，2024年，15号", nil},
	{"我们一块去吃饭，千万不要告诉别人，一起加油", nil},
	{"电话13800138000，验证码836512，订单4567823910", nil},
	{"v1.5万能版", nil},
	{"always b here 4u, congrats 2u2, Pandy joined 4w technologies today, 5k people", nil},
}

func TestExtractAmounts(t *testing.T) {
	for _, c := range exAmountCases {
		as := ExtractAmounts(c.text)
		var got []string
		for _, a := range as {
			exCheckAmount(t, c.text, a)
			got = append(got, a.Value+" "+a.Currency+" "+c.text[a.Start:a.End])
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("ExtractAmounts(%q)\n got %q\nwant %q", c.text, got, c.want)
		}
	}
}

// exCheckAmount checks an Amount's promises: offsets in bounds, a canonical
// positive decimal, a currency.
func exCheckAmount(t *testing.T, text string, a Amount) {
	t.Helper()
	if a.Start < 0 || a.End > len(text) || a.Start >= a.End {
		t.Fatalf("amount %v: offsets outside the text (%d bytes)", a, len(text))
	}
	if a.Currency == "" {
		t.Fatalf("amount %v has no currency", a)
	}
	v := a.Value
	if v == "" || v == "0" || v[0] == '.' || v[len(v)-1] == '.' || len(v) > 1 && v[0] == '0' && v[1] != '.' {
		t.Fatalf("amount %v: value %q is not canonical", a, v)
	}
	dots := 0
	for i := 0; i < len(v); i++ {
		switch {
		case v[i] == '.':
			dots++
		case v[i] < '0' || v[i] > '9':
			t.Fatalf("amount %v: value %q is not a decimal", a, v)
		}
	}
	if dots > 1 || dots == 1 && v[len(v)-1] == '0' {
		t.Fatalf("amount %v: value %q is not canonical", a, v)
	}
}

func TestExtractAll(t *testing.T) {
	text := "加微信abc_123，充值5000元，返利3万"
	fs, as := ExtractAll(text, indicator.Options{})
	if len(fs) != 1 || fs[0].Indicator.String() != "wechat:abc_123" {
		t.Errorf("indicators %v", fs)
	}
	if len(as) != 2 || as[0].Value != "5000" || as[1].Value != "30000" {
		t.Errorf("amounts %v", as)
	}
	if !slices.Equal(fs, Extract(text, indicator.Options{})) || !slices.Equal(as, ExtractAmounts(text)) {
		t.Error("ExtractAll differs from Extract and ExtractAmounts")
	}
}

func TestExtractDecimal(t *testing.T) {
	for _, c := range []struct {
		d    exDec
		want string
	}{
		{exDec{m: 0}, "0"}, {exDec{m: 5}, "5"}, {exDec{m: 50, sc: 1}, "5"}, {exDec{m: 5, sc: 3}, "0.005"},
		{exDec{m: 128050, sc: 2}, "1280.5"}, {exDec{m: 10, sc: 0}, "10"}, {exDec{m: 999999999999999999, sc: 18}, "0.999999999999999999"},
	} {
		if got := c.d.String(); got != c.want {
			t.Errorf("%+v.String() = %q, want %q", c.d, got, c.want)
		}
	}
	if _, ok := (exDec{m: 9e17}).shift(2); ok {
		t.Error("shift did not report overflow")
	}
	if _, ok := (exDec{m: 9e17}).add(exDec{m: 2e17}); ok {
		t.Error("add did not report overflow")
	}
}

// ---------------------------------------------------------------------------
// Real data: the public message sets in shared/data. No exact answers are
// known for them, so the test logs what is found per kind and only checks
// sanity floors: scam messages carry far more contact points than others.

const exDataDir = "../../shared/data"

type exKindTally struct {
	msgs  int
	kinds map[indicator.Kind]int
	amts  int
}

func (k *exKindTally) add(fs []Found, as []Amount) {
	k.msgs++
	if k.kinds == nil {
		k.kinds = map[indicator.Kind]int{}
	}
	for _, f := range fs {
		k.kinds[f.Indicator.Kind()]++
	}
	k.amts += len(as)
}

// per returns the count of the given kinds per message.
func (k *exKindTally) per(kinds ...indicator.Kind) float64 {
	if k.msgs == 0 {
		return 0
	}
	n := 0
	for _, kd := range kinds {
		n += k.kinds[kd]
	}
	return float64(n) / float64(k.msgs)
}

func (k *exKindTally) log(t *testing.T, name string) {
	t.Helper()
	var parts []string
	for _, kd := range indicator.Kinds() {
		if n := k.kinds[kd]; n > 0 {
			parts = append(parts, kd.String()+"="+exItoa(n))
		}
	}
	t.Logf("%-28s %6d msgs  amounts=%d  %s", name, k.msgs, k.amts, strings.Join(parts, " "))
}

func exItoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

func exOpenData(t *testing.T, name string) io.ReadCloser {
	t.Helper()
	f, err := os.Open(filepath.Join(exDataDir, name))
	if err != nil {
		t.Skipf("real data not available: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestExtractRealData(t *testing.T) {
	if testing.Short() {
		t.Skip("real data in -short mode")
	}
	t.Run("uci_sms_spam", func(t *testing.T) {
		var spam, ham exKindTally
		sc := bufio.NewScanner(exOpenData(t, "uci_sms_spam/SMSSpamCollection"))
		first := true
		for sc.Scan() {
			label, text, ok := strings.Cut(sc.Text(), "\t")
			if first {
				first = false
				if label == "Label" {
					continue // the header this copy adds
				}
			}
			if !ok {
				continue
			}
			fs, as := ExtractAll(text, indicator.Options{DefaultRegion: "GB"})
			exCheckAll(t, text, fs, as)
			if label == "spam" {
				spam.add(fs, as)
			} else {
				ham.add(fs, as)
			}
		}
		spam.log(t, "spam")
		ham.log(t, "ham")
		if spam.msgs < 700 || ham.msgs < 4800 {
			t.Fatalf("read %d spam and %d ham messages; SOURCE.txt says 747 and 4,827", spam.msgs, ham.msgs)
		}
		contact := []indicator.Kind{indicator.Phone, indicator.URL, indicator.Domain}
		if s, h := spam.per(contact...), ham.per(contact...); s < 0.5 || s < 10*h {
			t.Errorf("phones and links per message: spam %.3f, ham %.3f; want spam ≥ 0.5 and ≥ 10× ham", s, h)
		}
	})
	t.Run("telecom_fraud_texts_5_zh", func(t *testing.T) {
		var fraud, normal exKindTally
		for _, name := range []string{"label00-last.csv", "label01-last.csv", "label02-last.csv", "label03-last.csv", "label04-last.utf8.csv"} {
			r := csv.NewReader(exOpenData(t, "telecom_fraud_texts_5_zh/"+name))
			r.LazyQuotes = true
			r.FieldsPerRecord = -1
			for {
				rec, err := r.Read()
				if err == io.EOF {
					break
				}
				if err != nil || len(rec) < 2 || rec[1] == "label" {
					continue // the set has a few malformed rows
				}
				fs, as := ExtractAll(rec[0], indicator.Options{})
				exCheckAll(t, rec[0], fs, as)
				if rec[len(rec)-1] == "0" {
					normal.add(fs, as)
				} else {
					fraud.add(fs, as)
				}
			}
		}
		fraud.log(t, "fraud (4 typologies)")
		normal.log(t, "normal")
		if fraud.msgs < 3900 || normal.msgs < 7000 {
			t.Fatalf("read %d fraud and %d normal texts; SOURCE.txt says 4,000 and 7,773", fraud.msgs, normal.msgs)
		}
		// The fraud texts are generated from case descriptions and mostly
		// spell no identifiers ("添加QQ", "XXXX"); the normal ones are
		// operator SMS full of 10086 and links. Only sanity is checked:
		// neither is flooded with numbers.
		if p := normal.per(indicator.Phone); p > 0.5 {
			t.Errorf("%.2f phone numbers per normal text; a flood means dates or amounts are read as phones", p)
		}
		if p := fraud.per(indicator.Phone); p > 0.5 {
			t.Errorf("%.2f phone numbers per fraud text; a flood means amounts or case numbers are read as phones", p)
		}
	})
	t.Run("zh_chat_fraud_small", func(t *testing.T) {
		var fraud, other exKindTally
		sc := bufio.NewScanner(exOpenData(t, "zh_chat_fraud_small/data.txt"))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			k := strings.LastIndexByte(line, ' ')
			if k < 0 {
				continue
			}
			text, label := line[:k], line[k+1:]
			fs, as := ExtractAll(text, indicator.Options{})
			exCheckAll(t, text, fs, as)
			if label == "1" {
				fraud.add(fs, as)
			} else {
				other.add(fs, as)
			}
		}
		fraud.log(t, "fraud")
		other.log(t, "other")
		if fraud.msgs+other.msgs < 200 {
			t.Fatalf("read %d lines; SOURCE.txt says 233", fraud.msgs+other.msgs)
		}
	})
}

func exCheckAll(t *testing.T, text string, fs []Found, as []Amount) {
	t.Helper()
	for _, f := range fs {
		exCheckFound(t, text, f)
	}
	for _, a := range as {
		exCheckAmount(t, text, a)
	}
}

// ---------------------------------------------------------------------------
// Benchmarks over realistic messages: SMS length (70 characters of Chinese,
// 100–160 bytes of English), half of them with something to find.

var exBenchMessages = []string{
	"【工商银行】您的账户存在异常，请致电95588或登录hxxp://icbc-verify[.]top/login处理。",
	"【京东】您的订单4567823910已发货，快递单号JDX012345678901，预计明天送达。",
	"宝妈兼职，每单佣金10块到30块不等，垫付100返130，接待员vx：abc-task01",
	"您的验证码为836512，5分钟内有效，请勿泄露给他人。【支付宝】",
	"老师带单，稳赚不赔，USDT充值地址 TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW ，最低500U",
	"明天下午3点在2号会议室开会，请提前10分钟到场，会议时长约1.5小时。",
	"点击http://x.cn/abc领取，客服电话138-0013-8000，回复TD退订",
	"Hi mum, I'll be home by 7.30, can you pick up 2 pints of milk? Love you x",
	"WINNER!! As a valued network customer you have been selected to receive a £900 prize reward! To claim call 09061701461.",
	"【中国联通】尊敬的用户，月底了，请关注话费余额。点击使用http://u.10010.cn/qABNr，回复TD退订。",
	"高薪招聘打字员，日结200-800元，有意者联系HR 小王：15012345678（微信同号）",
	"晚上一起吃饭吗？我们一块去，人均大概八十块，地点老地方。",
}

func BenchmarkExtract(b *testing.B) {
	exBench(b, func(s string) { Extract(s, indicator.Options{}) })
}

func BenchmarkExtractAmounts(b *testing.B) {
	exBench(b, func(s string) { ExtractAmounts(s) })
}

func BenchmarkExtractAll(b *testing.B) {
	exBench(b, func(s string) { ExtractAll(s, indicator.Options{}) })
}

func exBench(b *testing.B, f func(string)) {
	n := 0
	for _, m := range exBenchMessages {
		n += len(m)
	}
	b.SetBytes(int64(n / len(exBenchMessages)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f(exBenchMessages[i%len(exBenchMessages)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
