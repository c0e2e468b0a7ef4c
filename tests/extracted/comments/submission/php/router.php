<?php
/**
 * Router of the comment submission harness's `php -S` server: each request names its scenario (the
 * X-Strangler-Scenario header: the path of a JSON file) and is answered by the stock wp-comments-post.php.
 *
 * scenario  {"options": {...}, "https": bool, "empty_trash_days": EMPTY_TRASH_DAYS, "posts": [post rows, "age": seconds since post_date_gmt], "meta": {...},
 *            "comments": [stored comment rows, "age": seconds before the new comment],
 *            "users": [{"ID", "user_email"}], "remote_addr": REMOTE_ADDR, "capture": path}
 * capture   PHP's $_POST and $_COOKIE ("request", JSON), what the database was asked and the rows inserted (db.php), the times WordPress checked the
 *           post at and set the cookies at, the post dates it read, its status; strings that are not
 *           UTF-8 as {"__bytes__": base64}.
 * Everything else (the method, the body PHP parses, the cookies and headers) is the real request's.
 */
error_reporting( E_ALL & ~E_DEPRECATED & ~E_NOTICE & ~E_WARNING );
function strangler_jsonable( $value ) {
	if ( is_array( $value ) ) {
		return array_map( 'strangler_jsonable', $value );
	}
	if ( is_string( $value ) && ! mb_check_encoding( $value, 'UTF-8' ) ) {
		return array( '__bytes__' => base64_encode( $value ) );
	}
	return $value;
}

$strangler_scenario = json_decode( file_get_contents( $_SERVER['HTTP_X_STRANGLER_SCENARIO'] ), true );
unset( $_SERVER['HTTP_X_STRANGLER_SCENARIO'] );
$strangler_options  = $strangler_scenario['options'];
$strangler_posts    = array();
$strangler_meta     = $strangler_scenario['meta'] ?? array();
$strangler_redirect = null;
$strangler_inserted = array();
$strangler_capture  = array( 'queries' => array(), 'asked' => array(), 'inserted' => array(), 'times' => array(), 'post_dates' => array() );
// PHP's own parsing of the body and the cookies, before WordPress adds its magic quotes (arrays as objects)
$strangler_capture['request'] = json_encode( strangler_jsonable( array( 'post' => $_POST, 'cookie' => $_COOKIE ) ), JSON_FORCE_OBJECT | JSON_UNESCAPED_SLASHES );
if ( ! empty( $strangler_scenario['https'] ) ) {
	$_SERVER['HTTPS'] = 'on';
}
if ( isset( $strangler_scenario['empty_trash_days'] ) ) {
	define( 'EMPTY_TRASH_DAYS', $strangler_scenario['empty_trash_days'] );
}
if ( isset( $strangler_scenario['remote_addr'] ) ) {
	$_SERVER['REMOTE_ADDR'] = $strangler_scenario['remote_addr'];
}

register_shutdown_function(
	function () {
		$GLOBALS['strangler_capture']['status'] = http_response_code();
		file_put_contents( $GLOBALS['strangler_scenario']['capture'], json_encode( strangler_jsonable( $GLOBALS['strangler_capture'] ), JSON_UNESCAPED_SLASHES ) );
	}
);

define( 'ABSPATH', rtrim( $_SERVER['DOCUMENT_ROOT'], '/' ) . '/' );
require ABSPATH . 'wp-comments-post.php';
