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
// Plain entries were observed by the interop tests (go test -tags interop)
// with OpenSSL 3.0.19, NSS 3.87 pk12util/certutil, OpenJDK 17.0.15 keytool
// and a Java 17 mTLS client against openssl s_server, and go-pkcs12 v0.7.4
// feeding a Go crypto/tls client. Entries marked * come from vendor
// documentation and are not tested here.
//
//	| encoding             | OpenSSL 3.0 | OpenSSL 3.4+ | NSS pk12util | Java 17 keytool + TLS | Java 26+ | go-pkcs12 | Windows          | macOS Keychain |
//	|----------------------|-------------|--------------|--------------|-----------------------|----------|-----------|------------------|----------------|
//	| modern (default)     | yes         | yes*         | yes          | yes                   | yes*     | yes       | 10 1709+, 2019+* | 15+*           |
//	| modern2026           | no [1]      | yes*         | no [2]       | no [3]                | yes*     | yes       | untested         | untested       |
//	| legacy               | yes [4]     | yes*         | yes          | yes                   | yes*     | yes       | yes*             | yes*           |
//	| legacy_rc2           | -legacy [5] | -legacy*     | yes          | yes                   | yes*     | yes       | yes*             | yes*           |
//	| passwordless, keyed  | yes [6]     | yes*         | no [7]       | no [8]                | untested | yes       | untested         | untested       |
//	| passwordless, trust  | yes         | yes*         | n/a          | yes [9]               | yes*     | yes       | n/a              | n/a            |
//	| JKS keystore / trust | n/a         | n/a          | n/a          | yes                   | yes*     | n/a       | n/a              | n/a            |
//
//	[1] MAC check fails with "unknown digest algorithm"; -nomacver reads the
//	    contents without any integrity check.
//	[2] SEC_ERROR_BAD_PASSWORD: NSS 3.87 cannot compute PBMAC1.
//	[3] "Integrity check failed: Algorithm HmacPBE1.2.840.113549.1.5.14 not available".
//	[4] 3DES is in OpenSSL 3's default provider, so no -legacy is needed.
//	[5] RC2 exists only in OpenSSL 3's legacy provider.
//	[6] With the warning "MAC is absent!".
//	[7] SEC_ERROR_BAD_DER; OpenSSL's own -nomac -keypbe NONE files fail alike.
//	[8] The keystore lists 0 entries: Java reads only shrouded key bags.
//	[9] -Djavax.net.ssl.trustStore without a trustStorePassword.
//
// Choosing an encoding:
//   - modern (DefaultEncoding): use unless a consumer cannot read it.
//     AES-256 and PBKDF2-HMAC-SHA-256 with 10000 iterations, the MAC with
//     HMAC-SHA-256; OpenSSL 3's own default, read by Java 12+ (and 8u301,
//     11.0.12), NSS and Windows 10 1709 / Server 2019 and later.
//   - legacy: Azure Application Gateway, macOS Keychain before 15, older
//     Java and Android, Windows before 10 1709. 3DES and a SHA-1 MAC: treat
//     the password as obfuscation and protect the file by other means.
//   - legacy_rc2: only for consumers that expect exactly what OpenSSL 1.1 or
//     `openssl pkcs12 -export -legacy` writes; certificates under 40-bit RC2.
//   - modern2026: consumers known to run OpenSSL 3.4+, Java 26+ or Go.
//   - passwordless: Java (17 here) and Go truststores, or keyed archives read
//     only by OpenSSL or Go. The key is then stored in the clear; NSS refuses
//     the file and Java silently finds no key, so do not offer it to them.
//
// Truststores mark every certificate with Java's trusted-key-usage attribute
// (OID 2.16.840.1.113894.746875.1.1 = anyExtendedKeyUsage), as keytool does,
// so Java loads them as trustedCertEntry. JKS keystores use the store
// password for the key too, as keytool and Java's default KeyManagerFactory
// expect.
package keystore
