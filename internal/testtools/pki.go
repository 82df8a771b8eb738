package testtools

// The test PKI every package's tests share: certificates, keys and CRLs made
// with crypto/x509 alone, so that tests check our issuing code against an
// issuer that does not share it.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Cert is a certificate and its private key.
type Cert struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// CertPEM returns the certificate as a PEM block.
func (c Cert) CertPEM() []byte { return PEMBlock("CERTIFICATE", c.Cert.Raw) }

// KeyPEM returns the private key as a PKCS#8 PEM block.
func (c Cert) KeyPEM(t testing.TB) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		t.Fatal(err)
	}
	return PEMBlock("PRIVATE KEY", der)
}

// CRL returns a PEM CRL signed by c, valid from an hour ago for a day,
// revoking serials a minute ago.
func (c Cert) CRL(t testing.TB, revoked ...*big.Int) []byte {
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
	}, c.Cert, c.Key)
	if err != nil {
		t.Fatal(err)
	}
	return PEMBlock("X509 CRL", der)
}

// Key types NewKey makes.
const (
	KeyECDSA   = "ecdsa" // P-256
	KeyRSA     = "rsa"   // 2048 bits
	KeyEd25519 = "ed25519"
)

// NewKey makes a private key of keyType (KeyECDSA, KeyRSA or KeyEd25519).
func NewKey(t testing.TB, keyType string) crypto.Signer {
	t.Helper()
	var key crypto.Signer
	var err error
	switch keyType {
	case KeyECDSA:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case KeyRSA:
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	case KeyEd25519:
		_, key, err = ed25519.GenerateKey(rand.Reader)
	default:
		t.Fatalf("testtools.NewKey: unknown key type %q", keyType)
	}
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// CATemplate describes a CA certificate with no path length limit.
func CATemplate(commonName string) *x509.Certificate {
	return &x509.Certificate{
		Subject:               pkix.Name{CommonName: commonName},
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            -1,
	}
}

// LeafTemplate describes an end-entity certificate with the given extended
// key usages and no SANs; callers add them.
func LeafTemplate(commonName string, ekus ...x509.ExtKeyUsage) *x509.Certificate {
	return &x509.Certificate{
		Subject:               pkix.Name{CommonName: commonName},
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           ekus,
		BasicConstraintsValid: true,
	}
}

// Issue signs template for a new ECDSA P-256 key with parent, or self-signs
// it when parent is nil. A template without a validity gets one from an
// hour ago for a day.
func Issue(t testing.TB, template *x509.Certificate, parent *Cert) Cert {
	t.Helper()
	return IssueFor(t, template, parent, NewKey(t, KeyECDSA))
}

// IssueFor is Issue for a key of the caller's.
func IssueFor(t testing.TB, template *x509.Certificate, parent *Cert, key crypto.Signer) Cert {
	t.Helper()
	if template.NotBefore.IsZero() && template.NotAfter.IsZero() {
		template.NotBefore, template.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
	}
	var issuer *x509.Certificate
	issuerKey := key
	if parent != nil {
		issuer, issuerKey = parent.Cert, parent.Key
	}
	cert, err := SignCertificate(template, issuer, issuerKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return Cert{Cert: cert, Key: key}
}

// SignCertificate signs template for subjectKey with parent and parentKey, or
// self-signs when parent is nil, filling a random 128-bit serial number when
// the template has none. For callers without a testing.TB; others use Issue.
func SignCertificate(template, parent *x509.Certificate, parentKey, subjectKey crypto.Signer) (*x509.Certificate, error) {
	if template.SerialNumber == nil {
		serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
		if err != nil {
			return nil, err
		}
		template.SerialNumber = serial.Add(serial, big.NewInt(1))
	}
	if parent == nil {
		parent = template
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, subjectKey.Public(), parentKey)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// PEMBlock encodes der as one PEM block of blockType.
func PEMBlock(blockType string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der})
}

// SamePrivateKey reports whether a decoded key equals the one encoded.
func SamePrivateKey(want crypto.Signer, got crypto.PrivateKey) bool {
	k, ok := want.(interface{ Equal(crypto.PrivateKey) bool })
	return ok && k.Equal(got)
}

func randomSerial(t testing.TB) *big.Int {
	t.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		t.Fatal(err)
	}
	return serial
}

// WriteFile writes the concatenated parts to dir/name, mode 0600, and
// returns the path.
func WriteFile[T string | []byte](t testing.TB, dir, name string, parts ...T) string {
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
