package indicator

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Options tune how inputs without context are read. The zero Options is the
// default: national phone numbers are read as Chinese.
type Options struct {
	// DefaultRegion is the ISO 3166-1 alpha-2 region ("CN", "PH", "US"…)
	// whose numbering plan applies to phone numbers written without a
	// country code. "" means CN.
	DefaultRegion string
}

// defaultRegion is the region of the zero Options: the platform serves
// Chinese agencies first.
const defaultRegion = "CN"

// maxInput bounds every input before any work is done on it, so that a
// hostile row cannot make a parser spend time in proportion to its size.
const maxInput = 8192

// Parse reads s as an identifier of kind k with the default Options and
// returns its canonical form, or an *Error naming the rule it breaks.
func Parse(k Kind, s string) (Indicator, error) { return Options{}.Parse(k, s) }

// Detect guesses the kind of a bare string with the default Options and
// parses it as that kind; see Options.Detect for the order of the guesses.
func Detect(s string) (Indicator, error) { return Options{}.Detect(s) }

// Parse reads s as an identifier of kind k and returns its canonical form.
// Any error is an *Error. The Value of the result may share memory with s.
func (o Options) Parse(k Kind, s string) (Indicator, error) {
	if len(s) > maxInput {
		return fail(k, s, "too_long", fmt.Sprintf("input is %d bytes long; no identifier is longer than %d", len(s), maxInput))
	}
	if !utf8.ValidString(s) {
		return fail(k, s, "invalid_character", "the input is not valid UTF-8 text")
	}
	switch k {
	case Phone:
		return o.parsePhone(Phone, s)
	case WhatsApp:
		return o.parsePhone(WhatsApp, s)
	case Domain:
		return parseDomain(s)
	case URL:
		return parseURL(s)
	case BankAccount:
		return parseBankAccount(s)
	case Card:
		return parseCard(s)
	case BTC:
		return parseBTC(s)
	case ETH:
		return parseETH(s)
	case TRON:
		return parseTRON(s)
	case CryptoOther:
		return parseCryptoOther(s)
	case Telegram:
		return parseTelegram(s)
	case WeChat:
		return parseWeChat(s)
	case Email:
		return parseEmail(s)
	case IP:
		return parseIP(s)
	case QQ:
		return parseQQ(s)
	case App:
		return parseApp(s)
	}
	return Indicator{}, &Error{Kind: k, Input: s, Rule: "kind", Message: fmt.Sprintf("unknown kind %s (want one of %s)", k, kindList())}
}

// fail is the one way parsers report a broken rule.
func fail(k Kind, input, rule, msg string) (Indicator, error) {
	return Indicator{}, &Error{Kind: k, Input: input, Rule: rule, Message: msg}
}

// failErr re-labels an *Error produced for another kind (a URL's host is
// checked by the domain rules) as an error of kind k for the original input.
func failErr(k Kind, input string, err *Error, prefix string) (Indicator, error) {
	msg := err.Message
	if prefix != "" {
		msg = prefix + msg
	}
	return fail(k, input, err.Rule, msg)
}

// MarshalText implements encoding.TextMarshaler as "kind:value"; the zero
// Indicator marshals to an empty text.
func (i Indicator) MarshalText() ([]byte, error) {
	if i.IsZero() {
		return []byte{}, nil
	}
	b := make([]byte, 0, len(i.value)+14)
	b = append(b, i.kind.String()...)
	b = append(b, ':')
	b = append(b, i.value...)
	return b, nil
}

// UnmarshalText implements encoding.TextUnmarshaler. It parses "kind:value"
// with the default Options, so a stored text is validated again when read
// back; an empty text gives the zero Indicator.
func (i *Indicator) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*i = Indicator{}
		return nil
	}
	s := string(b)
	name, value, ok := strings.Cut(s, ":")
	if !ok {
		return &Error{Input: s, Rule: "syntax", Message: `want "kind:value"`}
	}
	k, err := ParseKind(name)
	if err != nil {
		return err
	}
	v, err := Parse(k, value)
	if err != nil {
		return err
	}
	*i = v
	return nil
}
