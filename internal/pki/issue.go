package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Check validates a request against the profile and, for signed profiles,
// the issuer. It returns every problem at once so that one plan shows them all.
func (r *Request) Check(issuer *Issuer) []*FieldError {
	errs := r.checkFields()
	if r.Profile.IsCA() && r.Subject.IsEmpty() {
		errs = append(errs, fieldErr("subject", "CA subject is empty", "A CA certificate needs a subject: set subject.common_name (and organization)."))
	}
	switch {
	case r.Profile == ProfileServer && len(r.Names.DNSNames)+len(r.Names.IPAddresses) == 0:
		errs = append(errs, fieldErr("dns_names", "Server certificate without DNS or IP names", "TLS clients match the server's name against DNS and IP subject alternative names only, never the common name. Set dns_names and/or ip_addresses."))
	case r.Profile == ProfileClient && r.servesTLS() && len(r.Names.DNSNames)+len(r.Names.IPAddresses) == 0:
		// A peer certificate (server_auth and client_auth) is a server certificate.
		errs = append(errs, fieldErr("dns_names", "Peer certificate without DNS or IP names", "extended_key_usages includes server_auth, so this certificate also serves TLS, and TLS clients match the server's name against DNS and IP subject alternative names only, never the common name. Set dns_names and/or ip_addresses, or remove server_auth."))
	case r.Profile == ProfileClient && r.Subject.CommonName == "" && r.Names.IsEmpty():
		// A subject alone is a normal client identity (PostgreSQL's role, Apache's SSL_CLIENT_S_DN_CN, MySQL's REQUIRE SUBJECT).
		errs = append(errs, fieldErr("subject", "Client certificate without a name", "Set subject.common_name (the identity servers map to a user, e.g. a PostgreSQL role), or at least one of dns_names, ip_addresses, uris (e.g. a SPIFFE ID) or email_addresses. In CSR mode the CSR's subject and names count."))
	}
	if len(r.Names.DNSNames)+len(r.Names.IPAddresses)+len(r.Names.URIs)+len(r.Names.EmailAddresses) > 0 && r.Profile.IsCA() {
		errs = append(errs, fieldErr("dns_names", "CA certificates carry no subject alternative names", "Remove the names; use permitted_dns_domains to limit what the CA may sign."))
	}
	errs = append(errs, checkCAOptions(r.CA)...)
	if !r.NotAfter.After(r.NotBefore) {
		errs = append(errs, fieldErr("validity_period_hours", "Empty validity period", "validity_period_hours must be at least 1."))
	}
	if issuer != nil {
		errs = append(errs, r.checkAgainstIssuer(issuer)...)
	}
	return errs
}

func checkCAOptions(o CAOptions) []*FieldError {
	var errs []*FieldError
	if o.MaxPathLength != nil && *o.MaxPathLength < 0 {
		errs = append(errs, fieldErr("max_path_length", "Negative path length", "max_path_length must be 0 or more; leave it unset for no limit."))
	}
	for _, l := range []struct {
		attr    string
		domains []string
	}{{"permitted_dns_domains", o.PermittedDNSDomains}, {"excluded_dns_domains", o.ExcludedDNSDomains}} {
		for _, d := range l.domains {
			if err := CheckDNSName(strings.TrimPrefix(d, ".")); err != nil || strings.HasPrefix(d, "*") {
				errs = append(errs, fieldErr(l.attr, "Invalid DNS name constraint", "%q is not a domain; use example.com (the domain and its subdomains) or .example.com (subdomains only).", d))
			}
		}
	}
	for _, l := range []struct {
		attr   string
		ranges []string
	}{{"permitted_ip_ranges", o.PermittedIPRanges}, {"excluded_ip_ranges", o.ExcludedIPRanges}} {
		for _, r := range l.ranges {
			if _, err := parseIPRange(l.attr, r); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, e := range o.PermittedEmailAddresses {
		if CheckEmail(e) != nil && CheckDNSName(strings.TrimPrefix(e, ".")) != nil {
			errs = append(errs, fieldErr("permitted_email_addresses", "Invalid email constraint", "%q is not a mailbox (ops@example.com), a host (example.com) or a domain (.example.com).", e))
		}
	}
	for _, d := range o.PermittedURIDomains {
		// URI hosts may hold underscores, as SPIFFE trust domains do.
		if checkHostname(strings.TrimPrefix(d, "."), false, true) != nil {
			errs = append(errs, fieldErr("permitted_uri_domains", "Invalid URI domain constraint", "%q is not a host (example.org) or a domain (.example.org).", d))
		}
	}
	return errs
}

func (r *Request) checkAgainstIssuer(iss *Issuer) []*FieldError {
	errs := r.checkValidityAgainst(iss.Cert)
	if r.Profile == ProfileIntermediateCA {
		for _, ca := range iss.Certs() {
			if sameName(r.Subject.Name().ToRDNSequence(), ca.RawSubject) {
				errs = append(errs, fieldErr("subject", "Intermediate CA has the subject of a CA above it",
					"The subject %q is the distinguished name of CA %q in ca_cert_pem. OpenSSL (and so nginx, Apache and curl) finds issuers by name: it takes a CA named like its issuer for a self-signed certificate, and one named like a CA higher up for that CA, and refuses every certificate it signs. Give this CA a subject of its own, e.g. another common_name.",
					r.Subject.Name().String(), ca.Subject.String()))
				break
			}
		}
		if remaining, limited := RemainingPathLength(iss.Certs()); limited {
			switch {
			case remaining < 1:
				errs = append(errs, fieldErr("ca_cert_pem", "Issuer may not sign CA certificates",
					"The path length constraints of the issuing chain allow no further CA below %q (max_path_length is exhausted). Sign this intermediate with a CA higher up, or raise max_path_length on the root.", iss.Cert.Subject.String()))
			case r.CA.MaxPathLength != nil && *r.CA.MaxPathLength > remaining-1:
				errs = append(errs, fieldErr("max_path_length", "Path length exceeds the issuer's",
					"max_path_length = %d, but the issuing chain allows at most %d below this CA. Set max_path_length to %d or less, or leave it unset.", *r.CA.MaxPathLength, remaining-1, remaining-1))
			}
		}
	}
	errs = append(errs, r.checkNameConstraints(iss.Certs())...)
	errs = append(errs, r.checkExtKeyUsageNesting(iss.Certs())...)
	return errs
}

// checkValidityAgainst says what is wrong with the issuing CA's validity
// first (an expired CA is not fixed by a shorter certificate), then whether
// the certificate outlives the CA, and warns when its renewal would.
func (r *Request) checkValidityAgainst(ca *x509.Certificate) []*FieldError {
	now, who := r.issuedAt(), ca.Subject.String()
	switch {
	case !ca.NotAfter.After(now):
		return []*FieldError{fieldErr("ca_cert_pem", "Issuing CA has expired",
			"CA %q expired at %s, so nothing it signs can verify, whatever its validity. Renew or rotate the CA (a new CA certificate, e.g. by replacing its resource), then issue from it.", who, timestamp(ca.NotAfter))}
	case ca.NotBefore.After(now):
		return []*FieldError{fieldErr("ca_cert_pem", "Issuing CA is not yet valid",
			"CA %q is valid only from %s, after the time of issuance (%s), so what it signs cannot verify before then. Check the clock of this machine and of the one that made the CA, or wait until then.", who, timestamp(ca.NotBefore), timestamp(now))}
	case r.NotAfter.After(ca.NotAfter):
		return []*FieldError{fieldErr("validity_period_hours", "Certificate would outlive its CA",
			"The certificate would be valid until %s, but the issuing CA %q expires at %s. Lower validity_period_hours, or renew the CA first.", timestamp(r.NotAfter), who, timestamp(ca.NotAfter))}
	}
	// A reissue at time t fails once t + validity passes the CA's end, so
	// from failsFrom on; warn when that comes before this certificate's
	// renewal, the one reissue that is sure to happen.
	validity := r.NotAfter.Sub(now)
	failsFrom, renewal := ca.NotAfter.Add(-validity), r.NotAfter.Add(-r.EarlyRenewal)
	if renewal.After(failsFrom) {
		return []*FieldError{{Attribute: "validity_period_hours", Warning: true, Summary: "Certificate cannot be renewed under this CA",
			Detail: fmt.Sprintf("The issuing CA %q expires at %s. From %s on, a certificate valid for %d hours would outlive it, so renewing or replacing this one (due at %s) will fail with \"Certificate would outlive its CA\". "+
				"Renew or rotate the CA before %s; give CAs a validity well above their certificates' (e.g. 10 years above 1) and set early_renewal_hours, so that certificates are renewed while the CA has time left.",
				who, timestamp(ca.NotAfter), timestamp(failsFrom), int64(validity.Round(time.Hour).Hours()), timestamp(renewal), timestamp(failsFrom))}}
	}
	return nil
}

func (r *Request) issuedAt() time.Time {
	if r.Now.IsZero() {
		return r.NotBefore
	}
	return r.Now
}

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Issue signs the request with issuer (nil means self-signed, with signer as
// the key) and returns the certificate. Before returning, the new
// certificate is verified with crypto/x509 against its chain, so that a
// violation of name constraints, path length or EKU nesting can never leave
// as a certificate.
func Issue(r *Request, issuer *Issuer, selfKey crypto.Signer) (*x509.Certificate, error) {
	if errs := r.Check(issuer); hasErrors(errs) {
		return nil, errors.Join(errorsOf(errs)...)
	}
	tmpl, err := r.template(issuer)
	if err != nil {
		return nil, err
	}
	parent, signer := tmpl, selfKey
	if issuer != nil {
		parent, signer = issuer.Cert, issuer.Key
	}
	if signer == nil {
		return nil, errors.New("no signing key")
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, r.PublicKey, signer)
	if err != nil {
		return nil, fmt.Errorf("signing certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parsing the new certificate: %w", err)
	}
	if err := VerifyIssued(cert, issuer); err != nil {
		return nil, err
	}
	return cert, nil
}

// VerifyIssued verifies cert against its issuer chain with crypto/x509. When
// the chain was given without its root, the topmost certificate given is
// taken as the trust anchor.
func VerifyIssued(cert *x509.Certificate, issuer *Issuer) error {
	var chain []*x509.Certificate
	if issuer != nil {
		chain = issuer.Certs()
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	if len(chain) == 0 {
		roots.AddCert(cert)
	} else {
		roots.AddCert(chain[len(chain)-1])
		for _, c := range chain[:len(chain)-1] {
			inter.AddCert(c)
		}
	}
	for _, usage := range verifyUsages(cert) {
		opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{usage}, CurrentTime: cert.NotBefore.Add(cert.NotAfter.Sub(cert.NotBefore) / 2)}
		if _, err := cert.Verify(opts); err != nil {
			return fmt.Errorf("the issued certificate does not verify against its CA chain: %w", err)
		}
	}
	return nil
}

// NewSerialNumber returns a random positive 128-bit serial number.
func NewSerialNumber() (*big.Int, error) {
	b := make([]byte, 16)
	for {
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		if n := new(big.Int).SetBytes(b); n.Sign() > 0 {
			return n, nil
		}
	}
}

// template is the certificate to sign. Issuer (nil for a root) supplies the
// authority key identifier and, for an intermediate, the constraints it
// inherits.
func (r *Request) template(issuer *Issuer) (*x509.Certificate, error) {
	names, _ := parseNames(r.Names)
	serial, err := NewSerialNumber()
	if err != nil {
		return nil, err
	}
	ski, err := subjectKeyID(r.PublicKey)
	if err != nil {
		return nil, err
	}
	t := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               r.Subject.Name(),
		NotBefore:             r.NotBefore,
		NotAfter:              r.NotAfter,
		DNSNames:              r.Names.DNSNames,
		EmailAddresses:        r.Names.EmailAddresses,
		IPAddresses:           names.ips,
		URIs:                  names.uris,
		SubjectKeyId:          ski,
		BasicConstraintsValid: true,
		CRLDistributionPoints: r.CRLDistributionPoints,
		IssuingCertificateURL: r.IssuingCertificateURLs,
	}
	var chain []*x509.Certificate
	if issuer != nil {
		chain = issuer.Certs()
		// Go leaves the AKI out when subject and issuer names are equal, and
		// takes it from the issuer only when the issuer has an SKI: set it
		// always, so that verifiers never take the certificate for a root.
		if t.AuthorityKeyId = issuer.Cert.SubjectKeyId; len(t.AuthorityKeyId) == 0 {
			if t.AuthorityKeyId, err = subjectKeyID(issuer.Cert.PublicKey); err != nil {
				return nil, err
			}
		}
	}
	if r.Profile.IsCA() {
		t.IsCA = true
		t.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		t.MaxPathLen = -1
		pathLen := r.CA.MaxPathLength
		if remaining, limited := RemainingPathLength(chain); pathLen == nil && limited && remaining > 0 {
			// Unset inherits what the issuer chain leaves, so the limit holds
			// even where the chain is not at hand.
			pathLen = new(remaining - 1)
		}
		if pathLen != nil {
			t.MaxPathLen = *pathLen
			t.MaxPathLenZero = *pathLen == 0
		}
		inheritedConstraints(r.CA, chain).apply(t)
		return t, nil
	}
	usages := r.ExtKeyUsages
	if len(usages) == 0 {
		usages = DefaultExtKeyUsages(r.Profile)
	}
	for _, u := range usages {
		eku, oid, _ := ParseExtKeyUsage(u)
		if oid != nil {
			t.UnknownExtKeyUsage = append(t.UnknownExtKeyUsage, oid)
		} else {
			t.ExtKeyUsage = append(t.ExtKeyUsage, eku)
		}
	}
	t.KeyUsage = leafKeyUsage(r.PublicKey, t.ExtKeyUsage)
	return t, nil
}

// servesTLS tells whether the certificate's extended key usages include
// serverAuth, by name or by OID.
func (r *Request) servesTLS() bool {
	usages := r.ExtKeyUsages
	if len(usages) == 0 {
		usages = DefaultExtKeyUsages(r.Profile)
	}
	// server_auth has one spelling: ParseExtKeyUsage refuses its dotted OID.
	return slices.Contains(usages, "server_auth")
}

// DefaultExtKeyUsages is what a leaf profile gets when extended_key_usages is unset.
func DefaultExtKeyUsages(p Profile) []string {
	switch p {
	case ProfileServer:
		return []string{"server_auth"}
	case ProfileClient:
		return []string{"client_auth"}
	}
	return nil
}

// leafKeyUsage follows the key type: RSA keys may encipher session keys (TLS
// 1.2 RSA key exchange, S/MIME); ECDSA and Ed25519 keys only sign.
func leafKeyUsage(pub crypto.PublicKey, ekus []x509.ExtKeyUsage) x509.KeyUsage {
	usage := x509.KeyUsageDigitalSignature
	if _, isRSA := pub.(*rsa.PublicKey); isRSA {
		for _, e := range ekus {
			if e == x509.ExtKeyUsageServerAuth || e == x509.ExtKeyUsageEmailProtection {
				usage |= x509.KeyUsageKeyEncipherment
			}
		}
	}
	return usage
}

// subjectKeyID is method 1 of RFC 5280 section 4.2.1.2: the SHA-1 of the
// subjectPublicKey bit string.
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil, err
	}
	sum := sha1.Sum(spki.PublicKey.Bytes)
	return sum[:], nil
}
