// Package keystore builds PKCS#12 and JKS keystores and truststores from
// already-parsed Go values (a crypto.Signer and x509 certificates). It has no
// Terraform imports and does no PEM parsing.
//
// PKCS#12 is written by this package's own encoder rather than go-pkcs12's:
// that one writes no friendlyName on keyed archives (Java then invents an
// alias, NSS a nickname from the subject), and its parameters differ from
// OpenSSL's (one MAC iteration for LegacyDES, 2048 for Modern). One encoder
// covers every encoding; go-pkcs12 is used by the tests to decode.
//
// # Encodings and consumers
//
// ConsumerMatrixMarkdown (matrix.go) is the table of which consumer reads
// which encoding and how to choose one; the provider's docs show it as is.
//
// Truststores mark every certificate with Java's trusted-key-usage attribute
// (OID 2.16.840.1.113894.746875.1.1 = anyExtendedKeyUsage), as keytool does,
// so Java loads them as trustedCertEntry. JKS keystores use the store
// password for the key too, as keytool and Java's default KeyManagerFactory
// expect.
package keystore
