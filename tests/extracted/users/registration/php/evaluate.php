<?php
/**
 * WordPress's registration rules for many inputs in one process.
 *
 * Usage: php evaluate.php DOCROOT [transactions]   (DOCROOT: the offline harness's, or a stack's)
 * Protocol: one JSON object per line on stdin, one per line on stdout.
 *   {"fn": "register", "login": "...", "email": "..."}
 *       register_new_user() itself; answered {"errors": [[code, message], ...]} or {"user": {...}} with
 *       what it handed to wp_create_user() ("login", "email") and the row wp_insert_user() stored
 *       ("stored": user_login, user_email, user_nicename, display_name). With "transactions" each runs
 *       in a transaction rolled back afterwards: a real database keeps nothing.
 *   {"fn": "sanitize_user"|"validate_username"|"is_email"|"sanitize_email"|"remove_accents", "text": ..., ...}
 *   {"fn": "safe_redirect", "text": the posted redirect_to (unslashed), "request_uri": ...}
 *       the Location wp-login.php sends after a registration.
 *   {"fn": "parse_url", "text": [...]}  PHP's parse_url() of each (false when it gives up).
 *   {"fn": "site"}  the options the Python side needs (siteurl, home, admin_email, ...).
 *   {"options": {...}} on any request: options answered instead of the database's (reset each request).
 * Environment: STRANGLER_REGISTRATION_OPTIONS, the JSON of the options an offline WordPress boots with.
 */
error_reporting( E_ALL & ~E_DEPRECATED & ~E_NOTICE & ~E_WARNING );
ini_set( 'display_errors', 'stderr' );
// Offline, the options WordPress boots with (the autoload query's answer) come from the environment.
$strangler_base     = json_decode( getenv( 'STRANGLER_REGISTRATION_OPTIONS' ) ?: '{}', true );
$strangler_options  = $strangler_base;
$strangler_redirect = null;
$strangler_docroot  = rtrim( $argv[1], '/' ) . '/';
$strangler_rollback = in_array( 'transactions', $argv, true );

$_SERVER['HTTP_HOST']      = 'localhost';
$_SERVER['SERVER_NAME']    = 'localhost';
$_SERVER['REQUEST_URI']    = '/wp-login.php?action=register';
$_SERVER['REQUEST_METHOD'] = 'POST';
$_SERVER['PHP_SELF']       = '/wp-login.php';
define( 'ABSPATH', $strangler_docroot );
require_once ABSPATH . 'wp-config.php';
error_reporting( E_ERROR | E_PARSE | E_COMPILE_ERROR | E_CORE_ERROR );

if ( ! has_filter( 'pre_wp_mail', '__return_true' ) ) {
	require __DIR__ . '/harness.php'; // a stack's WordPress has not loaded our must-use plugin
}

$strangler_seen = array();
add_filter(
	'registration_errors',
	function ( $errors, $login, $email ) {
		$GLOBALS['strangler_seen'] = array( 'login' => $login, 'email' => $email );
		return $errors;
	},
	PHP_INT_MAX,
	3
);
add_filter(
	'wp_pre_insert_user_data',
	function ( $data ) {
		$GLOBALS['strangler_seen']['stored'] = array_intersect_key( $data, array_flip( array( 'user_login', 'user_email', 'user_nicename', 'display_name' ) ) );
		return $data;
	},
	PHP_INT_MAX
);

function strangler_register( $login, $email ) {
	global $wpdb, $strangler_rollback, $strangler_seen;
	$strangler_seen = array();
	if ( $strangler_rollback ) {
		$wpdb->query( 'START TRANSACTION' );
	}
	$result = register_new_user( $login, $email );
	if ( $strangler_rollback ) {
		$wpdb->query( 'ROLLBACK' );
	}
	wp_cache_flush();
	if ( is_wp_error( $result ) ) {
		$errors = array();
		foreach ( $result->get_error_codes() as $code ) {
			foreach ( $result->get_error_messages( $code ) as $message ) {
				$errors[] = array( $code, $message );
			}
		}
		return array( 'errors' => $errors, 'seen' => $strangler_seen );
	}
	return array( 'user' => $strangler_seen );
}

function strangler_evaluate( array $request ) {
	global $strangler_options;
	global $strangler_base;
	$strangler_options = array_merge( $strangler_base, $request['options'] ?? array() );
	unset( $GLOBALS['locale'] ); // get_locale() caches the language: read WPLANG again
	$text              = $request['text'] ?? '';
	switch ( $request['fn'] ) {
		case 'register':
			return strangler_register( $request['login'], $request['email'] );
		case 'sanitize_user':
			return sanitize_user( $text, ! empty( $request['strict'] ) );
		case 'validate_username':
			return validate_username( $text );
		case 'is_email':
			return is_email( $text );
		case 'sanitize_email':
			return sanitize_email( $text );
		case 'remove_accents':
			return array_map( fn( $t ) => remove_accents( $t, $request['locale'] ?? '' ), (array) $text );
		case 'safe_redirect':
			$_SERVER['REQUEST_URI'] = $request['request_uri'] ?? '/wp-login.php?action=register';
			$GLOBALS['strangler_redirect'] = null;
			$location = ! empty( $text ) ? wp_slash( $text ) : 'wp-login.php?checkemail=registered';
			$location = wp_validate_redirect( wp_sanitize_redirect( $location ), admin_url() );
			return wp_sanitize_redirect( $location );
		case 'parse_url':
			return array_map( fn( $t ) => parse_url( $t ), (array) $text );
		case 'site':
			$site = array();
			foreach ( array( 'siteurl', 'home', 'admin_email', 'blogname', 'WPLANG', 'blog_public', 'users_can_register' ) as $name ) {
				$site[ $name ] = get_option( $name );
			}
			$site['login_url'] = wp_login_url();
			return $site;
	}
	throw new InvalidArgumentException( 'unknown fn ' . $request['fn'] );
}

while ( ( $line = fgets( STDIN ) ) !== false ) {
	try {
		$answer = array( 'output' => strangler_evaluate( json_decode( $line, true ) ) );
	} catch ( Throwable $error ) {
		$answer = array( 'error' => get_class( $error ) . ': ' . $error->getMessage() );
	}
	echo json_encode( $answer, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE ), "\n";
	flush();
}
