# The CA file the servers verify clients against: the issuing intermediate
# and the root. Its length sets SSLVerifyDepth (2 here).
locals {
  client_ca_pem = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
}

data "mtls_apache_config" "api" {
  server_name    = "api.example.internal"
  server_aliases = ["www.api.example.internal"]

  certificate_file     = "/etc/apache2/tls/api-fullchain.pem"
  certificate_key_file = "/etc/apache2/tls/api.key"
  ca_certificate_file  = "/etc/apache2/tls/client-ca.pem"
  ca_chain_pem         = local.client_ca_pem

  # The application reads X-SSL-Client-S-DN and friends.
  proxy_pass              = "http://127.0.0.1:8080"
  forward_client_identity = true
}

# Apache reads the files named above; write them next to the virtual host.
resource "local_file" "api_vhost" {
  filename = "/etc/apache2/sites-available/api-mtls.conf"
  content  = data.mtls_apache_config.api.virtual_host
}

resource "local_file" "client_ca" {
  filename = "/etc/apache2/tls/client-ca.pem"
  content  = local.client_ca_pem
}

resource "local_file" "api_fullchain" {
  filename = "/etc/apache2/tls/api-fullchain.pem"
  content  = mtls_server_cert.api.fullchain_pem
}

resource "local_sensitive_file" "api_key" {
  filename        = "/etc/apache2/tls/api.key"
  content         = mtls_server_cert.api.private_key_pem
  file_permission = "0600"
}

# Only the /admin area needs a certificate; the rest is open.
data "mtls_apache_config" "portal" {
  server_name          = "portal.example.internal"
  certificate_file     = "/etc/apache2/tls/portal-fullchain.pem"
  certificate_key_file = "/etc/apache2/tls/portal.key"
  ca_certificate_file  = "/etc/apache2/tls/client-ca.pem"
  ca_chain_pem         = local.client_ca_pem
  verify_client        = "optional"
  locations            = ["/admin"]
  document_root        = "/var/www/portal"
}
