# Client-certificate authentication on ingress-nginx for the Service "api"
# in the namespace "shop".
data "mtls_ingress_config" "api" {
  controller   = "ingress-nginx"
  namespace    = "shop"
  name         = "api"
  hosts        = ["api.shop.example.com"]
  service_name = "api"
  service_port = 8080

  tls_cert_pem = mtls_server_cert.api.fullchain_pem
  tls_key_pem  = mtls_server_cert.api.private_key_pem
  # Intermediate and root: auth-tls-verify-depth becomes 2.
  client_ca_pem = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  # ca.crl in the CA Secret: a current CRL from each CA, as ingress-nginx
  # checks the whole chain. Re-apply after each new CRL.
  client_crl_pem = "${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}"

  # The Service gets the client certificate in the ssl-client-cert header.
  pass_certificate_to_upstream = true
}

resource "kubernetes_secret_v1" "client_ca" {
  metadata {
    name      = data.mtls_ingress_config.api.ca_secret.name
    namespace = data.mtls_ingress_config.api.ca_secret.namespace
  }
  type = data.mtls_ingress_config.api.ca_secret.type
  data = data.mtls_ingress_config.api.ca_secret.data
}

resource "kubernetes_secret_v1" "tls" {
  metadata {
    name      = data.mtls_ingress_config.api.tls_secret.name
    namespace = data.mtls_ingress_config.api.tls_secret.namespace
  }
  type = data.mtls_ingress_config.api.tls_secret.type
  data = data.mtls_ingress_config.api.tls_secret.data
}

resource "kubernetes_ingress_v1" "api" {
  metadata {
    name        = "api"
    namespace   = "shop"
    annotations = data.mtls_ingress_config.api.annotations
  }

  spec {
    ingress_class_name = "nginx"

    tls {
      hosts       = ["api.shop.example.com"]
      secret_name = kubernetes_secret_v1.tls.metadata[0].name
    }

    rule {
      host = "api.shop.example.com"
      http {
        path {
          path      = "/"
          path_type = "Prefix"
          backend {
            service {
              name = "api"
              port {
                number = 8080
              }
            }
          }
        }
      }
    }
  }

  # ingress-nginx reads the CA Secret when the Ingress appears.
  depends_on = [kubernetes_secret_v1.client_ca]
}

# Without the kubernetes provider: kubectl apply -f - < manifests.yaml
output "manifests_yaml" {
  value     = data.mtls_ingress_config.api.manifests_yaml
  sensitive = true
}
