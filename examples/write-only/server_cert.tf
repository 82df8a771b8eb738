resource "mtls_server_cert" "web" {
  ca_cert_pem = local.ca_cert_pem
  # Never stored: renewal (a replacement at early_renewal_hours) signs with
  # the key the variable holds at that apply.
  ca_private_key_pem_wo         = var.ca_private_key_pem
  ca_private_key_pem_wo_version = 1 # bump when the CA key changes

  dns_names           = ["web.example.internal"]
  early_renewal_hours = 30 * 24
}
