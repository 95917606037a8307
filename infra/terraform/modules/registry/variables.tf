variable "name" {
  description = "Repository name."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key encrypting the images."
  type        = string
}

variable "keep_images" {
  description = "Images kept; older ones expire."
  type        = number
}

variable "force_delete" {
  description = "Let terraform destroy delete the repository with its images."
  type        = bool
}
