// Package pki holds the certificate authority logic of the provider: key
// generation and encoding, certificate profiles, issuance, chain handling and
// parsing of user-supplied PEM. It has no Terraform imports so that it can be
// unit-tested directly and reused by every resource.
package pki

import (
	"crypto"
	"crypto/dsa" //nolint:staticcheck // only to name DSA keys in an error
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// KeyAlgorithm names a private key type and size. The string values are the
// public interface of the provider's key_algorithm attribute.
type KeyAlgorithm string

const (
	RSA2048   KeyAlgorithm = "RSA_2048"
	RSA3072   KeyAlgorithm = "RSA_3072"
	RSA4096   KeyAlgorithm = "RSA_4096"
	ECDSAP256 KeyAlgorithm = "ECDSA_P256"
	ECDSAP384 KeyAlgorithm = "ECDSA_P384"
	ECDSAP521 KeyAlgorithm = "ECDSA_P521"
	Ed25519   KeyAlgorithm = "ED25519"

	// DefaultKeyAlgorithm is small, fast and accepted by every TLS peer we test.
	DefaultKeyAlgorithm = ECDSAP256

	// MinRSABits is the smallest RSA modulus accepted anywhere: in CSRs, CA keys
	// and imported keys.
	MinRSABits = 2048
)

// KeyAlgorithms lists every supported algorithm in documentation order; it is
// the single source for validators and docs.
func KeyAlgorithms() []KeyAlgorithm {
	return []KeyAlgorithm{RSA2048, RSA3072, RSA4096, ECDSAP256, ECDSAP384, ECDSAP521, Ed25519}
}

// KeyAlgorithmStrings is KeyAlgorithms as strings, for schema validators.
func KeyAlgorithmStrings() []string {
	algs := KeyAlgorithms()
	out := make([]string, len(algs))
	for i, a := range algs {
		out[i] = string(a)
	}
	return out
}

// GenerateKey creates a new private key with crypto/rand.
func GenerateKey(alg KeyAlgorithm) (crypto.Signer, error) {
	switch alg {
	case RSA2048:
		return rsa.GenerateKey(rand.Reader, 2048)
	case RSA3072:
		return rsa.GenerateKey(rand.Reader, 3072)
	case RSA4096:
		return rsa.GenerateKey(rand.Reader, 4096)
	case ECDSAP256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case ECDSAP384:
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case ECDSAP521:
		return ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case Ed25519:
		_, key, err := ed25519.GenerateKey(rand.Reader)
		return key, err
	}
	return nil, fmt.Errorf("unsupported key algorithm %q; use one of %s", alg, strings.Join(KeyAlgorithmStrings(), ", "))
}

// AlgorithmOf reports the KeyAlgorithm of a public key, or an error for key
// types and sizes the provider refuses. RSA keys report their real size:
// RSA_2560 for a 2560-bit key from a CSR, although only the sizes of
// KeyAlgorithms are generated.
func AlgorithmOf(pub crypto.PublicKey) (KeyAlgorithm, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		bits := k.N.BitLen()
		if bits < MinRSABits {
			return "", fmt.Errorf("RSA key of %d bits is too weak: use at least %d bits", bits, MinRSABits)
		}
		return KeyAlgorithm(fmt.Sprintf("RSA_%d", bits)), nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return ECDSAP256, nil
		case elliptic.P384():
			return ECDSAP384, nil
		case elliptic.P521():
			return ECDSAP521, nil
		}
		return "", fmt.Errorf("ECDSA curve %s is not supported: use P-256, P-384 or P-521", k.Curve.Params().Name)
	case ed25519.PublicKey:
		return Ed25519, nil
	}
	return "", fmt.Errorf("%s is not supported: use RSA, ECDSA or Ed25519", keyTypeName(pub))
}

// keyTypeName names a refused key type in words a user knows, not as a Go type.
func keyTypeName(key any) string {
	switch key.(type) {
	case *ecdh.PublicKey, *ecdh.PrivateKey:
		return "an X25519 or ECDH key (for key agreement, it cannot sign)"
	case *dsa.PublicKey:
		return "a DSA key"
	}
	return "a key of an unknown type"
}

// EncodedKey holds the encodings of one private key that the resources expose.
type EncodedKey struct {
	PKCS8PEM  string // always set
	LegacyPEM string // PKCS#1 for RSA, SEC1 for ECDSA, empty for Ed25519 (it has none)
	PublicPEM string // SubjectPublicKeyInfo
	OpenSSH   string // authorized_keys line, without a trailing newline
}

// EncodeKey renders a private key in every form the resources expose.
func EncodeKey(key crypto.Signer) (EncodedKey, error) {
	var out EncodedKey
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return out, fmt.Errorf("encoding PKCS#8 private key: %w", err)
	}
	out.PKCS8PEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	switch k := key.(type) {
	case *rsa.PrivateKey:
		out.LegacyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	case *ecdsa.PrivateKey:
		sec1, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			return out, fmt.Errorf("encoding SEC1 private key: %w", err)
		}
		out.LegacyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}))
	}
	out.PublicPEM, out.OpenSSH, err = EncodePublicKey(key.Public())
	return out, err
}

// EncodePublicKey renders a public key as PEM and as an OpenSSH authorized_keys line.
func EncodePublicKey(pub crypto.PublicKey) (pemText, openSSH string, err error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", "", fmt.Errorf("encoding public key: %w", err)
	}
	pemText = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	sshKey, err := ssh.NewPublicKey(pub)
	if err != nil {
		// A key type without an OpenSSH form has none; every type we issue has one.
		return pemText, "", nil //nolint:nilerr // no OpenSSH form is not a failure
	}
	return pemText, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshKey))), nil
}

var (
	// ErrEncryptedKey is returned when an encrypted key is given without a passphrase.
	ErrEncryptedKey = errors.New("the private key PEM is encrypted and no passphrase was given")
	// ErrWrongPassphrase is returned when an encrypted key does not decrypt
	// with the passphrase given. A key that decrypts but does not parse is
	// malformed instead, and says so.
	ErrWrongPassphrase = errors.New("the passphrase is wrong")
)

// ParsePrivateKeyPEM reads the first private key in text: PKCS#8, PKCS#1 or
// SEC1, optionally encrypted (legacy "Proc-Type: 4,ENCRYPTED" PEM or PKCS#8
// "ENCRYPTED PRIVATE KEY") when passphrase is not empty. Weak RSA keys are
// refused.
func ParsePrivateKeyPEM(text, passphrase string) (crypto.Signer, error) {
	rest := []byte(text)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no PEM private key block found: expected -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY)")
		}
		switch block.Type {
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
		default:
			continue
		}
		der, err := decryptBlock(block, passphrase)
		if err != nil {
			return nil, err
		}
		key, err := parsePrivateKeyDER(block.Type, der)
		if err != nil {
			return nil, err
		}
		if _, err := AlgorithmOf(key.Public()); err != nil {
			return nil, err
		}
		return key, nil
	}
}

func decryptBlock(block *pem.Block, passphrase string) ([]byte, error) {
	//nolint:staticcheck // legacy OpenSSL-encrypted PEM is still what `openssl genrsa -aes256` writes.
	legacyEncrypted := x509.IsEncryptedPEMBlock(block)
	if !legacyEncrypted && block.Type != "ENCRYPTED PRIVATE KEY" {
		return block.Bytes, nil
	}
	if passphrase == "" {
		return nil, ErrEncryptedKey
	}
	if legacyEncrypted {
		//nolint:staticcheck // see above
		der, err := x509.DecryptPEMBlock(block, []byte(passphrase))
		switch {
		case errors.Is(err, x509.IncorrectPasswordError):
			return nil, fmt.Errorf("decrypting the private key failed: %w", ErrWrongPassphrase)
		case err != nil:
			return nil, fmt.Errorf("the private key is malformed: its encrypted PEM does not decrypt: %v", err)
		case !isDERSequence(der):
			// The padding matched by chance (1 in 256 for a wrong passphrase);
			// what came out is not a key structure.
			return nil, fmt.Errorf("decrypting the private key failed: %w", ErrWrongPassphrase)
		}
		return der, nil
	}
	return decryptPKCS8(block.Bytes, []byte(passphrase))
}

// isDERSequence tells whether der is one complete DER SEQUENCE, as every key
// structure is. Decryption with a wrong passphrase yields random bytes, which
// almost never frame one.
func isDERSequence(der []byte) bool {
	var v asn1.RawValue
	rest, err := asn1.Unmarshal(der, &v)
	return err == nil && len(rest) == 0 && v.Class == asn1.ClassUniversal && v.Tag == asn1.TagSequence && v.IsCompound
}

func parsePrivateKeyDER(pemType string, der []byte) (crypto.Signer, error) {
	var (
		key any
		err error
	)
	switch pemType {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(der)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(der)
	default:
		key, err = x509.ParsePKCS8PrivateKey(der)
	}
	if err != nil {
		return nil, fmt.Errorf("the private key is malformed: its %s block does not parse: %w", pemType, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("the private key is %s: use RSA, ECDSA or Ed25519", keyTypeName(key))
	}
	return signer, nil
}

// PublicKeysEqual reports whether two public keys are the same key.
func PublicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	ea, ok := a.(equaler)
	return ok && ea.Equal(b)
}
