<?php
// Writes the document root's wp-config.php from the native template (wordpress/config/wp-config.php.tmpl)
// with the container's environment; values are escaped for the template's single-quoted PHP strings.
function setting( string $name, ?string $default = null ): string {
	$file = getenv( $name . '_FILE' );
	if ( false !== $file && '' !== $file ) {
		$value = file_get_contents( $file );
		if ( false === $value ) {
			fwrite( STDERR, "entrypoint: cannot read {$name}_FILE {$file}\n" );
			exit( 1 );
		}
		return rtrim( $value, "\r\n" );
	}
	$value = getenv( $name );
	if ( false !== $value && '' !== $value ) {
		return $value;
	}
	if ( null === $default ) {
		fwrite( STDERR, "entrypoint: {$name}_FILE or {$name} is required\n" );
		exit( 1 );
	}
	return $default;
}

$values = array(
	'db_name'     => setting( 'WORDPRESS_DB_NAME', 'wordpress' ),
	'db_user'     => setting( 'WORDPRESS_DB_USER', 'wordpress' ),
	'db_password' => setting( 'WORDPRESS_DB_PASSWORD' ),
	'db_host'     => setting( 'WORDPRESS_DB_HOST', 'mariadb:13306' ),
	'salt'        => setting( 'WORDPRESS_SALT' ),
	'public_url'  => rtrim( setting( 'WP_HOME', 'http://127.0.0.1:18000' ), '/' ),
	'content_dir' => '/var/lib/wordpress/wp-content',
);
$text = file_get_contents( '/etc/wp-strangler/templates/wp-config.php.tmpl' );
foreach ( $values as $key => $value ) {
	$text = str_replace( '{{' . $key . '}}', addcslashes( $value, "\\'" ), $text );
}
if ( false !== strpos( $text, '{{' ) ) {
	fwrite( STDERR, "entrypoint: wp-config.php.tmpl has a placeholder this image does not know\n" );
	exit( 1 );
}
file_put_contents( '/var/lib/wordpress/docroot/wp-config.php', $text );
