package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var (
	oidCN    = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidOU    = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidEmail = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
	oidDC    = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 25}
)

// rdn is one relative distinguished name; several attributes make it
// multi-valued.
func rdn(atvs ...pkix.AttributeTypeAndValue) pkix.RelativeDistinguishedNameSET { return atvs }

func atv(oid asn1.ObjectIdentifier, value any) pkix.AttributeTypeAndValue {
	return pkix.AttributeTypeAndValue{Type: oid, Value: value}
}

func marshalName(t *testing.T, name pkix.RDNSequence) []byte {
	t.Helper()
	der, err := asn1.Marshal(name)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// The expected strings are what OpenSSL 3.0's X509_NAME_oneline printed for
// the same names (through libcrypto.so.3, and in MariaDB 10.11's "X509
// subject mismatch" log line for the live test's names).
var onelineCases = []struct {
	name string
	rdns pkix.RDNSequence
	want string
}{
	{"common name only", pkix.RDNSequence{rdn(atv(oidCN, "alice"))}, "/CN=alice"},
	{"several RDNs in certificate order", pkix.RDNSequence{
		rdn(atv(asn1.ObjectIdentifier{2, 5, 4, 6}, "SE")),
		rdn(atv(asn1.ObjectIdentifier{2, 5, 4, 8}, "Sweden")),
		rdn(atv(asn1.ObjectIdentifier{2, 5, 4, 7}, "Stockholm")),
		rdn(atv(asn1.ObjectIdentifier{2, 5, 4, 10}, "Severalnines AB")),
		rdn(atv(oidOU, "Security")),
		rdn(atv(oidCN, "cmon")),
		rdn(atv(oidEmail, "cmon@example.com")),
	}, "/C=SE/ST=Sweden/L=Stockholm/O=Severalnines AB/OU=Security/CN=cmon/emailAddress=cmon@example.com"},
	{"reversed order stays reversed", pkix.RDNSequence{rdn(atv(oidCN, "x")), rdn(atv(asn1.ObjectIdentifier{2, 5, 4, 6}, "GB"))}, "/CN=x/C=GB"},
	{"multi-valued RDN", pkix.RDNSequence{rdn(atv(oidOU, "a"), atv(oidOU, "b")), rdn(atv(oidCN, "x"))}, "/OU=a+OU=b/CN=x"},
	{"slash, plus, quote, backslash, semicolon", pkix.RDNSequence{rdn(atv(oidCN, `O'Brien / S+n \ x;y`))}, `/CN=O'Brien \/ S\+n \ x;y`},
	{"UTF-8 bytes", pkix.RDNSequence{rdn(atv(asn1.ObjectIdentifier{2, 5, 4, 10}, "Müller")), rdn(atv(oidCN, "é"))}, `/O=M\xC3\xBCller/CN=\xC3\xA9`},
	{"domain components and more", pkix.RDNSequence{
		rdn(atv(oidDC, "org")), rdn(atv(oidDC, "example")),
		rdn(atv(asn1.ObjectIdentifier{2, 5, 4, 5}, "42")), rdn(atv(asn1.ObjectIdentifier{2, 5, 4, 9}, "Main St 1")),
		rdn(atv(asn1.ObjectIdentifier{2, 5, 4, 17}, "11122")), rdn(atv(asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}, "u1")),
	}, "/DC=org/DC=example/serialNumber=42/street=Main St 1/postalCode=11122/UID=u1"},
}

func TestOnelineName(t *testing.T) {
	for _, tc := range onelineCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := OnelineName(marshalName(t, tc.rdns))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestOnelineNameCertificate checks the subject and issuer of a real
// certificate, as the data source reads them.
func TestOnelineNameCertificate(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{Country: []string{"SE"}, Organization: []string{"Ex/ample"}, CommonName: "c"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	if dir := os.Getenv("MTLS_ONELINE_DUMP"); dir != "" {
		// For comparing with OpenSSL by hand.
		_ = os.WriteFile(filepath.Join(dir, "cert.pem"), []byte(EncodeCertificatesPEM(cert)), 0o600)
	}
	for _, raw := range [][]byte{cert.RawSubject, cert.RawIssuer} {
		if got, err := OnelineName(raw); err != nil || got != `/C=SE/O=Ex\/ample/CN=c` {
			t.Errorf("got %q, %v", got, err)
		}
	}
}

func TestOnelineNameRefuses(t *testing.T) {
	cases := map[string]struct {
		der  []byte
		want string
	}{
		"empty name":    {marshalName(t, pkix.RDNSequence{}), "empty"},
		"unknown OID":   {marshalName(t, pkix.RDNSequence{rdn(atv(asn1.ObjectIdentifier{1, 2, 3, 4}, "x"))}), "1.2.3.4"},
		"non-string":    {marshalName(t, pkix.RDNSequence{rdn(atv(oidCN, 7))}), "not a character string"},
		"not DER":       {[]byte{0x30, 0x05, 0x01}, "not valid DER"},
		"trailing data": {append(marshalName(t, pkix.RDNSequence{rdn(atv(oidCN, "x"))}), 0), "trailing"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := OnelineName(tc.der)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %q, %v; want an error with %q", got, err, tc.want)
			}
		})
	}
}

// TestOnelineNameDump writes certificates with the onelineCases names for a
// check against OpenSSL by hand (MTLS_ONELINE_DUMP=dir).
func TestOnelineNameDump(t *testing.T) {
	dir := os.Getenv("MTLS_ONELINE_DUMP")
	if dir == "" {
		t.Skip("set MTLS_ONELINE_DUMP")
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	var out strings.Builder
	for i, tc := range onelineCases {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(i + 1)), RawSubject: marshalName(t, tc.rdns)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
		if err != nil {
			t.Fatal(err)
		}
		cert, _ := x509.ParseCertificate(der)
		file := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".pem")
		_ = os.WriteFile(file, []byte(EncodeCertificatesPEM(cert)), 0o600)
		out.WriteString(file + "\t" + tc.want + "\n")
	}
	_ = os.WriteFile(filepath.Join(dir, "want.txt"), []byte(out.String()), 0o600)
}
