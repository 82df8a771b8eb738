# A Flocker cluster's TLS, as Flocker's guide to cluster authentication
# makes it by hand with flocker-ca: a cluster CA (`flocker-ca initialize`), a
# control-service certificate for its hostname (`create-control-certificate
# <hostname>`), one certificate per node, known by the node's UUID
# (`create-node-certificate`, run once per node), and one API user
# certificate per user (`create-api-certificate <username>`).
#
# The names inside the certificates are flocker-ca's, which Flocker checks:
# the control service accepts node agents only with a common name that
# starts with "node-" and API clients only with one that starts with "user-"
# (flocker/ca/_validation.py), and reads a node's UUID from what follows
# "node-". The control service's certificate has the common name
# "control-service" and its hostname as subject alternative name. Every
# certificate carries the cluster's UUID as organizational unit.
#
# Each machine gets a directory of its own under var.out_dir, with the files
# named as the guide renames them in /etc/flocker: the directory 0700 and the
# key 0600, as its `chmod` steps set them. Copy each directory's files to its
# machine's /etc/flocker (scp -p keeps the modes). cluster.key is copied
# nowhere: it stays in Terraform state, so keep the state encrypted and its
# access restricted.
#
#   flocker/control-service/  cluster.crt  control-service.crt  control-service.key
#   flocker/<node UUID>/      cluster.crt  node.crt             node.key
#   flocker/api-users/        cluster.crt  <username>.crt       <username>.key
#
# Hand each API user cluster.crt and their own pair (flocker-deploy wants them
# renamed user.crt and user.key); they authenticate every API request with it:
#   curl --cacert cluster.crt --cert alice.crt --key alice.key https://<control hostname>:4523/v1/...

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
  }
}

variable "cluster_name" {
  description = "The name that identifies the cluster: the CA's common name."
  type        = string
  default     = "mycluster"
}

variable "cluster_uuid" {
  description = "The cluster's UUID, which flocker-ca initialize makes up (uuidgen | tr A-F a-f): every certificate's organizational unit."
  type        = string
  default     = "3f2c9a1e-7b4d-4e6f-8a90-1c2d3e4f5a6b"

  validation {
    condition     = can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.cluster_uuid))
    error_message = "The cluster UUID must be a lower-case UUID such as 3f2c9a1e-7b4d-4e6f-8a90-1c2d3e4f5a6b (uuidgen | tr A-F a-f)."
  }
}

variable "control_hostname" {
  description = "The control service's DNS name, as its API clients resolve it."
  type        = string
  default     = "control.flocker.example.internal"
}

variable "node_uuids" {
  description = "One UUID per Flocker agent node, the control service's node included if it runs an agent. Adding one issues one more certificate; removing one destroys its certificate and files."
  type        = set(string)
  default = [
    "8eab4b8d-c0a2-4ce2-80aa-0709277a9a7a",
    "1a3e0b6c-52d4-4f7e-9a0b-5f2c8d9e4b71",
    "d2b4f6a8-3c5e-4f70-8192-a3b4c5d6e7f8",
  ]

  validation {
    condition     = alltrue([for uuid in var.node_uuids : can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", uuid))])
    error_message = "Each node UUID must be a lower-case UUID such as 8eab4b8d-c0a2-4ce2-80aa-0709277a9a7a (uuidgen | tr A-F a-f)."
  }
}

variable "api_users" {
  description = "The API users, one certificate each: whoever drives the control service's REST API or the CLI."
  type        = set(string)
  default     = ["alice"]

  validation {
    condition     = alltrue([for user in var.api_users : can(regex("^[A-Za-z0-9._-]+$", user))])
    error_message = "A username names its files (<username>.crt): letters, digits, dot, underscore and hyphen only."
  }
}

variable "out_dir" {
  description = "Where the per-machine directories are written."
  type        = string
  default     = "flocker"
}

# cluster.crt and cluster.key. The CA signs the leaves itself.
resource "mtls_root_ca" "cluster" {
  subject         = { common_name = var.cluster_name, organizational_unit = var.cluster_uuid }
  max_path_length = 0
}

resource "mtls_server_cert" "control" {
  ca_cert_pem        = mtls_root_ca.cluster.cert_pem
  ca_private_key_pem = mtls_root_ca.cluster.private_key_pem
  subject            = { common_name = "control-service", organizational_unit = var.cluster_uuid }
  dns_names          = [var.control_hostname]
}

# A node is known by its UUID alone: the common name node-<UUID>, and no
# other name.
resource "mtls_client_cert" "node" {
  for_each = var.node_uuids

  ca_cert_pem        = mtls_root_ca.cluster.cert_pem
  ca_private_key_pem = mtls_root_ca.cluster.private_key_pem
  subject            = { common_name = "node-${each.key}", organizational_unit = var.cluster_uuid }
}

# An API user, as flocker-ca names one: the common name user-<username>,
# client authentication only.
resource "mtls_client_cert" "api_user" {
  for_each = var.api_users

  ca_cert_pem        = mtls_root_ca.cluster.cert_pem
  ca_private_key_pem = mtls_root_ca.cluster.private_key_pem
  subject            = { common_name = "user-${each.key}", organizational_unit = var.cluster_uuid }
}

locals {
  control_dir = "${var.out_dir}/control-service"
  api_dir     = "${var.out_dir}/api-users"
}

resource "local_file" "control_cluster_cert" {
  filename             = "${local.control_dir}/cluster.crt"
  content              = mtls_root_ca.cluster.cert_pem
  file_permission      = "0644"
  directory_permission = "0700"
}

resource "local_file" "control_cert" {
  filename             = "${local.control_dir}/control-service.crt"
  content              = mtls_server_cert.control.cert_pem
  file_permission      = "0644"
  directory_permission = "0700"
}

resource "local_sensitive_file" "control_key" {
  filename             = "${local.control_dir}/control-service.key"
  content              = mtls_server_cert.control.private_key_pem
  file_permission      = "0600"
  directory_permission = "0700"
}

resource "local_file" "node_cluster_cert" {
  for_each = mtls_client_cert.node

  filename             = "${var.out_dir}/${each.key}/cluster.crt"
  content              = mtls_root_ca.cluster.cert_pem
  file_permission      = "0644"
  directory_permission = "0700"
}

resource "local_file" "node_cert" {
  for_each = mtls_client_cert.node

  filename             = "${var.out_dir}/${each.key}/node.crt"
  content              = each.value.cert_pem
  file_permission      = "0644"
  directory_permission = "0700"
}

resource "local_sensitive_file" "node_key" {
  for_each = mtls_client_cert.node

  filename             = "${var.out_dir}/${each.key}/node.key"
  content              = each.value.private_key_pem
  file_permission      = "0600"
  directory_permission = "0700"
}

resource "local_file" "api_cluster_cert" {
  filename             = "${local.api_dir}/cluster.crt"
  content              = mtls_root_ca.cluster.cert_pem
  file_permission      = "0644"
  directory_permission = "0700"
}

resource "local_file" "api_user_cert" {
  for_each = mtls_client_cert.api_user

  filename             = "${local.api_dir}/${each.key}.crt"
  content              = each.value.cert_pem
  file_permission      = "0644"
  directory_permission = "0700"
}

resource "local_sensitive_file" "api_user_key" {
  for_each = mtls_client_cert.api_user

  filename             = "${local.api_dir}/${each.key}.key"
  content              = each.value.private_key_pem
  file_permission      = "0600"
  directory_permission = "0700"
}

# Which directory goes to which machine.
output "node_directories" {
  value = { for uuid in var.node_uuids : uuid => "${var.out_dir}/${uuid}" }
}

output "control_service_directory" {
  value = local.control_dir
}

output "api_user_directory" {
  value = local.api_dir
}
