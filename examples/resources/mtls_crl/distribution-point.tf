# Certificates name where their issuer's CRL is published...
resource "mtls_client_cert" "partner" {
  ca_cert_pem             = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem      = mtls_intermediate_ca.issuing.private_key_pem
  email_addresses         = ["partner@example.com"]
  crl_distribution_points = ["http://pki.example.com/crl/issuing.crl"]
}

# ...and the CRL is served there in DER, over plain HTTP (a CRL is signed,
# and HTTPS to fetch it could itself need a revocation check), with
# Content-Type application/pkix-crl.
resource "aws_s3_object" "issuing_crl" {
  bucket         = "pki.example.com"
  key            = "crl/issuing.crl"
  content_base64 = mtls_crl.issuing.crl_der_base64
  content_type   = "application/pkix-crl"
}
