<?php
/**
 * Install WordPress (once), set pretty permalinks and create the admin's application password.
 * Idempotent: an installed site is left as it is.
 */
require __DIR__ . '/bootstrap.php';
$request = strangler_read_request();

define( 'WP_INSTALLING', true );
// No mail server here: the "new site" e-mail is pluggable, so it is switched off before it is defined.
function wp_new_blog_notification() {}
require ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$answer = array( 'installed_now' => false );
if ( ! is_blog_installed() ) {
	wp_install( $request['title'], $request['admin_user'], $request['admin_email'], true, '', wp_slash( $request['admin_password'] ) );
	$answer['installed_now'] = true;
}

global $wp_rewrite;
if ( get_option( 'permalink_structure' ) !== $request['permalink_structure'] ) {
	$wp_rewrite->set_permalink_structure( $request['permalink_structure'] );
}
flush_rewrite_rules( false );

$user = get_user_by( 'login', $request['admin_user'] );
if ( empty( $request['app_password_known'] ) ) {
	foreach ( WP_Application_Passwords::get_user_application_passwords( $user->ID ) as $item ) {
		if ( 'strangler' === $item['name'] ) {
			WP_Application_Passwords::delete_application_password( $user->ID, $item['uuid'] );
		}
	}
	$created = WP_Application_Passwords::create_new_application_password( $user->ID, array( 'name' => 'strangler' ) );
	if ( is_wp_error( $created ) ) {
		fwrite( STDERR, $created->get_error_message() . "\n" );
		exit( 1 );
	}
	$answer['app_password'] = $created[0];
}
$answer['admin_id'] = $user->ID;
strangler_answer( $answer );
