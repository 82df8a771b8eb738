// Package pbes2 is PBES2 (RFC 8018 section 6.2), the password-based
// encryption both encrypted PKCS#8 keys (internal/pki) and PKCS#12 archives
// (internal/keystore) use. It writes one combination, PBKDF2-HMAC-SHA-256
// with AES-256-CBC, in the form OpenSSL 3 writes it, and reads what OpenSSL
// writes: PBKDF2 with HMAC-SHA-1/256/384/512 or scrypt, and AES-CBC.
//
// Passwords are taken as UTF-8 (RFC 8018 section 3), as OpenSSL, Java and
// Windows do; only the PKCS#12 KDF of RFC 7292 wants BMPString passwords.
package pbes2

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"

	"golang.org/x/crypto/scrypt"
)

var (
	// OID is id-PBES2, the algorithm of an AlgorithmIdentifier Encrypt returns.
	OID = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	// OIDHMACWithSHA256 is the PBKDF2 PRF written here, and PBMAC1's MAC.
	OIDHMACWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}

	oidPBKDF2         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt         = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
	oidHMACWithSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
)

// ErrDecryption is what a wrong password almost always produces: the
// plaintext's padding does not check out.
var ErrDecryption = errors.New("PBES2 decryption failed: bad padding")

type params struct {
	KeyDerivationFunc pkix.AlgorithmIdentifier
	EncryptionScheme  pkix.AlgorithmIdentifier
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

// Scheme encrypts with PBKDF2-HMAC-SHA-256 (Iterations rounds over a random
// salt of SaltLen bytes) and AES-256-CBC under a random IV.
type Scheme struct {
	Iterations int
	SaltLen    int
}

// Encrypt returns the ciphertext and the PBES2 AlgorithmIdentifier a reader
// needs to decrypt it. keyLength is omitted, as OpenSSL omits it: AES-256
// fixes it.
func (s Scheme) Encrypt(plaintext []byte, password string) (pkix.AlgorithmIdentifier, []byte, error) {
	salt := make([]byte, s.SaltLen)
	iv := make([]byte, aes.BlockSize)
	for _, b := range [][]byte{salt, iv} {
		if _, err := rand.Read(b); err != nil {
			return pkix.AlgorithmIdentifier{}, nil, fmt.Errorf("reading random bytes: %w", err)
		}
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, s.Iterations, 32)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, fmt.Errorf("deriving PBES2 key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	kdf, err := PBKDF2(salt, s.Iterations, 0)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	scheme, err := algorithmID(oidAES256CBC, iv)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	alg, err := algorithmID(OID, params{KeyDerivationFunc: kdf, EncryptionScheme: scheme})
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	return alg, EncryptCBC(block, iv, plaintext), nil
}

// PBKDF2 is the AlgorithmIdentifier of PBKDF2-HMAC-SHA-256 with these
// parameters; keyLen 0 omits keyLength. PBMAC1 (RFC 9579) uses it too.
func PBKDF2(salt []byte, iterations, keyLen int) (pkix.AlgorithmIdentifier, error) {
	prf := pkix.AlgorithmIdentifier{Algorithm: OIDHMACWithSHA256, Parameters: asn1.NullRawValue}
	return algorithmID(oidPBKDF2, pbkdf2Params{Salt: salt, Iterations: iterations, KeyLength: keyLen, PRF: prf})
}

// EncryptCBC pads plaintext as RFC 8018 section 6.1.1 says (PKCS#7) and
// encrypts it in CBC mode. PBES2 and the PKCS#12 PBE ciphers of RFC 7292
// appendix C share this step.
func EncryptCBC(block cipher.Block, iv, plaintext []byte) []byte {
	pad := block.BlockSize() - len(plaintext)%block.BlockSize()
	out := append(bytes.Clone(plaintext), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, out)
	return out
}

// Decrypt decrypts ciphertext encrypted under the PBES2 AlgorithmIdentifier
// alg. A wrong password yields ErrDecryption, or rarely (when the padding
// happens to check out) garbage the caller's parser must refuse.
func Decrypt(alg pkix.AlgorithmIdentifier, ciphertext []byte, password string) ([]byte, error) {
	if !alg.Algorithm.Equal(OID) {
		return nil, fmt.Errorf("algorithm %s is not PBES2", alg.Algorithm)
	}
	if len(ciphertext) == 0 || len(ciphertext)%aes.BlockSize != 0 {
		return nil, errors.New("PBES2 ciphertext has a bad length")
	}
	var p params
	if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil {
		return nil, fmt.Errorf("parsing PBES2 parameters: %w", err)
	}
	var keyLen int
	switch {
	case p.EncryptionScheme.Algorithm.Equal(oidAES128CBC):
		keyLen = 16
	case p.EncryptionScheme.Algorithm.Equal(oidAES192CBC):
		keyLen = 24
	case p.EncryptionScheme.Algorithm.Equal(oidAES256CBC):
		keyLen = 32
	default:
		return nil, fmt.Errorf("PBES2 cipher %s is not supported: use AES-CBC", p.EncryptionScheme.Algorithm)
	}
	var iv []byte
	if _, err := asn1.Unmarshal(p.EncryptionScheme.Parameters.FullBytes, &iv); err != nil || len(iv) != aes.BlockSize {
		return nil, errors.New("PBES2 AES parameters carry no valid IV")
	}
	key, err := deriveKey(p.KeyDerivationFunc, password, keyLen)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	plain := make([]byte, len(ciphertext))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, ciphertext)
	return unpad(plain)
}

// Work factors above these are refused rather than computed: the
// parameters come with user input (a key or an archive), and a crafted one
// must not hang a plan or exhaust memory. They sit far above what OpenSSL,
// Java and this package write (PBKDF2: 2048 to 600,000 iterations; scrypt:
// N = 2^14 to 2^20, r = 8, p = 1).
const (
	maxPBKDF2Iterations = 10_000_000
	maxScryptMemory     = 1 << 30 // bytes, 128·N·r
	maxScryptP          = 16
)

func deriveKey(kdf pkix.AlgorithmIdentifier, password string, keyLen int) ([]byte, error) {
	switch {
	case kdf.Algorithm.Equal(oidPBKDF2):
		var p pbkdf2Params
		if _, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &p); err != nil {
			return nil, fmt.Errorf("parsing PBKDF2 parameters: %w", err)
		}
		if p.Iterations < 1 || p.Iterations > maxPBKDF2Iterations {
			return nil, fmt.Errorf("PBKDF2 iteration count %d is outside 1 to %d", p.Iterations, maxPBKDF2Iterations)
		}
		var prf func() hash.Hash
		switch {
		case len(p.PRF.Algorithm) == 0 || p.PRF.Algorithm.Equal(oidHMACWithSHA1):
			prf = sha1.New
		case p.PRF.Algorithm.Equal(OIDHMACWithSHA256):
			prf = sha256.New
		case p.PRF.Algorithm.Equal(oidHMACWithSHA384):
			prf = sha512.New384
		case p.PRF.Algorithm.Equal(oidHMACWithSHA512):
			prf = sha512.New
		default:
			return nil, fmt.Errorf("PBKDF2 PRF %s is not supported", p.PRF.Algorithm)
		}
		return pbkdf2.Key(prf, password, p.Salt, p.Iterations, keyLen)
	case kdf.Algorithm.Equal(oidScrypt):
		var p scryptParams
		if _, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &p); err != nil {
			return nil, fmt.Errorf("parsing scrypt parameters: %w", err)
		}
		if p.N < 2 || p.N&(p.N-1) != 0 || p.R < 1 || p.P < 1 || p.P > maxScryptP || p.N > maxScryptMemory/128/p.R {
			return nil, fmt.Errorf("scrypt parameters N=%d r=%d p=%d are invalid or need more than %d MiB", p.N, p.R, p.P, maxScryptMemory>>20)
		}
		return scrypt.Key([]byte(password), p.Salt, p.N, p.R, p.P, keyLen)
	}
	return nil, fmt.Errorf("key derivation %s is not supported: use PBKDF2 or scrypt", kdf.Algorithm)
}

// unpad strips the padding EncryptCBC adds.
func unpad(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, ErrDecryption
	}
	n := int(b[len(b)-1])
	if n == 0 || n > aes.BlockSize || n > len(b) {
		return nil, ErrDecryption
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return nil, ErrDecryption
		}
	}
	return b[:len(b)-n], nil
}

// algorithmID wraps the DER of params in an AlgorithmIdentifier.
func algorithmID(oid asn1.ObjectIdentifier, params any) (pkix.AlgorithmIdentifier, error) {
	der, err := asn1.Marshal(params)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, fmt.Errorf("encoding %v parameters: %w", oid, err)
	}
	return pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.RawValue{FullBytes: der}}, nil
}
