package keystore

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// testPKI is a root -> intermediate -> client leaf hierarchy plus a server
// certificate for TLS tests, all issued with crypto/x509.
type testPKI struct {
	root, intermediate, leaf, server             *x509.Certificate
	rootKey, intermediateKey, leafKey, serverKey crypto.Signer
}

// chain is what a keyed archive carries after the leaf, issuer first.
func (p *testPKI) chain() []*x509.Certificate {
	return []*x509.Certificate{p.intermediate, p.root}
}

// leafKeyTypes are the private key types every archive test covers.
var leafKeyTypes = []string{"ecdsa", "rsa", "ed25519"}

var (
	pkiOnce  sync.Once
	pkiByKey map[string]*testPKI
	pkiErr   error
)

// sharedPKI builds the hierarchies once per test binary; RSA key generation
// would otherwise dominate the run time.
func sharedPKI(t testing.TB, keyType string) *testPKI {
	t.Helper()
	pkiOnce.Do(func() {
		pkiByKey = map[string]*testPKI{}
		for _, kt := range leafKeyTypes {
			var p *testPKI
			if p, pkiErr = newTestPKI(kt); pkiErr != nil {
				return
			}
			pkiByKey[kt] = p
		}
	})
	if pkiErr != nil {
		t.Fatalf("building test PKI: %v", pkiErr)
	}
	return pkiByKey[keyType]
}

func newTestKey(keyType string) (crypto.Signer, error) {
	switch keyType {
	case "rsa":
		return rsa.GenerateKey(rand.Reader, 2048)
	case "ed25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	}
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

func newTestPKI(leafKeyType string) (*testPKI, error) {
	p := &testPKI{}
	var err error
	for _, k := range []*crypto.Signer{&p.rootKey, &p.intermediateKey, &p.serverKey} {
		if *k, err = newTestKey("ecdsa"); err != nil {
			return nil, err
		}
	}
	if p.leafKey, err = newTestKey(leafKeyType); err != nil {
		return nil, err
	}
	now := time.Now()
	ca := func(cn string) *x509.Certificate {
		return &x509.Certificate{
			Subject:               pkix.Name{CommonName: cn, Organization: []string{"mtls keystore tests"}},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.Add(24 * time.Hour),
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			BasicConstraintsValid: true,
			IsCA:                  true,
		}
	}
	endEntity := func(cn string, eku x509.ExtKeyUsage) *x509.Certificate {
		return &x509.Certificate{
			Subject:     pkix.Name{CommonName: cn},
			NotBefore:   now.Add(-time.Hour),
			NotAfter:    now.Add(24 * time.Hour),
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{eku},
		}
	}
	if p.root, err = testtools.SignCertificate(ca("Keystore Test Root CA"), nil, p.rootKey, p.rootKey); err != nil {
		return nil, err
	}
	if p.intermediate, err = testtools.SignCertificate(ca("Keystore Test Intermediate CA"), p.root, p.rootKey, p.intermediateKey); err != nil {
		return nil, err
	}
	leaf := endEntity("Client Leaf", x509.ExtKeyUsageClientAuth)
	leaf.DNSNames = []string{"client.example.test"}
	leaf.KeyUsage = keyUsageFor(p.leafKey)
	if p.leaf, err = testtools.SignCertificate(leaf, p.intermediate, p.intermediateKey, p.leafKey); err != nil {
		return nil, err
	}
	server := endEntity("localhost", x509.ExtKeyUsageServerAuth)
	server.DNSNames = []string{"localhost"}
	server.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	if p.server, err = testtools.SignCertificate(server, p.intermediate, p.intermediateKey, p.serverKey); err != nil {
		return nil, err
	}
	return p, nil
}

// keyUsageFor adds keyEncipherment for RSA, which TLS 1.2 RSA key exchange
// checks; signature keys only need digitalSignature.
func keyUsageFor(key crypto.Signer) x509.KeyUsage {
	if _, isRSA := key.(*rsa.PrivateKey); isRSA {
		return x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	}
	return x509.KeyUsageDigitalSignature
}

// samePrivateKey reports whether a decoded key equals the one encoded.
func samePrivateKey(want crypto.Signer, got crypto.PrivateKey) bool {
	k, ok := want.(interface{ Equal(crypto.PrivateKey) bool })
	return ok && k.Equal(got)
}
