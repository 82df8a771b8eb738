package keystore

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"net"
	"sync"
	"testing"

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
var leafKeyTypes = []string{testtools.KeyECDSA, testtools.KeyRSA, testtools.KeyEd25519}

var (
	pkiOnce  sync.Once
	pkiByKey map[string]*testPKI
)

// sharedPKI builds the hierarchies once per test binary; RSA key generation
// would otherwise dominate the run time.
func sharedPKI(t testing.TB, keyType string) *testPKI {
	t.Helper()
	pkiOnce.Do(func() {
		pkiByKey = map[string]*testPKI{}
		for _, kt := range leafKeyTypes {
			pkiByKey[kt] = newTestPKI(t, kt)
		}
	})
	if pkiByKey[keyType] == nil {
		t.Fatalf("no test PKI for key type %q (an earlier test failed building it)", keyType)
	}
	return pkiByKey[keyType]
}

// newTestPKI issues an ECDSA root, intermediate and server certificate, and
// a client leaf with a key of leafKeyType (a testtools key type).
func newTestPKI(t testing.TB, leafKeyType string) *testPKI {
	root := testtools.Issue(t, testtools.CATemplate("Keystore Test Root CA"), nil)
	intermediate := testtools.Issue(t, testtools.CATemplate("Keystore Test Intermediate CA"), &root)
	leafTemplate := testtools.LeafTemplate("Client Leaf", x509.ExtKeyUsageClientAuth)
	leafTemplate.DNSNames = []string{"client.example.test"}
	leafKey := testtools.NewKey(t, leafKeyType)
	leafTemplate.KeyUsage = keyUsageFor(leafKey)
	leaf := testtools.IssueFor(t, leafTemplate, &intermediate, leafKey)
	serverTemplate := testtools.LeafTemplate("localhost", x509.ExtKeyUsageServerAuth)
	serverTemplate.DNSNames, serverTemplate.IPAddresses = []string{"localhost"}, []net.IP{net.IPv4(127, 0, 0, 1)}
	server := testtools.Issue(t, serverTemplate, &intermediate)
	return &testPKI{
		root: root.Cert, intermediate: intermediate.Cert, leaf: leaf.Cert, server: server.Cert,
		rootKey: root.Key, intermediateKey: intermediate.Key, leafKey: leaf.Key, serverKey: server.Key,
	}
}

// keyUsageFor adds keyEncipherment for RSA, which TLS 1.2 RSA key exchange
// checks; signature keys only need digitalSignature.
func keyUsageFor(key crypto.Signer) x509.KeyUsage {
	if _, isRSA := key.(*rsa.PrivateKey); isRSA {
		return x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	}
	return x509.KeyUsageDigitalSignature
}
