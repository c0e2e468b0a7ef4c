<?php
/**
 * Shared start of our PHP command-line scripts: read the JSON request on stdin, load the stock
 * WordPress through our document root (see wordpress/config/prepend.php.tmpl), answer JSON on stdout.
 */
function strangler_read_request() {
	$request = json_decode( stream_get_contents( STDIN ), true );
	if ( ! is_array( $request ) || empty( $request['docroot'] ) ) {
		fwrite( STDERR, "expected a JSON object with a docroot on stdin\n" );
		exit( 2 );
	}
	define( 'ABSPATH', rtrim( $request['docroot'], '/' ) . '/' );
	$url                    = parse_url( $request['public_url'] ?? 'http://localhost' );
	$_SERVER['HTTP_HOST']   = $url['host'] . ( isset( $url['port'] ) ? ':' . $url['port'] : '' );
	$_SERVER['SERVER_NAME'] = $url['host'];
	$_SERVER['REQUEST_URI'] = '/';
	return $request;
}

function strangler_answer( $answer ) {
	echo json_encode( $answer, JSON_UNESCAPED_SLASHES ), "\n";
}
