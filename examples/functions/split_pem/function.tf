# Take a served chain apart: the leaf, then each intermediate.
locals {
  chain = provider::mtls::split_pem(mtls_server_cert.web.fullchain_pem)
}

output "issuing_ca_subject" {
  value = provider::mtls::certificate_info(local.chain[1]).subject_dn
}

# Every certificate of a bundle read from a file, by expiry.
output "bundle_expiry" {
  value = {
    for pem in provider::mtls::split_pem(file("${path.module}/ca-bundle.pem")) :
    provider::mtls::certificate_info(pem).subject_dn => provider::mtls::certificate_info(pem).not_after
  }
}
