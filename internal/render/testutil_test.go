package render

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// testCA is a certificate authority for tests, built with crypto/x509 only.
type testCA struct {
	cert    *x509.Certificate
	key     crypto.Signer
	certPEM []byte
}

// leafOptions describe an end-entity certificate; zero values give a
// client certificate valid for a day.
type leafOptions struct {
	dnsNames []string
	ips      []net.IP
	usages   []x509.ExtKeyUsage
	notAfter time.Time
}

func newKey(t testing.TB) crypto.Signer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func randomSerial(t testing.TB) *big.Int {
	t.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		t.Fatal(err)
	}
	return serial
}

// newTestCA makes a root CA when parent is nil, else an intermediate.
func newTestCA(t testing.TB, commonName string, parent *testCA) *testCA {
	t.Helper()
	key := newKey(t)
	template := &x509.Certificate{
		Subject:               pkix.Name{CommonName: commonName, Organization: []string{"mtls render test"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	var issuer *x509.Certificate
	issuerKey := key
	if parent != nil {
		issuer, issuerKey = parent.cert, parent.key
	}
	cert, err := testtools.SignCertificate(template, issuer, issuerKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, certPEM: pemBlock("CERTIFICATE", cert.Raw)}
}

// issue returns a leaf certificate and its PKCS#8 key, both PEM.
func (ca *testCA) issue(t testing.TB, commonName string, opts leafOptions) (cert *x509.Certificate, certPEM, keyPEM []byte) {
	t.Helper()
	key := newKey(t)
	if opts.usages == nil {
		opts.usages = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	notBefore := time.Now().Add(-time.Hour)
	if opts.notAfter.IsZero() {
		opts.notAfter = time.Now().Add(24 * time.Hour)
	} else if opts.notAfter.Before(notBefore) {
		notBefore = opts.notAfter.Add(-24 * time.Hour)
	}
	template := &x509.Certificate{
		Subject:     pkix.Name{CommonName: commonName, Organization: []string{"mtls render test"}},
		NotBefore:   notBefore,
		NotAfter:    opts.notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: opts.usages,
		DNSNames:    opts.dnsNames,
		IPAddresses: opts.ips,
	}
	cert, err := testtools.SignCertificate(template, ca.cert, ca.key, key)
	if err != nil {
		t.Fatal(err)
	}
	der := cert.Raw
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return cert, pemBlock("CERTIFICATE", der), pemBlock("PRIVATE KEY", keyDER)
}

// crl returns a PEM CRL of this CA, valid for a day, revoking serials.
func (ca *testCA) crl(t testing.TB, revoked ...*big.Int) []byte {
	t.Helper()
	entries := make([]x509.RevocationListEntry, len(revoked))
	for i, serial := range revoked {
		entries[i] = x509.RevocationListEntry{SerialNumber: serial, RevocationTime: time.Now().Add(-time.Minute)}
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:                    randomSerial(t),
		ThisUpdate:                time.Now().Add(-time.Hour),
		NextUpdate:                time.Now().Add(24 * time.Hour),
		RevokedCertificateEntries: entries,
	}, ca.cert, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return pemBlock("X509 CRL", der)
}

func pemBlock(blockType string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der})
}

// writeFile writes the concatenated parts to dir/name and returns the path.
func writeFile(t testing.TB, dir, name string, parts ...[]byte) string {
	t.Helper()
	var content []byte
	for _, part := range parts {
		content = append(content, part...)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
