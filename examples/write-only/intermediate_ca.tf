resource "mtls_intermediate_ca" "issuing" {
  ca_cert_pem = local.ca_cert_pem
  # Used to sign and checked against ca_cert_pem at plan, never stored.
  ca_private_key_pem_wo = var.ca_private_key_pem
  # Terraform cannot see a write-only value change: bump this whenever the
  # CA key changes (a rotated CA). A new version replaces this certificate.
  ca_private_key_pem_wo_version = 1

  subject         = { common_name = "Example Issuing CA" }
  max_path_length = 0
}
