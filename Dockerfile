# wp-strangler's Python components (proxy, CDC, extracted services, CLI, mail sink) from one wheel:
# localhost/wp-strangler:local (deploy/kubernetes/README.md's contract). Build with `make images`, or:
#   podman build --format docker -v /etc/ssl/certs:/host-certs:ro -t localhost/wp-strangler:local .
# The dependencies come from requirements.lock and are installed before the source is copied, so a
# source edit rebuilds only the wheel. A CA bundle mounted at /host-certs (a build-time volume, for a
# TLS-intercepting network) is used by pip and never copied into a layer.
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS python
RUN apt-get update -q \
    && apt-get install -y -q --no-install-recommends python3 python3-venv \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/opt/venv/bin:$PATH \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# The locked dependencies: this layer changes only with requirements.lock.
FROM python AS dependencies
COPY requirements.lock /tmp/requirements.lock
RUN set -eu; \
    if [ -f /host-certs/ca-certificates.crt ]; then export PIP_CERT=/host-certs/ca-certificates.crt; fi; \
    python3 -m venv /opt/venv; \
    pip install -q --require-virtualenv -r /tmp/requirements.lock; \
    rm /tmp/requirements.lock

# The project's wheel, built apart so setuptools and the build tree stay out of the image.
FROM python AS wheel
COPY pyproject.toml README.md /src/
COPY cdc /src/cdc
COPY extracted /src/extracted
COPY proxy /src/proxy
COPY cli /src/cli
COPY wordpress /src/wordpress
RUN set -eu; \
    if [ -f /host-certs/ca-certificates.crt ]; then export PIP_CERT=/host-certs/ca-certificates.crt; fi; \
    python3 -m venv /opt/build; \
    /opt/build/bin/pip wheel -q --no-deps --wheel-dir /wheels /src

FROM dependencies
COPY --from=wheel /wheels /tmp/wheels
# --no-deps: every dependency is already installed from the lock; a missing one fails `pip check`.
RUN pip install -q --no-deps /tmp/wheels/*.whl && rm -rf /tmp/wheels && pip check \
    && groupadd --gid 10001 strangler \
    && useradd --uid 10001 --gid 10001 --home-dir /var/lib/strangler --create-home --shell /usr/sbin/nologin strangler
WORKDIR /var/lib/strangler
USER 10001:10001
# Each container runs one component; STRANGLER_HEALTH_URL names its health endpoint (the proxy's
# admin port by default; a service's own port, cdc's 18002, the mail sink's 18026/healthz).
ENV STRANGLER_HEALTH_URL=http://127.0.0.1:18001/healthz
HEALTHCHECK --interval=10s --timeout=4s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(os.environ['STRANGLER_HEALTH_URL'], timeout=3)"]
EXPOSE 18000 18001
CMD ["strangler", "--help"]
