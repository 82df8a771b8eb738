# Read a certificate made elsewhere, with the names the resources use.
locals {
  vendor = provider::mtls::certificate_info(file("${path.module}/vendor.pem"))
}

output "vendor_certificate" {
  value = {
    subject   = local.vendor.subject.common_name
    issuer    = local.vendor.issuer_dn
    names     = local.vendor.dns_names
    not_after = local.vendor.not_after
  }
}

# Refuse a certificate that cannot serve TLS before anything is configured
# with it.
resource "terraform_data" "vendor_endpoint" {
  input = local.vendor.fingerprint_sha256

  lifecycle {
    precondition {
      condition     = contains(local.vendor.extended_key_usages, "server_auth") && !local.vendor.is_ca
      error_message = "vendor.pem must be a server certificate; it has ${jsonencode(local.vendor.extended_key_usages)}."
    }
  }
}
