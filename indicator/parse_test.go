package indicator

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/btcutil/bech32"
	"github.com/nyaruka/phonenumbers"
)

type validCase struct {
	kind Kind
	in   string
	want string
}

var validCases = []validCase{
	// Phone: every written form of one mobile number.
	{Phone, "13800138000", "+8613800138000"},
	{Phone, "138 0013 8000", "+8613800138000"},
	{Phone, "138-0013-8000", "+8613800138000"},
	{Phone, "+86-138-0013-8000", "+8613800138000"},
	{Phone, "+86 138 0013 8000", "+8613800138000"},
	{Phone, "0086 138 0013 8000", "+8613800138000"},
	{Phone, "8613800138000", "+8613800138000"},
	{Phone, "１３８００１３８０００", "+8613800138000"},
	{Phone, "＋８６ １３８－００１３－８０００", "+8613800138000"},
	{Phone, "tel:+86-138-0013-8000", "+8613800138000"},
	{Phone, "  138.0013.8000\u200b", "+8613800138000"},
	{Phone, "+8613800138000", "+8613800138000"},
	{Phone, "+86 179 1234 5678", "+8617912345678"}, // 179xx leaves the fast path
	{Phone, "(010) 1234 5678", "+861012345678"},
	{Phone, "010-12345678", "+861012345678"},
	{Phone, "+86 (0)10 1234 5678", "+861012345678"},
	{Phone, "400-820-8820", "+864008208820"},
	{Phone, "+1 (202) 555-0100", "+12025550100"},
	{Phone, "001 202 555 0100", "+12025550100"},
	{Phone, "+63 917 000 0000", "+639170000000"},
	{Phone, "+44 (0) 7911 123456", "+447911123456"},
	{Phone, "+٨٦ ١٣٨٠٠١٣٨٠٠٠", "+8613800138000"}, // Arabic-Indic digits
	{Phone, "1380013800", "+861380013800"},       // possible (10 digits), not valid: kept
	// Short codes and service numbers: digits as given.
	{Phone, "95588", "95588"},
	{Phone, "12345", "12345"},
	{Phone, "110", "110"},
	{Phone, "10086", "10086"},
	{Phone, "+86 95588", "95588"},
	{Phone, "1069 0000 1234 5678", "1069000012345678"},

	{WhatsApp, "+86 138 0013 8000", "+8613800138000"},
	{WhatsApp, "138 0013 8000", "+8613800138000"},
	{WhatsApp, "https://wa.me/8613800138000", "+8613800138000"},
	{WhatsApp, "wa.me/639170000000?text=hi", "+639170000000"},
	{WhatsApp, "https://api.whatsapp.com/send?phone=8613800138000&text=x", "+8613800138000"},
	{WhatsApp, "whatsapp://send?phone=%2B8613800138000", "+8613800138000"},

	{Domain, "example.com", "example.com"},
	{Domain, "Example.COM.", "example.com"},
	{Domain, "example[.]com", "example.com"},
	{Domain, "example(.)com", "example.com"},
	{Domain, "example(dot)com", "example.com"},
	{Domain, "example[dot]com", "example.com"},
	{Domain, "example{.}com", "example.com"},
	{Domain, "example [.] com", "example.com"},
	{Domain, "ｅｘａｍｐｌｅ．ｃｏｍ", "example.com"},
	{Domain, "example。com", "example.com"},
	{Domain, "example｡com", "example.com"},
	{Domain, "例子.中国", "xn--fsqu00a.xn--fiqs8s"},
	{Domain, "例子。中国", "xn--fsqu00a.xn--fiqs8s"},
	{Domain, "xn--fsqu00a.xn--fiqs8s", "xn--fsqu00a.xn--fiqs8s"},
	{Domain, "BÜCHER.de", "xn--bcher-kva.de"},
	{Domain, "fixedflȯat.com", "xn--fixedflat-msd.com"},
	{Domain, "job-example.top", "job-example.top"},
	{Domain, "a.b.xyz", "a.b.xyz"},
	{Domain, "lucky.vip", "lucky.vip"},
	{Domain, "x.pages.dev", "x.pages.dev"},
	{Domain, "pages.dev", "pages.dev"}, // a private suffix is someone's domain
	{Domain, "ether_promo.kissr.com", "ether_promo.kissr.com"},
	{Domain, "r3---sn-abc.googlevideo.com", "r3---sn-abc.googlevideo.com"},
	{Domain, "example.com/", "example.com"},
	{Domain, "example[[.]]com", "example.com"},

	{URL, "HTTP://Example.COM/x", "http://example.com/x"},
	{URL, "example.com", "http://example.com/"},
	{URL, "//example.com/a", "http://example.com/a"},
	{URL, "https://example.com:443/", "https://example.com/"},
	{URL, "http://example.com:80", "http://example.com/"},
	{URL, "http://example.com:8080/", "http://example.com:8080/"},
	{URL, "http://example.com:0080/", "http://example.com/"},
	{URL, "hxxp://evil[.]top/login", "http://evil.top/login"},
	{URL, "hXXps://evil[.]top/login?a=1#frag", "https://evil.top/login?a=1"},
	{URL, "http[:]//evil(dot)top", "http://evil.top/"},
	{URL, "https[://]evil.top/x", "https://evil.top/x"},
	{URL, "fxp://files.example.com/a", "ftp://files.example.com/a"},
	{URL, "ｈｔｔｐ：／／ｅｘａｍｐｌｅ．ｃｏｍ／ｘ", "http://example.com/x"},
	{URL, "http://example.com/%7euser/%2f%2e%41", "http://example.com/~user/%2F.A"},
	{URL, "http://example.com/a/./b/../c", "http://example.com/a/c"},
	{URL, "http://example.com/a/%2E%2E/b", "http://example.com/b"},
	{URL, "http://example.com/a b<c>", "http://example.com/a%20b%3Cc%3E"},
	{URL, "http://example.com/100%", "http://example.com/100%25"},
	{URL, "http://example.com/?", "http://example.com/"},
	{URL, "http://example.com/?q=a%2fb&Z=1", "http://example.com/?q=a%2fb&Z=1"},
	{URL, "http://example.com?q=1", "http://example.com/?q=1"},
	{URL, "http://example.com/路径?q=中", "http://example.com/%E8%B7%AF%E5%BE%84?q=%E4%B8%AD"},
	{URL, "http://例子.中国/", "http://xn--fsqu00a.xn--fiqs8s/"},
	{URL, `http:\\example.com\a\b`, "http://example.com/a/b"},
	{URL, "https://bank.com@evil.top/", "https://bank.com@evil.top/"},
	{URL, "http://user:pa ss@evil.top/", "http://user:pa%20ss@evil.top/"},
	{URL, "http://2130706433/", "http://127.0.0.1/"},
	{URL, "http://0x7f.1/", "http://127.0.0.1/"},
	{URL, "http://0177.0.0.1/", "http://127.0.0.1/"},
	{URL, "http://1.2.3.4:8080/x", "http://1.2.3.4:8080/x"},
	{URL, "http://[2001:DB8::1]:80/", "http://[2001:db8::1]/"},
	{URL, "http://%65xample.com/", "http://example.com/"},
	{URL, "ws://chat.example.com/socket", "ws://chat.example.com/socket"},
	{URL, "<https://example.com/x>", "https://example.com/x"},
	{URL, "http://exa\tmple.com/\n", "http://example.com/"},
	{URL, "http://example.com/a(%64ot)b", "http://example.com/a.b"},

	{Card, "4111111111111111", "4111111111111111"},
	{Card, "4111 1111 1111 1111", "4111111111111111"},
	{Card, "4111-1111-1111-1111", "4111111111111111"},
	{Card, "６２２２ ０２１２ ３４５６ ７８９４", "6222021234567894"},
	{Card, "6212 2640 0000 0000 006", "6212264000000000006"},
	{Card, "378282246310005", "378282246310005"},
	{Card, "501800000009", "501800000009"}, // 12-digit Maestro

	{BankAccount, "6217 0000 1234 5678 901", "6217000012345678901"},
	{BankAccount, "6217-0000-1234", "621700001234"},
	{BankAccount, "123456", "123456"},
	{BankAccount, "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"},
	{BankAccount, "gb82west12345698765432", "GB82WEST12345698765432"},
	{BankAccount, "DE89 3704 0044 0532 0130 00", "DE89370400440532013000"},
	{BankAccount, "AB12 CDEF 1234", "AB12CDEF1234"}, // not an IBAN country: plain account

	{BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
	{BTC, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"},
	{BTC, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"},
	{BTC, "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"},
	{BTC, "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"},
	{BTC, "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297", "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"},
	{BTC, "bitcoin:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa?amount=0.1", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
	{BTC, "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y"}, // v1, 40 bytes

	{ETH, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"},
	{ETH, "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"},
	{ETH, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"},
	{ETH, "0XfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"},
	{ETH, "dbf03b407c01e7cd3cbea99509d93f8dddc8c6fb", "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"},
	{ETH, "ethereum:0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359@1", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"},

	{TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"},
	{TRON, "41a614f803b6fd780986a42c78ec9c7f77e6ded13c", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"},
	{TRON, "0x41A614F803B6FD780986A42C78EC9C7F77E6DED13C", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"},

	{CryptoOther, "LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb", "LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb"},
	{CryptoOther, " bitcoincash:qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq ", "bitcoincash:qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq"},
	{CryptoOther, "155dDX3rWoNsY4aiJFbsu6wLB91c2J2Ws5BgMfJKyM1eGnkS", "155dDX3rWoNsY4aiJFbsu6wLB91c2J2Ws5BgMfJKyM1eGnkS"},

	{Telegram, "@Scam_Support", "scam_support"},
	{Telegram, "scam_support", "scam_support"},
	{Telegram, "https://t.me/Scam_Support", "scam_support"},
	{Telegram, "t.me/s/scam_support", "scam_support"},
	{Telegram, "https://t.me/scam_support/123", "scam_support"},
	{Telegram, "telegram.me/scam_support", "scam_support"},
	{Telegram, "https://scam_support.t.me", "scam_support"},
	{Telegram, "tg://resolve?domain=scam_support&start=x", "scam_support"},
	{Telegram, "＠ｓｃａｍ＿ｓｕｐｐｏｒｔ", "scam_support"},

	{WeChat, "wxid_abcdefg1234567", "wxid_abcdefg1234567"},
	{WeChat, "WXID_ABCdef123", "wxid_abcdef123"},
	{WeChat, "Fraud_Boss88", "fraud_boss88"},
	{WeChat, "微信：kefu-2024", "kefu-2024"},
	{QQ, "2850123456", "2850123456"},
	{QQ, "QQ：2850 1234 56", "2850123456"},
	{QQ, "qq号:12345", "12345"},
	{QQ, "扣扣 87654321", "87654321"},
	{QQ, "３００８７７５６１５", "3008775615"},
	{WeChat, "wechat: kefu2024", "kefu2024"},

	{Email, "John.Doe@Example.COM", "John.Doe@example.com"},
	{Email, "mailto:john@example.com?subject=x", "john@example.com"},
	{Email, "user[@]example[.]com", "user@example.com"},
	{Email, "user(at)example(dot)com", "user@example.com"},
	{Email, "user＠例子.中国", "user@xn--fsqu00a.xn--fiqs8s"},
	{Email, `"john doe"@example.com`, `"john doe"@example.com`},
	{Email, "a+tag@sub.example.co.uk", "a+tag@sub.example.co.uk"},
	{Email, "<kefu@example.com>", "kefu@example.com"},
	{Email, "用户@example.com", "用户@example.com"},

	{IP, "8.8.8.8", "8.8.8.8"},
	{IP, "2001:DB8::1", "2001:db8::1"},
	{IP, "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
	{IP, "::ffff:1.2.3.4", "1.2.3.4"},
	{IP, "[2001:db8::1]", "2001:db8::1"},
	{IP, "1[.]2[.]3[.]4", "1.2.3.4"},
	{IP, "１．２．３．４", "1.2.3.4"},

	{App, "com.example.app", "com.example.app"},
	{App, "com.Example.App", "com.example.app"},
	{App, "com.tencent.mm", "com.tencent.mm"},
	{App, "com.my-company.ios_app2", "com.my-company.ios_app2"},
	{App, "https://play.google.com/store/apps/details?id=com.evil.loan&hl=en", "com.evil.loan"},
	{App, "market://details?id=com.evil.loan", "com.evil.loan"},
}

func TestParseValid(t *testing.T) {
	for _, c := range validCases {
		t.Run(c.kind.String()+"/"+c.in, func(t *testing.T) {
			i, err := Parse(c.kind, c.in)
			if err != nil {
				t.Fatalf("Parse(%s, %q): %v", c.kind, c.in, err)
			}
			if i.Kind() != c.kind || i.Value() != c.want {
				t.Fatalf("Parse(%s, %q) = %s:%q, want %q", c.kind, c.in, i.Kind(), i.Value(), c.want)
			}
			again, err := Parse(c.kind, i.Value())
			if err != nil || again != i {
				t.Fatalf("Parse(%s, %q) again = %q, %v; not idempotent", c.kind, i.Value(), again.Value(), err)
			}
		})
	}
}

type invalidCase struct {
	kind Kind
	in   string
	rule string
}

var invalidCases = []invalidCase{
	{Phone, "", "empty"},
	{Phone, "   ", "empty"},
	{Phone, "12", "too_short"},
	{Phone, "abc", "invalid_character"},
	{Phone, "138 0013 8000 ext 12", "invalid_character"},
	{Phone, "138****8000", "invalid_character"},
	{Phone, "86+13800138000", "invalid_character"},
	{Phone, "+999 1234 5678", "country_code"},
	{Phone, "+86 1", "too_short"},
	{Phone, "+86 138 0013 8000 1234 56", "not_possible"},
	{Phone, "123456789012345678901", "too_long"},
	{Phone, "+86 13800", "not_possible"},
	{Phone, "+1 202 555", "not_possible"},
	{Phone, "+86 12345", "not_possible"}, // not a real CN short code
	{Phone, "1380013800012", "not_possible"},
	{Phone, "+", "not_a_number"},
	{WhatsApp, "95588", "short_code"},
	{WhatsApp, "https://wa.me/", "empty"},
	{WhatsApp, "wa.me/12", "too_short"},

	{Domain, "", "empty"},
	{Domain, ".", "empty"},
	{Domain, "foo.zzzz", "no_public_suffix"},
	{Domain, "localhost", "no_public_suffix"},
	{Domain, "1.2.3.4", "no_public_suffix"},
	{Domain, "com", "public_suffix"},
	{Domain, "co.uk", "public_suffix"},
	{Domain, "a..com", "empty_label"},
	{Domain, ".example.com", "empty_label"},
	{Domain, "-abc.com", "hyphen"},
	{Domain, "abc-.com", "hyphen"},
	{Domain, "exa mple.com", "invalid_character"},
	{Domain, "exa!mple.com", "invalid_character"},
	{Domain, "*.fleek.co", "wildcard"},
	{Domain, "http://example.com", "url"},
	{Domain, "example.com/login", "url"},
	{Domain, strings.Repeat("a", 64) + ".com", "too_long"},
	{Domain, strings.Repeat("abcdefghi.", 26) + "com", "too_long"},
	{Domain, "xn--abc.com", "idna"},
	{Domain, "xn--example.com", "idna"},
	{Domain, "a\u0600b.com", "idna"},

	{URL, "", "empty"},
	{URL, "javascript:alert(1)", "scheme"},
	{URL, "mailto:a@example.com", "scheme"},
	{URL, "gopher://example.com/", "scheme"},
	{URL, "http://", "host"},
	{URL, "http:///path", "no_public_suffix"}, // browsers read "path" as the host
	{URL, "http://:80/", "host"},
	{URL, "http://example.com:99999/", "port"},
	{URL, "http://example.com:8o/", "port"},
	{URL, "http://foo.zzzz/", "no_public_suffix"},
	{URL, "http://localhost:8080/", "no_public_suffix"},
	{URL, "http://1.2.3.256/", "host"},
	{URL, "http://[::1/", "host"},
	{URL, "http://[1.2.3.4]/", "host"},
	{URL, "http://exa mple.com/", "invalid_character"},
	{URL, "http://" + strings.Repeat("a", 8200), "too_long"},

	{Card, "", "empty"},
	{Card, "4111 1111 1111 1112", "luhn"},
	{Card, "4111 1111 111", "too_short"},
	{Card, "41111111111111111111", "too_long"},
	{Card, "4111 **** **** 1111", "invalid_character"},
	{Card, "4111a111", "not_a_number"},
	{Card, "4111/1111", "invalid_character"},

	{BankAccount, "", "empty"},
	{BankAccount, "12345", "too_short"},
	{BankAccount, strings.Repeat("1", 35), "too_long"},
	{BankAccount, "ABCDEFGH", "not_a_number"},
	{BankAccount, "GB82 WEST 1234 5698 7654 33", "checksum"},
	{BankAccount, "6217_0000", "invalid_character"},
	{BankAccount, "6217 **** 1234", "invalid_character"},

	{BTC, "", "empty"},
	{BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "checksum"},
	{BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0", "base58"},
	{BTC, "1A1zP1eP5QGefi2DMPTfTL5S", "too_short"},
	{BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNaaaa", "too_long"},
	{BTC, "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "testnet"},
	{BTC, "2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc", "testnet"},
	{BTC, "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "testnet"},
	{BTC, "LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb", "version"},
	{BTC, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "version"},
	{BTC, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx", "checksum"},
	{BTC, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwF5mdq", "bech32"},
	// BIP 350 test vectors.
	{BTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "bech32"},                                            // v0 with a bech32m checksum
	{BTC, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "bech32m"},                       // v1 with a bech32 checksum
	{BTC, "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "witness_version"},               // version 17
	{BTC, "bc1pw5dgrnzv", "witness_program"},                                                                 // 1-byte program
	{BTC, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav", "witness_program"}, // 41 bytes
	{BTC, "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "witness_program"},                                         // v0, 16 bytes
	{BTC, "bc1gmk9yu", "bech32"}, // no data

	{ETH, "", "empty"},
	{ETH, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "eip55_checksum"},
	{ETH, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", "too_short"},
	{ETH, "0x9cbb3edecdf8649f653ffe492d65bd777f4bc4f01", "too_long"},
	{ETH, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", "invalid_character"},
	{ETH, "5aaeb6053f3e94c9b9a09f33669435e7ef1bea", "prefix"},
	{ETH, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "prefix"},

	{TRON, "", "empty"},
	{TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", "checksum"},
	{TRON, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "tron_prefix"},
	{TRON, "0xa614f803b6fd780986a42c78ec9c7f77e6ded13c", "tron_prefix"},
	{TRON, "42a614f803b6fd780986a42c78ec9c7f77e6ded13c", "tron_prefix"},
	{TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6", "too_short"},
	{TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6tt", "too_long"},
	{TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj0t", "base58"},
	{TRON, "0x41a614", "length"},

	{CryptoOther, "", "empty"},
	{CryptoOther, "short", "too_short"},
	{CryptoOther, strings.Repeat("a", 121), "too_long"},
	{CryptoOther, "addr with spaces in the middle", "invalid_character"},

	{Telegram, "", "empty"},
	{Telegram, "@", "empty"},
	{Telegram, "@abc", "too_short"},
	{Telegram, "@" + strings.Repeat("a", 33), "too_long"},
	{Telegram, "@scam-support", "invalid_character"},
	{Telegram, "@1scammer", "invalid_character"},
	{Telegram, "https://t.me/joinchat/AAAAAEx", "invite_link"},
	{Telegram, "https://t.me/+AbCdEf", "invite_link"},

	{WeChat, "", "empty"},
	{WeChat, "abc12", "too_short"},
	{WeChat, strings.Repeat("a", 21), "too_long"},
	{WeChat, "1abcdefg", "invalid_character"},
	{WeChat, "kefu 2024", "invalid_character"},
	{WeChat, "wxid_", "too_short"},
	{QQ, "QQ:", "empty"},
	{QQ, "1234", "too_short"},
	{QQ, "123456789012", "too_long"},
	{QQ, "0123456", "leading_zero"},
	{QQ, "qq:abc123", "invalid_character"},

	{Email, "", "empty"},
	{Email, "john.example.com", "no_at_sign"},
	{Email, "@example.com", "empty"},
	{Email, "john@", "empty"},
	{Email, "a..b@example.com", "local_part"},
	{Email, ".a@example.com", "local_part"},
	{Email, "a b@example.com", "invalid_character"},
	{Email, `"a"b"@example.com`, "local_part"},
	{Email, "john@foo.zzzz", "no_public_suffix"},
	{Email, "john@[1.2.3.4]", "domain"},
	{Email, strings.Repeat("a", 65) + "@example.com", "too_long"},

	{IP, "", "empty"},
	{IP, "1.2.3", "ip"},
	{IP, "1.2.3.256", "ip"},
	{IP, "01.2.3.4", "ip"},
	{IP, "1.2.3.4:80", "port"},
	{IP, "[2001:db8::1]:443", "port"},
	{IP, "10.0.0.0/8", "cidr"},
	{IP, "fe80::1%eth0", "zone"},
	{IP, "example.com", "ip"},

	{App, "", "empty"},
	{App, "example", "too_short"},
	{App, "com..example", "empty_label"},
	{App, "com.example.", "empty_label"},
	{App, "com.1example", "invalid_character"},
	{App, "com.exa mple", "invalid_character"},
	{App, strings.Repeat("a.", 128) + "b", "too_long"},

	{KindInvalid, "x", "kind"},
	{Kind(99), "x", "kind"},
}

func TestParseInvalid(t *testing.T) {
	for _, c := range invalidCases {
		t.Run(c.kind.String()+"/"+c.rule+"/"+c.in, func(t *testing.T) {
			i, err := Parse(c.kind, c.in)
			if err == nil {
				t.Fatalf("Parse(%s, %q) = %q, want error with rule %s", c.kind, c.in, i.Value(), c.rule)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%s, %q) error %T is not *Error", c.kind, c.in, err)
			}
			if e.Rule != c.rule {
				t.Fatalf("Parse(%s, %q) rule %q (%s), want %q", c.kind, c.in, e.Rule, e.Message, c.rule)
			}
			if e.Message == "" || e.Input != c.in || !i.IsZero() {
				t.Fatalf("Parse(%s, %q): incomplete error %+v or non-zero result", c.kind, c.in, e)
			}
			if c.kind.Valid() && e.Kind != c.kind {
				t.Fatalf("Parse(%s, %q): error names kind %s", c.kind, c.in, e.Kind)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		in   string
		kind Kind
		want string
	}{
		{"138-0013-8000", Phone, "+8613800138000"},
		{"+86 138 0013 8000", Phone, "+8613800138000"},
		{"0086 138 0013 8000", Phone, "+8613800138000"},
		{"(010) 1234 5678", Phone, "+861012345678"},
		{"95588", Phone, "95588"},
		{"110", Phone, "110"},
		{"tel:10086", Phone, "10086"},
		{"+63 917 000 0000", Phone, "+639170000000"},
		{"4111 1111 1111 1111", Card, "4111111111111111"},
		{"6212264000000000006", Card, "6212264000000000006"},
		{"6217000012345678901", BankAccount, "6217000012345678901"},
		{"GB82 WEST 1234 5698 7654 32", BankAccount, "GB82WEST12345698765432"},
		{"https://example.com/login", URL, "https://example.com/login"},
		{"hxxp://evil[.]top", URL, "http://evil.top/"},
		{"evil.top/login.php", URL, "http://evil.top/login.php"},
		{"evil.top:8080", URL, "http://evil.top:8080/"},
		{"1.2.3.4:8080/x", URL, "http://1.2.3.4:8080/x"},
		{"https://t.me/joinchat/AAAAAEx", URL, "https://t.me/joinchat/AAAAAEx"},
		{"https://t.me/scam_support", Telegram, "scam_support"},
		{"t.me/scam_support", Telegram, "scam_support"},
		{"@scam_support", Telegram, "scam_support"},
		{"https://wa.me/8613800138000", WhatsApp, "+8613800138000"},
		{"https://play.google.com/store/apps/details?id=com.evil.loan", App, "com.evil.loan"},
		{"user@example.com", Email, "user@example.com"},
		{"user[@]example[.]com", Email, "user@example.com"},
		{"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", ETH, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"},
		{"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"},
		{"41a614f803b6fd780986a42c78ec9c7f77e6ded13c", TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"},
		{"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
		{"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", BTC, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"},
		{"8.8.8.8", IP, "8.8.8.8"},
		{"2001:db8::1", IP, "2001:db8::1"},
		{"1[.]2[.]3[.]4", IP, "1.2.3.4"},
		{"wxid_abcdefg1234567", WeChat, "wxid_abcdefg1234567"},
		{"4111 1111 1111 1112", BankAccount, "4111111111111112"}, // fails Luhn: not a card
		{"example.com", Domain, "example.com"},
		{"例子.中国", Domain, "xn--fsqu00a.xn--fiqs8s"},
		{"evil[.]top", Domain, "evil.top"},
		{"com.tencent.mm", Domain, "com.tencent.mm"},
		{"com.example.myapp", App, "com.example.myapp"},
		{"LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb", CryptoOther, "LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb"},
		{ltcAddress, CryptoOther, ltcAddress},
		{"155dDX3rWoNsY4aiJFbsu6wLB91c2J2Ws5BgMfJKyM1eGnkS", CryptoOther, "155dDX3rWoNsY4aiJFbsu6wLB91c2J2Ws5BgMfJKyM1eGnkS"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			i, err := Detect(c.in)
			if err != nil {
				t.Fatalf("Detect(%q): %v", c.in, err)
			}
			if i.Kind() != c.kind || i.Value() != c.want {
				t.Fatalf("Detect(%q) = %s, want %s:%s", c.in, i, c.kind, c.want)
			}
		})
	}
	errs := []struct{ in, rule string }{
		{"", "empty"},
		{"hello world", "undetected"},
		{"???", "undetected"},
		{"12", "undetected"},
		{"10.0.0.0/8", "cidr"},
		{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "eip55_checksum"}, // an eth with a typo stays an eth
	}
	for _, c := range errs {
		t.Run("error/"+c.in, func(t *testing.T) {
			i, err := Detect(c.in)
			var e *Error
			if !errors.As(err, &e) || e.Rule != c.rule {
				t.Fatalf("Detect(%q) = %s, %v; want rule %s", c.in, i, err, c.rule)
			}
		})
	}
}

// ltcAddress is a Litecoin segwit address made here, so that its bech32
// checksum is right.
var ltcAddress = func() string {
	data := make([]byte, 20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	conv, err := bech32.ConvertBits(data, 8, 5, true)
	if err != nil {
		panic(err)
	}
	s, err := bech32.Encode("ltc", append([]byte{0}, conv...))
	if err != nil {
		panic(err)
	}
	return s
}()

func TestOptionsRegion(t *testing.T) {
	us := Options{DefaultRegion: "us"}
	i, err := us.Parse(Phone, "(202) 555-0100")
	if err != nil || i.Value() != "+12025550100" {
		t.Fatalf("US national number: %v, %v", i, err)
	}
	i, err = us.Parse(Phone, "+86 138 0013 8000")
	if err != nil || i.Value() != "+8613800138000" {
		t.Fatalf("international number with US default: %v, %v", i, err)
	}
	ph := Options{DefaultRegion: "PH"}
	if i, err := ph.Parse(Phone, "0917 000 0000"); err != nil || i.Value() != "+639170000000" {
		t.Fatalf("PH national number: %v, %v", i, err)
	}
	if i, err := ph.Detect("0917 000 0000"); err != nil || i.Value() != "+639170000000" {
		t.Fatalf("PH Detect: %v, %v", i, err)
	}
	bad := Options{DefaultRegion: "XX"}
	if _, err := bad.Parse(Phone, "138 0013 8000"); err == nil || err.(*Error).Rule != "region" {
		t.Fatalf("unknown region: got %v", err)
	}
	if i, err := bad.Parse(Phone, "+8613800138000"); err != nil || i.Value() != "+8613800138000" {
		t.Fatalf("an international number needs no region: %v, %v", i, err)
	}
}

// TestCNMobileFastPath checks the hand-written path for Chinese mobiles
// against libphonenumber on every prefix and on random numbers in all the
// forms the fast path takes.
func TestCNMobileFastPath(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	check := func(text string) {
		t.Helper()
		var d phoneDigits
		if rule, _ := scanPhone(text, &d); rule != "" {
			t.Fatalf("scan %q: %s", text, rule)
		}
		m := cnMobileDigits(d.digits(), d.plus, "CN")
		if m == nil {
			return
		}
		num, err := phonenumbers.Parse(text, "CN")
		if err != nil {
			t.Fatalf("%q: fast path taken, library fails: %v", text, err)
		}
		want := phonenumbers.Format(num, phonenumbers.E164)
		if got := "+86" + string(m); got != want || !phonenumbers.IsPossibleNumber(num) {
			t.Fatalf("%q: fast path %s, library %s (possible %v)", text, got, want, phonenumbers.IsPossibleNumber(num))
		}
	}
	for p := 100; p < 200; p++ {
		for n := 0; n < 30; n++ {
			national := fmt.Sprintf("%d%08d", p, rng.Intn(100000000))
			for _, form := range []string{national, "+86" + national, "86" + national, "0086" + national} {
				check(form)
			}
		}
	}
}

func TestTextMarshaling(t *testing.T) {
	for _, c := range validCases {
		i := MustParse(c.kind, c.in)
		b, err := i.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != i.String() {
			t.Fatalf("MarshalText %q, String %q", b, i.String())
		}
		var back Indicator
		if err := back.UnmarshalText(b); err != nil || back != i {
			t.Fatalf("UnmarshalText(%q) = %v, %v; want %v", b, back, err, i)
		}
	}
	type row struct {
		A Indicator `json:"a"`
		B Indicator `json:"b"`
	}
	in := row{A: MustParse(URL, "https://example.com/x?y=1")}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"a":"url:https://example.com/x?y=1","b":""}` {
		t.Fatalf("json %s, %v", b, err)
	}
	var out row
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("json round trip %+v, %v", out, err)
	}
	for _, bad := range []string{"phone", "nokind:x", "eth:0x12"} {
		var i Indicator
		err := i.UnmarshalText([]byte(bad))
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("UnmarshalText(%q) = %v, want *Error", bad, err)
		}
	}
}

func TestRegistrable(t *testing.T) {
	cases := []struct {
		i    Indicator
		want string
	}{
		{MustParse(Domain, "a.b.example.co.uk"), "example.co.uk"},
		{MustParse(Domain, "example.com"), "example.com"},
		{MustParse(Domain, "evil.github.io"), "evil.github.io"},
		{MustParse(Domain, "github.io"), "github.io"},
		{MustParse(Domain, "例子.中国"), "xn--fsqu00a.xn--fiqs8s"},
		{MustParse(URL, "https://user@login.evil.example.top:8443/x"), "example.top"},
		{MustParse(URL, "http://1.2.3.4/x"), ""},
		{MustParse(URL, "http://[2001:db8::1]/x"), ""},
		{MustParse(Email, "a@mail.example.com"), ""},
		{MustParse(Phone, "13800138000"), ""},
		{Indicator{}, ""},
	}
	for _, c := range cases {
		if got := c.i.Registrable(); got != c.want {
			t.Errorf("%s.Registrable() = %q, want %q", c.i, got, c.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	t.Run("mobile", func(t *testing.T) {
		p := Describe(MustParse(Phone, "13800138000")).Phone
		if p == nil || !p.Valid || !p.Possible || p.ShortCode || p.Region != "CN" || p.Type != "mobile" || p.CountryCode != 86 {
			t.Fatalf("%+v", p)
		}
	})
	t.Run("possible not valid", func(t *testing.T) {
		p := Describe(MustParse(Phone, "1380013800")).Phone
		if p == nil || p.Valid || !p.Possible {
			t.Fatalf("%+v", p)
		}
	})
	t.Run("short code", func(t *testing.T) {
		p := Describe(MustParse(Phone, "95588")).Phone
		if p == nil || !p.ShortCode || p.Region != "CN" {
			t.Fatalf("%+v", p)
		}
		e := Describe(MustParse(Phone, "110")).Phone
		if !e.Emergency || e.Type != "emergency" {
			t.Fatalf("%+v", e)
		}
		s := Describe(MustParse(Phone, "1069000012345678")).Phone
		if !s.ShortCode || s.Type != "sms_service" {
			t.Fatalf("%+v", s)
		}
	})
	t.Run("domain", func(t *testing.T) {
		d := Describe(MustParse(Domain, "www.例子.中国")).Domain
		if d == nil || !d.IDN || d.Unicode != "www.例子.中国" || d.Registrable != "xn--fsqu00a.xn--fiqs8s" || !d.ICANN {
			t.Fatalf("%+v", d)
		}
		p := Describe(MustParse(Domain, "evil.pages.dev")).Domain
		if p.ICANN || p.PublicSuffix != "pages.dev" || p.Registrable != "evil.pages.dev" {
			t.Fatalf("%+v", p)
		}
	})
	t.Run("url", func(t *testing.T) {
		d := Describe(MustParse(URL, "https://bank.com@login.evil.top:8443/a?b=c"))
		if d.URL == nil || d.URL.Scheme != "https" || d.URL.Host != "login.evil.top" || d.URL.Port != 8443 || d.URL.Path != "/a" || d.URL.Query != "b=c" || !d.URL.UserInfo {
			t.Fatalf("%+v", d.URL)
		}
		if d.Domain == nil || d.Domain.Registrable != "evil.top" {
			t.Fatalf("%+v", d.Domain)
		}
		ip := Describe(MustParse(URL, "http://192.168.1.1/"))
		if !ip.URL.HostIP || ip.IP == nil || !ip.IP.Private {
			t.Fatalf("%+v %+v", ip.URL, ip.IP)
		}
	})
	t.Run("crypto", func(t *testing.T) {
		for in, want := range map[string][2]string{
			"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa":                             {"p2pkh", "p2pkh"},
			"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy":                             {"p2sh", "p2sh"},
			"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq":                     {"bech32", "p2wpkh"},
			"bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3": {"bech32", "p2wsh"},
			"bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297": {"bech32m", "p2tr"},
		} {
			c := Describe(MustParse(BTC, in)).Crypto
			if c == nil || c.Network != "bitcoin" || c.Format != want[0] || c.Type != want[1] {
				t.Errorf("%s: %+v", in, c)
			}
		}
		tr := Describe(MustParse(TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")).Crypto
		if tr.Network != "tron" || tr.Hex != "41a614f803b6fd780986a42c78ec9c7f77e6ded13c" {
			t.Fatalf("%+v", tr)
		}
		if e := Describe(MustParse(ETH, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")).Crypto; e.Network != "ethereum" || e.Format != "eip55" {
			t.Fatalf("%+v", e)
		}
	})
	t.Run("card", func(t *testing.T) {
		for in, brand := range map[string]string{
			"4111111111111111":    "visa",
			"5555555555554444":    "mastercard",
			"378282246310005":     "amex",
			"6212264000000000006": "unionpay",
			"3530111333300000":    "jcb",
			"6011111111111117":    "discover",
		} {
			c := Describe(MustParse(Card, in)).Card
			if c == nil || c.Brand != brand || c.Last4 != in[len(in)-4:] || c.IIN != in[:6] {
				t.Errorf("%s: %+v, want %s", in, c, brand)
			}
		}
	})
	t.Run("account and ip", func(t *testing.T) {
		if a := Describe(MustParse(BankAccount, "GB82WEST12345698765432")).Account; !a.IBAN || a.Country != "GB" {
			t.Fatalf("%+v", a)
		}
		if a := Describe(MustParse(BankAccount, "6217000012345678901")).Account; a.IBAN {
			t.Fatalf("%+v", a)
		}
		if ip := Describe(MustParse(IP, "8.8.8.8")).IP; ip.Version != 4 || !ip.Global {
			t.Fatalf("%+v", ip)
		}
		if ip := Describe(MustParse(IP, "::1")).IP; ip.Version != 6 || !ip.Loopback || ip.Global {
			t.Fatalf("%+v", ip)
		}
	})
	t.Run("json", func(t *testing.T) {
		b, err := json.Marshal(Describe(MustParse(Phone, "95588")))
		if err != nil || !strings.Contains(string(b), `"kind":"phone"`) || !strings.Contains(string(b), `"short_code":true`) {
			t.Fatalf("%s %v", b, err)
		}
	})
	t.Run("zero and stored junk", func(t *testing.T) {
		_ = Describe(Indicator{})
		for _, k := range Kinds() {
			_ = Describe(Stored(k, "garbage"))
			_ = Describe(Stored(k, ""))
			_ = Stored(k, "").Registrable()
		}
	})
}

// TestZeroAlloc keeps the hot paths honest: an input already in canonical
// form comes back without allocating.
func TestZeroAlloc(t *testing.T) {
	cases := []struct {
		k  Kind
		in string
		// max allocations
		max float64
	}{
		{Phone, "+8613800138000", 0},
		{Domain, "example.com", 1}, // publicsuffix builds an error value inside
		{Card, "4111111111111111", 0},
		{BankAccount, "6217000012345678901", 0},
		{BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 0},
		{TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", 0},
		{Telegram, "scam_support", 0},
		{IP, "8.8.8.8", 0},
		{App, "com.example.app", 0},
		{Email, "kefu@example.com", 1},
	}
	for _, c := range cases {
		n := testing.AllocsPerRun(100, func() {
			if _, err := Parse(c.k, c.in); err != nil {
				t.Fatal(err)
			}
		})
		if n > c.max {
			t.Errorf("Parse(%s, %q): %.0f allocations, want at most %.0f", c.k, c.in, n, c.max)
		}
	}
}

// TestPhoneRecheckSkipsOnlyStable checks the shortcut of mayStripAgain:
// whenever it lets a number skip the second reading, the E.164 result does
// read as itself. Numbers: every region's example numbers with their digits
// varied, national and international.
func TestPhoneRecheckSkipsOnlyStable(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	checked := 0
	var regions []string
	for r := range phonenumbers.GetSupportedRegions() {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, region := range regions {
		ex := phonenumbers.GetExampleNumber(region)
		if ex == nil {
			continue
		}
		nsn := phonenumbers.GetNationalSignificantNumber(ex)
		for n := 0; n < 20; n++ {
			b := []byte(nsn)
			for i := 1 + rng.Intn(2); i < len(b); i++ {
				if rng.Intn(2) == 0 {
					b[i] = byte('0' + rng.Intn(10))
				}
			}
			if n%3 == 0 {
				b = append([]byte("0"), b...) // a trunk prefix
			}
			for _, text := range []string{fmt.Sprintf("+%d%s", ex.GetCountryCode(), b), string(b)} {
				v := libPhone([]byte(text), region)
				if v.rule != "" || v.short || v.recheck {
					continue
				}
				checked++
				if w := libPhone([]byte(v.value), region); w.value != v.value {
					t.Errorf("%s in %s: %s reads again as %s, but no recheck was asked for", text, region, v.value, w.value)
				}
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d numbers checked", checked)
	}
}
