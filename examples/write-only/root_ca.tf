resource "mtls_root_ca" "lab" {
  subject = { common_name = "Example Lab Root CA" }

  # private_key_pem_encrypted is encrypted with this passphrase, which is not
  # stored; private_key_pem (unencrypted) still is, as for every generated key.
  private_key_passphrase_wo         = var.key_passphrase
  private_key_passphrase_wo_version = 1
}
