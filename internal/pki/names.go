package pki

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// The checks here accept a name only in the form a certificate gives back:
// what crypto/x509 writes and reads unchanged. A name that would come back
// otherwise is refused with the form to write, so that the certificate never
// differs from the configuration (and the state) that made it.

// parsedNames holds Names converted to the types x509 wants.
type parsedNames struct {
	ips  []net.IP
	uris []*url.URL
}

func parseNames(n Names) (parsedNames, []*FieldError) {
	var out parsedNames
	var errs []*FieldError
	for _, d := range n.DNSNames {
		if err := CheckDNSName(d); err != nil {
			errs = append(errs, fieldErr("dns_names", "Invalid DNS name", "%s. Use a hostname such as api.example.com or a wildcard such as *.example.com.", err))
		}
	}
	errs = append(errs, duplicates("dns_names", "DNS name", n.DNSNames, strings.ToLower)...)
	for _, s := range n.IPAddresses {
		ip, err := CheckIP(s)
		if err != nil {
			errs = append(errs, fieldErr("ip_addresses", "Invalid IP address", "%s.", err))
			continue
		}
		out.ips = append(out.ips, ip)
	}
	errs = append(errs, duplicates("ip_addresses", "IP address", n.IPAddresses, ipKey)...)
	for _, s := range n.URIs {
		u, err := CheckURI(s)
		if err != nil {
			errs = append(errs, fieldErr("uris", "Invalid URI", "%s. Use an absolute URI such as spiffe://example.org/ns/default/sa/web.", err))
			continue
		}
		out.uris = append(out.uris, u)
	}
	errs = append(errs, duplicates("uris", "URI", n.URIs, uriKey)...)
	for _, e := range n.EmailAddresses {
		if err := CheckEmail(e); err != nil {
			errs = append(errs, fieldErr("email_addresses", "Invalid email address", "%s. Use an address such as ops@example.com.", err))
		}
	}
	errs = append(errs, duplicates("email_addresses", "email address", n.EmailAddresses, emailKey)...)
	return out, errs
}

// checkURLs checks the URLs a certificate points its verifiers at.
func checkURLs(attr, what string, urls []string) []*FieldError {
	var errs []*FieldError
	plain := len(urls) == 0
	for _, s := range urls {
		u, err := CheckURL(s)
		if err != nil {
			errs = append(errs, fieldErr(attr, "Invalid URL", "%s. Use a URL such as http://pki.example.com/%s.", err, what))
			continue
		}
		plain = plain || u.Scheme != "https"
	}
	if len(errs) == 0 && !plain {
		errs = append(errs, fieldErr(attr, "No http or ldap URL",
			"Every URL in %s uses https. RFC 5280 (sections 4.2.1.13 and 4.2.2.1) asks for at least one http or ldap URL: verifiers fetch CRLs and CA certificates before they can check any TLS server, and the files are signed, so they need no TLS. Add an http:// URL.", attr))
	}
	return append(errs, duplicates(attr, "URL", urls, uriKey)...)
}

// duplicates refuses values that name the same thing twice once key has
// folded what does not matter (case in domain names, IP notation).
func duplicates(attr, what string, values []string, key func(string) string) []*FieldError {
	var errs []*FieldError
	first := map[string]string{}
	for _, v := range values {
		k := key(v)
		if prev, ok := first[k]; ok {
			if prev == v {
				errs = append(errs, fieldErr(attr, "Duplicate "+what, "%q is listed twice. Remove one.", v))
			} else {
				errs = append(errs, fieldErr(attr, "Duplicate "+what, "%q and %q name the same %s (domain names ignore case). Remove one.", prev, v, what))
			}
			continue
		}
		first[k] = v
	}
	return errs
}

func ipKey(s string) string {
	if ip := net.ParseIP(s); ip != nil {
		return ip.String()
	}
	return s
}

// uriKey folds the case of the host, which URI comparison ignores (RFC 3986
// section 6.2.2.1).
func uriKey(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	u.Host = strings.ToLower(u.Host)
	return u.String()
}

// emailKey folds the case of the domain; the local part is case-sensitive
// (RFC 5280 section 7.5).
func emailKey(s string) string {
	at := strings.LastIndexByte(s, '@')
	return s[:at+1] + strings.ToLower(s[at+1:])
}

// CheckDNSName accepts a hostname in the preferred name syntax (RFC 1034
// section 3.5, as RFC 5280 section 4.2.1.6 requires): letters, digits and
// hyphens, internationalized labels in their xn-- form, with an optional
// "*." wildcard as the leftmost label.
func CheckDNSName(name string) error {
	return checkHostname(name, true, false)
}

// checkHostname checks a DNS name; URI hosts may hold underscores (SPIFFE
// trust domains do) but no wildcard.
func checkHostname(name string, wildcard, underscore bool) error {
	if name == "" {
		return errors.New("empty DNS name")
	}
	host := name
	if wildcard {
		host = strings.TrimPrefix(name, "*.")
	}
	if !isASCII(name) {
		if !utf8.ValidString(name) {
			return fmt.Errorf("%q is not valid UTF-8", name)
		}
		if a, err := idna.Lookup.ToASCII(host); err == nil && checkHostname(a, false, underscore) == nil {
			return fmt.Errorf("%q is an internationalized domain name: certificates carry its ASCII (punycode) form, so write %q", name, name[:len(name)-len(host)]+a)
		}
		return fmt.Errorf("%q contains characters that are not ASCII: write internationalized domain names in their ASCII (punycode) form, xn--", name)
	}
	if len(name) > 253 {
		return fmt.Errorf("%q is longer than 253 characters", name)
	}
	if net.ParseIP(host) != nil {
		return fmt.Errorf("%q is an IP address: put it in ip_addresses", name)
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 {
			return fmt.Errorf("%q has an empty or over-long label (labels are 1 to 63 characters, with no trailing dot)", name)
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("%q has a label that starts or ends with a hyphen", name)
		}
		for _, c := range label {
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-':
			case c == '_' && underscore:
			case c == '_':
				return fmt.Errorf("%q contains an underscore, which host names may not hold (RFC 5280 section 4.2.1.6, RFC 1034 section 3.5)", name)
			case c == '*':
				return fmt.Errorf("%q has a wildcard that is not the whole leftmost label: only *.example.com is allowed", name)
			default:
				return fmt.Errorf("%q contains %q, which is not allowed in a DNS name", name, c)
			}
		}
		if err := checkALabel(label); err != nil {
			return fmt.Errorf("%q: %w", name, err)
		}
	}
	return nil
}

// checkALabel refuses an xn-- label that is not the punycode of a valid
// internationalized label, which verifiers showing the name would choke on
// (RFC 5891; zlint's e_international_dns_name_not_unicode).
func checkALabel(label string) error {
	lower := strings.ToLower(label)
	if !strings.HasPrefix(lower, "xn--") {
		return nil
	}
	u, err := idna.Registration.ToUnicode(lower)
	if err != nil {
		return fmt.Errorf("label %q is not valid punycode (%v)", label, err)
	}
	if back, err := idna.Registration.ToASCII(u); err != nil || back != lower {
		return fmt.Errorf("label %q is not the canonical punycode of %q", label, u)
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// CheckIP accepts an IPv4 or IPv6 address written as the certificate will
// give it back: IPv4 dotted decimal, IPv6 in the lowercase compressed form
// of RFC 5952.
func CheckIP(s string) (net.IP, error) {
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, fmt.Errorf("%q is not an IPv4 or IPv6 address, such as 127.0.0.1 or ::1", s)
	}
	if v4 := ip.To4(); v4 != nil {
		ip = v4
	}
	if c := ip.String(); c != s {
		return nil, fmt.Errorf("%q is the address %s, which the certificate will show in that form: write %q", s, c, c)
	}
	return ip, nil
}

// CheckURI accepts an absolute URI with a scheme, as URI SANs require, in
// the exact form crypto/x509 writes and reads back.
func CheckURI(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URI: %v", s, err)
	}
	if u.Scheme == "" || (u.Host == "" && u.Opaque == "") {
		return nil, fmt.Errorf("%q is not an absolute URI with a scheme and host", s)
	}
	if !isASCII(s) {
		return nil, fmt.Errorf("%q contains characters that are not ASCII, which a URI in a certificate may not (it is an IA5String): percent-encode them, and write an internationalized host in its punycode form", s)
	}
	if back := u.String(); back != s {
		if _, err := url.Parse(back); err == nil {
			return nil, fmt.Errorf("%q would be written into the certificate as %q: write it in that form", s, back)
		}
		return nil, fmt.Errorf("%q does not survive encoding into a certificate unchanged", s)
	}
	if err := checkURIChars(s); err != nil {
		return nil, fmt.Errorf("%q %w", s, err)
	}
	if u.Host != "" {
		if err := checkURIHost(u); err != nil {
			return nil, fmt.Errorf("%q: %w", s, err)
		}
	}
	return u, nil
}

// uriChars are the characters RFC 3986 allows in a URI, besides letters,
// digits and percent-escapes.
const uriChars = "-._~:/?#[]@!$&'()*+,;="

func checkURIChars(s string) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte(uriChars, c) >= 0:
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			i += 2
		case c == '%':
			return errors.New("has a % that does not start an escape such as %20")
		default:
			return fmt.Errorf("contains %q, which a URI may not hold (RFC 3986): percent-encode it as %%%02X", c, c)
		}
	}
	return nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func checkURIHost(u *url.URL) error {
	host := u.Hostname()
	if strings.HasPrefix(u.Host, "[") {
		if ip := net.ParseIP(host); ip == nil || ip.To4() != nil || ip.String() != host {
			return fmt.Errorf("host [%s] is not an IPv6 address in its compressed lowercase form", host)
		}
		return nil
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.String() != host {
			return fmt.Errorf("host %s is not an IPv4 address in dotted decimal", host)
		}
		return nil
	}
	if err := checkHostname(host, false, true); err != nil {
		return fmt.Errorf("invalid host: %w", err)
	}
	if u.Port() == "" && strings.HasSuffix(u.Host, ":") {
		return errors.New("empty port")
	}
	return nil
}

// CheckURL accepts the location of a CRL or CA certificate: an http, https
// or ldap URL with a host, as RFC 5280 sections 4.2.1.13 and 4.2.2.1 describe.
func CheckURL(s string) (*url.URL, error) {
	u, err := CheckURI(s)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "http", "https", "ldap":
	default:
		return nil, fmt.Errorf("%q is not an http, https or ldap URL", s)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q has no host", s)
	}
	return u, nil
}

// atext are the characters of an RFC 5322 dot-atom besides letters and digits.
const atext = "!#$%&'*+-/=?^_`{|}~"

// CheckEmail accepts a mailbox local@domain: a dot-atom local part (RFC
// 5322) and a DNS domain, all ASCII, since rfc822Name is an IA5String.
func CheckEmail(s string) error {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return fmt.Errorf("%q is not a plain email address local@domain", s)
	}
	local, domain := s[:at], s[at+1:]
	if !isASCII(local) {
		return fmt.Errorf("%q has a local part that is not ASCII: an email SAN (rfc822Name) is ASCII only, and SmtpUTF8Mailbox (RFC 8398) is not supported", s)
	}
	if len(local) > 64 || len(s) > 254 {
		return fmt.Errorf("%q is too long: the local part is at most 64 characters, the address at most 254", s)
	}
	for _, atom := range strings.Split(local, ".") {
		if atom == "" {
			return fmt.Errorf("%q has a local part that starts or ends with a dot or holds two dots in a row", s)
		}
		for _, c := range atom {
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.ContainsRune(atext, c):
			default:
				return fmt.Errorf("%q has %q in its local part, which a plain address may not hold (no quoting, display names or comments)", s, c)
			}
		}
	}
	if net.ParseIP(domain) != nil || strings.HasPrefix(domain, "[") {
		return fmt.Errorf("%q has an IP address as its domain: use a domain name", s)
	}
	if err := checkHostname(domain, false, false); err != nil {
		return fmt.Errorf("%q has an invalid domain: %w", s, err)
	}
	return nil
}
