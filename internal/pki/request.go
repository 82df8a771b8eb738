package pki

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Profile is the kind of certificate being issued; it decides basic
// constraints, key usage and default extended key usage.
type Profile int

const (
	ProfileRootCA Profile = iota
	ProfileIntermediateCA
	ProfileServer
	ProfileClient
)

func (p Profile) IsCA() bool { return p == ProfileRootCA || p == ProfileIntermediateCA }

func (p Profile) String() string {
	return [...]string{"root CA", "intermediate CA", "server certificate", "client certificate"}[p]
}

// Subject is the distinguished name of a certificate, one value per attribute.
type Subject struct {
	CommonName         string
	Organization       string
	OrganizationalUnit string
	Country            string
	Province           string
	Locality           string
	StreetAddress      string
	PostalCode         string
	SerialNumber       string
}

// MaxCommonNameLength is the ub-common-name upper bound of RFC 5280.
const MaxCommonNameLength = 64

func (s Subject) Name() pkix.Name {
	one := func(v string) []string {
		if v == "" {
			return nil
		}
		return []string{v}
	}
	return pkix.Name{
		CommonName:         s.CommonName,
		Organization:       one(s.Organization),
		OrganizationalUnit: one(s.OrganizationalUnit),
		Country:            one(s.Country),
		Province:           one(s.Province),
		Locality:           one(s.Locality),
		StreetAddress:      one(s.StreetAddress),
		PostalCode:         one(s.PostalCode),
		SerialNumber:       s.SerialNumber,
	}
}

// SubjectFromName is the inverse of Subject.Name, keeping the first value of
// each attribute; used when importing existing certificates.
func SubjectFromName(n pkix.Name) Subject {
	first := func(v []string) string {
		if len(v) == 0 {
			return ""
		}
		return v[0]
	}
	return Subject{
		CommonName: n.CommonName, Organization: first(n.Organization), OrganizationalUnit: first(n.OrganizationalUnit),
		Country: first(n.Country), Province: first(n.Province), Locality: first(n.Locality),
		StreetAddress: first(n.StreetAddress), PostalCode: first(n.PostalCode), SerialNumber: n.SerialNumber,
	}
}

func (s Subject) IsEmpty() bool { return s == Subject{} }

// Names are the subject alternative names of a certificate.
type Names struct {
	DNSNames       []string
	IPAddresses    []string
	URIs           []string
	EmailAddresses []string
}

func (n Names) IsEmpty() bool {
	return len(n.DNSNames)+len(n.IPAddresses)+len(n.URIs)+len(n.EmailAddresses) == 0
}

// CAOptions are the settings that only CA certificates carry.
type CAOptions struct {
	// MaxPathLength nil means unlimited; 0 means the CA may sign only leaves.
	MaxPathLength           *int
	PermittedDNSDomains     []string
	ExcludedDNSDomains      []string
	PermittedIPRanges       []string
	ExcludedIPRanges        []string
	PermittedEmailAddresses []string
	PermittedURIDomains     []string
}

// Request is everything needed to issue one certificate except the issuer.
type Request struct {
	Profile   Profile
	Subject   Subject
	Names     Names
	PublicKey crypto.PublicKey
	NotBefore time.Time
	NotAfter  time.Time
	// Now is the time of issuance (NotBefore less the backdating); zero
	// means NotBefore.
	Now time.Time
	// EarlyRenewal is how long before NotAfter the certificate is due for
	// renewal (early_renewal_hours), for the warning that renewal will fail.
	EarlyRenewal time.Duration
	// ExtKeyUsages are names from ExtKeyUsageNames or dotted OIDs; empty means
	// the profile default (server_auth or client_auth).
	ExtKeyUsages []string
	CA           CAOptions
	// CRLDistributionPoints and IssuingCertificateURLs point at the issuer's
	// CRL and certificate.
	CRLDistributionPoints  []string
	IssuingCertificateURLs []string
}

// Validity returns NotBefore and NotAfter for a certificate made at now.
// NotBefore is moved back so that peers with slow clocks accept it at once.
func Validity(now time.Time, validityHours, backdateMinutes int64) (time.Time, time.Time) {
	now = now.UTC().Truncate(time.Second)
	return now.Add(-time.Duration(backdateMinutes) * time.Minute), now.Add(time.Duration(validityHours) * time.Hour)
}

// extKeyUsageByName is the single source of the extended_key_usages names.
var extKeyUsageByName = map[string]x509.ExtKeyUsage{
	"server_auth":      x509.ExtKeyUsageServerAuth,
	"client_auth":      x509.ExtKeyUsageClientAuth,
	"code_signing":     x509.ExtKeyUsageCodeSigning,
	"email_protection": x509.ExtKeyUsageEmailProtection,
	"ocsp_signing":     x509.ExtKeyUsageOCSPSigning,
}

// ExtKeyUsageNames lists the accepted extended key usage names, sorted.
func ExtKeyUsageNames() []string {
	names := make([]string, 0, len(extKeyUsageByName))
	for n := range extKeyUsageByName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ParseExtKeyUsage accepts a name from ExtKeyUsageNames or a dotted OID.
func ParseExtKeyUsage(v string) (x509.ExtKeyUsage, asn1.ObjectIdentifier, error) {
	if eku, ok := extKeyUsageByName[v]; ok {
		return eku, nil, nil
	}
	oid, err := ParseOID(v)
	if err != nil {
		return 0, nil, fmt.Errorf("%q is neither one of %s nor a dotted OID such as 1.3.6.1.5.5.7.3.2", v, strings.Join(ExtKeyUsageNames(), ", "))
	}
	return 0, oid, nil
}

// ParseOID parses a dotted object identifier such as 1.3.6.1.4.1.311.
func ParseOID(v string) (asn1.ObjectIdentifier, error) {
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return nil, fmt.Errorf("%q is not a dotted OID", v)
	}
	oid := make(asn1.ObjectIdentifier, len(parts))
	for i, p := range parts {
		n := 0
		if p == "" || len(p) > 9 {
			return nil, fmt.Errorf("%q is not a dotted OID", v)
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return nil, fmt.Errorf("%q is not a dotted OID", v)
			}
			n = n*10 + int(c-'0')
		}
		oid[i] = n
	}
	if oid[0] > 2 || (oid[0] < 2 && oid[1] > 39) {
		return nil, fmt.Errorf("%q is not a valid OID", v)
	}
	return oid, nil
}

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
	for _, s := range n.IPAddresses {
		ip := net.ParseIP(s)
		if ip == nil {
			errs = append(errs, fieldErr("ip_addresses", "Invalid IP address", "%q is not an IPv4 or IPv6 address, such as 127.0.0.1 or ::1.", s))
			continue
		}
		if v4 := ip.To4(); v4 != nil {
			ip = v4
		}
		out.ips = append(out.ips, ip)
	}
	for _, s := range n.URIs {
		u, err := CheckURI(s)
		if err != nil {
			errs = append(errs, fieldErr("uris", "Invalid URI", "%s. Use an absolute URI such as spiffe://example.org/ns/default/sa/web.", err))
			continue
		}
		out.uris = append(out.uris, u)
	}
	for _, e := range n.EmailAddresses {
		if err := CheckEmail(e); err != nil {
			errs = append(errs, fieldErr("email_addresses", "Invalid email address", "%s. Use an address such as ops@example.com.", err))
		}
	}
	return out, errs
}

// CheckDNSName accepts a hostname of letters, digits and hyphens, with an
// optional "*." wildcard as the leftmost label.
func CheckDNSName(name string) error {
	if name == "" {
		return fmt.Errorf("empty DNS name")
	}
	host := strings.TrimPrefix(name, "*.")
	if len(name) > 253 {
		return fmt.Errorf("%q is longer than 253 characters", name)
	}
	if net.ParseIP(host) != nil {
		return fmt.Errorf("%q is an IP address: put it in ip_addresses", name)
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 {
			return fmt.Errorf("%q has an empty or over-long label", name)
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("%q has a label that starts or ends with a hyphen", name)
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("%q contains %q, which is not allowed in a DNS name", name, c)
			}
		}
	}
	return nil
}

// CheckURI accepts an absolute URI with a scheme, as URI SANs require.
func CheckURI(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URI: %v", s, err)
	}
	if u.Scheme == "" || (u.Host == "" && u.Opaque == "") {
		return nil, fmt.Errorf("%q is not an absolute URI with a scheme and host", s)
	}
	return u, nil
}

// CheckEmail accepts an RFC 5322 addr-spec without display name or comments.
func CheckEmail(s string) error {
	at := strings.LastIndex(s, "@")
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " <>(),;:\"\t\r\n") {
		return fmt.Errorf("%q is not a plain email address", s)
	}
	if err := CheckDNSName(s[at+1:]); err != nil || strings.HasPrefix(s[at+1:], "*.") {
		return fmt.Errorf("%q has an invalid domain", s)
	}
	return nil
}
