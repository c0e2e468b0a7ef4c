<?php
/**
 * The site-wide pieces of the theme's pages, rendered ahead of time by the installed WordPress for the
 * content service (extracted/content/pages): never on a visitor's request path.
 *
 * Request (stdin, JSON): {"docroot": ..., "public_url": ..., "server_name": ..., "options": [names],
 * "post_types": [types]}; server_name is $_SERVER['SERVER_NAME'] as the web server gives it to WordPress
 * (the stack's nginx: "_"), which decides the head's dns-prefetch hints.
 * Answer (stdout, one JSON line):
 *   inputs     what the pieces were made from, read in the same transaction as they were rendered:
 *              {"options": {name: value|null}, "posts": [[ID, post_type, post_status, post_name,
 *              post_parent, menu_order, post_modified_gmt, post_title, md5(post_content)], ...]} for the
 *              options and post types asked (the service compares them with its read model: stale
 *              pieces are never served)
 *   documents  {"404": {"parts": [before the title, between the title and the body class, after the
 *              body class], "title": what WordPress printed inside <title>, "body_class": its classes,
 *              "headers": [[name, value], ...], "status": 404}}
 *   global_styles  wp_get_global_stylesheet(): theme.json and the user's styles, as the head inlines it
 *
 * The 404 document is what WordPress's template loader renders for an anonymous visitor's 404 (the
 * query ``error=404``: no queried object, as for any unknown path): template-canvas.php with the
 * theme's 404 block template, wp_head and wp_footer. Its headers are those WP::send_headers and
 * rest_output_link_header send for it.
 */
require __DIR__ . '/bootstrap.php';
$request = strangler_read_request();

define( 'WP_USE_THEMES', true );
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['REQUEST_URI']    = '/';
if ( isset( $request['server_name'] ) ) {
	$_SERVER['SERVER_NAME'] = $request['server_name'];
}
require ABSPATH . 'wp-load.php';

global $wpdb;
// One consistent snapshot: what the pieces show and the inputs they report come from the same reads.
$wpdb->query( 'START TRANSACTION WITH CONSISTENT SNAPSHOT' );
wp_set_current_user( 0 );

/** The values of the options asked, as stored (null: no such row). */
function strangler_inputs( $request ) {
	global $wpdb;
	$options = array();
	foreach ( $request['options'] ?? array() as $name ) {
		// not get_var(), which makes an empty value null
		$row              = $wpdb->get_row( $wpdb->prepare( "SELECT option_value FROM $wpdb->options WHERE option_name = %s", $name ), ARRAY_N );
		$options[ $name ] = null === $row ? null : $row[0];
	}
	$posts = array();
	$types = $request['post_types'] ?? array();
	if ( $types ) {
		$in   = implode( ',', array_fill( 0, count( $types ), '%s' ) );
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT ID, post_type, post_status, post_name, post_parent, menu_order, post_modified_gmt, post_title, MD5(post_content) AS digest
				FROM $wpdb->posts WHERE post_type IN ($in) ORDER BY ID",
				$types
			),
			ARRAY_N
		);
		foreach ( $rows as $row ) {
			$posts[] = array( (int) $row[0], $row[1], $row[2], $row[3], (int) $row[4], (int) $row[5], $row[6], $row[7], $row[8] );
		}
	}
	return array( 'options' => $options, 'posts' => $posts );
}

/** The headers WordPress sends with the main query's answer (WP::send_headers, then the REST API's Link). */
function strangler_headers( $wp ) {
	$captured = array();
	add_filter(
		'wp_headers',
		function ( $headers ) use ( &$captured ) {
			$captured = $headers;
			return $headers;
		},
		PHP_INT_MAX
	);
	$wp->send_headers();
	$headers = array();
	foreach ( $captured as $name => $value ) {
		if ( false !== $value && 'Last-Modified' !== $name ) {
			$headers[] = array( $name, $value );
		}
	}
	$headers[] = array( 'Link', '<' . esc_url_raw( get_rest_url() ) . '>; rel="https://api.w.org/"' );
	return $headers;
}

/** The document the template loader renders for the main query, split at the title and body class. */
function strangler_document( $template ) {
	$template = apply_filters( 'template_include', $template );
	ob_start();
	include $template;
	$html = ob_get_clean();
	if ( ! preg_match( '#<title>(.*?)</title>\n#s', $html, $title, PREG_OFFSET_CAPTURE ) ) {
		return array( 'error' => 'no <title> in the document' );
	}
	$body = '<body class="' . esc_attr( implode( ' ', get_body_class() ) ) . '">';
	$at   = strpos( $html, $body );
	if ( false === $at ) {
		return array( 'error' => 'no body tag as body_class() gives it' );
	}
	$after_title = $title[0][1] + strlen( $title[0][0] );
	$class_at    = $at + strlen( '<body class="' );
	return array(
		'parts'      => array(
			substr( $html, 0, $title[0][1] ),
			substr( $html, $after_title, $class_at - $after_title ),
			substr( $html, $class_at + strlen( esc_attr( implode( ' ', get_body_class() ) ) ) ),
		),
		'title'      => $title[1][0],
		'body_class' => implode( ' ', get_body_class() ),
	);
}

$inputs = strangler_inputs( $request );

global $wp;
wp( 'error=404' );
$document = strangler_document( get_404_template() );
if ( isset( $document['error'] ) ) {
	fwrite( STDERR, $document['error'] . "\n" );
	exit( 1 );
}
$document['status']  = 404;
$document['headers'] = strangler_headers( $wp );

$wpdb->query( 'COMMIT' );
strangler_answer(
	array(
		'inputs'        => $inputs,
		'documents'     => array( '404' => $document ),
		'global_styles' => wp_get_global_stylesheet(),
		'wordpress'     => get_bloginfo( 'version' ),
	)
);
