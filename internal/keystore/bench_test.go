package keystore

import "testing"

// BenchmarkEncodePKCS12 measures building one keyed archive (an ECDSA P-256
// key, its leaf and a two-certificate chain) per encoding; the password-based
// key derivations dominate, except for passwordless.
func BenchmarkEncodePKCS12(b *testing.B) {
	p := sharedPKI(b, "ecdsa")
	for _, enc := range Encodings() {
		password := passwordFor(enc)
		b.Run("encoding="+string(enc), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := EncodePKCS12(p.leafKey, p.leaf, p.chain(), password, PKCS12Options{Encoding: enc}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
