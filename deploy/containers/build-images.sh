#!/bin/sh
# `make images`: sets Podman up (setup-podman.sh), then builds every image deploy/kubernetes expects
# (or those named in IMAGES: strangler mariadb kafka wordpress postgres) and prints each build's time.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
export CONTAINERS_CONF="${CONTAINERS_CONF:-$HERE/containers.conf}"
export BASE_IMAGE="${BASE_IMAGE:-localhost/debian:bookworm-slim}"
PYTHON="${PYTHON:-.venv/bin/python}"
IMAGES="${IMAGES:-strangler mariadb kafka wordpress postgres}"

"$HERE/setup-podman.sh"

build() {  # build TAG DOCKERFILE [podman build options]
    tag=$1 dockerfile=$2
    shift 2
    started=$(date +%s)
    # --format docker: the OCI format has no HEALTHCHECK; --pull=never: no registry is needed
    podman build --pull=never --format docker --build-arg BASE="$BASE_IMAGE" -f "$dockerfile" -t "$tag" "$@" .
    echo "images: $tag built in $(( $(date +%s) - started )) s"
}

for image in $IMAGES; do
    case $image in
    strangler)
        # This machine's CA bundle, for pip behind a TLS-intercepting network: a build-time volume only.
        certs=""
        [ -f /etc/ssl/certs/ca-certificates.crt ] && certs="-v /etc/ssl/certs:/host-certs:ro"
        # shellcheck disable=SC2086
        build localhost/wp-strangler:local Dockerfile $certs ;;
    mariadb) build localhost/wp-strangler-mariadb:local deploy/containers/mariadb/Dockerfile ;;
    kafka)
        jars=$("$PYTHON" -c 'from cli.stack.kafka import ensure_jars; print(ensure_jars())')
        build localhost/wp-strangler-kafka:local deploy/containers/kafka/Dockerfile -v "$jars:/kafka-libs:ro" ;;
    wordpress) build localhost/wp-strangler-wordpress:local deploy/containers/wordpress/Dockerfile ;;
    postgres) build localhost/wp-strangler-postgres:local deploy/containers/postgres/Dockerfile ;;
    *) echo "unknown image $image (strangler mariadb kafka wordpress postgres)" >&2; exit 2 ;;
    esac
done
podman images --filter reference='localhost/wp-strangler*' --filter reference="$BASE_IMAGE"
