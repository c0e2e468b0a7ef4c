<?php
/**
 * WordPress 6.1's own mails for a new user: wp_new_user_notification( $user_id, null, 'both' ), as a
 * registration sends them. Run with `-d sendmail_path=...` so PHP's mail() hands them to a capture;
 * reads {"docroot", "public_url", "user_id"} on stdin, answers {"sent": bool} on stdout.
 */
$request = json_decode( stream_get_contents( STDIN ), true );
define( 'ABSPATH', rtrim( $request['docroot'], '/' ) . '/' );
$url                    = parse_url( $request['public_url'] );
$_SERVER['HTTP_HOST']   = $url['host'] . ( isset( $url['port'] ) ? ':' . $url['port'] : '' );
$_SERVER['SERVER_NAME'] = $url['host'];
$_SERVER['REQUEST_URI'] = '/wp-login.php?action=register';
require ABSPATH . 'wp-load.php';
wp_new_user_notification( (int) $request['user_id'], null, 'both' );
echo json_encode( array( 'sent' => true ) ), "\n";
