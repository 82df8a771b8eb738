package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// Inspect reports a certificate in the forms the resources store: what the
// request asked for comes back as it was written.
func TestInspectReportsWhatWasIssued(t *testing.T) {
	root := newRoot(t, ECDSAP384, CAOptions{MaxPathLength: new(1)})
	key := mustKey(t, RSA2048)
	req := leafRequest(ProfileClient, key.Public(), Names{DNSNames: []string{"node1.example.com"}, IPAddresses: []string{"10.0.0.1", "fd00::1"},
		URIs: []string{"spiffe://example.org/node1"}, EmailAddresses: []string{"ops@example.com"}})
	req.Subject = Subject{CommonName: "node1", Organization: "Example", Country: "DE"}
	req.ExtKeyUsages = []string{"server_auth", "client_auth", "1.3.6.1.4.1.311.10.3.12"}
	leaf, err := Issue(req, root.issuer(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := Inspect(leaf)
	want := CertificateInfo{
		Subject: req.Subject, SubjectDN: "CN=node1,O=Example,C=DE", IssuerDN: "CN=Test Root CA,O=mtls tests",
		DNSNames: req.Names.DNSNames, IPAddresses: req.Names.IPAddresses, URIs: req.Names.URIs, EmailAddresses: req.Names.EmailAddresses,
		SerialNumber: SerialHex(leaf), NotBefore: req.NotBefore.Format(time.RFC3339), NotAfter: req.NotAfter.Format(time.RFC3339),
		FingerprintSHA256: FingerprintSHA256(leaf), KeyAlgorithm: "RSA_2048", ExtendedKeyUsages: req.ExtKeyUsages,
	}
	if diff := compareInfo(got, want); diff != "" {
		t.Error(diff)
	}

	r := Inspect(root.cert)
	if !r.IsCA || r.MaxPathLength == nil || *r.MaxPathLength != 1 || r.KeyAlgorithm != "ECDSA_P384" || len(r.ExtendedKeyUsages) != 0 || r.SubjectDN != r.IssuerDN {
		t.Errorf("root: %+v", r)
	}
	if p := Inspect(newRoot(t, ECDSAP256, CAOptions{}).cert).MaxPathLength; p != nil {
		t.Errorf("unlimited root has max path length %d, want none", *p)
	}
	if p := Inspect(newRoot(t, ECDSAP256, CAOptions{MaxPathLength: new(0)}).cert).MaxPathLength; p == nil || *p != 0 {
		t.Errorf("max_path_length = 0 reads back as %v", p)
	}
}

func compareInfo(got, want CertificateInfo) string {
	var diffs []string
	eq := func(name string, g, w any) {
		if gs, ws := fmtAny(g), fmtAny(w); gs != ws {
			diffs = append(diffs, name+": got "+gs+", want "+ws)
		}
	}
	eq("subject", got.Subject, want.Subject)
	eq("subject_dn", got.SubjectDN, want.SubjectDN)
	eq("issuer_dn", got.IssuerDN, want.IssuerDN)
	eq("dns_names", got.DNSNames, want.DNSNames)
	eq("ip_addresses", got.IPAddresses, want.IPAddresses)
	eq("uris", got.URIs, want.URIs)
	eq("email_addresses", got.EmailAddresses, want.EmailAddresses)
	eq("serial_number", got.SerialNumber, want.SerialNumber)
	eq("not_before", got.NotBefore, want.NotBefore)
	eq("not_after", got.NotAfter, want.NotAfter)
	eq("fingerprint_sha256", got.FingerprintSHA256, want.FingerprintSHA256)
	eq("is_ca", got.IsCA, want.IsCA)
	eq("max_path_length", got.MaxPathLength, want.MaxPathLength)
	eq("key_algorithm", got.KeyAlgorithm, want.KeyAlgorithm)
	eq("extended_key_usages", got.ExtendedKeyUsages, want.ExtendedKeyUsages)
	return strings.Join(diffs, "\n")
}

func fmtAny(v any) string {
	if p, ok := v.(*int); ok && p != nil {
		v = *p
	}
	return fmt.Sprintf("%q", fmt.Sprint(v))
}

// Usages made elsewhere come back in the certificate's order: named ones by
// name, the ones crypto/x509 knows but the provider does not name, and
// unknown ones, as dotted OIDs.
func TestExtKeyUsageStringsKeepOrder(t *testing.T) {
	key := mustKey(t, ECDSAP256)
	c, err := testtools.SignCertificate(&x509.Certificate{
		Subject: pkix.Name{CommonName: "x"}, NotBefore: testNow, NotAfter: testNow.Add(time.Hour),
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping, x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		UnknownExtKeyUsage: []asn1.ObjectIdentifier{{1, 2, 3, 4}},
	}, nil, key, key)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1.3.6.1.5.5.7.3.8", "client_auth", "server_auth", "1.2.3.4"}
	if got := ExtKeyUsageStrings(c); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// The pin is what curl's --pinnedpubkey and HPKP compute: base64 SHA-256 of
// the SubjectPublicKeyInfo, checked against openssl.
func TestPublicKeyPinMatchesOpenSSL(t *testing.T) {
	openssl := testtools.RequireTool(t, "openssl")
	root := newRoot(t, ECDSAP256, CAOptions{})
	certPEM := EncodeCertificatesPEM(root.cert)
	pub, _, err := EncodePublicKey(root.cert.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"certificate": certPEM, "public key": pub} {
		spki, err := PublicKeyPEMInfo(text)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := PublicKeyPinSHA256(spki)
		cmd := exec.Command("sh", "-c", openssl+" x509 -pubkey -noout | "+openssl+" pkey -pubin -outform der | "+openssl+" dgst -sha256 -binary | base64")
		cmd.Stdin = strings.NewReader(certPEM)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimSpace(string(out)); got != want {
			t.Errorf("%s: pin %s, openssl says %s", name, got, want)
		}
	}
	key := encodeKey(t, root.key)
	if _, err := PublicKeyPEMInfo(key); err == nil || !strings.Contains(err.Error(), "holds only PRIVATE KEY") {
		t.Errorf("a private key: %v", err)
	}
}

// Bad input says what was found instead of a certificate.
func TestParseCertificatesPEMSaysWhatItFound(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	for text, want := range map[string]string{
		"hello":                `^no PEM certificate found: expected -----BEGIN CERTIFICATE-----$`,
		encodeKey(t, root.key): `expected -----BEGIN CERTIFICATE-----, but the text holds only PRIVATE KEY$`,
		"":                     `^no PEM certificate found`,
		"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n": `^certificate 1 does not parse`,
	} {
		_, err := ParseCertificatesPEM(text)
		if err == nil || !regexp.MustCompile(want).MatchString(err.Error()) {
			t.Errorf("%.20q: %v, want %s", text, err, want)
		}
	}
}

func TestSplitPEM(t *testing.T) {
	a, b := newRoot(t, ECDSAP256, CAOptions{}), newRoot(t, ECDSAP256, CAOptions{})
	key := encodeKey(t, a.key)
	bundle := "subject=CN = A\n" + EncodeCertificatesPEM(a.cert) + "\r\n" + key + EncodeCertificatesPEM(b.cert)
	got, err := SplitPEM(bundle)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{EncodeCertificatesPEM(a.cert), key, EncodeCertificatesPEM(b.cert)}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := SplitPEM("no pem here"); err == nil || !strings.Contains(err.Error(), "no PEM block found") {
		t.Errorf("no PEM: %v", err)
	}
}

func TestHoursRemaining(t *testing.T) {
	c := &x509.Certificate{NotAfter: testNow}
	for d, want := range map[time.Duration]int64{-49 * time.Hour: 49, -90 * time.Minute: 1, -time.Minute: 0, time.Minute: -1, 3 * time.Hour: -3} {
		if got := HoursRemaining(c, testNow.Add(d)); got != want {
			t.Errorf("%v before expiry: %d hours, want %d", -d, got, want)
		}
	}
}

func TestParsePurpose(t *testing.T) {
	for p, want := range map[string]x509.ExtKeyUsage{"server_auth": x509.ExtKeyUsageServerAuth, "client_auth": x509.ExtKeyUsageClientAuth, "any": x509.ExtKeyUsageAny} {
		if got, err := ParsePurpose(p); err != nil || got != want {
			t.Errorf("%s: %v %v", p, got, err)
		}
	}
	if _, err := ParsePurpose("serverAuth"); err == nil || !strings.Contains(err.Error(), `unknown purpose "serverAuth": use server_auth`) {
		t.Errorf("serverAuth: %v", err)
	}
}

// validAtTestNow gives a template a day's validity around testNow.
func validAtTestNow(template *x509.Certificate) *x509.Certificate {
	template.NotBefore, template.NotAfter = testNow.Add(-time.Hour), testNow.Add(24*time.Hour)
	return template
}

func caTemplate(cn string) *x509.Certificate { return validAtTestNow(testtools.CATemplate(cn)) }

// leafTemplate names the leaf by its common name, as a DNS SAN too.
func leafTemplate(cn string, ekus ...x509.ExtKeyUsage) *x509.Certificate {
	template := testtools.LeafTemplate(cn, ekus...)
	template.DNSNames = []string{cn}
	return validAtTestNow(template)
}

// Each way a chain fails verification is named, with the certificate at
// fault and where it was given.
func TestTrustBundleVerifyReasons(t *testing.T) {
	root := testtools.Issue(t, caTemplate("Root"), nil)
	inter := testtools.Issue(t, caTemplate("Inter"), &root)
	server := testtools.Issue(t, leafTemplate("web.example.com", x509.ExtKeyUsageServerAuth), &inter)
	other := testtools.Issue(t, caTemplate("Other Root"), nil)
	sameName := testtools.Issue(t, caTemplate("Root"), nil) // another key under the root's name

	constrained := caTemplate("Constrained Root")
	constrained.PermittedDNSDomains, constrained.PermittedDNSDomainsCritical = []string{"example.com"}, true
	croot := testtools.Issue(t, constrained, nil)
	evil := testtools.Issue(t, leafTemplate("evil.org", x509.ExtKeyUsageServerAuth), &croot)

	notCATmpl := caTemplate("Not A CA")
	notCATmpl.IsCA = false
	notCA := testtools.Issue(t, notCATmpl, &root)
	underNotCA := testtools.Issue(t, leafTemplate("x.example.com", x509.ExtKeyUsageServerAuth), &notCA)

	zero := caTemplate("Zero Root")
	zero.MaxPathLen, zero.MaxPathLenZero = 0, true
	zroot := testtools.Issue(t, zero, nil)
	zinter := testtools.Issue(t, caTemplate("Inter Below Zero"), &zroot)
	tooDeep := testtools.Issue(t, leafTemplate("deep.example.com", x509.ExtKeyUsageServerAuth), &zinter)

	clientOnly := caTemplate("Client-only Inter")
	clientOnly.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	cinter := testtools.Issue(t, clientOnly, &root)
	limited := testtools.Issue(t, leafTemplate("limited.example.com", x509.ExtKeyUsageServerAuth), &cinter)

	cases := []struct {
		name   string
		chain  []testtools.Cert
		bundle []testtools.Cert
		usage  x509.ExtKeyUsage
		now    time.Time
		want   string // empty: verifies
	}{
		{"good", []testtools.Cert{server, inter}, []testtools.Cert{root}, x509.ExtKeyUsageServerAuth, testNow, ""},
		{"intermediate in the bundle", []testtools.Cert{server}, []testtools.Cert{inter, root}, x509.ExtKeyUsageServerAuth, testNow, ""},
		{"any purpose", []testtools.Cert{server, inter}, []testtools.Cert{root}, x509.ExtKeyUsageAny, testNow, ""},
		{"expired", []testtools.Cert{server, inter}, []testtools.Cert{root}, x509.ExtKeyUsageServerAuth, testNow.Add(48 * time.Hour),
			`cert_pem does not verify against ca_bundle_pem for server_auth: expired: "CN=web.example.com" \(certificate 1 of cert_pem\) expired at 2026-11-24T12:00:00Z, and it is 2026-11-25T12:00:00Z now`},
		{"not yet valid", []testtools.Cert{server, inter}, []testtools.Cert{root}, x509.ExtKeyUsageServerAuth, testNow.Add(-48 * time.Hour),
			`not yet valid: "CN=web.example.com" \(certificate 1 of cert_pem\) is valid only from 2026-11-23T11:00:00Z`},
		{"unknown authority", []testtools.Cert{server, inter}, []testtools.Cert{other}, x509.ExtKeyUsageServerAuth, testNow,
			`unknown authority: "CN=Inter" \(certificate 2 of cert_pem\) was issued by "CN=Root", which is neither a root in ca_bundle_pem`},
		{"missing intermediate", []testtools.Cert{server}, []testtools.Cert{root}, x509.ExtKeyUsageServerAuth, testNow,
			`unknown authority: "CN=web.example.com" \(certificate 1 of cert_pem\) was issued by "CN=Inter"`},
		{"bad signature", []testtools.Cert{server, inter}, []testtools.Cert{sameName}, x509.ExtKeyUsageServerAuth, testNow,
			`bad signature: "CN=Inter" \(certificate 2 of cert_pem\) names "CN=Root" \(certificate 1 of ca_bundle_pem\) as its issuer, but that CA's key did not sign it`},
		{"wrong EKU", []testtools.Cert{server, inter}, []testtools.Cert{root}, x509.ExtKeyUsageClientAuth, testNow,
			`for client_auth: wrong extended key usage: "CN=web.example.com" \(certificate 1 of cert_pem\) has extended key usages server_auth, not client_auth`},
		{"EKU limited by a CA", []testtools.Cert{limited, cinter}, []testtools.Cert{root}, x509.ExtKeyUsageServerAuth, testNow,
			`wrong extended key usage: a CA above "CN=limited.example.com" \(certificate 1 of cert_pem\) limits the extended key usages below it, and server_auth is not among them`},
		{"name constraints", []testtools.Cert{evil}, []testtools.Cert{croot}, x509.ExtKeyUsageServerAuth, testNow,
			`name constraints: "CN=evil.org" \(certificate 1 of cert_pem\) has a name outside the name constraints of a CA above it \("CN=Constrained Root" \(certificate 1 of ca_bundle_pem\)\): DNS name "evil.org" is not permitted`},
		{"not a CA", []testtools.Cert{underNotCA, notCA}, []testtools.Cert{root}, x509.ExtKeyUsageServerAuth, testNow,
			`not a CA: "CN=Not A CA" \(certificate 2 of cert_pem\) issued "CN=x.example.com" \(certificate 1 of cert_pem\) but is not a CA certificate`},
		{"path length", []testtools.Cert{tooDeep, zinter}, []testtools.Cert{zroot}, x509.ExtKeyUsageServerAuth, testNow,
			`path length exceeded: "CN=Zero Root" \(certificate 1 of ca_bundle_pem\) allows at most 0 intermediate CAs below it`},
	}
	certs := func(cas []testtools.Cert) []*x509.Certificate {
		var out []*x509.Certificate
		for _, c := range cas {
			out = append(out, c.Cert)
		}
		return out
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := NewTrustBundle("ca_bundle_pem", certs(tc.bundle))
			if err != nil {
				t.Fatal(err)
			}
			err = b.Verify("cert_pem", certs(tc.chain), tc.usage, tc.now)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("does not verify: %v", err)
			case tc.want != "" && (err == nil || !regexp.MustCompile(tc.want).MatchString(err.Error())):
				t.Fatalf("error %v, want %s", err, tc.want)
			}
		})
	}

	_, err := NewTrustBundle("ca_bundle_pem", []*x509.Certificate{inter.Cert})
	if err == nil || !strings.Contains(err.Error(), `ca_bundle_pem holds no self-signed root certificate (it has "CN=Inter" issued by "CN=Root")`) {
		t.Errorf("bundle without a root: %v", err)
	}
}
