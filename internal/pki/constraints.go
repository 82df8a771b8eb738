package pki

import (
	"crypto/x509"
	"net"
	"slices"
	"strings"
)

// nameConstraints are the name constraints a CA certificate carries, in
// the form crypto/x509 encodes them.
type nameConstraints struct {
	permittedDNS, excludedDNS     []string
	permittedIP, excludedIP       []*net.IPNet
	permittedEmail, excludedEmail []string
	permittedURI, excludedURI     []string
}

func (n nameConstraints) isEmpty() bool {
	return len(n.permittedDNS)+len(n.excludedDNS)+len(n.permittedIP)+len(n.excludedIP)+
		len(n.permittedEmail)+len(n.excludedEmail)+len(n.permittedURI)+len(n.excludedURI) == 0
}

func (n nameConstraints) apply(t *x509.Certificate) {
	if n.isEmpty() {
		return
	}
	// RFC 5280 section 4.2.1.10: conforming CAs MUST mark name constraints critical.
	t.PermittedDNSDomainsCritical = true
	t.PermittedDNSDomains, t.ExcludedDNSDomains = n.permittedDNS, n.excludedDNS
	t.PermittedIPRanges, t.ExcludedIPRanges = n.permittedIP, n.excludedIP
	t.PermittedEmailAddresses, t.ExcludedEmailAddresses = n.permittedEmail, n.excludedEmail
	t.PermittedURIDomains, t.ExcludedURIDomains = n.permittedURI, n.excludedURI
}

// ownConstraints are the constraints the CA options ask for; the options
// were checked, so unparsable ranges cannot occur and are skipped.
func ownConstraints(o CAOptions) nameConstraints {
	return nameConstraints{
		permittedDNS: o.PermittedDNSDomains, excludedDNS: o.ExcludedDNSDomains,
		permittedIP: parseCIDRs(o.PermittedIPRanges), excludedIP: parseCIDRs(o.ExcludedIPRanges),
		permittedEmail: o.PermittedEmailAddresses, permittedURI: o.PermittedURIDomains,
	}
}

func parseCIDRs(v []string) []*net.IPNet {
	var out []*net.IPNet
	for _, r := range v {
		if n, err := parseIPRange("", r); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// parseIPRange parses the IP range constraint v of attribute attr. It is
// the one parser of configured ranges: net.ParseCIDR clears host bits
// without a word, so "10.1.2.3/8" would be issued as 10.0.0.0/8, a
// certificate other than the configuration; such a range is refused with
// the form to write instead.
func parseIPRange(attr, v string) (*net.IPNet, *FieldError) {
	ip, n, err := net.ParseCIDR(v)
	if err != nil {
		return nil, fieldErr(attr, "Invalid IP range constraint", "%q is not a CIDR range such as 10.0.0.0/8 or fd00::/8.", v)
	}
	if !ip.Equal(n.IP) {
		ones, bits := n.Mask.Size()
		return nil, fieldErr(attr, "IP range constraint has host bits set",
			"In %s, %q has host bits set: only the first %d bits name a range, and a certificate carries the range alone. Write %q for the range, or %q for the one address.",
			attr, v, ones, n.String(), (&net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}).String())
	}
	return n, nil
}

// chainConstraints are the name constraints in force below the issuer: for
// each name type the permitted subtrees that every CA of the chain allows
// (their intersection), and every CA's excluded subtrees. empty lists the
// name types for which the chain's permitted subtrees do not overlap at all,
// so that no name of that type can ever verify below it.
func chainConstraints(chain []*x509.Certificate) (n nameConstraints, empty []string) {
	var dnsSet, ipSet, emailSet, uriSet bool
	for _, ca := range chain {
		n.permittedDNS, dnsSet = narrow(n.permittedDNS, dnsSet, ca.PermittedDNSDomains, domainWithin)
		n.permittedIP, ipSet = narrow(n.permittedIP, ipSet, ca.PermittedIPRanges, rangeWithin)
		n.permittedEmail, emailSet = narrow(n.permittedEmail, emailSet, ca.PermittedEmailAddresses, emailWithin)
		n.permittedURI, uriSet = narrow(n.permittedURI, uriSet, ca.PermittedURIDomains, domainWithin)
		n.excludedDNS = union(n.excludedDNS, ca.ExcludedDNSDomains, strings.EqualFold)
		n.excludedIP = union(n.excludedIP, ca.ExcludedIPRanges, func(a, b *net.IPNet) bool { return a.String() == b.String() })
		n.excludedEmail = union(n.excludedEmail, ca.ExcludedEmailAddresses, strings.EqualFold)
		n.excludedURI = union(n.excludedURI, ca.ExcludedURIDomains, strings.EqualFold)
	}
	for _, t := range []struct {
		name  string
		set   bool
		count int
	}{{"DNS names", dnsSet, len(n.permittedDNS)}, {"IP addresses", ipSet, len(n.permittedIP)}, {"email addresses", emailSet, len(n.permittedEmail)}, {"URIs", uriSet, len(n.permittedURI)}} {
		if t.set && t.count == 0 {
			empty = append(empty, t.name)
		}
	}
	return n, empty
}

// inheritedConstraints are what a new intermediate CA carries, so that the
// constraints of its issuer chain hold even where the chain is not at hand
// (a chain_pem passed without its root): for each name type its own
// permitted subtrees when set (checked to lie inside the chain's), else the
// chain's; and its own excluded subtrees added to the chain's.
func inheritedConstraints(o CAOptions, chain []*x509.Certificate) nameConstraints {
	own := ownConstraints(o)
	n, _ := chainConstraints(chain)
	if len(own.permittedDNS) > 0 {
		n.permittedDNS = own.permittedDNS
	}
	if len(own.permittedIP) > 0 {
		n.permittedIP = own.permittedIP
	}
	if len(own.permittedEmail) > 0 {
		n.permittedEmail = own.permittedEmail
	}
	if len(own.permittedURI) > 0 {
		n.permittedURI = own.permittedURI
	}
	n.excludedDNS = union(own.excludedDNS, n.excludedDNS, strings.EqualFold)
	n.excludedIP = union(own.excludedIP, n.excludedIP, func(a, b *net.IPNet) bool { return a.String() == b.String() })
	return n
}

// narrow intersects the permitted subtrees found so far (set tells whether
// any CA constrained this type yet) with one more CA's. Two subtrees either
// nest or are disjoint, so the intersection is the inner one of each
// nesting pair.
func narrow[T any](cur []T, set bool, next []T, within func(inner, outer T) bool) ([]T, bool) {
	if len(next) == 0 {
		return cur, set
	}
	if !set {
		return append([]T(nil), next...), true
	}
	var out []T
	for _, a := range cur {
		for _, b := range next {
			switch {
			case within(a, b):
				out = append(out, a)
			case within(b, a):
				out = append(out, b)
			}
		}
	}
	return union(nil, out, func(a, b T) bool { return within(a, b) && within(b, a) }), true
}

func union[T any](a, b []T, same func(T, T) bool) []T {
	out := append([]T(nil), a...)
	for _, v := range b {
		if !slices.ContainsFunc(out, func(w T) bool { return same(v, w) }) {
			out = append(out, v)
		}
	}
	return out
}

// domainWithin tells whether every name the DNS (or URI host) constraint
// inner covers is covered by outer: "example.com" is the domain and its
// subdomains, ".example.com" its subdomains only.
func domainWithin(inner, outer string) bool {
	host := strings.TrimPrefix(inner, ".")
	if matchDomain(host, outer) {
		return true
	}
	// ".example.com" lies within ".example.com", though example.com does not.
	return strings.HasPrefix(inner, ".") && strings.HasPrefix(outer, ".") && strings.EqualFold(host, outer[1:])
}

func rangeWithin(inner, outer *net.IPNet) bool {
	innerOnes, innerBits := inner.Mask.Size()
	outerOnes, outerBits := outer.Mask.Size()
	return innerBits == outerBits && innerOnes >= outerOnes && outer.Contains(inner.IP)
}

// emailWithin is domainWithin for email constraints: a mailbox
// ("ops@example.com"), a host ("example.com") or a domain (".example.com").
func emailWithin(inner, outer string) bool {
	switch {
	case strings.Contains(inner, "@"):
		return matchEmail(inner, outer)
	case strings.Contains(outer, "@"):
		return false
	case strings.HasPrefix(inner, "."):
		return strings.HasPrefix(outer, ".") && (strings.EqualFold(inner, outer) || strings.HasSuffix(strings.ToLower(inner), strings.ToLower(outer)))
	}
	return matchEmail("x@"+inner, outer)
}

// checkNameConstraints checks every name the request asks for against the
// name constraints of every CA in the chain, naming the CA and the attribute
// at fault. For a new CA it also checks that its own permitted subtrees stay
// inside the issuer's (a wider subtree would be useless, not an error in
// X.509, but it is always a mistake).
func (r *Request) checkNameConstraints(chain []*x509.Certificate) []*FieldError {
	var errs []*FieldError
	for _, ca := range chain {
		who := ca.Subject.String()
		for _, d := range r.Names.DNSNames {
			if !domainAllowed(d, ca.PermittedDNSDomains, ca.ExcludedDNSDomains) {
				errs = append(errs, fieldErr("dns_names", "DNS name outside the CA's name constraints",
					"%q is not permitted by CA %q (permitted: %s; excluded: %s). Use a name inside the permitted domains, or issue from another CA.", d, who, list(ca.PermittedDNSDomains), list(ca.ExcludedDNSDomains)))
			}
		}
		for _, s := range r.Names.IPAddresses {
			ip := net.ParseIP(s)
			if ip != nil && !ipAllowed(ip, ca.PermittedIPRanges, ca.ExcludedIPRanges) {
				errs = append(errs, fieldErr("ip_addresses", "IP address outside the CA's name constraints",
					"%s is not permitted by CA %q (permitted: %s; excluded: %s).", s, who, ipList(ca.PermittedIPRanges), ipList(ca.ExcludedIPRanges)))
			}
		}
		for _, e := range r.Names.EmailAddresses {
			if !emailAllowed(e, ca.PermittedEmailAddresses, ca.ExcludedEmailAddresses) {
				errs = append(errs, fieldErr("email_addresses", "Email address outside the CA's name constraints",
					"%q is not permitted by CA %q (permitted: %s).", e, who, list(ca.PermittedEmailAddresses)))
			}
		}
		for _, s := range r.Names.URIs {
			u, err := CheckURI(s)
			if err == nil && !domainAllowed(u.Hostname(), ca.PermittedURIDomains, ca.ExcludedURIDomains) {
				errs = append(errs, fieldErr("uris", "URI outside the CA's name constraints",
					"%q is not permitted by CA %q (permitted URI domains: %s).", s, who, list(ca.PermittedURIDomains)))
			}
		}
		if r.Profile == ProfileIntermediateCA {
			errs = append(errs, r.checkPermittedInside(ca)...)
		}
	}
	if r.Profile == ProfileIntermediateCA {
		if _, empty := chainConstraints(chain); len(empty) > 0 {
			errs = append(errs, fieldErr("ca_cert_pem", "Issuing chain permits no names",
				"The name constraints of the CAs in ca_cert_pem permit no %s at all (their permitted subtrees do not overlap), so an intermediate below them could carry no constraint that holds. Issue from a chain whose constraints agree.", strings.Join(empty, " and no ")))
		}
	}
	return errs
}

// checkPermittedInside checks that a new CA's own permitted subtrees lie
// inside those of ca. A wider subtree is not an error in X.509, but no
// certificate outside ca's could ever verify, so it is always a mistake.
func (r *Request) checkPermittedInside(ca *x509.Certificate) []*FieldError {
	var errs []*FieldError
	who := ca.Subject.String()
	outside := func(attr, what, v string, permitted string) {
		errs = append(errs, fieldErr(attr, "Permitted "+what+" wider than the issuer allows",
			"%q lies outside what CA %q permits (%s), so no certificate for it could ever verify. Narrow it to lie inside, or leave %s unset to inherit the issuer's.", v, who, permitted, attr))
	}
	if len(ca.PermittedDNSDomains) > 0 {
		for _, d := range r.CA.PermittedDNSDomains {
			if !slices.ContainsFunc(ca.PermittedDNSDomains, func(c string) bool { return domainWithin(d, c) }) {
				outside("permitted_dns_domains", "domain", d, list(ca.PermittedDNSDomains))
			}
		}
	}
	if len(ca.PermittedIPRanges) > 0 {
		for _, v := range r.CA.PermittedIPRanges {
			n, err := parseIPRange("permitted_ip_ranges", v)
			if err == nil && !slices.ContainsFunc(ca.PermittedIPRanges, func(c *net.IPNet) bool { return rangeWithin(n, c) }) {
				outside("permitted_ip_ranges", "IP range", v, ipList(ca.PermittedIPRanges))
			}
		}
	}
	if len(ca.PermittedEmailAddresses) > 0 {
		for _, e := range r.CA.PermittedEmailAddresses {
			if !slices.ContainsFunc(ca.PermittedEmailAddresses, func(c string) bool { return emailWithin(e, c) }) {
				outside("permitted_email_addresses", "email constraint", e, list(ca.PermittedEmailAddresses))
			}
		}
	}
	if len(ca.PermittedURIDomains) > 0 {
		for _, d := range r.CA.PermittedURIDomains {
			if !slices.ContainsFunc(ca.PermittedURIDomains, func(c string) bool { return domainWithin(d, c) }) {
				outside("permitted_uri_domains", "URI domain", d, list(ca.PermittedURIDomains))
			}
		}
	}
	return errs
}

func list(v []string) string {
	if len(v) == 0 {
		return "none"
	}
	return strings.Join(v, ", ")
}

func ipList(v []*net.IPNet) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = n.String()
	}
	return list(s)
}

// matchDomain follows RFC 5280 as crypto/x509 reads it: "example.com" matches
// the domain and its subdomains, ".example.com" only subdomains.
func matchDomain(name, constraint string) bool {
	name, constraint = strings.ToLower(strings.TrimSuffix(name, ".")), strings.ToLower(constraint)
	if constraint == "" {
		return true
	}
	if strings.HasPrefix(constraint, ".") {
		return strings.HasSuffix(name, constraint)
	}
	return name == constraint || strings.HasSuffix(name, "."+constraint)
}

func domainAllowed(name string, permitted, excluded []string) bool {
	for _, c := range excluded {
		if matchDomain(name, c) {
			return false
		}
	}
	if len(permitted) == 0 {
		return true
	}
	for _, c := range permitted {
		if matchDomain(name, c) {
			return true
		}
	}
	return false
}

func ipAllowed(ip net.IP, permitted, excluded []*net.IPNet) bool {
	for _, n := range excluded {
		if n.Contains(ip) {
			return false
		}
	}
	if len(permitted) == 0 {
		return true
	}
	for _, n := range permitted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// matchEmail: "ops@example.com" is one mailbox, "example.com" any mailbox on
// that host, ".example.com" any mailbox on a subdomain.
func matchEmail(addr, constraint string) bool {
	if strings.Contains(constraint, "@") {
		return strings.EqualFold(addr, constraint)
	}
	host := addr[strings.LastIndex(addr, "@")+1:]
	if strings.HasPrefix(constraint, ".") {
		return strings.HasSuffix(strings.ToLower(host), strings.ToLower(constraint))
	}
	return strings.EqualFold(host, constraint)
}

func emailAllowed(addr string, permitted, excluded []string) bool {
	for _, c := range excluded {
		if matchEmail(addr, c) {
			return false
		}
	}
	if len(permitted) == 0 {
		return true
	}
	for _, c := range permitted {
		if matchEmail(addr, c) {
			return true
		}
	}
	return false
}
