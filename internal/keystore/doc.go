// Package keystore builds PKCS#12 and JKS keystores and truststores from
// already-parsed Go values (a crypto.Signer and x509 certificates). It has no
// Terraform imports and does no PEM parsing.
//
// # Who writes what
//
// PKCS#12 truststores are written by go-pkcs12 (EncodeTrustStoreEntries,
// with WithIterations to get the iteration counts of Encodings): it puts
// the alias in a friendlyName and Java's trusted-key-usage attribute
// (OID 2.16.840.1.113894.746875.1.1 = anyExtendedKeyUsage) on every
// certificate bag, as keytool does, so Java loads each as a trustedCertEntry.
//
// Keyed PKCS#12 archives are written by this package's own encoder, because
// go-pkcs12's Encode puts no friendlyName on the key and leaf bags, and
// friendly_name is how users name the entry: Java's keytool and KeyManager
// then show an invented alias ("1") instead, and NSS (pk12util, Firefox) a
// nickname built from the subject; the interop tests check both by name.
// That encoder takes PBES2 from internal/pbes2, shared with encrypted PKCS#8
// keys, and has its own PKCS#12 KDF and RC2 for the legacy encodings, since
// go-pkcs12 keeps both internal (pbe.go, rc2.go).
//
// JKS stores are written with keystore-go. JKS keystores use the store
// password for the key too, as keytool and Java's default KeyManagerFactory
// expect.
//
// # Encodings and consumers
//
// ConsumerMatrixMarkdown (matrix.go) is the table of which consumer reads
// which encoding and how to choose one; the provider's docs show it as is.
package keystore
