# One service image: the slim base plus the service's own files, tagged by content and pushed.
# Packer 1.6 HCL2 with the docker builder; on the local platform `docker` runs podman.

variable "base_image" {
  type        = string
  description = "Local base image holding the runtime (python3, busybox)."
}

variable "source_dir" {
  type        = string
  description = "Directory whose contents become /app in the image."
}

variable "repository" {
  type        = string
  description = "registry/name the image is tagged and pushed as."
}

variable "tag" {
  type        = string
  description = "Content-derived tag."
}

variable "changes" {
  type        = list(string)
  description = "Dockerfile-style instructions committed with the image (CMD, ENV, LABEL...)."
}

source "docker" "service" {
  image  = var.base_image
  pull   = false
  commit = true
  # Packer starts the build container with --entrypoint=/bin/sh: `changes` resets it.
  changes = var.changes
}

build {
  sources = ["source.docker.service"]

  provisioner "file" {
    source      = "${var.source_dir}/"
    destination = "/app"
  }

  post-processors {
    post-processor "docker-tag" {
      repository = var.repository
      tags       = [var.tag]
    }
    post-processor "docker-push" {}
  }
}
