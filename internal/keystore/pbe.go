package keystore

import (
	"bytes"
	"crypto"
	"crypto/cipher"
	"crypto/des"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pbes2"
)

// encryptionScheme encrypts a SafeContents or a PKCS#8 key and describes
// itself as the AlgorithmIdentifier a reader needs to decrypt it: pkcs12PBE
// below, or pbes2.Scheme.
type encryptionScheme interface {
	Encrypt(plaintext []byte, password string) (pkix.AlgorithmIdentifier, []byte, error)
}

// macScheme computes the PFX integrity check over the AuthenticatedSafe.
type macScheme interface {
	sign(authSafe []byte, password string) (macData, error)
}

// Purpose bytes ("ID") of the PKCS#12 KDF, RFC 7292 appendix B.3.
const (
	kdfKeyMaterial byte = 1
	kdfIV          byte = 2
	kdfMACKey      byte = 3
)

// pkcs12KDF is the key derivation function of RFC 7292 appendix B.2. The
// password must already be a BMPString with its two-byte zero terminator.
// The keyed-archive writer needs it for the legacy ciphers and the classic
// MAC; go-pkcs12 has one but does not export it, and neither the standard
// library nor x/crypto has another.
func pkcs12KDF(h crypto.Hash, purpose byte, password, salt []byte, iterations, size int) []byte {
	u := h.Size()
	v := h.New().BlockSize()
	diversifier := bytes.Repeat([]byte{purpose}, v)
	input := append(repeatToBlocks(salt, v), repeatToBlocks(password, v)...)

	out := make([]byte, 0, size+u)
	for len(out) < size {
		digest := h.New()
		digest.Write(diversifier)
		digest.Write(input)
		a := digest.Sum(nil)
		for range iterations - 1 {
			digest.Reset()
			digest.Write(a)
			a = digest.Sum(a[:0])
		}
		out = append(out, a...)
		if len(out) >= size {
			break
		}
		// Each v-byte block I_j of input becomes (I_j + B + 1) mod 2^(8v),
		// where B is this round's digest repeated to v bytes.
		b := repeatToBlocks(a, v)[:v]
		for block := input; len(block) > 0; block = block[v:] {
			carry := 1
			for k := v - 1; k >= 0; k-- {
				sum := int(block[k]) + int(b[k]) + carry
				block[k] = byte(sum)
				carry = sum >> 8
			}
		}
	}
	return out[:size]
}

// repeatToBlocks repeats s to the next multiple of v bytes (empty stays empty).
func repeatToBlocks(s []byte, v int) []byte {
	if len(s) == 0 {
		return nil
	}
	n := v * ((len(s) + v - 1) / v)
	return bytes.Repeat(s, (n+len(s)-1)/len(s))[:n]
}

// kdfPassword is the password as the PKCS#12 KDF wants it: BMPString plus a
// zero terminator. Passwords were validated by profileFor, so the error
// cannot happen in practice but is still surfaced.
func kdfPassword(password string) ([]byte, error) {
	b, err := bmpString(password)
	if err != nil {
		return nil, err
	}
	return append(b, 0, 0), nil
}

func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("reading random bytes: %w", err)
	}
	return b, nil
}

// pbeCipher is one of the PKCS#12 PBE ciphers of RFC 7292 appendix C.
type pbeCipher struct {
	oid      asn1.ObjectIdentifier
	keyLen   int
	newBlock func(key []byte) (cipher.Block, error)
}

var (
	pbeTripleDES = pbeCipher{oid: oidPBEWithSHAAnd3KeyTripleDESCBC, keyLen: 24, newBlock: des.NewTripleDESCipher}
	// 40-bit RC2: the effective key length equals the 5-byte key.
	pbeRC2With40Bit = pbeCipher{oid: oidPBEWithSHAAnd40BitRC2CBC, keyLen: 5, newBlock: func(key []byte) (cipher.Block, error) {
		return newRC2(key, 40)
	}}
)

// pkcs12PBE encrypts with a PKCS#12 PBE cipher keyed by the SHA-1 PKCS#12 KDF.
type pkcs12PBE struct {
	cipher     pbeCipher
	iterations int
	saltLen    int
}

func (s pkcs12PBE) Encrypt(plaintext []byte, password string) (pkix.AlgorithmIdentifier, []byte, error) {
	salt, err := randomBytes(s.saltLen)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	pw, err := kdfPassword(password)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	key := pkcs12KDF(crypto.SHA1, kdfKeyMaterial, pw, salt, s.iterations, s.cipher.keyLen)
	block, err := s.cipher.newBlock(key)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	iv := pkcs12KDF(crypto.SHA1, kdfIV, pw, salt, s.iterations, block.BlockSize())
	alg, err := algorithm(s.cipher.oid, pbeParams{Salt: salt, Iterations: s.iterations})
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	return alg, pbes2.EncryptCBC(block, iv, plaintext), nil
}

// pkcs12HMAC is the classic PFX MAC: HMAC keyed by the PKCS#12 KDF (ID 3)
// using the same hash, over a BMPString password.
type pkcs12HMAC struct {
	hash       crypto.Hash
	iterations int
	saltLen    int
}

var digestOIDs = map[crypto.Hash]asn1.ObjectIdentifier{
	crypto.SHA1:   oidSHA1,
	crypto.SHA256: oidSHA256,
}

func (m pkcs12HMAC) sign(authSafe []byte, password string) (macData, error) {
	salt, err := randomBytes(m.saltLen)
	if err != nil {
		return macData{}, err
	}
	digest, err := pkcs12HMACDigest(m.hash, authSafe, password, salt, m.iterations)
	if err != nil {
		return macData{}, err
	}
	alg, err := algorithm(digestOIDs[m.hash], nil)
	if err != nil {
		return macData{}, err
	}
	return macData{Mac: digestInfo{Algorithm: alg, Digest: digest}, MacSalt: salt, Iterations: m.iterations}, nil
}

func pkcs12HMACDigest(h crypto.Hash, authSafe []byte, password string, salt []byte, iterations int) ([]byte, error) {
	pw, err := kdfPassword(password)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(h.New, pkcs12KDF(h, kdfMACKey, pw, salt, iterations, h.Size()))
	mac.Write(authSafe)
	return mac.Sum(nil), nil
}

// pbmac1 is RFC 9579: HMAC-SHA-256 keyed by PBKDF2-HMAC-SHA-256 over the
// UTF-8 password, with every parameter inside the algorithm identifier.
type pbmac1 struct {
	iterations int
	saltLen    int
}

// pbmac1KeyLen is the explicit PBKDF2 keyLength RFC 9579 requires, equal to
// the HMAC-SHA-256 output size as the RFC recommends.
const pbmac1KeyLen = sha256.Size

// pbmac1UnusedSalt fills MacData's mandatory macSalt, which PBMAC1 readers
// must ignore; the value is the one in RFC 9579's own examples.
var pbmac1UnusedSalt = []byte("NOT USED")

func (m pbmac1) sign(authSafe []byte, password string) (macData, error) {
	salt, err := randomBytes(m.saltLen)
	if err != nil {
		return macData{}, err
	}
	digest, err := pbmac1Digest(authSafe, password, salt, m.iterations)
	if err != nil {
		return macData{}, err
	}
	kdf, err := pbes2.PBKDF2(salt, m.iterations, pbmac1KeyLen)
	if err != nil {
		return macData{}, err
	}
	hmacAlg, err := algorithm(pbes2.OIDHMACWithSHA256, nil)
	if err != nil {
		return macData{}, err
	}
	alg, err := algorithm(oidPBMAC1, pbmac1Params{KeyDerivationFunc: kdf, MessageAuthScheme: hmacAlg})
	if err != nil {
		return macData{}, err
	}
	return macData{Mac: digestInfo{Algorithm: alg, Digest: digest}, MacSalt: pbmac1UnusedSalt, Iterations: 1}, nil
}

func pbmac1Digest(authSafe []byte, password string, salt []byte, iterations int) ([]byte, error) {
	key, err := pbkdf2.Key(sha256.New, password, salt, iterations, pbmac1KeyLen)
	if err != nil {
		return nil, fmt.Errorf("deriving PBMAC1 key: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(authSafe)
	return mac.Sum(nil), nil
}

// sha1Fingerprint is the localKeyId OpenSSL and NSS write: SHA-1 of the
// leaf certificate. Readers only compare it for equality.
func sha1Fingerprint(der []byte) []byte {
	sum := sha1.Sum(der)
	return sum[:]
}
