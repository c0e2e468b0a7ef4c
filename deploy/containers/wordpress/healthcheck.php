<?php
// Healthy when nginx and PHP-FPM answer wp-login.php (any status below 500; a redirect is not followed).
$context = stream_context_create( array( 'http' => array( 'ignore_errors' => true, 'follow_location' => 0, 'timeout' => 4 ) ) );
$body = @file_get_contents( 'http://127.0.0.1:18080/wp-login.php', false, $context );
$status = isset( $http_response_header[0] ) ? (int) explode( ' ', $http_response_header[0] )[1] : 0;
exit( $status > 0 && $status < 500 ? 0 : 1 );
