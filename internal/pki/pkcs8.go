package pki

import (
	"crypto"
	"crypto/aes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pbes2"
)

// Encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo). The standard library
// reads only unencrypted PKCS#8, and the keys users bring from `openssl pkcs8
// -topk8` or `openssl genpkey -aes256` are PBES2, which internal/pbes2
// implements for these keys and for PKCS#12 archives alike.

// PKCS8Iterations is the PBKDF2-HMAC-SHA256 work factor used when encrypting
// keys (OWASP's 2023 figure for that PRF).
const PKCS8Iterations = 600_000

var pkcs8Scheme = pbes2.Scheme{Iterations: PKCS8Iterations, SaltLen: 16}

type encryptedPrivateKeyInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Data      []byte
}

func decryptPKCS8(der, passphrase []byte) ([]byte, error) {
	var info encryptedPrivateKeyInfo
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		return nil, fmt.Errorf("parsing encrypted PKCS#8: %w", err)
	}
	if !info.Algorithm.Algorithm.Equal(pbes2.OID) {
		return nil, fmt.Errorf("encrypted PKCS#8 scheme %s is not supported: re-encrypt with PBES2 (openssl pkcs8 -topk8 -v2 aes-256-cbc)", info.Algorithm.Algorithm)
	}
	// Checked here too, so the message names what is truncated.
	if len(info.Data) == 0 || len(info.Data)%aes.BlockSize != 0 {
		return nil, errors.New("encrypted PKCS#8 data has a bad length")
	}
	plain, err := pbes2.Decrypt(info.Algorithm, info.Data, string(passphrase))
	// A wrong passphrase yields random bytes: bad padding (255 times in
	// 256) or, rarely, good padding around something that is no DER
	// structure. Bytes that frame one came from the right passphrase, so
	// a parse failure after that is a malformed key, reported as such.
	if errors.Is(err, pbes2.ErrDecryption) || (err == nil && !isDERSequence(plain)) {
		return nil, fmt.Errorf("decrypting the private key failed: %w", ErrWrongPassphrase)
	}
	if err != nil {
		return nil, err
	}
	return plain, nil
}

// EncryptPKCS8PEM encrypts key as an "ENCRYPTED PRIVATE KEY" PEM with PBES2:
// PBKDF2-HMAC-SHA256 and AES-256-CBC, which OpenSSL, Java and Go all read.
func EncryptPKCS8PEM(key crypto.Signer, passphrase string) (string, error) {
	if passphrase == "" {
		return "", errors.New("an empty passphrase would not protect the key")
	}
	plain, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", err
	}
	return encryptPKCS8PEM(pkcs8Scheme, plain, passphrase)
}

// encryptPKCS8PEM wraps plain in an EncryptedPrivateKeyInfo; tests and fuzz
// seeds pass a scheme with a small iteration count.
func encryptPKCS8PEM(scheme pbes2.Scheme, plain []byte, passphrase string) (string, error) {
	alg, data, err := scheme.Encrypt(plain, passphrase)
	if err != nil {
		return "", err
	}
	der, err := asn1.Marshal(encryptedPrivateKeyInfo{Algorithm: alg, Data: data})
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der})), nil
}
