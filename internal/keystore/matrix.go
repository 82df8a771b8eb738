package keystore

// ConsumerMatrixMarkdown is the table of which consumer reads which
// encoding, for the provider's documentation. Plain entries are proven by the
// interop tests (go test -tags interop); entries marked * come from vendor
// documentation.
const ConsumerMatrixMarkdown = `| encoding | OpenSSL 3.0 | OpenSSL 3.4+ | NSS pk12util | Java 17 keytool + TLS | Java 26+ | go-pkcs12 | Windows | macOS Keychain |
|---|---|---|---|---|---|---|---|---|
| ` + "`modern`" + ` (default) | yes | yes* | yes | yes | yes* | yes | 10 1709+, 2019+* | 15+* |
| ` + "`modern2026`" + ` | no [1] | yes* | no [2] | no [3] | yes* | yes | untested | untested |
| ` + "`legacy`" + ` | yes [4] | yes* | yes | yes | yes* | yes | yes* | yes* |
| ` + "`legacy_rc2`" + ` | ` + "`-legacy`" + ` [5] | ` + "`-legacy`" + `* | yes | yes | yes* | yes | yes* | yes* |
| ` + "`passwordless`" + `, keystore | yes [6] | yes* | no [7] | no [8] | untested | yes | untested | untested |
| ` + "`passwordless`" + `, truststore | yes | yes* | n/a | yes [9] | yes* | yes | n/a | n/a |
| JKS keystore / truststore | n/a | n/a | n/a | yes | yes* | n/a | n/a | n/a |

Entries marked * come from vendor documentation; the others were observed with OpenSSL 3.0.19, NSS 3.87, OpenJDK 17 and go-pkcs12 v0.7.4.

1. The MAC check fails with "unknown digest algorithm".
2. SEC_ERROR_BAD_PASSWORD: NSS cannot compute PBMAC1.
3. "Integrity check failed: Algorithm HmacPBE1.2.840.113549.1.5.14 not available".
4. 3DES is in OpenSSL 3's default provider, so no ` + "`-legacy`" + ` is needed.
5. RC2 exists only in OpenSSL 3's legacy provider.
6. With the warning "MAC is absent!".
7. SEC_ERROR_BAD_DER.
8. The keystore lists no entries: Java reads only encrypted (shrouded) keys.
9. ` + "`-Djavax.net.ssl.trustStore`" + ` without a ` + "`trustStorePassword`" + `.

Choosing an encoding:

* ` + "`modern`" + ` (the default): AES-256-CBC with PBKDF2-HMAC-SHA-256 (10000 iterations) and an HMAC-SHA-256 MAC, as OpenSSL 3 writes by default. Use it unless a consumer cannot read it.
* ` + "`legacy`" + `: 3DES and a SHA-1 MAC, for Azure Application Gateway, macOS Keychain before 15, older Java and Android, and Windows before 10 1709. Treat the password as obfuscation and protect the file by other means.
* ` + "`legacy_rc2`" + `: only for consumers that expect exactly what OpenSSL 1.1 or ` + "`openssl pkcs12 -export -legacy`" + ` writes (certificates under 40-bit RC2).
* ` + "`modern2026`" + `: as ` + "`modern`" + ` with a PBMAC1 (RFC 9579) MAC, for consumers known to run OpenSSL 3.4+, Java 26+ or Go.
* ` + "`passwordless`" + `: no encryption and no MAC. Fit for Java and Go truststores; a key would be stored in the clear, and NSS and Java cannot read it.
`
