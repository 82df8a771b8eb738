resource "mtls_crl" "ca" {
  ca_cert_pem = local.ca_cert_pem
  # Every regeneration, renewal before next_update included, signs with the
  # key given at that apply. A new version re-signs the CRL in place.
  ca_private_key_pem_wo         = var.ca_private_key_pem
  ca_private_key_pem_wo_version = 1 # bump when the CA key changes

  revoked = [
    { serial_number = mtls_client_cert.alice.serial_number, reason = "key_compromise" },
  ]
}
