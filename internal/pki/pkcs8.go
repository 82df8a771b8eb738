package pki

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"

	"golang.org/x/crypto/scrypt"
)

// Encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo with RFC 8018 PBES2).
// The standard library reads only unencrypted PKCS#8, and the keys users bring
// from `openssl pkcs8 -topk8` or `openssl genpkey -aes256` are PBES2, so the
// small amount of ASN.1 lives here.

var (
	oidPBES2          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt         = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
	oidHMACWithSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
)

// PKCS8Iterations is the PBKDF2-HMAC-SHA256 work factor used when encrypting
// keys (OWASP's 2023 figure for that PRF).
const PKCS8Iterations = 600_000

type encryptedPrivateKeyInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Data      []byte
}

type pbes2Params struct {
	KDF    pkix.AlgorithmIdentifier
	Scheme pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                      `asn1:"optional"`
	PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
}

type scryptParams struct {
	Salt      []byte
	N         int
	R         int
	P         int
	KeyLength int `asn1:"optional"`
}

func decryptPKCS8(der, passphrase []byte) ([]byte, error) {
	var info encryptedPrivateKeyInfo
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		return nil, fmt.Errorf("parsing encrypted PKCS#8: %w", err)
	}
	if !info.Algorithm.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("encrypted PKCS#8 scheme %s is not supported: re-encrypt with PBES2 (openssl pkcs8 -topk8 -v2 aes-256-cbc)", info.Algorithm.Algorithm)
	}
	var params pbes2Params
	if _, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &params); err != nil {
		return nil, fmt.Errorf("parsing PBES2 parameters: %w", err)
	}
	var keyLen int
	switch {
	case params.Scheme.Algorithm.Equal(oidAES128CBC):
		keyLen = 16
	case params.Scheme.Algorithm.Equal(oidAES192CBC):
		keyLen = 24
	case params.Scheme.Algorithm.Equal(oidAES256CBC):
		keyLen = 32
	default:
		return nil, fmt.Errorf("PBES2 cipher %s is not supported: use AES-CBC", params.Scheme.Algorithm)
	}
	var iv []byte
	if _, err := asn1.Unmarshal(params.Scheme.Parameters.FullBytes, &iv); err != nil || len(iv) != aes.BlockSize {
		return nil, errors.New("PBES2 AES parameters carry no valid IV")
	}
	key, err := deriveKey(params.KDF, passphrase, keyLen)
	if err != nil {
		return nil, err
	}
	if len(info.Data) == 0 || len(info.Data)%aes.BlockSize != 0 {
		return nil, errors.New("encrypted PKCS#8 data has a bad length")
	}
	block, _ := aes.NewCipher(key)
	plain := make([]byte, len(info.Data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, info.Data)
	plain, ok := unpad(plain)
	if !ok {
		return nil, errors.New("decrypting private key failed: the passphrase is wrong")
	}
	if _, err := x509.ParsePKCS8PrivateKey(plain); err != nil {
		return nil, errors.New("decrypting private key failed: the passphrase is wrong")
	}
	return plain, nil
}

func deriveKey(kdf pkix.AlgorithmIdentifier, passphrase []byte, keyLen int) ([]byte, error) {
	switch {
	case kdf.Algorithm.Equal(oidPBKDF2):
		var p pbkdf2Params
		if _, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &p); err != nil {
			return nil, fmt.Errorf("parsing PBKDF2 parameters: %w", err)
		}
		var prf func() hash.Hash
		switch {
		case len(p.PRF.Algorithm) == 0 || p.PRF.Algorithm.Equal(oidHMACWithSHA1):
			prf = sha1.New
		case p.PRF.Algorithm.Equal(oidHMACWithSHA256):
			prf = sha256.New
		case p.PRF.Algorithm.Equal(oidHMACWithSHA384):
			prf = sha512.New384
		case p.PRF.Algorithm.Equal(oidHMACWithSHA512):
			prf = sha512.New
		default:
			return nil, fmt.Errorf("PBKDF2 PRF %s is not supported", p.PRF.Algorithm)
		}
		return pbkdf2.Key(prf, string(passphrase), p.Salt, p.Iterations, keyLen)
	case kdf.Algorithm.Equal(oidScrypt):
		var p scryptParams
		if _, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &p); err != nil {
			return nil, fmt.Errorf("parsing scrypt parameters: %w", err)
		}
		return scrypt.Key(passphrase, p.Salt, p.N, p.R, p.P, keyLen)
	}
	return nil, fmt.Errorf("key derivation %s is not supported: use PBKDF2 or scrypt", kdf.Algorithm)
}

func unpad(b []byte) ([]byte, bool) {
	if len(b) == 0 {
		return nil, false
	}
	n := int(b[len(b)-1])
	if n == 0 || n > aes.BlockSize || n > len(b) {
		return nil, false
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return nil, false
		}
	}
	return b[:len(b)-n], true
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
	salt := make([]byte, 16)
	iv := make([]byte, aes.BlockSize)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if _, err := rand.Read(iv); err != nil {
		return "", err
	}
	dk, err := pbkdf2.Key(sha256.New, passphrase, salt, PKCS8Iterations, 32)
	if err != nil {
		return "", err
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	padded := append(plain, make([]byte, pad)...)
	for i := len(plain); i < len(padded); i++ {
		padded[i] = byte(pad)
	}
	block, _ := aes.NewCipher(dk)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(padded, padded)

	kdfParams, err := asn1.Marshal(pbkdf2Params{
		Salt: salt, Iterations: PKCS8Iterations, KeyLength: 32,
		PRF: pkix.AlgorithmIdentifier{Algorithm: oidHMACWithSHA256, Parameters: asn1.NullRawValue},
	})
	if err != nil {
		return "", err
	}
	ivDER, _ := asn1.Marshal(iv)
	schemeParams, err := asn1.Marshal(pbes2Params{
		KDF:    pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdfParams}},
		Scheme: pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivDER}},
	})
	if err != nil {
		return "", err
	}
	der, err := asn1.Marshal(encryptedPrivateKeyInfo{
		Algorithm: pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: schemeParams}},
		Data:      padded,
	})
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der})), nil
}
