<?php
/**
 * wp-config.php of the registration harness's offline WordPress: no database server (wp-content/db.php
 * answers), the content directory of the harness's document root, nothing that reaches the network.
 */
define( 'DB_NAME', 'offline' );
define( 'DB_USER', 'offline' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', 'offline' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
$table_prefix = 'wp_';
define( 'WP_CONTENT_DIR', ABSPATH . 'wp-content' );
define( 'DISABLE_WP_CRON', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_DEBUG', false );
require_once ABSPATH . 'wp-settings.php';
