# A client certificate for a person's browser. Import the file with a
# double-click (Windows, macOS), in Firefox under Settings > Certificates >
# Import, or for Chrome and Firefox on Linux into the NSS database:
#   pk12util -i alice.p12 -d sql:$HOME/.pki/nssdb
# The certificate then shows under its friendly name.
resource "mtls_pkcs12" "alice" {
  cert_pem        = mtls_client_cert.alice.fullchain_pem
  ca_certs_pem    = mtls_root_ca.root.cert_pem
  private_key_pem = mtls_client_cert.alice.private_key_pem
  friendly_name   = "Alice (example.internal)"
  password        = var.alice_p12_password
}

resource "local_sensitive_file" "alice_p12" {
  filename       = "${path.module}/alice.p12"
  content_base64 = mtls_pkcs12.alice.pkcs12_base64
}

# For an older consumer (Azure Application Gateway, macOS before 15,
# Windows before 10 1709): 3DES and a SHA-1 MAC.
resource "mtls_pkcs12" "alice_legacy" {
  cert_pem        = mtls_client_cert.alice.fullchain_pem
  private_key_pem = mtls_client_cert.alice.private_key_pem
  password        = var.alice_p12_password
  encoding        = "legacy"
}

variable "alice_p12_password" {
  type      = string
  sensitive = true
}
