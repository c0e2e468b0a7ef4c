<?php
/**
 * Must-use plugin of the registration harness (offline and stack): options as the request gives them,
 * redirects recorded (php-cli sends no headers), and no mail: a registration that succeeds stops at its
 * redirect, the new-user notifications are not sent.
 */
add_filter(
	'pre_option',
	function ( $pre, $option ) {
		global $strangler_options;
		return is_array( $strangler_options ) && array_key_exists( $option, $strangler_options ) ? $strangler_options[ $option ] : $pre;
	},
	1,
	2
);

add_filter(
	'wp_redirect',
	function ( $location, $status ) {
		$GLOBALS['strangler_redirect'] = array( 'location' => wp_sanitize_redirect( $location ), 'status' => $status );
		return $location;
	},
	PHP_INT_MAX,
	2
);

add_filter( 'pre_wp_mail', '__return_true' );
remove_action( 'register_new_user', 'wp_send_new_user_notifications' );
