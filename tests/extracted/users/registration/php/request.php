<?php
/**
 * One request to wp-login.php as PHP-FPM would run it, in php-cli.
 *
 * Usage: php request.php DOCROOT REQUEST.json ANSWER.json
 *   request  {"method", "uri", "host", "https": bool, "get": {...}, "post": {...}, "cookies": {...},
 *             "options": {...}, "posts": [...], "meta": {post id: {key: [values]}}}
 *   answer   {"body": the page, "redirect": {"location", "status"}|null}
 * The superglobals are set before WordPress loads, so WordPress adds its magic quotes to them itself.
 */
error_reporting( E_ALL & ~E_DEPRECATED & ~E_NOTICE & ~E_WARNING );
$strangler_request     = json_decode( file_get_contents( $argv[2] ), true );
$strangler_answer_file = $argv[3];
$strangler_options     = $strangler_request['options'];
$strangler_posts       = $strangler_request['posts'] ?? array();
$strangler_meta        = $strangler_request['meta'] ?? array();
$strangler_redirect    = null;

$_SERVER = array_merge(
	$_SERVER,
	array(
		'REQUEST_METHOD'  => $strangler_request['method'],
		'REQUEST_URI'     => $strangler_request['uri'],
		'HTTP_HOST'       => $strangler_request['host'],
		'SERVER_NAME'     => $strangler_request['host'],
		'SCRIPT_NAME'     => '/wp-login.php',
		'PHP_SELF'        => '/wp-login.php',
		'SCRIPT_FILENAME' => rtrim( $argv[1], '/' ) . '/wp-login.php',
	)
);
if ( ! empty( $strangler_request['https'] ) ) {
	$_SERVER['HTTPS'] = 'on';
}
$_GET     = $strangler_request['get'];
$_POST    = $strangler_request['post'];
$_COOKIE  = $strangler_request['cookies'] ?? array();
$_REQUEST = array_merge( $_GET, $_POST );

register_shutdown_function(
	function () {
		$body = '';
		while ( ob_get_level() > 0 ) {
			$body = ob_get_clean() . $body;
		}
		file_put_contents(
			$GLOBALS['strangler_answer_file'],
			json_encode( array( 'body' => $body, 'redirect' => $GLOBALS['strangler_redirect'] ), JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE )
		);
	}
);

define( 'ABSPATH', rtrim( $argv[1], '/' ) . '/' );
ob_start();
require ABSPATH . 'wp-login.php';
