package indicator

import (
	"fmt"
	"testing"
)

func TestScratch(t *testing.T) {
	cases := []struct {
		k Kind
		s string
	}{
		{Phone, "138 0013 8000"}, {Phone, "138-0013-8000"}, {Phone, "+86-138-0013-8000"}, {Phone, "0086 138 0013 8000"}, {Phone, "(010) 1234 5678"}, {Phone, "１３８００１３８０００"}, {Phone, "tel:+86-10-1234-5678"}, {Phone, "95588"}, {Phone, "12345"}, {Phone, "110"}, {Phone, "+86 95588"}, {Phone, "12"}, {Phone, "+1 202 555 0100"}, {Phone, "+44 7911 123456"}, {Phone, "10690000123456"}, {Phone, "+999 123"}, {Phone, "abc"}, {Phone, "+63 917 000 0000"},
		{Domain, "Example.COM."}, {Domain, "example[.]com"}, {Domain, "example(dot)com"}, {Domain, "ｅｘａｍｐｌｅ。ｃｏｍ"}, {Domain, "例子.中国"}, {Domain, "foo.zzzz"}, {Domain, "com"}, {Domain, "pages.dev"}, {Domain, "x.pages.dev"}, {Domain, "a_b.com"}, {Domain, "job-example.top"}, {Domain, "1.2.3.4"},
		{URL, "HTTP://Example.COM/x"}, {URL, "hxxps://evil[.]top/login?a=1#frag"}, {URL, "example.com"}, {URL, "http://example.com:80/a/../b/%7euser/%2f"}, {URL, "https://bank.com@evil.top/"}, {URL, "http://2130706433/"}, {URL, "http://0x7f.1/"}, {URL, "http://[::1]:8080/x"}, {URL, "javascript:alert(1)"}, {URL, "http://例子.中国/路径?q=中"}, {URL, "http[:]//example[.]com"},
		{Card, "4111 1111 1111 1111"}, {Card, "4111 1111 1111 1112"}, {Card, "6222 **** 1234"},
		{BankAccount, "6217 0000 1234 5678 901"}, {BankAccount, "GB82 WEST 1234 5698 7654 32"}, {BankAccount, "GB82 WEST 1234 5698 7654 33"},
		{BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"}, {BTC, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"}, {BTC, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}, {BTC, "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ"}, {BTC, "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"}, {BTC, "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"}, {BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"}, {BTC, "LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb"},
		{ETH, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"}, {ETH, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"}, {ETH, "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"}, {ETH, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"},
		{TRON, "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre"}, {TRON, "41a614f803b6fd780986a42c78ec9c7f77e6ded13c"}, {TRON, "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLrf"},
		{Telegram, "@Scam_Support"}, {Telegram, "https://t.me/scam_support"}, {Telegram, "t.me/joinchat/AAAA"}, {Telegram, "@abc"},
		{WeChat, "wxid_abcdefg1234567"}, {WeChat, "Fraud_Boss88"}, {WeChat, "1abcdef"},
		{Email, "John.Doe@Example.COM"}, {Email, "user[@]example[.]com"}, {Email, "a..b@x.com"},
		{IP, "::ffff:1.2.3.4"}, {IP, "2001:DB8::1"}, {IP, "1.2.3.4:80"}, {IP, "10.0.0.0/8"}, {IP, "1[.]2[.]3[.]4"},
		{App, "com.Example.App"}, {App, "https://play.google.com/store/apps/details?id=com.evil.loan&hl=en"}, {App, "example"},
		{CryptoOther, "155dDX3rWoNsY4aiJFbsu6wLB91c2J2Ws5BgMfJKyM1eGnkS"},
	}
	for _, c := range cases {
		i, err := Parse(c.k, c.s)
		fmt.Printf("%-12s %-45q -> %-50s %v\n", c.k, c.s, i.Value(), err)
	}
	for _, s := range []string{"138-0013-8000", "95588", "https://t.me/abcde", "t.me/joinchat/xyz", "wa.me/8613800138000", "example.com/login", "example.com", "user@example.com", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "8.8.8.8", "@scammer", "4111 1111 1111 1111", "6217000012345678901", "com.example.myapp", "155dDX3rWoNsY4aiJFbsu6wLB91c2J2Ws5BgMfJKyM1eGnkS", "LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb", "hello world", "wxid_abc123", "GB82 WEST 1234 5698 7654 32", "+63 917 000 0000"} {
		i, err := Detect(s)
		fmt.Printf("detect %-45q -> %-50s %v\n", s, i.String(), err)
	}
}
