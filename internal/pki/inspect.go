package pki

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// CertificateInfo describes a certificate in the forms the certificate
// resources store, so that an inspected certificate compares equal to the
// state of the resource that made it.
type CertificateInfo struct {
	Subject           Subject
	SubjectDN         string
	IssuerDN          string
	DNSNames          []string
	IPAddresses       []string
	URIs              []string
	EmailAddresses    []string
	SerialNumber      string
	NotBefore         string // RFC 3339, UTC
	NotAfter          string // RFC 3339, UTC
	FingerprintSHA256 string
	IsCA              bool
	// MaxPathLength is nil when the path is unlimited, or for a leaf.
	MaxPathLength *int
	// KeyAlgorithm is empty for keys the provider refuses (weak RSA, other
	// curves): they have no key_algorithm name.
	KeyAlgorithm      string
	ExtendedKeyUsages []string
}

// Inspect describes cert.
func Inspect(cert *x509.Certificate) CertificateInfo {
	info := CertificateInfo{
		Subject:           SubjectFromName(cert.Subject),
		SubjectDN:         cert.Subject.String(),
		IssuerDN:          cert.Issuer.String(),
		DNSNames:          cert.DNSNames,
		EmailAddresses:    cert.EmailAddresses,
		SerialNumber:      SerialHex(cert),
		NotBefore:         timestamp(cert.NotBefore),
		NotAfter:          timestamp(cert.NotAfter),
		FingerprintSHA256: FingerprintSHA256(cert),
		IsCA:              cert.BasicConstraintsValid && cert.IsCA,
		MaxPathLength:     MaxPathLength(cert),
		ExtendedKeyUsages: ExtKeyUsageStrings(cert),
	}
	for _, ip := range cert.IPAddresses {
		info.IPAddresses = append(info.IPAddresses, ip.String())
	}
	for _, u := range cert.URIs {
		info.URIs = append(info.URIs, u.String())
	}
	if alg, err := AlgorithmOf(cert.PublicKey); err == nil {
		info.KeyAlgorithm = string(alg)
	}
	return info
}

// MaxPathLength is the pathLenConstraint of a CA certificate, or nil when it
// has none (crypto/x509 reports an absent constraint as -1, or as 0 without
// MaxPathLenZero).
func MaxPathLength(cert *x509.Certificate) *int {
	if !cert.BasicConstraintsValid || !cert.IsCA || cert.MaxPathLen < 0 || (cert.MaxPathLen == 0 && !cert.MaxPathLenZero) {
		return nil
	}
	return new(cert.MaxPathLen)
}

// ExtKeyUsageStrings lists the extended key usages of cert in the order the
// certificate carries them: the names of ExtKeyUsageNames where one applies,
// dotted OIDs for the others. crypto/x509 sorts the usages it knows apart
// from the rest, so the extension is read as written.
func ExtKeyUsageStrings(cert *x509.Certificate) []string {
	oids, _ := extKeyUsageOIDs(cert)
	out := make([]string, len(oids))
	for i, oid := range oids {
		if out[i] = extKeyUsageName(oid); out[i] == "" {
			out[i] = oid.String()
		}
	}
	return out
}

// PublicKeyPinSHA256 is the base64 SHA-256 of a DER SubjectPublicKeyInfo: the
// pin-sha256 of HTTP public key pinning, curl's --pinnedpubkey sha256// and
// Android's network security configuration.
func PublicKeyPinSHA256(spkiDER []byte) string {
	sum := sha256.Sum256(spkiDER)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// PublicKeyPEMInfo reads the first certificate or public key in text and
// returns its DER SubjectPublicKeyInfo.
func PublicKeyPEMInfo(text string) ([]byte, error) {
	rest := []byte(text)
	var seen []string
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch block.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("the certificate does not parse: %w", err)
			}
			return c.RawSubjectPublicKeyInfo, nil
		case "PUBLIC KEY":
			if _, err := x509.ParsePKIXPublicKey(block.Bytes); err != nil {
				return nil, fmt.Errorf("the public key does not parse: %w", err)
			}
			return block.Bytes, nil
		}
		seen = append(seen, block.Type)
	}
	return nil, fmt.Errorf("no certificate or public key found: expected -----BEGIN CERTIFICATE----- or -----BEGIN PUBLIC KEY-----%s", found(seen))
}

// found names the PEM blocks a text holds when none is of the type wanted,
// such as a private key passed for a certificate.
func found(types []string) string {
	if len(types) == 0 {
		return ""
	}
	return fmt.Sprintf(", but the text holds only %s", strings.Join(types, ", "))
}

func pemBlocks(text string) []*pem.Block {
	var blocks []*pem.Block
	rest := []byte(text)
	for {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			return blocks
		}
		blocks = append(blocks, block)
	}
}

// SplitPEM returns each PEM block of text, in order, as its own PEM text.
// Text around the blocks (such as openssl's "subject=" lines) is dropped.
func SplitPEM(text string) ([]string, error) {
	blocks := pemBlocks(text)
	if len(blocks) == 0 {
		return nil, errors.New("no PEM block found: expected blocks such as -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----")
	}
	out := make([]string, len(blocks))
	for i, b := range blocks {
		out[i] = string(pem.EncodeToMemory(b))
	}
	return out, nil
}

// HoursRemaining is the number of whole hours from now until cert expires,
// rounded down: 0 in its last hour, negative once expired.
func HoursRemaining(cert *x509.Certificate, now time.Time) int64 {
	return int64(math.Floor(cert.NotAfter.Sub(now).Hours()))
}

// PurposeAny accepts a certificate whatever its extended key usages.
const PurposeAny = "any"

// Purposes lists what a chain can be verified for: any, or one of the
// extended key usage names.
func Purposes() []string {
	return append(ExtKeyUsageNames(), PurposeAny)
}

// ParsePurpose turns a purpose from Purposes into the usage crypto/x509 checks.
func ParsePurpose(purpose string) (x509.ExtKeyUsage, error) {
	if purpose == PurposeAny {
		return x509.ExtKeyUsageAny, nil
	}
	if eku, ok := extKeyUsageByName[purpose]; ok {
		return eku.eku, nil
	}
	return 0, fmt.Errorf("unknown purpose %q: use server_auth (a TLS server), client_auth (a TLS client) or any; also accepted: %s", purpose, strings.Join(Purposes(), ", "))
}

// TrustBundle is a CA bundle to verify against: its self-signed certificates
// are the trust anchors, the others intermediates.
type TrustBundle struct {
	name  string
	certs []*x509.Certificate
	roots *x509.CertPool
	inter *x509.CertPool
}

// NewTrustBundle sorts certs, read from the input called name, into anchors
// and intermediates. A bundle without a self-signed certificate is refused:
// OpenSSL, nginx and Apache trust only a chain that ends in a root.
func NewTrustBundle(name string, certs []*x509.Certificate) (*TrustBundle, error) {
	b := &TrustBundle{name: name, certs: certs, roots: x509.NewCertPool(), inter: x509.NewCertPool()}
	anchors := 0
	for _, c := range certs {
		if IsSelfSigned(c) {
			b.roots.AddCert(c)
			anchors++
		} else {
			b.inter.AddCert(c)
		}
	}
	if anchors == 0 {
		return nil, fmt.Errorf("%s holds no self-signed root certificate (it has %s), so nothing in it is a trust anchor: add the root CA certificate that the chain ends in", name, describeCerts(certs))
	}
	return b, nil
}

// Verify verifies chain (a certificate followed by intermediates, from the
// input called chainName) against the bundle for usage at now, with
// crypto/x509. The error says which certificate fails and why.
func (b *TrustBundle) Verify(chainName string, chain []*x509.Certificate, usage x509.ExtKeyUsage, now time.Time) error {
	inter := b.inter.Clone()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	leaf := chain[0]
	_, err := leaf.Verify(x509.VerifyOptions{Roots: b.roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{usage}, CurrentTime: now})
	if err == nil {
		return nil
	}
	where := func(c *x509.Certificate) string {
		for _, in := range []struct {
			name  string
			certs []*x509.Certificate
		}{{chainName, chain}, {b.name, b.certs}} {
			for i, o := range in.certs {
				if o.Equal(c) {
					return fmt.Sprintf("%q (certificate %d of %s)", c.Subject.String(), i+1, in.name)
				}
			}
		}
		return fmt.Sprintf("%q", c.Subject.String())
	}
	var reason string
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown) && unknown.Cert != nil:
		reason = b.unknownAuthority(unknown.Cert, where, chainName, chain)
	case errors.As(err, &invalid):
		reason = b.invalidReason(invalid, where, chain, usage, now)
	default:
		reason = err.Error()
	}
	return fmt.Errorf("%s does not verify against %s for %s: %s", chainName, b.name, purposeName(usage), reason)
}

func (b *TrustBundle) invalidReason(e x509.CertificateInvalidError, where func(*x509.Certificate) string, chain []*x509.Certificate, usage x509.ExtKeyUsage, now time.Time) string {
	c, leaf := e.Cert, chain[0]
	switch e.Reason {
	case x509.Expired:
		if now.Before(c.NotBefore) {
			return fmt.Sprintf("not yet valid: %s is valid only from %s, and it is %s now", where(c), timestamp(c.NotBefore), timestamp(now))
		}
		return fmt.Sprintf("expired: %s expired at %s, and it is %s now. Renew it", where(c), timestamp(c.NotAfter), timestamp(now))
	case x509.NotAuthorizedToSign:
		return fmt.Sprintf("not a CA: %s signs another certificate of the chain but is not a CA certificate (basicConstraints CA:TRUE is missing)", where(c))
	case x509.TooManyIntermediates:
		return fmt.Sprintf("path length exceeded: %s allows at most %d intermediate CAs below it (max_path_length), and the chain has more", where(c), c.MaxPathLen)
	case x509.CANotAuthorizedForThisName:
		return fmt.Sprintf("name constraints: %s has a name outside the name constraints of a CA above it (%s): %s", where(c), b.constrainingCAs(where, chain), e.Detail)
	case x509.IncompatibleUsage:
		usages := ExtKeyUsageStrings(leaf)
		if len(usages) > 0 && usage != x509.ExtKeyUsageAny && !slices.Contains(leaf.ExtKeyUsage, usage) && !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageAny) {
			return fmt.Sprintf("wrong extended key usage: %s has extended key usages %s, not %s. Issue it with %q in extended_key_usages, or verify it for the purpose it has",
				where(leaf), strings.Join(usages, ", "), purposeName(usage), purposeName(usage))
		}
		return fmt.Sprintf("wrong extended key usage: a CA above %s limits the extended key usages below it, and %s is not among them", where(leaf), purposeName(usage))
	}
	return e.Error()
}

// unknownAuthority tells a missing issuer from one that is there but cannot
// sign: crypto/x509 reports both as an unknown authority.
func (b *TrustBundle) unknownAuthority(c *x509.Certificate, where func(*x509.Certificate) string, chainName string, chain []*x509.Certificate) string {
	for _, ca := range append(slices.Clone(chain), b.certs...) {
		if string(ca.RawSubject) != string(c.RawIssuer) || ca.Equal(c) {
			continue
		}
		if !ca.BasicConstraintsValid || !ca.IsCA {
			return fmt.Sprintf("not a CA: %s issued %s but is not a CA certificate (basicConstraints CA:TRUE is missing)", where(ca), where(c))
		}
		if c.CheckSignatureFrom(ca) != nil {
			return fmt.Sprintf("bad signature: %s names %s as its issuer, but that CA's key did not sign it (was the CA reissued with a new key?). Give the CA certificate that signed it", where(c), where(ca))
		}
	}
	return fmt.Sprintf("unknown authority: %s was issued by %q, which is neither a root in %s nor an intermediate in %s or %s that leads to one. Add the issuing CA's chain to %s",
		where(c), c.Issuer.String(), b.name, chainName, b.name, b.name)
}

// constrainingCAs names the CAs of the inputs that carry name constraints.
func (b *TrustBundle) constrainingCAs(where func(*x509.Certificate) string, chain []*x509.Certificate) string {
	var out []string
	for _, ca := range append(slices.Clone(chain[1:]), b.certs...) {
		if len(ca.PermittedDNSDomains)+len(ca.ExcludedDNSDomains)+len(ca.PermittedIPRanges)+len(ca.ExcludedIPRanges)+
			len(ca.PermittedEmailAddresses)+len(ca.ExcludedEmailAddresses)+len(ca.PermittedURIDomains)+len(ca.ExcludedURIDomains) > 0 {
			out = append(out, where(ca))
		}
	}
	return strings.Join(out, ", ")
}

func purposeName(usage x509.ExtKeyUsage) string {
	if usage == x509.ExtKeyUsageAny {
		return PurposeAny
	}
	for n, named := range extKeyUsageByName {
		if named.eku == usage {
			return n
		}
	}
	return fmt.Sprintf("usage %d", usage)
}

func describeCerts(certs []*x509.Certificate) string {
	s := make([]string, len(certs))
	for i, c := range certs {
		s[i] = fmt.Sprintf("%q issued by %q", c.Subject.String(), c.Issuer.String())
	}
	return strings.Join(s, "; ")
}
