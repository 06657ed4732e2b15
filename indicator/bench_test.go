package indicator

import "testing"

// benchInputs are typical rows: mostly written forms that need work, one
// already canonical.
var benchInputs = map[Kind][]string{
	Phone:       {"138 0013 8000", "+8613800138000", "0086-139-1234-5678", "(010) 1234 5678", "95588", "+1 202 555 0100"},
	WhatsApp:    {"+86 138 0013 8000", "https://wa.me/639170000000"},
	Domain:      {"example.com", "Login.Evil-Site.top", "evil[.]xyz", "例子.中国"},
	URL:         {"http://example.com/", "HTTPS://Login.Evil.top/a/../b?x=1#f", "hxxp://evil[.]xyz/%7Euser/login.php"},
	BankAccount: {"6217000012345678901", "6217 0000 1234 5678 901", "GB82 WEST 1234 5698 7654 32"},
	Card:        {"4111111111111111", "6212 2640 0000 0000 006"},
	BTC:         {"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"},
	ETH:         {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"},
	TRON:        {"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"},
	CryptoOther: {"LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb"},
	Telegram:    {"@Scam_Support", "https://t.me/scam_support"},
	WeChat:      {"wxid_abcdefg1234567", "Fraud_Boss88"},
	Email:       {"kefu@example.com", "John.Doe@Example.COM"},
	IP:          {"8.8.8.8", "2001:DB8::1"},
	App:         {"com.example.app"},
}

func BenchmarkParse(b *testing.B) {
	for _, k := range Kinds() {
		in := benchInputs[k]
		b.Run(k.String(), func(b *testing.B) {
			b.ReportAllocs()
			for n := 0; n < b.N; n++ {
				if _, err := Parse(k, in[n%len(in)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDetect(b *testing.B) {
	var in []string
	for _, k := range Kinds() {
		in = append(in, benchInputs[k]...)
	}
	b.ReportAllocs()
	for n := 0; n < b.N; n++ {
		_, _ = Detect(in[n%len(in)])
	}
}

// BenchmarkParsePhoneUncached measures the general phone path on numbers
// never seen before (Beijing landlines, each different), where the verdict
// cache cannot help: the cost of libphonenumber itself.
func BenchmarkParsePhoneUncached(b *testing.B) {
	b.ReportAllocs()
	buf := []byte("010 6000 0000")
	for n := 0; n < b.N; n++ {
		v := 60000000 + n%10000000
		for i, j := len(buf)-1, 0; j < 8; i-- {
			if buf[i] == ' ' {
				continue
			}
			buf[i] = byte('0' + v%10)
			v /= 10
			j++
		}
		if _, err := Parse(Phone, string(buf)); err != nil {
			b.Fatal(err)
		}
	}
}
