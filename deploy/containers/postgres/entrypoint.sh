#!/bin/bash
# Initialises an empty $PGDATA once (superuser, database, /docker-entrypoint-initdb.d), then execs postgres.
set -euo pipefail

secret() {  # secret NAME: $NAME_FILE's content, else $NAME, else empty
    local file_variable="${1}_FILE"
    if [ -n "${!file_variable:-}" ]; then
        tr -d '\n' < "${!file_variable}"
    else
        printf %s "${!1:-}"
    fi
}

: "${PGDATA:=/var/lib/postgresql/data}"
user=${POSTGRES_USER:-postgres}
database=${POSTGRES_DB:-$user}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    echo "entrypoint: initialising $PGDATA"
    password=$(secret POSTGRES_PASSWORD)
    if [ -z "$password" ]; then
        echo "entrypoint: POSTGRES_PASSWORD_FILE or POSTGRES_PASSWORD is required" >&2
        exit 1
    fi
    # a subdirectory of a volume (lost+found at its root) is made here; initdb wants it private
    mkdir -p "$PGDATA"
    chmod 700 "$PGDATA"
    # local (the socket, inside the container) trusts, as the upstream image: every address needs the password
    initdb --username="$user" --pwfile=<(printf '%s\n' "$password") --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 > /dev/null
    echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    # No address while initialising: nobody connects before the database exists.
    pg_ctl --silent --wait --pgdata="$PGDATA" -o "-c listen_addresses=''" start
    client=(psql --quiet --no-psqlrc --set ON_ERROR_STOP=1 --username="$user")
    if [ "$database" != postgres ]; then
        "${client[@]}" --dbname=postgres --set database="$database" <<< 'CREATE DATABASE :"database";'
    fi
    for script in /docker-entrypoint-initdb.d/*.sql; do
        [ -f "$script" ] || continue
        echo "entrypoint: running $script"
        "${client[@]}" --dbname="$database" --file="$script"
    done
    pg_ctl --silent --wait --pgdata="$PGDATA" --mode=fast stop
fi
exec postgres "$@"
