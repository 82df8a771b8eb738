package pki

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pbes2"
)

// Fuzz targets for every parser and check of user input in this package.
// `go test` runs their seeds; `make fuzz` fuzzes each for FUZZTIME. Each
// asserts a property beyond "no panic": what is accepted is usable and comes
// back unchanged from a real certificate.

func FuzzParseCertificatesPEM(f *testing.F) {
	root := newRoot(f, ECDSAP256, CAOptions{})
	inter := newIntermediate(f, root.issuer(), ECDSAP256, CAOptions{PermittedDNSDomains: []string{"example.com"}})
	f.Add(EncodeCertificatesPEM(root.cert))
	f.Add("subject=CN=x\n" + EncodeCertificatesPEM(inter.cert, root.cert) + "trailing text")
	f.Add("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
	f.Add("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
	f.Fuzz(func(t *testing.T, text string) {
		certs, err := ParseCertificatesPEM(text)
		if err != nil {
			return
		}
		back, err := ParseCertificatesPEM(EncodeCertificatesPEM(certs...))
		if err != nil || len(back) != len(certs) {
			t.Fatalf("re-encoded chain does not parse back: %v", err)
		}
		for i := range certs {
			if !bytes.Equal(back[i].Raw, certs[i].Raw) {
				t.Fatalf("certificate %d changed DER in a round trip", i+1)
			}
		}
		// The helpers that read parsed chains must cope with anything parsed.
		_ = CheckChainOrder(certs)
		_ = WithoutRoot(certs)
		_, _ = RemainingPathLength(certs)
		_ = CheckCanSign(certs[0])
		_ = FingerprintSHA256(certs[0]) + SerialHex(certs[0])
	})
}

func FuzzParsePrivateKeyPEM(f *testing.F) {
	for _, alg := range []KeyAlgorithm{RSA2048, ECDSAP384, Ed25519} {
		key := mustKey(f, alg)
		enc, err := EncodeKey(key)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(enc.PKCS8PEM, "")
		if enc.LegacyPEM != "" {
			f.Add(enc.LegacyPEM, "")
		}
		plain, _ := x509.MarshalPKCS8PrivateKey(key)
		// A low iteration count keeps each fuzz run fast.
		encrypted, err := encryptPKCS8PEM(pbes2.Scheme{Iterations: 10, SaltLen: 16}, plain, "pw")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(encrypted, "pw")
		f.Add(encrypted, "wrong")
	}
	//nolint:staticcheck // legacy encryption, as `openssl genrsa -aes256` writes it
	legacy, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", mustSEC1(f, mustKey(f, ECDSAP256)), []byte("pw"), x509.PEMCipherAES128)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(pem.EncodeToMemory(legacy)), "pw")
	f.Add(string(pem.EncodeToMemory(legacy)), "nope")
	f.Add("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "pw")
	f.Fuzz(func(t *testing.T, text, passphrase string) {
		key, err := ParsePrivateKeyPEM(text, passphrase)
		if err != nil {
			if errors.Is(err, ErrWrongPassphrase) && !strings.Contains(text, "ENCRYPTED") {
				t.Fatalf("a key that is not encrypted was blamed on the passphrase: %v", err)
			}
			return
		}
		if _, err := AlgorithmOf(key.Public()); err != nil {
			t.Fatalf("accepted a key the provider refuses: %v", err)
		}
		enc, err := EncodeKey(key)
		if err != nil {
			t.Fatalf("accepted key does not encode: %v", err)
		}
		back, err := ParsePrivateKeyPEM(enc.PKCS8PEM, "")
		if err != nil || !PublicKeysEqual(back.Public(), key.Public()) {
			t.Fatalf("accepted key does not round-trip: %v", err)
		}
		// It must sign, since a CA key is used for nothing else.
		msg := sha256.Sum256([]byte("fuzz"))
		var opts crypto.SignerOpts = crypto.SHA256
		if _, ok := key.(ed25519.PrivateKey); ok {
			opts = crypto.Hash(0)
		}
		if _, err := key.Sign(rand.Reader, msg[:], opts); err != nil {
			t.Fatalf("accepted key cannot sign: %v", err)
		}
	})
}

func FuzzParseCSRPEM(f *testing.F) {
	root := newRoot(f, ECDSAP256, CAOptions{})
	key := mustKey(f, ECDSAP256)
	for _, tmpl := range []*x509.CertificateRequest{
		{Subject: pkix.Name{CommonName: "client", Organization: []string{"Example"}, Country: []string{"SE"}}, DNSNames: []string{"client.example.com"}, IPAddresses: []net.IP{net.IPv4(10, 0, 0, 7)}},
		{Subject: pkix.Name{CommonName: "a", OrganizationalUnit: []string{"x", "y"}, ExtraNames: []pkix.AttributeTypeAndValue{{Type: oidEmailAddress, Value: "a@example.com"}}}, EmailAddresses: []string{"a@example.com"}},
		{Subject: pkix.Name{CommonName: "spiffe"}, URIs: mustURIs(f, "spiffe://example.org/web")},
	} {
		der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})))
	}
	f.Add("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")
	f.Fuzz(func(t *testing.T, text string) {
		csr, err := ParseCSRPEM(text)
		if err != nil {
			return
		}
		if csr.CheckSignature() != nil {
			t.Fatal("accepted a CSR whose signature does not verify")
		}
		if _, err := AlgorithmOf(csr.PublicKey); err != nil {
			t.Fatalf("accepted a CSR key the provider refuses: %v", err)
		}
		_ = CSRSubjectDropped(csr)
		// Whatever the checks accept from a CSR is issued exactly as asked.
		req := leafRequest(ProfileClient, csr.PublicKey, NamesFromCSR(csr))
		req.Subject, req.SubjectFromCSR, req.NamesFromCSR = SubjectFromName(csr.Subject), true, true
		if req.Names.IsEmpty() {
			req.Names.DNSNames = []string{"fallback.example.com"}
		}
		if errs := req.Check(root.issuer()); hasErrors(errs) {
			return
		}
		issueRoundTrip(t, req, root.issuer())
	})
}

func mustURIs(t testing.TB, s ...string) []*url.URL {
	t.Helper()
	var out []*url.URL
	for _, v := range s {
		u, err := url.Parse(v)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, u)
	}
	return out
}

// nameFuzzer fuzzes one kind of subject alternative name: every value the
// check accepts is issued in a real certificate and read back unchanged.
func nameFuzzer(f *testing.F, seeds []string, check func(string) error, names func(string) Names, extra func(*testing.T, *x509.Certificate, string)) {
	root := newRoot(f, ECDSAP256, CAOptions{})
	key := mustKey(f, ECDSAP256)
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if check(s) != nil {
			return
		}
		req := leafRequest(ProfileClient, key.Public(), names(s))
		if errs := req.Check(root.issuer()); hasErrors(errs) {
			t.Fatalf("the check accepted %q but the request is refused: %v", s, errs)
		}
		c := issueRoundTrip(t, req, root.issuer())
		if extra != nil {
			extra(t, c, s)
		}
	})
}

func FuzzCheckDNSName(f *testing.F) {
	seeds := []string{"api.example.com", "*.example.com", "xn--caf-dma.example.com", "café.example.com", "a_b.example", "a..b", "-a.example", "10.0.0.1", "EXAMPLE.COM", strings.Repeat("a.", 127) + "a"}
	nameFuzzer(f, seeds, CheckDNSName, func(s string) Names { return Names{DNSNames: []string{s}} }, func(t *testing.T, c *x509.Certificate, s string) {
		lintCert(t, c)
		host := strings.Replace(s, "*", "x", 1)
		if err := c.VerifyHostname(host); err != nil {
			t.Fatalf("a certificate for %q does not match %q: %v", s, host, err)
		}
	})
}

func FuzzCheckIP(f *testing.F) {
	seeds := []string{"10.0.0.1", "::1", "2001:db8::1", "::ffff:10.0.0.1", "2001:DB8::1", "010.0.0.1", "fe80::1%eth0", "1.2.3.4.5"}
	nameFuzzer(f, seeds, func(s string) error { _, err := CheckIP(s); return err }, func(s string) Names {
		return Names{IPAddresses: []string{s}}
	}, func(t *testing.T, c *x509.Certificate, s string) {
		if err := c.VerifyHostname(s); err != nil {
			t.Fatalf("a certificate for %s does not match it: %v", s, err)
		}
	})
}

func FuzzCheckURI(f *testing.F) {
	seeds := []string{"spiffe://example.org/ns/default/sa/web", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "https://[2001:db8::1]:8443/a%20b?q=1#f",
		"spiffe://example.org/a b", "SPIFFE://x.example/y", "spiffe://example.org./x", "http://user:pw@host.example/", "mailto:ops@example.com", "http://ex%41mple.com/"}
	nameFuzzer(f, seeds, func(s string) error { _, err := CheckURI(s); return err }, func(s string) Names {
		return Names{URIs: []string{s}}
	}, nil)
}

func FuzzCheckEmail(f *testing.F) {
	seeds := []string{"ops@example.com", "first.last+tag@xn--caf-dma.example.com", "josé@example.com", "a@b@c.example", "\"quoted\"@example.com", "ops@[10.0.0.1]", "Ops <ops@example.com>"}
	nameFuzzer(f, seeds, CheckEmail, func(s string) Names { return Names{EmailAddresses: []string{s}} }, func(t *testing.T, c *x509.Certificate, _ string) {
		lintCert(t, c)
	})
}

func FuzzCheckURL(f *testing.F) {
	root := newRoot(f, ECDSAP256, CAOptions{})
	key := mustKey(f, ECDSAP256)
	for _, s := range []string{"http://pki.example.com/ca.crl", "ldap://ldap.example.com/cn=CA,dc=example,dc=com?certificateRevocationList;binary", "https://pki.example.com/ca.crt", "ftp://x/y", "http://pki.example.com/my ca.crl", "http://[::1]:8080/crl"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := CheckURL(s); err != nil {
			return
		}
		// An https URL needs an http one beside it (RFC 5280's SHOULD).
		urls := []string{s}
		if strings.HasPrefix(s, "https:") {
			urls = append(urls, "http://pki.example.com/fallback")
		}
		req := leafRequest(ProfileClient, key.Public(), Names{DNSNames: []string{"a.example.com"}})
		req.CRLDistributionPoints, req.IssuingCertificateURLs = urls, urls
		if errs := req.Check(root.issuer()); hasErrors(errs) {
			t.Fatalf("CheckURL accepted %q but the request is refused: %v", s, errs)
		}
		issueRoundTrip(t, req, root.issuer())
	})
}

func FuzzParseOID(f *testing.F) {
	root := newRoot(f, ECDSAP256, CAOptions{})
	key := mustKey(f, ECDSAP256)
	for _, s := range []string{"1.3.6.1.4.1.311.10.3.12", "1.3.6.1.5.5.7.3.1", "2.999.1", "0.39", "1.40", "1.3.6.01", "1..2", "server_auth", "2.5.29.37.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		oid, err := ParseOID(s)
		if err != nil {
			return
		}
		if oid.String() != s {
			t.Fatalf("%q parses to %s", s, oid)
		}
		if _, _, err := ParseExtKeyUsage(s); err != nil {
			return
		}
		req := leafRequest(ProfileClient, key.Public(), Names{DNSNames: []string{"a.example.com"}})
		req.ExtKeyUsages = []string{s}
		c, err := Issue(req, root.issuer(), nil)
		if err != nil {
			t.Fatalf("extended key usage %s accepted but not issued: %v", s, err)
		}
		if got, _ := extKeyUsageOIDs(c); len(got) != 1 || !got[0].Equal(oid) {
			t.Fatalf("extended key usage %s came back as %v", s, got)
		}
	})
}

func FuzzSubject(f *testing.F) {
	root := newRoot(f, ECDSAP256, CAOptions{})
	key := mustKey(f, ECDSAP256)
	f.Add("web", "Example AB", "Ops", "SE", "Västra Götaland", "Göteborg", "Storgatan 1", "411 01", "ID-42")
	f.Add(strings.Repeat("証明書", 10), "Общество с ограниченной ответственностью Марс.", "R&D *", "se", "", "", "", "", "Nº 7")
	f.Add("line\nbreak", "", "", "SWE", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, cn, o, ou, c, st, l, street, postal, serial string) {
		s := Subject{CommonName: cn, Organization: o, OrganizationalUnit: ou, Country: c, Province: st, Locality: l, StreetAddress: street, PostalCode: postal, SerialNumber: serial}
		if hasErrors(s.Check()) {
			return
		}
		req := leafRequest(ProfileClient, key.Public(), Names{DNSNames: []string{"a.example.com"}})
		req.Subject = s
		lintCert(t, issueRoundTrip(t, req, root.issuer()))
	})
}
