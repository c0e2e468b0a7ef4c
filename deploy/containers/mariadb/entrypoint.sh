#!/bin/bash
# Initialises an empty datadir once (database, users, /docker-entrypoint-initdb.d), then execs mariadbd.
set -euo pipefail

secret() {  # secret NAME: $NAME_FILE's content, else $NAME, else empty
    local file_variable="${1}_FILE"
    if [ -n "${!file_variable:-}" ]; then
        tr -d '\n' < "${!file_variable}"
    else
        printf %s "${!1:-}"
    fi
}

sql_string() {  # a value quoted for SQL
    local escaped=${1//\\/\\\\}
    printf "'%s'" "${escaped//\'/\\\'}"
}

DATADIR=/var/lib/mysql
if [ ! -d "$DATADIR/mysql" ]; then
    echo "entrypoint: initialising $DATADIR"
    root_password=$(secret MARIADB_ROOT_PASSWORD)
    user_password=$(secret MARIADB_PASSWORD)
    if [ -z "$root_password" ]; then
        echo "entrypoint: MARIADB_ROOT_PASSWORD_FILE or MARIADB_ROOT_PASSWORD is required" >&2
        exit 1
    fi
    # The image runs as mysql: the OS user mysql reaches the account mysql@localhost through unix_socket.
    mariadb-install-db --user=mysql --datadir="$DATADIR" --auth-root-authentication-method=socket \
        --auth-root-socket-user=mysql --skip-test-db --skip-name-resolve > /dev/null
    # No network while initialising: nobody can connect before the passwords are set.
    mariadbd --skip-networking --skip-log-bin --socket=/run/mysqld/init.sock &
    server=$!
    for _ in $(seq 60); do
        mariadb-admin --socket=/run/mysqld/init.sock ping > /dev/null 2>&1 && break
        sleep 1
    done
    client=(mariadb --protocol=socket --socket=/run/mysqld/init.sock -umysql)
    {
        echo "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD($(sql_string "$root_password"));"
        echo "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY $(sql_string "$root_password");"
        echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
        if [ -n "${MARIADB_DATABASE:-}" ]; then
            echo "CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
        fi
        if [ -n "${MARIADB_USER:-}" ]; then
            echo "CREATE USER IF NOT EXISTS $(sql_string "$MARIADB_USER")@'%' IDENTIFIED BY $(sql_string "$user_password");"
            if [ -n "${MARIADB_DATABASE:-}" ]; then
                echo "GRANT ALL ON \`${MARIADB_DATABASE}\`.* TO $(sql_string "$MARIADB_USER")@'%';"
            fi
        fi
    } | "${client[@]}"
    for script in /docker-entrypoint-initdb.d/*.sql; do
        [ -f "$script" ] || continue
        echo "entrypoint: running $script"
        "${client[@]}" ${MARIADB_DATABASE:+"$MARIADB_DATABASE"} < "$script"
    done
    mariadb-admin --socket=/run/mysqld/init.sock -umysql shutdown
    wait "$server" || true
fi
touch /run/mysqld/initialized
exec mariadbd "$@"
