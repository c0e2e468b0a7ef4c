#!/bin/sh
# Sets Podman up for `make images`, idempotently: Debian's podman, runc, podman-compose and
# debootstrap (apt-get when root, else the exact command to run), the project's containers.conf, and
# the base image every Dockerfile starts FROM, built with debootstrap (no registry is needed).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF="${CONTAINERS_CONF:-$HERE/containers.conf}"
BASE_IMAGE="${BASE_IMAGE:-localhost/debian:bookworm-slim}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
PACKAGES="podman runc podman-compose debootstrap"

missing=""
for tool in podman runc podman-compose debootstrap; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing="$missing $tool"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing:$missing" >&2
        echo "install them with: sudo sh -c 'apt-get update && apt-get install -y $PACKAGES'" >&2
        exit 1
    fi
    echo "setup-podman: apt-get install$missing"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $PACKAGES
fi

if podman image exists "$BASE_IMAGE"; then
    echo "setup-podman: $BASE_IMAGE present"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "building $BASE_IMAGE needs root (debootstrap): run sudo $0" >&2
    exit 1
fi
echo "setup-podman: debootstrap bookworm into $BASE_IMAGE"
rootfs=$(mktemp -d /tmp/wp-strangler-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
/usr/sbin/debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR"
# What Debian's official slim image also has: updates and security fixes, no recommends, no apt caches.
cat > "$rootfs/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECURITY_MIRROR bookworm-security main
SOURCES
cat > "$rootfs/etc/apt/apt.conf.d/90wp-strangler" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
APT
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE"
echo "setup-podman: $BASE_IMAGE imported"
