#!/bin/bash
# Writes wp-config.php, then runs PHP-FPM and nginx; the container ends when either does.
set -euo pipefail
php /usr/local/lib/wp-strangler/write-wp-config.php
rm -f /run/wordpress/php-fpm.sock
php-fpm8.2 --nodaemonize --fpm-config /etc/wp-strangler/php-fpm.conf &
fpm=$!
nginx -c /etc/wp-strangler/nginx.conf -e stderr &
web=$!
trap 'kill -TERM "$fpm" "$web" 2>/dev/null' TERM INT
status=0
wait -n "$fpm" "$web" || status=$?
kill -TERM "$fpm" "$web" 2>/dev/null || true
wait || true
exit "$status"
