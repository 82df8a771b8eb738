package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pbes2"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// issueRoundTrip issues req from iss and fails unless the certificate gives
// back every name, URL and subject attribute exactly as requested.
func issueRoundTrip(t testing.TB, req *Request, iss *Issuer) *x509.Certificate {
	t.Helper()
	c, err := Issue(req, iss, nil)
	if err != nil {
		t.Fatalf("Issue refused what Check accepted: %v", err)
	}
	ips := make([]string, len(c.IPAddresses))
	for i, ip := range c.IPAddresses {
		ips[i] = ip.String()
	}
	uris := make([]string, len(c.URIs))
	for i, u := range c.URIs {
		uris[i] = u.String()
	}
	got := []any{SubjectFromName(c.Subject), c.DNSNames, ips, uris, c.EmailAddresses, c.CRLDistributionPoints, c.IssuingCertificateURL}
	want := []any{req.Subject, req.Names.DNSNames, req.Names.IPAddresses, req.Names.URIs, req.Names.EmailAddresses, req.CRLDistributionPoints, req.IssuingCertificateURLs}
	for i := range want {
		g, w := reflect.ValueOf(got[i]), reflect.ValueOf(want[i])
		if g.Kind() == reflect.Slice && g.Len() == 0 && w.Len() == 0 {
			continue
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("the certificate differs from the request: got %q, want %q", got[i], want[i])
		}
	}
	return c
}

// fieldError returns the errors of errs on attr, joined, or fails.
func wantFieldError(t *testing.T, errs []*FieldError, attr string, fragments ...string) {
	t.Helper()
	var text []string
	for _, e := range errs {
		if e.Attribute == attr && !e.Warning {
			text = append(text, e.Summary+": "+e.Detail)
		}
	}
	if len(text) == 0 {
		t.Fatalf("no error on %s; got %v", attr, errs)
	}
	for _, f := range fragments {
		if !strings.Contains(strings.Join(text, "\n"), f) {
			t.Fatalf("the error on %s does not say %q: %v", attr, f, text)
		}
	}
}

func TestBackdateMustBeShorterThanValidity(t *testing.T) {
	// A CA made a minute ago, as in one apply: its NotBefore is not backdated.
	key := mustKey(t, ECDSAP256)
	rootReq := &Request{Profile: ProfileRootCA, Subject: Subject{CommonName: "Fresh Root"}, PublicKey: key.Public(), NotBefore: testNow, NotAfter: testNow.Add(24 * time.Hour)}
	rootCert, err := Issue(rootReq, nil, key)
	if err != nil {
		t.Fatal(err)
	}
	root := &Issuer{Cert: rootCert, Key: key}
	leafKey := mustKey(t, ECDSAP256)
	leaf := func(hours, backdate int64) *Request {
		now := testNow.Add(time.Minute)
		nb, na := Validity(now, hours, backdate)
		r := leafRequest(ProfileServer, leafKey.Public(), Names{DNSNames: []string{"web.example.com"}})
		r.NotBefore, r.NotAfter, r.Now = nb, na, now
		return r
	}
	bad := leaf(1, 180)
	wantFieldError(t, bad.Check(root), "backdate_minutes", "backdate_minutes = 180", "validity_period_hours = 1", "below 60")
	wantFieldError(t, leaf(1, 60).Check(root), "backdate_minutes")
	if _, err := Issue(bad, root, nil); err == nil || !strings.Contains(err.Error(), "backdate_minutes") {
		t.Fatalf("Issue: %v", err)
	}
	// What the check spares the user: crypto/x509's verdict at apply, when
	// the certificate is verified half-way through its validity.
	tmpl, err := bad.template(root)
	if err != nil {
		t.Fatal(err)
	}
	made, err := testtools.SignCertificate(tmpl, root.Cert, root.Key, leafKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyIssued(made, root); err == nil || !strings.Contains(err.Error(), "x509") {
		t.Fatalf("without the check the certificate should fail to verify with a crypto/x509 error, got %v", err)
	}
	issueRoundTrip(t, leaf(1, 59), root)
}

func TestExtKeyUsageSpellingsAndDuplicates(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	key := mustKey(t, ECDSAP256)
	cases := []struct {
		usages []string
		want   string
	}{
		{[]string{"1.3.6.1.5.5.7.3.1"}, `write "server_auth"`},
		{[]string{"server_auth", "1.3.6.1.5.5.7.3.1"}, `write "server_auth"`},
		{[]string{"client_auth", "client_auth"}, "listed twice"},
		{[]string{"1.3.6.1.4.1.99999.1", "1.3.6.1.4.1.99999.1"}, "listed twice"},
		{[]string{"1.3.6.1.4.1.99999.01"}, "leading zeros"},
		{[]string{"1.40.1"}, "at most 39"},
	}
	for _, tc := range cases {
		req := leafRequest(ProfileClient, key.Public(), Names{DNSNames: []string{"c.example.com"}})
		req.ExtKeyUsages = tc.usages
		wantFieldError(t, req.Check(root.issuer()), "extended_key_usages", tc.want)
	}
}

// A CA whose EKU extension allows server_auth and one private OID.
func caWithEKU(t *testing.T, ekus []x509.ExtKeyUsage, oids ...asn1.ObjectIdentifier) testCA {
	t.Helper()
	key := mustKey(t, ECDSAP256)
	c, err := testtools.SignCertificate(&x509.Certificate{
		Subject: pkix.Name{CommonName: "EKU-limited CA"}, NotBefore: testNow.Add(-time.Hour), NotAfter: testNow.Add(5000 * time.Hour),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtKeyUsage: ekus, UnknownExtKeyUsage: oids,
	}, nil, key, key)
	if err != nil {
		t.Fatal(err)
	}
	return testCA{c, key}
}

// Custom OIDs used to switch the issuance-time check to "any usage", so a
// leaf's usages were not checked against its CA's at all.
func TestExtKeyUsageNestingWithCustomOIDs(t *testing.T) {
	private := asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}
	ca := caWithEKU(t, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, private)
	key := mustKey(t, ECDSAP256)
	req := func(usages ...string) *Request {
		r := leafRequest(ProfileServer, key.Public(), Names{DNSNames: []string{"svc.example.com"}})
		r.ExtKeyUsages = usages
		return r
	}
	issueRoundTrip(t, req("server_auth", "1.3.6.1.4.1.99999.1"), ca.issuer())

	refused := req("server_auth", "client_auth", "1.3.6.1.4.1.99999.1")
	wantFieldError(t, refused.Check(ca.issuer()), "extended_key_usages", "client_auth", "EKU-limited CA", "server_auth, 1.3.6.1.4.1.99999.1")
	wantFieldError(t, req("server_auth", "1.3.6.1.4.1.99999.2").Check(ca.issuer()), "extended_key_usages", "1.3.6.1.4.1.99999.2")

	// The issuance-time verification catches it too, with the custom OID
	// present: build the certificate bypassing Check.
	tmpl, err := refused.template(ca.issuer())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := testtools.SignCertificate(tmpl, ca.cert, ca.key, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyIssued(cert, ca.issuer()); err == nil {
		t.Fatal("VerifyIssued accepted client_auth below a CA limited to server_auth")
	}
	// And without any custom OID: one allowed usage does not hide another.
	plain, _ := req("server_auth", "client_auth").template(ca.issuer())
	cert, err = testtools.SignCertificate(plain, ca.cert, ca.key, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyIssued(cert, ca.issuer()); err == nil {
		t.Fatal("VerifyIssued accepted server_auth+client_auth below a CA limited to server_auth")
	}
}

func TestNameInputs(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	key := mustKey(t, ECDSAP256)
	refused := []struct {
		attr  string
		names Names
		want  []string
	}{
		{"email_addresses", Names{EmailAddresses: []string{"josé@example.com"}}, []string{"not ASCII", "SmtpUTF8Mailbox"}},
		{"email_addresses", Names{EmailAddresses: []string{"ops@exämple.com"}}, []string{`"xn--exmple-cua.com"`}},
		{"email_addresses", Names{EmailAddresses: []string{"a@b@c.example"}}, []string{`'@'`}},
		{"email_addresses", Names{EmailAddresses: []string{".ops@example.com"}}, []string{"dot"}},
		{"email_addresses", Names{EmailAddresses: []string{"ops@[10.0.0.1]"}}, []string{"IP address"}},
		{"email_addresses", Names{EmailAddresses: []string{"ops@Example.com", "ops@example.com"}}, []string{"Duplicate", "ignore case"}},
		{"uris", Names{URIs: []string{"spiffe://example.org/my service"}}, []string{`"spiffe://example.org/my%20service"`}},
		{"uris", Names{URIs: []string{"SPIFFE://example.org/web"}}, []string{`"spiffe://example.org/web"`}},
		{"uris", Names{URIs: []string{"spiffe://example.org./web"}}, []string{"trailing dot"}},
		{"uris", Names{URIs: []string{"spiffe://exämple.org/web"}}, []string{"not ASCII", "punycode"}},
		{"uris", Names{URIs: []string{"https://example.org/x#"}}, []string{`"https://example.org/x"`}},
		{"uris", Names{URIs: []string{"urn:a b"}}, []string{"RFC 3986", "%20"}},
		{"uris", Names{URIs: []string{"spiffe://Example.org/web", "spiffe://example.org/web"}}, []string{"Duplicate"}},
		{"dns_names", Names{DNSNames: []string{"café.example.com"}}, []string{"internationalized", `"xn--caf-dma.example.com"`}},
		{"dns_names", Names{DNSNames: []string{"*.café.example.com"}}, []string{`"*.xn--caf-dma.example.com"`}},
		{"dns_names", Names{DNSNames: []string{"xn--zz-.example.com"}}, []string{"hyphen"}},
		{"dns_names", Names{DNSNames: []string{"xn--a.example.com"}}, []string{"punycode"}},
		{"dns_names", Names{DNSNames: []string{"my_host.example.com"}}, []string{"underscore"}},
		{"dns_names", Names{DNSNames: []string{"a.*.example.com"}}, []string{"wildcard"}},
		{"dns_names", Names{DNSNames: []string{"a.example", "A.example"}}, []string{`"a.example" and "A.example"`}},
		{"ip_addresses", Names{DNSNames: []string{"a.example"}, IPAddresses: []string{"::ffff:10.0.0.1"}}, []string{`write "10.0.0.1"`}},
		{"ip_addresses", Names{DNSNames: []string{"a.example"}, IPAddresses: []string{"2001:DB8:0::1"}}, []string{`write "2001:db8::1"`}},
		{"ip_addresses", Names{DNSNames: []string{"a.example"}, IPAddresses: []string{"10.0.0.1", "::ffff:10.0.0.1"}}, []string{"Duplicate"}},
	}
	for _, tc := range refused {
		req := leafRequest(ProfileClient, key.Public(), tc.names)
		wantFieldError(t, req.Check(root.issuer()), tc.attr, tc.want...)
	}
	// Everything accepted comes back from the certificate unchanged.
	ok := leafRequest(ProfileClient, key.Public(), Names{
		DNSNames:       []string{"api.example.com", "*.xn--caf-dma.example.com", "Mixed.Example.com"},
		IPAddresses:    []string{"10.0.0.1", "::1", "2001:db8::1"},
		URIs:           []string{"spiffe://example.org/ns/default/sa/web", "spiffe://trust_domain.example/x", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "https://[2001:db8::1]:8443/a%20b?q=1"},
		EmailAddresses: []string{"ops@example.com", "first.last+tag@xn--caf-dma.example.com", "Ops@example.com"},
	})
	issueRoundTrip(t, ok, root.issuer())
	// SPIFFE trust domains may hold underscores, in URIs as in constraints;
	// DNS names may not.
	spiffe := newRoot(t, ECDSAP256, CAOptions{PermittedURIDomains: []string{"trust_domain.example"}})
	issueRoundTrip(t, leafRequest(ProfileClient, key.Public(), Names{URIs: []string{"spiffe://trust_domain.example/web"}}), spiffe.issuer())
}

func TestCRLAndIssuerURLs(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	key := mustKey(t, ECDSAP256)
	req := func(crl, aia []string) *Request {
		r := leafRequest(ProfileServer, key.Public(), Names{DNSNames: []string{"web.example.com"}})
		r.CRLDistributionPoints, r.IssuingCertificateURLs = crl, aia
		return r
	}
	cases := []struct {
		attr     string
		crl, aia []string
		want     string
	}{
		{"crl_distribution_points", []string{"ftp://pki.example.com/ca.crl"}, nil, "not an http, https or ldap URL"},
		{"crl_distribution_points", []string{"pki.example.com/ca.crl"}, nil, "absolute URI"},
		{"crl_distribution_points", []string{"http://pki.example.com/my ca.crl"}, nil, `"http://pki.example.com/my%20ca.crl"`},
		{"crl_distribution_points", []string{"https://pki.example.com/ca.crl"}, nil, "Add an http:// URL"},
		{"crl_distribution_points", []string{"http://pki.example.com/ca.crl", "http://PKI.example.com/ca.crl"}, nil, "Duplicate"},
		{"issuing_certificate_urls", nil, []string{"file:///etc/ca.crt"}, "absolute URI"},
		{"issuing_certificate_urls", nil, []string{"urn:ca"}, "not an http, https or ldap URL"},
		{"issuing_certificate_urls", nil, []string{"http://pkí.example.com/ca.crt"}, "not ASCII"},
	}
	for _, tc := range cases {
		wantFieldError(t, req(tc.crl, tc.aia).Check(root.issuer()), tc.attr, tc.want)
	}
	c := issueRoundTrip(t, req(
		[]string{"http://pki.example.com/ca.crl", "https://pki.example.com/ca.crl", "ldap://ldap.example.com/cn=CA,dc=example,dc=com?certificateRevocationList;binary"},
		[]string{"http://pki.example.com/ca.crt"}), root.issuer())
	lintCert(t, c)
}

// Subject limits count characters, as RFC 5280's bounds do.
func TestSubjectAttributes(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	key := mustKey(t, ECDSAP256)
	cjk := strings.Repeat("証明書", 10)                             // 30 characters, 90 bytes
	cyrillic := "Общество с ограниченной ответственностью Марс." // 46 characters, 87 bytes
	req := leafRequest(ProfileClient, key.Public(), Names{DNSNames: []string{"a.example.com"}})
	req.Subject = Subject{CommonName: cjk, Organization: cyrillic, OrganizationalUnit: "R&D *", Country: "SE",
		Province: "Västra Götaland", Locality: "Göteborg", StreetAddress: "Storgatan 1", PostalCode: "411 01", SerialNumber: "ID-42 (A)"}
	c := issueRoundTrip(t, req, root.issuer())
	lintCert(t, c)

	cases := map[string]struct {
		s    Subject
		want string
	}{
		"subject.common_name":   {Subject{CommonName: strings.Repeat("証", 65)}, "65 characters; RFC 5280 allows at most 64"},
		"subject.organization":  {Subject{Organization: strings.Repeat("Ж", 65)}, "65 characters"},
		"subject.country":       {Subject{Country: "se"}, "in capitals"},
		"subject.serial_number": {Subject{SerialNumber: "Nº 7"}, "PrintableString"},
		"subject.locality":      {Subject{Locality: "Line\nbreak"}, "control character"},
	}
	for attr, tc := range cases {
		wantFieldError(t, tc.s.Check(), attr, tc.want)
	}
	if errs := (Subject{Country: "SWE"}).Check(); len(errs) != 1 || errs[0].Attribute != "subject.country" {
		t.Fatalf("three-letter country: %v", errs)
	}
}

// Inputs taken from a CSR are checked like the resource's own, and their
// errors point at csr_pem.
func TestCSRInputsPointAtCSR(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	key := mustKey(t, ECDSAP256)
	req := leafRequest(ProfileClient, key.Public(), Names{DNSNames: []string{"a.example", "A.example"}})
	req.Subject.Country, req.SubjectFromCSR, req.NamesFromCSR = "se", true, true
	errs := req.Check(root.issuer())
	if got := fieldAttrs(errs); got != "csr_pem,csr_pem" {
		t.Fatalf("want two csr_pem errors, got %q: %v", got, errs)
	}
	wantFieldError(t, errs, "csr_pem", "In the CSR's subject", "In the CSR's subject alternative names")
}

func TestKeyAlgorithmReportsRealSize(t *testing.T) {
	k2560, err := rsa.GenerateKey(rand.Reader, 2560)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := AlgorithmOf(k2560.Public()); err != nil || got != "RSA_2560" {
		t.Fatalf("RSA 2560: %q %v", got, err)
	}
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	if _, err := AlgorithmOf(p224.Public()); err == nil || !strings.Contains(err.Error(), "P-256, P-384 or P-521") {
		t.Fatalf("P-224: %v", err)
	}
	if _, err := GenerateKey("RSA_2560"); err == nil {
		t.Fatal("RSA_2560 is reported, never generated")
	}
}

func TestCSRSubjectDroppedWarnings(t *testing.T) {
	key := mustKey(t, ECDSAP256)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{
		CommonName: "client", OrganizationalUnit: []string{"Ops", "Security"},
		ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: oidEmailAddress, Value: "ops@example.com"},
			{Type: asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 25}, Value: "example"},
		},
	}}, key)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := ParseCSRPEM(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})))
	if err != nil {
		t.Fatal(err)
	}
	warnings := CSRSubjectDropped(csr)
	var text []string
	for _, w := range warnings {
		if !w.Warning || w.Attribute != "csr_pem" {
			t.Fatalf("not a csr_pem warning: %v", w)
		}
		text = append(text, w.Detail)
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{`email_addresses = ["ops@example.com"]`, "organizational_unit=Security", "DC=example"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings do not mention %q: %s", want, all)
		}
	}
	if strings.Contains(all, "organizational_unit=Ops") || strings.Contains(all, "common_name") {
		t.Errorf("a kept value is reported as dropped: %s", all)
	}
	plain, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "c", Organization: []string{"O"}}}, key)
	csr, _ = x509.ParseCertificateRequest(plain)
	if w := CSRSubjectDropped(csr); len(w) != 0 {
		t.Fatalf("warnings for a subject that is kept whole: %v", w)
	}
}

// A key that cannot be parsed is reported as malformed, whatever the
// passphrase; a wrong passphrase is reported as such.
func TestKeyErrorsBlameTheRightInput(t *testing.T) {
	key := mustKey(t, ECDSAP256)
	plain, _ := x509.MarshalPKCS8PrivateKey(key)
	enc := func(der []byte, pass string) string {
		out, err := encryptPKCS8PEM(pbes2.Scheme{Iterations: 1000, SaltLen: 16}, der, pass)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	//nolint:staticcheck // legacy encryption, as `openssl genrsa -aes256` writes it
	legacy, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", mustSEC1(t, key), []byte("pw"), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	// A well-formed DER structure that is no key: the passphrase is right.
	notAKey, _ := asn1.Marshal(struct{ A, B int }{1, 2})
	wrong := []struct{ name, text, pass string }{
		{"PKCS#8", enc(plain, "pw"), "nope"},
		{"legacy PEM", string(pem.EncodeToMemory(legacy)), "nope"},
	}
	for _, tc := range wrong {
		if _, err := ParsePrivateKeyPEM(tc.text, tc.pass); !errors.Is(err, ErrWrongPassphrase) {
			t.Errorf("%s with a wrong passphrase: %v", tc.name, err)
		}
		if _, err := ParsePrivateKeyPEM(tc.text, "pw"); err != nil {
			t.Errorf("%s with its passphrase: %v", tc.name, err)
		}
	}
	malformed := []struct{ name, text, pass string }{
		{"garbage, passphrase given", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "pw"},
		{"garbage EC key", "-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n", ""},
		{"encrypted non-key", enc(notAKey, "pw"), "pw"},
	}
	for _, tc := range malformed {
		_, err := ParsePrivateKeyPEM(tc.text, tc.pass)
		if err == nil || errors.Is(err, ErrWrongPassphrase) || strings.Contains(err.Error(), "passphrase") || !strings.Contains(err.Error(), "malformed") {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// A key type OpenSSL makes and the provider does not support, encrypted:
	// it decrypts, so the passphrase is not to blame.
	openssl := testtools.RequireTool(t, "openssl")
	out, err := exec.Command(openssl, "genpkey", "-algorithm", "X25519", "-aes-256-cbc", "-pass", "pass:pw").Output()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParsePrivateKeyPEM(string(out), "pw"); err == nil || errors.Is(err, ErrWrongPassphrase) || strings.Contains(err.Error(), "passphrase") {
		t.Errorf("X25519 key blamed on the passphrase: %v", err)
	}
	if _, err := ParsePrivateKeyPEM(string(out), "nope"); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("X25519 key with a wrong passphrase: %v", err)
	}
}

func mustSEC1(t testing.TB, key any) []byte {
	t.Helper()
	ec, ok := key.(*ecdsa.PrivateKey)
	if !ok {
		t.Fatalf("%T is not an ECDSA key", key)
	}
	der, err := x509.MarshalECPrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	return der
}
