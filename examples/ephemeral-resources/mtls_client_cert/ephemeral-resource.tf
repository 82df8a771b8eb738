# A client certificate for this run only: Terraform signs in to a Kubernetes
# API server that trusts mtls_root_ca.cluster for client certificates (its
# --client-ca-file), as the user in the common name with the groups in
# organization. The key is made in memory on every run and never written to
# state or plan; the certificate is valid for an hour.
ephemeral "mtls_client_cert" "deployer" {
  ca_cert_pem           = mtls_root_ca.cluster.cert_pem
  ca_private_key_pem    = mtls_root_ca.cluster.private_key_pem
  subject               = { common_name = "terraform", organization = "deployers" }
  validity_period_hours = 1
}

provider "kubernetes" {
  host                   = var.kube_api_server
  cluster_ca_certificate = var.kube_server_ca_pem
  client_certificate     = ephemeral.mtls_client_cert.deployer.cert_pem
  client_key             = ephemeral.mtls_client_cert.deployer.private_key_pem
}

resource "kubernetes_secret_v1" "app_settings" {
  metadata {
    name      = "app-settings"
    namespace = "default"
  }
  data = {
    log_level = "info"
  }
}
