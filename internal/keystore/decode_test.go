package keystore

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"testing"
)

// An independent-enough reader for the archives this package writes, so tests
// can look at what go-pkcs12's decoder hides: bag attributes, algorithm
// identifiers and iteration counts. It verifies the MAC too.

// The PBES2 structures the reader parses (RFC 8018 appendix A); the writer's
// own are in internal/pbes2.
var (
	oidPBES2          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidAES256CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
)

type pbes2Params struct {
	KeyDerivationFunc pkix.AlgorithmIdentifier
	EncryptionScheme  pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                      `asn1:"optional"`
	PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
}

type decodedBag struct {
	typ     asn1.ObjectIdentifier
	attrs   map[string][]byte // attribute OID -> DER of the SET's contents
	content []byte            // certificate DER, or PKCS#8 after decryption
	cipher  string            // describeAlgorithm of a shrouded key
}

type decodedPFX struct {
	mac         string   // describeMAC, "" when absent
	safeCiphers []string // per AuthenticatedSafe entry; "" for plain data
	bags        []decodedBag
}

func (d decodedPFX) bagsOfType(typ asn1.ObjectIdentifier) []decodedBag {
	var out []decodedBag
	for _, b := range d.bags {
		if b.typ.Equal(typ) {
			out = append(out, b)
		}
	}
	return out
}

func mustUnmarshal(t testing.TB, der []byte, v any) {
	t.Helper()
	rest, err := asn1.Unmarshal(der, v)
	if err != nil {
		t.Fatalf("unmarshalling %T: %v", v, err)
	}
	if len(rest) != 0 {
		t.Fatalf("unmarshalling %T: %d trailing bytes", v, len(rest))
	}
}

func decodePFX(t testing.TB, der []byte, password string) decodedPFX {
	t.Helper()
	var pfx pfxPDU
	mustUnmarshal(t, der, &pfx)
	if pfx.Version != 3 || !pfx.AuthSafe.ContentType.Equal(oidData) {
		t.Fatalf("unexpected PFX version %d / content type %v", pfx.Version, pfx.AuthSafe.ContentType)
	}
	var authSafe []byte
	mustUnmarshal(t, pfx.AuthSafe.Content.Bytes, &authSafe)

	var out decodedPFX
	if len(pfx.MacData.Mac.Algorithm.Algorithm) > 0 {
		out.mac = describeMAC(t, pfx.MacData)
		if want := recomputeMAC(t, pfx.MacData, authSafe, password); !hmac.Equal(want, pfx.MacData.Mac.Digest) {
			t.Fatalf("MAC does not verify")
		}
	}

	var safes []contentInfo
	mustUnmarshal(t, authSafe, &safes)
	for _, ci := range safes {
		var plain []byte
		switch {
		case ci.ContentType.Equal(oidData):
			mustUnmarshal(t, ci.Content.Bytes, &plain)
			out.safeCiphers = append(out.safeCiphers, "")
		case ci.ContentType.Equal(oidEncryptedData):
			var ed encryptedData
			mustUnmarshal(t, ci.Content.Bytes, &ed)
			alg := ed.EncryptedContentInfo.ContentEncryptionAlgorithm
			out.safeCiphers = append(out.safeCiphers, describeAlgorithm(t, alg))
			plain = testDecrypt(t, alg, ed.EncryptedContentInfo.EncryptedContent, password)
		default:
			t.Fatalf("unexpected content type %v", ci.ContentType)
		}
		var bags []safeBag
		mustUnmarshal(t, plain, &bags)
		for _, b := range bags {
			out.bags = append(out.bags, decodeBag(t, b, password))
		}
	}
	return out
}

func decodeBag(t testing.TB, b safeBag, password string) decodedBag {
	t.Helper()
	d := decodedBag{typ: b.ID, attrs: map[string][]byte{}}
	for _, a := range b.Attributes {
		if _, dup := d.attrs[a.ID.String()]; dup {
			t.Fatalf("attribute %v repeated", a.ID)
		}
		d.attrs[a.ID.String()] = a.Values.Bytes
	}
	switch {
	case b.ID.Equal(oidCertBag):
		var cb certBag
		mustUnmarshal(t, b.Value.Bytes, &cb)
		d.content = cb.Data
	case b.ID.Equal(oidKeyBag):
		d.content = b.Value.Bytes
	case b.ID.Equal(oidShroudedKeyBag):
		var epki encryptedPrivateKeyInfo
		mustUnmarshal(t, b.Value.Bytes, &epki)
		d.cipher = describeAlgorithm(t, epki.Algorithm)
		d.content = testDecrypt(t, epki.Algorithm, epki.EncryptedData, password)
	default:
		t.Fatalf("unexpected bag type %v", b.ID)
	}
	return d
}

// friendlyName decodes the friendlyName attribute of a bag, or "" if absent.
func (b decodedBag) friendlyName(t testing.TB) string {
	t.Helper()
	der, ok := b.attrs[oidFriendlyName.String()]
	if !ok {
		return ""
	}
	var raw asn1.RawValue
	mustUnmarshal(t, der, &raw)
	if raw.Tag != asn1.TagBMPString || len(raw.Bytes)%2 != 0 {
		t.Fatalf("friendlyName is not a BMPString: tag %d", raw.Tag)
	}
	var runes []rune
	for i := 0; i < len(raw.Bytes); i += 2 {
		runes = append(runes, rune(raw.Bytes[i])<<8|rune(raw.Bytes[i+1]))
	}
	return string(runes)
}

// localKeyID decodes the localKeyId attribute of a bag, or nil if absent.
func (b decodedBag) localKeyID(t testing.TB) []byte {
	t.Helper()
	der, ok := b.attrs[oidLocalKeyID.String()]
	if !ok {
		return nil
	}
	var id []byte
	mustUnmarshal(t, der, &id)
	return id
}

type pbkdf2Decoded struct {
	salt       []byte
	iterations int
	keyLen     int
}

func decodePBKDF2(t testing.TB, alg pkix.AlgorithmIdentifier) pbkdf2Decoded {
	t.Helper()
	if !alg.Algorithm.Equal(oidPBKDF2) {
		t.Fatalf("KDF %v is not PBKDF2", alg.Algorithm)
	}
	var p pbkdf2Params
	mustUnmarshal(t, alg.Parameters.FullBytes, &p)
	if !p.PRF.Algorithm.Equal(oidHMACWithSHA256) {
		t.Fatalf("PBKDF2 PRF %v is not HMAC-SHA256", p.PRF.Algorithm)
	}
	return pbkdf2Decoded{salt: p.Salt, iterations: p.Iterations, keyLen: p.KeyLength}
}

// describeAlgorithm names an encryption AlgorithmIdentifier with its
// iteration count, e.g. "PBES2(PBKDF2-HMAC-SHA256,AES-256-CBC,10000)".
func describeAlgorithm(t testing.TB, alg pkix.AlgorithmIdentifier) string {
	t.Helper()
	switch {
	case alg.Algorithm.Equal(oidPBES2):
		var p pbes2Params
		mustUnmarshal(t, alg.Parameters.FullBytes, &p)
		kdf := decodePBKDF2(t, p.KeyDerivationFunc)
		if !p.EncryptionScheme.Algorithm.Equal(oidAES256CBC) {
			t.Fatalf("PBES2 cipher %v is not AES-256-CBC", p.EncryptionScheme.Algorithm)
		}
		return fmt.Sprintf("PBES2(PBKDF2-HMAC-SHA256,AES-256-CBC,%d)", kdf.iterations)
	case alg.Algorithm.Equal(oidPBEWithSHAAnd3KeyTripleDESCBC), alg.Algorithm.Equal(oidPBEWithSHAAnd40BitRC2CBC):
		var p pbeParams
		mustUnmarshal(t, alg.Parameters.FullBytes, &p)
		name := map[bool]string{true: "PBE-SHA1-3DES", false: "PBE-SHA1-RC2-40"}[alg.Algorithm.Equal(oidPBEWithSHAAnd3KeyTripleDESCBC)]
		return fmt.Sprintf("%s(%d)", name, p.Iterations)
	}
	t.Fatalf("unexpected encryption algorithm %v", alg.Algorithm)
	return ""
}

func describeMAC(t testing.TB, md macData) string {
	t.Helper()
	alg := md.Mac.Algorithm
	switch {
	case alg.Algorithm.Equal(oidSHA1):
		return fmt.Sprintf("HMAC-SHA1(%d)", md.Iterations)
	case alg.Algorithm.Equal(oidSHA256):
		return fmt.Sprintf("HMAC-SHA256(%d)", md.Iterations)
	case alg.Algorithm.Equal(oidPBMAC1):
		var p pbmac1Params
		mustUnmarshal(t, alg.Parameters.FullBytes, &p)
		kdf := decodePBKDF2(t, p.KeyDerivationFunc)
		if !p.MessageAuthScheme.Algorithm.Equal(oidHMACWithSHA256) || kdf.keyLen != 32 {
			t.Fatalf("PBMAC1 with %v and key length %d", p.MessageAuthScheme.Algorithm, kdf.keyLen)
		}
		return fmt.Sprintf("PBMAC1(PBKDF2-HMAC-SHA256,HMAC-SHA256,%d)", kdf.iterations)
	}
	t.Fatalf("unexpected MAC algorithm %v", alg.Algorithm)
	return ""
}

// recomputeMAC runs the production MAC cores with the parameters found in
// the file, so an external vector (RFC 9579) checks them.
func recomputeMAC(t testing.TB, md macData, authSafe []byte, password string) []byte {
	t.Helper()
	var digest []byte
	var err error
	switch alg := md.Mac.Algorithm; {
	case alg.Algorithm.Equal(oidPBMAC1):
		var p pbmac1Params
		mustUnmarshal(t, alg.Parameters.FullBytes, &p)
		kdf := decodePBKDF2(t, p.KeyDerivationFunc)
		digest, err = pbmac1Digest(authSafe, password, kdf.salt, kdf.iterations)
	case alg.Algorithm.Equal(oidSHA1):
		digest, err = pkcs12HMACDigest(crypto.SHA1, authSafe, password, md.MacSalt, md.Iterations)
	default:
		digest, err = pkcs12HMACDigest(crypto.SHA256, authSafe, password, md.MacSalt, md.Iterations)
	}
	if err != nil {
		t.Fatal(err)
	}
	return digest
}

func mustKDFPassword(t testing.TB, password string) []byte {
	t.Helper()
	pw, err := kdfPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	return pw
}

func testDecrypt(t testing.TB, alg pkix.AlgorithmIdentifier, ciphertext []byte, password string) []byte {
	t.Helper()
	var block cipher.Block
	var iv []byte
	var err error
	switch {
	case alg.Algorithm.Equal(oidPBES2):
		var p pbes2Params
		mustUnmarshal(t, alg.Parameters.FullBytes, &p)
		kdf := decodePBKDF2(t, p.KeyDerivationFunc)
		mustUnmarshal(t, p.EncryptionScheme.Parameters.FullBytes, &iv)
		var key []byte
		if key, err = pbkdf2.Key(sha256.New, password, kdf.salt, kdf.iterations, 32); err != nil {
			t.Fatal(err)
		}
		block, err = aes.NewCipher(key)
	default:
		c := pbeTripleDES
		if alg.Algorithm.Equal(oidPBEWithSHAAnd40BitRC2CBC) {
			c = pbeRC2With40Bit
		}
		var p pbeParams
		mustUnmarshal(t, alg.Parameters.FullBytes, &p)
		pw := mustKDFPassword(t, password)
		block, err = c.newBlock(pkcs12KDF(crypto.SHA1, kdfKeyMaterial, pw, p.Salt, p.Iterations, c.keyLen))
		iv = pkcs12KDF(crypto.SHA1, kdfIV, pw, p.Salt, p.Iterations, 8)
	}
	if err != nil {
		t.Fatal(err)
	}
	plain := make([]byte, len(ciphertext))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, ciphertext)
	pad := int(plain[len(plain)-1])
	if pad == 0 || pad > block.BlockSize() || !bytes.Equal(plain[len(plain)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		t.Fatalf("bad padding after decryption with %v", alg.Algorithm)
	}
	return plain[:len(plain)-pad]
}
