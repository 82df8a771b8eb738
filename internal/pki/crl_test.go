package pki

import (
	"bytes"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	zx509 "github.com/zmap/zcrypto/x509"
	"github.com/zmap/zlint/v3"
	"github.com/zmap/zlint/v3/lint"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// lintCRL fails the test on any zlint error, warning or fatal result of the
// CRL lints in lintRegistry (RFC 5280 and community).
func lintCRL(t *testing.T, der []byte) {
	t.Helper()
	zc, err := zx509.ParseRevocationList(der)
	if err != nil {
		t.Fatalf("zcrypto cannot parse the CRL: %v", err)
	}
	res := zlint.LintRevocationListEx(zc, lintRegistry)
	for name, r := range res.Results {
		if r.Status == lint.Error || r.Status == lint.Warn || r.Status == lint.Fatal {
			t.Errorf("zlint %s on the CRL: %s %s", name, r.Status, r.Details)
		}
	}
	if len(res.Results) < 10 {
		t.Fatalf("only %d CRL lints ran: the registry filter is wrong", len(res.Results))
	}
}

func crlSigner(t *testing.T, ca testCA) *Issuer {
	t.Helper()
	s, errs := NewCRLSigner(EncodeCertificatesPEM(ca.cert), encodeKey(t, ca.key), "")
	if len(errs) > 0 {
		t.Fatalf("NewCRLSigner: %v", errs)
	}
	return s
}

func mustSerial(t *testing.T, s string) *big.Int {
	t.Helper()
	n, err := ParseSerialNumber(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// reasonExtensions returns the reasonCode extensions of a CRL entry.
func reasonExtensions(e x509.RevocationListEntry) []pkix.Extension {
	var out []pkix.Extension
	for _, ext := range e.Extensions {
		if ext.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 21}) {
			out = append(out, ext)
		}
	}
	return out
}

func TestCRLEveryAlgorithm(t *testing.T) {
	wantAlg := map[KeyAlgorithm]x509.SignatureAlgorithm{
		RSA2048: x509.SHA256WithRSA, RSA3072: x509.SHA256WithRSA, RSA4096: x509.SHA256WithRSA,
		ECDSAP256: x509.ECDSAWithSHA256, ECDSAP384: x509.ECDSAWithSHA384, ECDSAP521: x509.ECDSAWithSHA512,
		Ed25519: x509.PureEd25519,
	}
	for _, alg := range KeyAlgorithms() {
		t.Run(string(alg), func(t *testing.T) {
			root := newRoot(t, alg, CAOptions{})
			inter := newIntermediate(t, root.issuer(), alg, CAOptions{})
			signer := crlSigner(t, inter)
			thisUpdate, nextUpdate := CRLTimes(testNow, 168, 5, nil)
			early := testNow.Add(-30 * 24 * time.Hour)
			req := &CRLRequest{
				Number: big.NewInt(7), ThisUpdate: thisUpdate, NextUpdate: nextUpdate,
				Revoked: []Revocation{
					{SerialNumber: mustSerial(t, "ff01"), Reason: 1, RevokedAt: early},
					{SerialNumber: mustSerial(t, "0a"), Reason: 0},
					{SerialNumber: mustSerial(t, "7c:00:01"), Reason: 6, RevokedAt: early.Add(time.Hour)},
				},
			}
			issued, err := IssueCRL(req, signer)
			if err != nil {
				t.Fatal(err)
			}
			crls, err := ParseCRLsPEM(EncodeCRLPEM(issued.Raw))
			if err != nil || len(crls) != 1 {
				t.Fatalf("PEM round trip: %v, %d CRLs", err, len(crls))
			}
			crl := crls[0]
			if err := crl.CheckSignatureFrom(inter.cert); err != nil {
				t.Errorf("CRL does not verify against its CA: %v", err)
			}
			if err := crl.CheckSignatureFrom(root.cert); err == nil {
				t.Error("CRL verifies against another CA")
			}
			if crl.SignatureAlgorithm != wantAlg[alg] {
				t.Errorf("signature algorithm %v, want %v", crl.SignatureAlgorithm, wantAlg[alg])
			}
			if !bytes.Equal(crl.RawIssuer, inter.cert.RawSubject) || !bytes.Equal(crl.AuthorityKeyId, inter.cert.SubjectKeyId) {
				t.Errorf("issuer %q AKI %x, want the CA's subject and SKI %x", crl.Issuer, crl.AuthorityKeyId, inter.cert.SubjectKeyId)
			}
			if crl.Number.Cmp(big.NewInt(7)) != 0 || !crl.ThisUpdate.Equal(testNow.Add(-5*time.Minute)) || !crl.NextUpdate.Equal(testNow.Add(168*time.Hour)) {
				t.Errorf("number %v, thisUpdate %v, nextUpdate %v", crl.Number, crl.ThisUpdate, crl.NextUpdate)
			}
			// Exactly the entries given, sorted by serial; no reasonCode for unspecified.
			want := []struct {
				serial int64
				reason int
				at     time.Time
			}{{0x0a, 0, thisUpdate}, {0xff01, 1, early}, {0x7c0001, 6, early.Add(time.Hour)}}
			if len(crl.RevokedCertificateEntries) != len(want) {
				t.Fatalf("%d entries, want %d", len(crl.RevokedCertificateEntries), len(want))
			}
			for i, w := range want {
				e := crl.RevokedCertificateEntries[i]
				if e.SerialNumber.Int64() != w.serial || e.ReasonCode != w.reason || !e.RevocationTime.Equal(w.at) {
					t.Errorf("entry %d: serial %x reason %d at %v, want %x %d %v", i, e.SerialNumber, e.ReasonCode, e.RevocationTime, w.serial, w.reason, w.at)
				}
				if got := len(reasonExtensions(e)); got != min(w.reason, 1) {
					t.Errorf("entry %d has %d reasonCode extensions", i, got)
				}
			}
			lintCRL(t, crl.Raw)
		})
	}
}

// An empty CRL leaves revokedCertificates out (RFC 5280 section 5.1.2.6),
// which the zlint lint checks.
func TestCRLEmpty(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	thisUpdate, nextUpdate := CRLTimes(testNow, 24, 0, nil)
	crl, err := IssueCRL(&CRLRequest{Number: big.NewInt(1), ThisUpdate: thisUpdate, NextUpdate: nextUpdate}, crlSigner(t, root))
	if err != nil {
		t.Fatal(err)
	}
	if len(crl.RevokedCertificateEntries) != 0 {
		t.Fatalf("%d entries", len(crl.RevokedCertificateEntries))
	}
	lintCRL(t, crl.Raw)
}

// bareCA is a CA certificate without keyUsage and without
// subjectKeyIdentifier, as old or hand-made CAs are: crypto/x509 would add
// an SKI to any CA template, so basicConstraints comes as a raw extension.
func bareCA(t *testing.T) testCA {
	t.Helper()
	key := mustKey(t, ECDSAP256)
	bc, err := asn1.Marshal(struct{ IsCA bool }{true})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := testtools.SignCertificate(&x509.Certificate{
		Subject:         pkix.Name{CommonName: "Bare CA"},
		NotBefore:       testNow.Add(-time.Hour),
		NotAfter:        testNow.Add(24 * 365 * time.Hour),
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 19}, Critical: true, Value: bc}},
	}, nil, key, key)
	if err != nil {
		t.Fatal(err)
	}
	if !cert.IsCA || cert.KeyUsage != 0 || len(cert.SubjectKeyId) != 0 {
		t.Fatalf("not a bare CA: isCA %v keyUsage %v SKI %x", cert.IsCA, cert.KeyUsage, cert.SubjectKeyId)
	}
	return testCA{cert, key}
}

// A CA without keyUsage may sign CRLs, and its CRLs still carry an authority
// key identifier: the method 1 hash of its key.
func TestCRLFromCAWithoutKeyUsageOrSKI(t *testing.T) {
	ca := bareCA(t)
	thisUpdate, nextUpdate := CRLTimes(testNow, 24, 5, nil)
	crl, err := IssueCRL(&CRLRequest{Number: big.NewInt(1), ThisUpdate: thisUpdate, NextUpdate: nextUpdate,
		Revoked: []Revocation{{SerialNumber: big.NewInt(42)}}}, crlSigner(t, ca))
	if err != nil {
		t.Fatal(err)
	}
	spki, err := x509.MarshalPKIXPublicKey(ca.key.Public())
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(spki, &parsed); err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(parsed.PublicKey.Bytes)
	if !bytes.Equal(crl.AuthorityKeyId, sum[:]) {
		t.Errorf("AKI %x, want the key hash %x", crl.AuthorityKeyId, sum)
	}
	if err := crl.CheckSignatureFrom(ca.cert); err != nil {
		t.Error(err)
	}
	lintCRL(t, crl.Raw)
}

func TestNewCRLSignerRefuses(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	other := newRoot(t, ECDSAP256, CAOptions{})
	// A CA allowed to sign certificates but not CRLs.
	noCRLSign, err := testtools.SignCertificate(&x509.Certificate{
		Subject: pkix.Name{CommonName: "No CRL CA"}, NotBefore: testNow, NotAfter: testNow.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}, nil, other.key, other.key)
	if err != nil {
		t.Fatal(err)
	}
	leafKey := mustKey(t, ECDSAP256)
	leaf, err := Issue(leafRequest(ProfileClient, leafKey.Public(), Names{DNSNames: []string{"c.example.com"}}), root.issuer(), nil)
	if err != nil {
		t.Fatal(err)
	}
	encrypted, err := EncryptPKCS8PEM(root.key, "pass")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		cert, key, pass string
		attr, summary   string
	}{
		"keyUsage without cRLSign": {EncodeCertificatesPEM(noCRLSign), encodeKey(t, other.key), "", "ca_cert_pem", "Certificate cannot sign CRLs"},
		"leaf certificate":         {EncodeCertificatesPEM(leaf), encodeKey(t, leafKey), "", "ca_cert_pem", "Certificate cannot sign CRLs"},
		"key of another CA":        {EncodeCertificatesPEM(root.cert), encodeKey(t, other.key), "", "ca_private_key_pem", "CA private key does not match the CA certificate"},
		"encrypted key, no pass":   {EncodeCertificatesPEM(root.cert), encrypted, "", "ca_private_key_pem", "Encrypted CA private key"},
		"not PEM":                  {"garbage", encodeKey(t, root.key), "", "ca_cert_pem", "Invalid CA certificate"},
	} {
		t.Run(name, func(t *testing.T) {
			s, errs := NewCRLSigner(tc.cert, tc.key, tc.pass)
			if s != nil || len(errs) != 1 || errs[0].Attribute != tc.attr || errs[0].Summary != tc.summary {
				t.Fatalf("got %v, want one error on %s: %s", errs, tc.attr, tc.summary)
			}
			if strings.Contains(errs[0].Detail, "PRIVATE KEY") {
				t.Fatalf("the detail shows key material: %s", errs[0].Detail)
			}
		})
	}
	if s, errs := NewCRLSigner(EncodeCertificatesPEM(root.cert), encrypted, "pass"); s == nil || len(errs) > 0 {
		t.Fatalf("encrypted key with its passphrase refused: %v", errs)
	}
	// The same CA with keyCertSign alone issues certificates: only CRLs are refused.
	if _, errs := NewIssuer(EncodeCertificatesPEM(noCRLSign), encodeKey(t, other.key), ""); len(errs) > 0 {
		t.Fatalf("NewIssuer refused a CA with keyCertSign: %v", errs)
	}
}

func TestParseSerialNumber(t *testing.T) {
	for in, want := range map[string]string{
		"5f3a09c1":               "5f3a09c1",
		"5F3A09C1":               "5f3a09c1",
		"005f3a09c1":             "5f3a09c1",
		"5f:3a:09:c1":            "5f3a09c1",
		"00:5F:3A":               "5f3a",
		"1":                      "1",
		"f:3a":                   "f3a",
		strings.Repeat("7f", 20): strings.Repeat("7f", 20),
	} {
		got, err := ParseSerialNumber(in)
		if err != nil || got.Text(16) != want {
			t.Errorf("ParseSerialNumber(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for in, msg := range map[string]string{
		"":                       "not a hex serial",
		"0x5f3a":                 "0x prefix",
		"5g":                     "not a hex serial",
		"5f:3":                   "not a hex serial",
		"5f::3a":                 "not a hex serial",
		":5f":                    "not a hex serial",
		"5f 3a":                  "not a hex serial",
		"-5f":                    "not a hex serial",
		"00":                     "is zero",
		strings.Repeat("ab", 32): "SHA-256 fingerprint",
		strings.Repeat("ab", 21): "at most 20",
	} {
		if _, err := ParseSerialNumber(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseSerialNumber(%q) = %v, want an error with %q", in, err, msg)
		}
	}
}

func TestParseRevocationReason(t *testing.T) {
	want := map[string]int{"": 0, "unspecified": 0, "key_compromise": 1, "ca_compromise": 2, "affiliation_changed": 3, "superseded": 4,
		"cessation_of_operation": 5, "certificate_hold": 6, "privilege_withdrawn": 9}
	if len(RevocationReasonNames()) != len(want)-1 {
		t.Errorf("names %v", RevocationReasonNames())
	}
	for name, code := range want {
		if got, err := ParseRevocationReason(name); err != nil || got != code {
			t.Errorf("%q: %d, %v; want %d", name, got, err, code)
		}
	}
	for name, msg := range map[string]string{"remove_from_crl": "delta CRLs", "aa_compromise": "attribute certificates", "keyCompromise": "use one of unspecified, key_compromise"} {
		if _, err := ParseRevocationReason(name); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: %v, want an error with %q", name, err, msg)
		}
	}
}

func TestParseRevocation(t *testing.T) {
	r, errs := ParseRevocation(RevocationInput{SerialNumber: "0a", Reason: "superseded", RevokedAt: "2026-11-01T10:00:00+01:00"}, testNow)
	if len(errs) > 0 || r.SerialNumber.Int64() != 10 || r.Reason != 4 || !r.RevokedAt.Equal(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("%+v %v", r, errs)
	}
	if r, errs := ParseRevocation(RevocationInput{SerialNumber: "0a"}, testNow); len(errs) > 0 || !r.RevokedAt.IsZero() || r.Reason != 0 {
		t.Fatalf("defaults: %+v %v", r, errs)
	}
	for name, tc := range map[string]struct {
		in    RevocationInput
		attrs string
		msg   string
	}{
		"future":      {RevocationInput{SerialNumber: "0a", RevokedAt: testNow.Add(time.Minute).Format(time.RFC3339)}, "revoked_at", "later than now"},
		"not RFC3339": {RevocationInput{SerialNumber: "0a", RevokedAt: "2026-11-01"}, "revoked_at", "not an RFC 3339 time"},
		"before 1950": {RevocationInput{SerialNumber: "0a", RevokedAt: "1949-12-31T23:59:59Z"}, "revoked_at", "before 1950"},
		"all wrong":   {RevocationInput{SerialNumber: "xyz", Reason: "lost", RevokedAt: "yesterday"}, "serial_number,reason,revoked_at", "not a hex serial"},
	} {
		_, errs := ParseRevocation(tc.in, testNow)
		if fieldAttrs(errs) != tc.attrs || !strings.Contains(errs[0].Detail, tc.msg) {
			t.Errorf("%s: %v, want errors on %s with %q", name, errs, tc.attrs, tc.msg)
		}
	}
}

func TestDuplicateSerials(t *testing.T) {
	serials := []*big.Int{mustSerial(t, "0a"), nil, mustSerial(t, "0b"), mustSerial(t, "A"), mustSerial(t, "00:0a"), mustSerial(t, "b")}
	got := DuplicateSerials(serials)
	if len(got) != 3 || got[3] != 0 || got[4] != 0 || got[5] != 2 {
		t.Fatalf("%v", got)
	}
}

// thisUpdate is backdated, but never before a revocation the CRL lists.
func TestCRLTimes(t *testing.T) {
	now := testNow.Add(500 * time.Millisecond)
	this, next := CRLTimes(now, 48, 5, []Revocation{{RevokedAt: testNow.Add(-time.Hour)}})
	if !this.Equal(testNow.Add(-5*time.Minute)) || !next.Equal(testNow.Add(48*time.Hour)) {
		t.Fatalf("%v %v", this, next)
	}
	recent := testNow.Add(-2*time.Minute + 700*time.Millisecond)
	if this, _ := CRLTimes(now, 48, 5, []Revocation{{RevokedAt: recent}, {}}); !this.Equal(recent.Truncate(time.Second)) {
		t.Fatalf("thisUpdate %v before the revocation at %v", this, recent)
	}
}

func TestIssueCRLRefuses(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	signer := crlSigner(t, root)
	this, next := CRLTimes(testNow, 24, 5, nil)
	for name, tc := range map[string]struct {
		req *CRLRequest
		msg string
	}{
		"revoked after thisUpdate": {&CRLRequest{Number: big.NewInt(1), ThisUpdate: this, NextUpdate: next, Revoked: []Revocation{{SerialNumber: big.NewInt(1), RevokedAt: testNow}}}, "after the CRL's thisUpdate"},
		"duplicate serial":         {&CRLRequest{Number: big.NewInt(1), ThisUpdate: this, NextUpdate: next, Revoked: []Revocation{{SerialNumber: big.NewInt(1)}, {SerialNumber: big.NewInt(1), Reason: 1}}}, "same serial number 1"},
		"no validity":              {&CRLRequest{Number: big.NewInt(1), ThisUpdate: this, NextUpdate: this}, "not after thisUpdate"},
		"no number":                {&CRLRequest{ThisUpdate: this, NextUpdate: next}, "CRL number"},
		"zero serial":              {&CRLRequest{Number: big.NewInt(1), ThisUpdate: this, NextUpdate: next, Revoked: []Revocation{{SerialNumber: big.NewInt(0)}}}, "no positive serial"},
	} {
		if _, err := IssueCRL(tc.req, signer); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want an error with %q", name, err, tc.msg)
		}
	}
}

// OpenSSL checks the CRLs of a root and an intermediate: `openssl crl
// -verify` accepts each against its CA, and `openssl verify -crl_check_all`
// refuses exactly the revoked client, and every client when one CA's CRL is
// missing.
func TestCRLOpenSSLChain(t *testing.T) {
	openssl := testtools.RequireTool(t, "openssl")
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		return testtools.WriteFile(t, dir, name, content)
	}
	for _, alg := range []KeyAlgorithm{RSA2048, ECDSAP384, Ed25519} {
		t.Run(string(alg), func(t *testing.T) {
			root := newRoot(t, alg, CAOptions{})
			inter := newIntermediate(t, root.issuer(), alg, CAOptions{})
			retiredKey := mustKey(t, alg)
			nb, na := Validity(testNow, 24*365, 5)
			retiredCert, err := Issue(&Request{Profile: ProfileIntermediateCA, Subject: Subject{CommonName: "Retired CA"}, PublicKey: retiredKey.Public(), NotBefore: nb, NotAfter: na}, root.issuer(), nil)
			if err != nil {
				t.Fatal(err)
			}
			retired := testCA{retiredCert, retiredKey}
			client := func(ca testCA, name string) (*x509.Certificate, string) {
				key := mustKey(t, ECDSAP256)
				c, err := Issue(leafRequest(ProfileClient, key.Public(), Names{DNSNames: []string{name + ".example.com"}}), ca.issuer(root.cert), nil)
				if err != nil {
					t.Fatal(err)
				}
				return c, write(string(alg)+name+".pem", EncodeCertificatesPEM(c))
			}
			_, good := client(inter, "good")
			lostCert, lost := client(inter, "lost")
			_, underRetired := client(retired, "under-retired")
			this, next := CRLTimes(testNow, 168, 5, nil)
			issue := func(ca testCA, revoked ...*big.Int) string {
				req := &CRLRequest{Number: big.NewInt(3), ThisUpdate: this, NextUpdate: next}
				for _, s := range revoked {
					req.Revoked = append(req.Revoked, Revocation{SerialNumber: s, Reason: 1})
				}
				crl, err := IssueCRL(req, crlSigner(t, ca))
				if err != nil {
					t.Fatal(err)
				}
				return EncodeCRLPEM(crl.Raw)
			}
			rootCRL, interCRL := issue(root, retired.cert.SerialNumber), issue(inter, lostCert.SerialNumber)
			rootFile := write(string(alg)+"root.pem", EncodeCertificatesPEM(root.cert))
			cas := write(string(alg)+"cas.pem", EncodeCertificatesPEM(inter.cert, retired.cert))
			for name, tc := range map[string]struct{ crl, ca string }{"root": {rootCRL, rootFile}, "intermediate": {interCRL, write(string(alg)+"chain.pem", EncodeCertificatesPEM(inter.cert, root.cert))}} {
				out, err := exec.Command(openssl, "crl", "-verify", "-noout", "-CAfile", tc.ca, "-in", write(string(alg)+name+".crl", tc.crl)).CombinedOutput()
				if err != nil || !strings.Contains(string(out), "verify OK") {
					t.Fatalf("openssl crl -verify %s: %v\n%s", name, err, out)
				}
			}
			// Every CA has its CRL: -crl_check_all needs one for each.
			both := write(string(alg)+"crls.pem", interCRL+rootCRL+issue(retired))
			verify := func(leaf, crls string) (string, error) {
				out, err := exec.Command(openssl, "verify", "-x509_strict", "-crl_check_all", "-attime", strconv.FormatInt(testNow.Add(time.Hour).Unix(), 10),
					"-CAfile", rootFile, "-untrusted", cas, "-CRLfile", crls, leaf).CombinedOutput()
				return string(out), err
			}
			if out, err := verify(good, both); err != nil {
				t.Errorf("good client refused: %v\n%s", err, out)
			}
			for name, leaf := range map[string]string{"revoked client": lost, "client of a revoked intermediate": underRetired} {
				if out, err := verify(leaf, both); err == nil || !strings.Contains(out, "certificate revoked") {
					t.Errorf("%s accepted or refused for another reason: %v\n%s", name, err, out)
				}
			}
			// Without the root's CRL, -crl_check_all refuses every client.
			if out, err := verify(good, write(string(alg)+"inter-only.pem", interCRL)); err == nil || !strings.Contains(out, "unable to get certificate CRL") {
				t.Errorf("good client accepted without the root CRL: %v\n%s", err, out)
			}
		})
	}
}

// OpenSSL accepts the CRL of a CA without keyUsage and SKI, whose AKI the
// provider computes.
func TestCRLOpenSSLBareCA(t *testing.T) {
	openssl := testtools.RequireTool(t, "openssl")
	dir := t.TempDir()
	ca := bareCA(t)
	key := mustKey(t, ECDSAP256)
	leaf, err := testtools.SignCertificate(&x509.Certificate{
		Subject: pkix.Name{CommonName: "leaf"}, NotBefore: testNow.Add(-time.Minute), NotAfter: testNow.Add(48 * time.Hour),
		DNSNames: []string{"leaf.example.com"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}, ca.cert, ca.key, key)
	if err != nil {
		t.Fatal(err)
	}
	this, next := CRLTimes(testNow, 24, 5, nil)
	check := func(revoked []Revocation) (string, error) {
		crl, err := IssueCRL(&CRLRequest{Number: big.NewInt(1), ThisUpdate: this, NextUpdate: next, Revoked: revoked}, crlSigner(t, ca))
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(openssl, "verify", "-crl_check", "-attime", strconv.FormatInt(testNow.Add(time.Hour).Unix(), 10),
			"-CAfile", testtools.WriteFile(t, dir, "ca.pem", EncodeCertificatesPEM(ca.cert)), "-CRLfile", testtools.WriteFile(t, dir, "ca.crl", EncodeCRLPEM(crl.Raw)),
			testtools.WriteFile(t, dir, "leaf.pem", EncodeCertificatesPEM(leaf))).CombinedOutput()
		return string(out), err
	}
	if out, err := check(nil); err != nil {
		t.Fatalf("leaf refused with an empty CRL: %v\n%s", err, out)
	}
	if out, err := check([]Revocation{{SerialNumber: leaf.SerialNumber}}); err == nil || !strings.Contains(out, "certificate revoked") {
		t.Fatalf("revoked leaf: %v\n%s", err, out)
	}
}

func TestCheckCRLsCoverChain(t *testing.T) {
	root := newRoot(t, ECDSAP256, CAOptions{})
	inter := newIntermediate(t, root.issuer(), ECDSAP256, CAOptions{})
	other := newRoot(t, ECDSAP256, CAOptions{}) // the same name as root, another key
	issue := func(ca testCA, at time.Time) *x509.RevocationList {
		this, next := CRLTimes(at, 24, 0, nil)
		crl, err := IssueCRL(&CRLRequest{Number: big.NewInt(1), ThisUpdate: this, NextUpdate: next}, crlSigner(t, ca))
		if err != nil {
			t.Fatal(err)
		}
		return crl
	}
	cas := []*x509.Certificate{inter.cert, root.cert}
	rootCRL, interCRL := issue(root, testNow), issue(inter, testNow)
	// The intermediate's CRL with a broken signature.
	forged := *interCRL
	forged.Signature = append([]byte{}, interCRL.Signature...)
	forged.Signature[len(forged.Signature)-1] ^= 1
	for name, tc := range map[string]struct {
		crls []*x509.RevocationList
		want []string // "error: summary: detail excerpt" or "warning: ..."
	}{
		"both":          {crls: []*x509.RevocationList{interCRL, rootCRL}},
		"root missing":  {crls: []*x509.RevocationList{interCRL}, want: []string{`error: No CRL for a client CA: crls_pem holds no CRL signed by "CN=Test Root CA,O=mtls tests"`}},
		"expired":       {crls: []*x509.RevocationList{issue(inter, testNow.Add(-25*time.Hour)), rootCRL}, want: []string{`error: CRL expired: The CRL of "CN=Test Intermediate CA ECDSA_P256,O=mtls tests" in crls_pem (number 1) expired at`}},
		"not yet valid": {crls: []*x509.RevocationList{interCRL, issue(root, testNow.Add(time.Hour))}, want: []string{"error: CRL not yet valid: "}},
		"bad signature": {crls: []*x509.RevocationList{&forged, rootCRL}, want: []string{
			`error: No CRL for a client CA: crls_pem holds no CRL signed by "CN=Test Intermediate CA`,
			`warning: CRL of an unknown CA: CRL 1 in crls_pem (issuer "CN=Test Intermediate CA ECDSA_P256,O=mtls tests") is not signed by any CA`}},
		"unrelated and twice": {crls: []*x509.RevocationList{interCRL, rootCRL, issue(other, testNow), interCRL}, want: []string{
			`warning: Several CRLs of one CA: crls_pem holds 2 CRLs signed by "CN=Test Intermediate CA`,
			`warning: CRL of an unknown CA: CRL 3 in crls_pem (issuer "CN=Test Root CA,O=mtls tests")`}},
	} {
		t.Run(name, func(t *testing.T) {
			errs := CheckCRLsCoverChain("crls_pem", tc.crls, cas, testNow)
			if len(errs) != len(tc.want) {
				t.Fatalf("got %v, want %q", errs, tc.want)
			}
			for i, e := range errs {
				kind := "error"
				if e.Warning {
					kind = "warning"
				}
				if got := kind + ": " + e.Summary + ": " + e.Detail; e.Attribute != "crls_pem" || !strings.HasPrefix(got, tc.want[i]) {
					t.Errorf("got %q on %s, want %q", got, e.Attribute, tc.want[i])
				}
			}
		})
	}
}
