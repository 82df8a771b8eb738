resource "mtls_root_ca" "example" {
  subject = {
    common_name  = "Example Internal Root CA"
    organization = "Example Ltd"
    country      = "GB"
  }

  # May sign one level of intermediates, which then sign leaves.
  max_path_length = 1

  # Certificates below this root may only name these domains.
  permitted_dns_domains = ["example.internal", "localhost"]
  permitted_ip_ranges   = ["10.0.0.0/8", "127.0.0.0/8"]
}
