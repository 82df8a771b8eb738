# The CA file the servers verify clients against: the issuing intermediate
# and the root. Its length sets ssl_verify_depth (2 here).
locals {
  client_ca_pem = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  # nginx checks every CA of a client's chain: a CRL from each, in one file.
  client_crls_pem = "${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}"
}

data "mtls_nginx_config" "api" {
  server_name = "api.example.internal"
  listen      = 8443

  certificate_file     = "/etc/nginx/tls/api-fullchain.pem"
  certificate_key_file = "/etc/nginx/tls/api.key"
  ca_certificate_file  = "/etc/nginx/tls/client-ca.pem"
  ca_chain_pem         = local.client_ca_pem
  crl_file             = "/etc/nginx/tls/client-crls.pem"
  crls_pem             = local.client_crls_pem # checked: a current CRL per CA
  protocols            = ["TLSv1.3"]

  proxy_pass              = "http://127.0.0.1:8080"
  forward_client_identity = true
}

# A file in conf.d is included from the http context.
resource "local_file" "api_server_block" {
  filename = "/etc/nginx/conf.d/api-mtls.conf"
  content  = data.mtls_nginx_config.api.server_block
}

resource "local_file" "client_ca" {
  filename = "/etc/nginx/tls/client-ca.pem"
  content  = local.client_ca_pem
}

# nginx reads it at start and reload: reload after each new CRL.
resource "local_file" "client_crls" {
  filename = "/etc/nginx/tls/client-crls.pem"
  content  = local.client_crls_pem
}

# For a server block you maintain yourself: the ssl_* lines alone.
output "nginx_mtls_directives" {
  value = data.mtls_nginx_config.api.directives
}
