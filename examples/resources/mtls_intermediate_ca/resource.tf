resource "mtls_root_ca" "root" {
  subject = { common_name = "Example Root CA" }
}

resource "mtls_intermediate_ca" "issuing" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem

  subject = {
    common_name  = "Example Issuing CA"
    organization = "Example Ltd"
  }
  validity_period_hours = 3 * 8760
  max_path_length       = 0 # signs leaves only
}
