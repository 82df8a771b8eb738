resource "mtls_pkcs12" "alice" {
  cert_pem = mtls_client_cert.alice.fullchain_pem
  # The encrypted key and its passphrase: the passphrase only decrypts it.
  private_key_pem           = mtls_client_cert.alice.private_key_pem_encrypted
  private_key_passphrase_wo = var.key_passphrase

  # The archive's password, never stored; bump the version with it to build a
  # new archive.
  password_wo         = var.p12_password
  password_wo_version = 1
}
