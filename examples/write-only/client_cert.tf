resource "mtls_client_cert" "alice" {
  ca_cert_pem                   = local.ca_cert_pem
  ca_private_key_pem_wo         = var.ca_private_key_pem
  ca_private_key_pem_wo_version = 1 # bump when the CA key changes

  email_addresses = ["alice@example.com"]

  # private_key_pem_encrypted is encrypted with this passphrase, which is not
  # stored either; bump the version with it to re-encrypt in place.
  private_key_passphrase_wo         = var.key_passphrase
  private_key_passphrase_wo_version = 1
}
