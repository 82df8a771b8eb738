package pki

import (
	"crypto/x509"
	"net"
	"strings"
)

func applyNameConstraints(t *x509.Certificate, o CAOptions) error {
	if !o.hasNameConstraints() {
		return nil
	}
	// RFC 5280 section 4.2.1.10: conforming CAs MUST mark name constraints critical.
	t.PermittedDNSDomainsCritical = true
	t.PermittedDNSDomains = o.PermittedDNSDomains
	t.ExcludedDNSDomains = o.ExcludedDNSDomains
	t.PermittedEmailAddresses = o.PermittedEmailAddresses
	t.PermittedURIDomains = o.PermittedURIDomains
	for _, r := range o.PermittedIPRanges {
		_, n, err := net.ParseCIDR(r)
		if err != nil {
			return err
		}
		t.PermittedIPRanges = append(t.PermittedIPRanges, n)
	}
	for _, r := range o.ExcludedIPRanges {
		_, n, err := net.ParseCIDR(r)
		if err != nil {
			return err
		}
		t.ExcludedIPRanges = append(t.ExcludedIPRanges, n)
	}
	return nil
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
		if r.Profile == ProfileIntermediateCA && len(ca.PermittedDNSDomains) > 0 {
			for _, d := range r.CA.PermittedDNSDomains {
				if !domainAllowed(strings.TrimPrefix(d, "."), ca.PermittedDNSDomains, nil) {
					errs = append(errs, fieldErr("permitted_dns_domains", "Permitted domain wider than the issuer allows",
						"%q lies outside what CA %q permits (%s), so no certificate for it could ever verify.", d, who, list(ca.PermittedDNSDomains)))
				}
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
