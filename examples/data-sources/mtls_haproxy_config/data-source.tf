# The CA file HAProxy verifies clients against: the issuing intermediate and
# the root, and a current CRL from each of them.
locals {
  client_ca_pem   = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  client_crls_pem = "${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}"
}

# HTTPS on 8443: every client needs a certificate, and the application reads
# X-SSL-Client-S-DN and friends.
data "mtls_haproxy_config" "api" {
  listen = 8443

  certificate_file    = "/etc/haproxy/tls/api.pem"
  ca_certificate_file = "/etc/haproxy/tls/client-ca.pem"
  ca_chain_pem        = local.client_ca_pem
  crl_file            = "/etc/haproxy/tls/client-crls.pem"
  crls_pem            = local.client_crls_pem # checked: a current CRL per CA

  proxy_pass              = "http://127.0.0.1:8080"
  forward_client_identity = true
}

# Mutual TLS in front of a service that speaks no HTTP, here PostgreSQL.
data "mtls_haproxy_config" "postgres" {
  mode   = "tcp"
  listen = 5433

  certificate_file    = "/etc/haproxy/tls/api.pem"
  ca_certificate_file = "/etc/haproxy/tls/client-ca.pem"
  ca_chain_pem        = local.client_ca_pem
  crl_file            = "/etc/haproxy/tls/client-crls.pem"

  proxy_pass = "tcp://127.0.0.1:5432"
}

# HAProxy's crt is one file: the server certificate, its intermediate and
# its private key.
resource "local_sensitive_file" "api_crt" {
  filename        = "/etc/haproxy/tls/api.pem"
  content         = "${mtls_server_cert.api.fullchain_pem}${mtls_server_cert.api.private_key_pem}"
  file_permission = "0600"
}

resource "local_file" "client_ca" {
  filename = "/etc/haproxy/tls/client-ca.pem"
  content  = local.client_ca_pem
}

# HAProxy reads it at start and reload: reload after each new CRL.
resource "local_file" "client_crls" {
  filename = "/etc/haproxy/tls/client-crls.pem"
  content  = local.client_crls_pem
}

# Your global and defaults sections, then the rendered frontends and backends
# (mtls_8443 and mtls_5433, each with its _backend).
resource "local_file" "haproxy_cfg" {
  filename = "/etc/haproxy/haproxy.cfg"
  content = join("\n", [
    <<-EOT
    global
        log /dev/log local0

    defaults
        log global
        timeout connect 5s
        timeout client 30s
        timeout server 30s
    EOT
    ,
    data.mtls_haproxy_config.api.sections,
    data.mtls_haproxy_config.postgres.sections,
  ])
}

# For a frontend you maintain yourself: the bind line alone.
output "haproxy_bind_line" {
  value = data.mtls_haproxy_config.api.bind_line
}
