package provider

// How the certificate resources issue: the key generated or taken from the
// CSR, the certificate signed, and every output attribute filled.

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// issue generates or takes the key, signs the certificate with caKey and
// fills every computed attribute of p, encrypting the key with passphrase.
func (r *certificateResource) issue(ctx context.Context, p modelParts, caKey caKey, passphrase configuredSecret, diags *diag.Diagnostics) {
	now := r.clock()
	var key crypto.Signer
	var csr *x509.CertificateRequest
	var pub crypto.PublicKey
	if p.leaf != nil && !p.leaf.CSRPEM.IsNull() {
		var err error
		if csr, err = pki.ParseCSRPEM(p.leaf.CSRPEM.ValueString()); err != nil {
			diags.AddAttributeError(path.Root("csr_pem"), "Invalid certificate signing request", err.Error()+".")
			return
		}
		pub = csr.PublicKey
	} else {
		var err error
		if key, err = pki.GenerateKey(pki.KeyAlgorithm(p.base.KeyAlgorithm.ValueString())); err != nil {
			diags.AddAttributeError(path.Root("key_algorithm"), "Key generation failed", err.Error())
			return
		}
		pub = key.Public()
	}
	var issuer *pki.Issuer
	if p.issuer != nil {
		var errs []*pki.FieldError
		issuer, errs = caKey.issuer(p.issuer.CACertPEM.ValueString())
		if addFieldErrors(diags, errs); issuer == nil {
			return
		}
	}
	req := p.request(ctx, r.kind, now, pub, csr, diags)
	if addFieldErrors(diags, req.Check(issuer)); diags.HasError() {
		return
	}
	cert, err := pki.Issue(req, issuer, key)
	if err != nil {
		diags.AddError("Issuing the certificate failed", err.Error())
		return
	}
	setCertificateOutputs(p, cert, issuer, now, diags)
	setKeyOutputs(p.base, key, passphrase, diags)
}

func setCertificateOutputs(p modelParts, cert *x509.Certificate, issuer *pki.Issuer, now time.Time, diags *diag.Diagnostics) {
	b := p.base
	b.ID = types.StringValue(pki.SerialHex(cert))
	b.SerialNumber = b.ID
	b.CertPEM = types.StringValue(pki.EncodeCertificatesPEM(cert))
	b.FingerprintSHA256 = types.StringValue(pki.FingerprintSHA256(cert))
	b.SubjectDN = types.StringValue(cert.Subject.String())
	b.NotBefore = types.StringValue(cert.NotBefore.UTC().Format(time.RFC3339))
	b.NotAfter = types.StringValue(cert.NotAfter.UTC().Format(time.RFC3339))
	b.ReadyForRenewal = types.BoolValue(readyForRenewal(now, cert.NotAfter, b.EarlyRenewalHours.ValueInt64()))
	pubPEM, openSSH, err := pki.EncodePublicKey(cert.PublicKey)
	if err != nil {
		diags.AddError("Encoding the public key failed", err.Error())
	}
	b.PublicKeyPEM, b.PublicKeyOpenSSH = types.StringValue(pubPEM), types.StringValue(openSSH)
	if issuer == nil {
		return
	}
	above := issuer.Certs()
	p.issuer.CAChainPEM = types.StringValue(pki.EncodeCertificatesPEM(above...))
	root := ""
	if rc := issuer.Root(); rc != nil {
		root = pki.EncodeCertificatesPEM(rc)
	}
	p.issuer.RootCertPEM = types.StringValue(root)
	presented := types.StringValue(pki.EncodeCertificatesPEM(append([]*x509.Certificate{cert}, pki.WithoutRoot(above)...)...))
	if p.chainPEM != nil {
		*p.chainPEM = presented
	}
	if p.leaf != nil {
		p.leaf.FullchainPEM = presented
	}
}

// setKeyOutputs fills the private key attributes; key is nil in CSR mode,
// where the key stays with the requester.
func setKeyOutputs(b *certBase, key crypto.Signer, passphrase configuredSecret, diags *diag.Diagnostics) {
	empty := types.StringValue("")
	b.PrivateKeyPEM, b.PrivateKeyPEMPKCS1, b.PrivateKeyPEMSEC1, b.PrivateKeyPEMEncrypted = empty, empty, empty, empty
	if key == nil {
		return
	}
	enc, err := pki.EncodeKey(key)
	if err != nil {
		diags.AddError("Encoding the private key failed", err.Error())
		return
	}
	b.PrivateKeyPEM = types.StringValue(enc.PKCS8PEM)
	switch key.(type) {
	case *rsa.PrivateKey:
		b.PrivateKeyPEMPKCS1 = types.StringValue(enc.LegacyPEM)
	case *ecdsa.PrivateKey:
		b.PrivateKeyPEMSEC1 = types.StringValue(enc.LegacyPEM)
	}
	encryptKeyOutput(b, key, passphrase, diags)
}

// encryptKeyOutput fills private_key_pem_encrypted from private_key_passphrase
// or its write-only form, as configured.
func encryptKeyOutput(b *certBase, key crypto.Signer, passphrase configuredSecret, diags *diag.Diagnostics) {
	b.PrivateKeyPEMEncrypted = types.StringValue("")
	if passphrase.value.IsNull() || key == nil {
		return
	}
	text, err := pki.EncryptPKCS8PEM(key, passphrase.value.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root(passphrase.attr), "Encrypting the private key failed", err.Error())
		return
	}
	b.PrivateKeyPEMEncrypted = types.StringValue(text)
}
