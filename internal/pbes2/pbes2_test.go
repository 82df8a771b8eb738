package pbes2

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"
)

// The files in testdata were written by `openssl pkcs8 -topk8` (OpenSSL
// 3.0) from one P-256 key, whose public half is testdata/public.pem.
const vectorPassword = "correct horse"

type encryptedPrivateKeyInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Data      []byte
}

func readVector(t *testing.T, name string) encryptedPrivateKeyInfo {
	t.Helper()
	var info encryptedPrivateKeyInfo
	if _, err := asn1.Unmarshal(readPEM(t, name, "ENCRYPTED PRIVATE KEY"), &info); err != nil {
		t.Fatal(err)
	}
	return info
}

func readPEM(t *testing.T, name, typ string) []byte {
	t.Helper()
	text, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(text)
	if block == nil || block.Type != typ {
		t.Fatalf("%s holds no %s PEM block", name, typ)
	}
	return block.Bytes
}

func TestDecryptOpenSSLVectors(t *testing.T) {
	want, err := x509.ParsePKIXPublicKey(readPEM(t, "public.pem", "PUBLIC KEY"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		"pbkdf2-sha1-aes128.pem", // PRF omitted: the HMAC-SHA-1 default
		"pbkdf2-sha384-aes192.pem",
		"pbkdf2-sha256-aes256.pem",
		"pbkdf2-sha512-aes256.pem",
		"scrypt-aes256.pem",
	} {
		t.Run(name, func(t *testing.T) {
			info := readVector(t, name)
			plain, err := Decrypt(info.Algorithm, info.Data, vectorPassword)
			if err != nil {
				t.Fatal(err)
			}
			key, err := x509.ParsePKCS8PrivateKey(plain)
			if err != nil {
				t.Fatalf("decrypted bytes are no PKCS#8 key: %v", err)
			}
			if ec, ok := key.(*ecdsa.PrivateKey); !ok || !ec.PublicKey.Equal(want) {
				t.Fatal("decrypted a different key")
			}
			if _, err := Decrypt(info.Algorithm, info.Data, "correct horse!"); !errors.Is(err, ErrDecryption) {
				t.Fatalf("wrong password: got %v, want ErrDecryption", err)
			}
		})
	}
}

func TestDecryptRefusesWhatItCannotRead(t *testing.T) {
	for name, want := range map[string]string{
		"pbkdf2-sha256-3des.pem":   "PBES2 cipher 1.2.840.113549.3.7 is not supported: use AES-CBC",
		"pbkdf2-sha224-aes256.pem": "PBKDF2 PRF 1.2.840.113549.2.8 is not supported",
	} {
		t.Run(name, func(t *testing.T) {
			info := readVector(t, name)
			if _, err := Decrypt(info.Algorithm, info.Data, vectorPassword); err == nil || err.Error() != want {
				t.Fatalf("got %v, want %q", err, want)
			}
		})
	}
	info := readVector(t, "pbkdf2-sha256-aes256.pem")
	if _, err := Decrypt(info.Algorithm, info.Data[:len(info.Data)-1], vectorPassword); err == nil || !strings.Contains(err.Error(), "bad length") {
		t.Errorf("truncated ciphertext: got %v", err)
	}
	if _, err := Decrypt(pkix.AlgorithmIdentifier{Algorithm: OIDHMACWithSHA256}, info.Data, vectorPassword); err == nil || !strings.Contains(err.Error(), "is not PBES2") {
		t.Errorf("not PBES2: got %v", err)
	}
}

// TestEncryptWritesOpenSSLForm pins the parameters Encrypt writes and reads
// them back. That OpenSSL, NSS and Java read them is proven by the interop
// tests of internal/keystore and TestEncryptedPKCS8ReadByOpenSSL in
// internal/pki.
func TestEncryptWritesOpenSSLForm(t *testing.T) {
	plaintext := []byte("sixteen bytes!!!") // a full block: padding adds another
	s := Scheme{Iterations: 1000, SaltLen: 12}
	alg, ciphertext, err := s.Encrypt(plaintext, "pässwörd")
	if err != nil {
		t.Fatal(err)
	}
	if !alg.Algorithm.Equal(OID) || len(ciphertext) != 32 {
		t.Fatalf("algorithm %v, %d bytes of ciphertext", alg.Algorithm, len(ciphertext))
	}
	var p params
	mustUnmarshal(t, alg.Parameters.FullBytes, &p)
	var kdf pbkdf2Params
	mustUnmarshal(t, p.KeyDerivationFunc.Parameters.FullBytes, &kdf)
	var iv []byte
	mustUnmarshal(t, p.EncryptionScheme.Parameters.FullBytes, &iv)
	switch {
	case !p.KeyDerivationFunc.Algorithm.Equal(oidPBKDF2), !p.EncryptionScheme.Algorithm.Equal(oidAES256CBC):
		t.Errorf("KDF %v, cipher %v", p.KeyDerivationFunc.Algorithm, p.EncryptionScheme.Algorithm)
	case len(kdf.Salt) != 12 || kdf.Iterations != 1000 || kdf.KeyLength != 0:
		t.Errorf("PBKDF2 salt of %d bytes, %d iterations, keyLength %d", len(kdf.Salt), kdf.Iterations, kdf.KeyLength)
	case !kdf.PRF.Algorithm.Equal(OIDHMACWithSHA256) || !bytes.Equal(kdf.PRF.Parameters.FullBytes, asn1.NullBytes):
		t.Errorf("PRF %v with parameters %x, want hmacWithSHA256 with NULL", kdf.PRF.Algorithm, kdf.PRF.Parameters.FullBytes)
	case len(iv) != 16:
		t.Errorf("IV of %d bytes", len(iv))
	}
	back, err := Decrypt(alg, ciphertext, "pässwörd")
	if err != nil || !bytes.Equal(back, plaintext) {
		t.Fatalf("round trip: %q, %v", back, err)
	}
	again, _, err := s.Encrypt(plaintext, "pässwörd")
	if err != nil || bytes.Equal(again.Parameters.FullBytes, alg.Parameters.FullBytes) {
		t.Error("two encryptions share salt and IV")
	}
}

func mustUnmarshal(t *testing.T, der []byte, v any) {
	t.Helper()
	if rest, err := asn1.Unmarshal(der, v); err != nil || len(rest) != 0 {
		t.Fatalf("unmarshalling %T: %v (%d trailing bytes)", v, err, len(rest))
	}
}
