#!/bin/bash
# Formats the storage on first start (KAFKA_CLUSTER_ID, else a new id), then execs the broker.
set -euo pipefail
properties="${1:-/etc/kafka/server.properties}"
shift || true
if [ -n "${KAFKA_ADVERTISED_LISTENERS:-}" ]; then
    sed "s#^advertised.listeners=.*#advertised.listeners=${KAFKA_ADVERTISED_LISTENERS}#" "$properties" > /tmp/server.properties
    properties=/tmp/server.properties
fi
# shellcheck disable=SC2206  # the heap options are several words on purpose
java=(java ${KAFKA_HEAP_OPTS} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
      -Dlog4j.configuration=file:/opt/kafka/config/log4j.properties -cp '/opt/kafka/libs/*')
log_dirs=$(sed -n 's/^log\.dirs=//p' "$properties")
if [ ! -f "${log_dirs%%,*}/meta.properties" ]; then
    cluster_id="${KAFKA_CLUSTER_ID:-$("${java[@]}" kafka.tools.StorageTool random-uuid)}"
    "${java[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$properties" --ignore-formatted
fi
exec "${java[@]}" kafka.Kafka "$properties" "$@"
