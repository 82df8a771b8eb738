package keystore

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"unicode/utf16"
)

// Object identifiers used by the PKCS#12 writer (RFC 7292, RFC 9579); PBES2's
// are in internal/pbes2.
var (
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidEncryptedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}

	oidKeyBag             = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
	oidShroudedKeyBag     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidCertBag            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidX509CertificateBag = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}

	oidFriendlyName = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 20}
	oidLocalKeyID   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 21}

	oidPBEWithSHAAnd3KeyTripleDESCBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}
	oidPBEWithSHAAnd40BitRC2CBC      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 6}
	oidPBMAC1                        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 14}
	oidSHA1                          = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256                        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
)

// pfxPDU is the outer PFX structure. MacData is omitted when zero.
type pfxPDU struct {
	Version  int
	AuthSafe contentInfo
	MacData  macData `asn1:"optional"`
}

type macData struct {
	Mac        digestInfo
	MacSalt    []byte
	Iterations int `asn1:"optional,default:1"`
}

type digestInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Digest    []byte
}

// contentInfo's Content must already carry its explicit [0] wrapper (see
// explicitTag): encoding/asn1 ignores struct tags on RawValue when marshalling.
type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"optional"`
}

type encryptedData struct {
	Version              int
	EncryptedContentInfo encryptedContentInfo
}

type encryptedContentInfo struct {
	ContentType                asn1.ObjectIdentifier
	ContentEncryptionAlgorithm pkix.AlgorithmIdentifier
	EncryptedContent           []byte `asn1:"tag:0,optional"`
}

type safeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue  // explicit [0]
	Attributes []bagAttribute `asn1:"set,optional"`
}

type bagAttribute struct {
	ID     asn1.ObjectIdentifier
	Values asn1.RawValue // SET OF, built by setOf
}

type certBag struct {
	ID   asn1.ObjectIdentifier
	Data []byte `asn1:"tag:0,explicit"`
}

type encryptedPrivateKeyInfo struct {
	Algorithm     pkix.AlgorithmIdentifier
	EncryptedData []byte
}

// pbeParams are the parameters of the PKCS#12 PBE schemes (RFC 7292 C).
type pbeParams struct {
	Salt       []byte
	Iterations int
}

type pbmac1Params struct {
	KeyDerivationFunc pkix.AlgorithmIdentifier
	MessageAuthScheme pkix.AlgorithmIdentifier
}

// explicitTag wraps DER in a context-specific [0] constructed tag.
func explicitTag(der []byte) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: der}
}

// setOf wraps already-encoded values in a SET.
func setOf(der ...[]byte) asn1.RawValue {
	var body []byte
	for _, d := range der {
		body = append(body, d...)
	}
	return asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: body}
}

// algorithm builds an AlgorithmIdentifier whose parameters are the DER of
// params, or NULL when params is nil (the form OpenSSL writes for digests).
func algorithm(oid asn1.ObjectIdentifier, params any) (pkix.AlgorithmIdentifier, error) {
	id := pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.NullRawValue}
	if params == nil {
		return id, nil
	}
	der, err := asn1.Marshal(params)
	if err != nil {
		return id, fmt.Errorf("encoding %v parameters: %w", oid, err)
	}
	id.Parameters = asn1.RawValue{FullBytes: der}
	return id, nil
}

// bmpString encodes s as big-endian UCS-2, the form PKCS#12 uses for friendly
// names and for passwords in its own KDF. Characters outside the Basic
// Multilingual Plane have no UCS-2 form and consumers disagree on surrogates,
// so they are refused rather than silently written differently. The error
// names only the position: s may be a password.
func bmpString(s string) ([]byte, error) {
	out := make([]byte, 0, 2*len(s))
	for i, r := range []rune(s) {
		if utf16.IsSurrogate(r) || r > 0xFFFF {
			return nil, fmt.Errorf("character %d is outside the Unicode Basic Multilingual Plane (such as an emoji), which PKCS#12 cannot encode", i+1)
		}
		out = append(out, byte(r>>8), byte(r))
	}
	return out, nil
}

func marshalBMPString(s string) ([]byte, error) {
	b, err := bmpString(s)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagBMPString, Bytes: b})
}
