<?php
/**
 * WordPress's own comment notices for many cases in one process, captured as PHP's mail() hands them
 * to sendmail (sendmail_path: a script that writes each mail to $STRANGLER_OUTBOX).
 *
 * Protocol: one JSON case per line on stdin, one JSON answer per line on stdout.
 *   {"options": {...}, "posts": [wp_posts rows], "users": [wp_users rows], "usermeta": {id: {key: value}},
 *    "comments": [wp_comments rows], "waiting": N, "current_user": id, "comment_id": id,
 *    "hook": "comment_post" | "approve" | "new_user", "empty_trash_days": N, "user_id": id, "https": bool}
 *   "comment_post": do_action( 'comment_post', ... ) as wp_new_comment() fires it (both notices hooked);
 *   "approve": wp_set_comment_status( $id, 'approve' ) as wp-admin and the REST API call it;
 *   "new_user": wp_new_user_notification( $user_id, null, 'both' ) as register_new_user sends it.
 *   answer {"mails": ["<raw mail>", ...], "keys": [set-password keys get_password_reset_key made]}
 *   or {"error": "..."}
 * Environment: STRANGLER_WP_CONTENT_DIR (holds our db.php), STRANGLER_OUTBOX, STRANGLER_EMPTY_TRASH_DAYS.
 */
error_reporting( E_ALL & ~E_DEPRECATED & ~E_NOTICE & ~E_WARNING );
ini_set( 'display_errors', 'stderr' );
define( 'ABSPATH', '/usr/share/wordpress/' );
define( 'WP_CONTENT_DIR', getenv( 'STRANGLER_WP_CONTENT_DIR' ) );
define( 'DB_NAME', 'offline' );
define( 'DB_USER', 'offline' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', 'offline' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
define( 'DISABLE_WP_CRON', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_DEBUG', false );
define( 'EMPTY_TRASH_DAYS', (int) getenv( 'STRANGLER_EMPTY_TRASH_DAYS' ) );
$table_prefix = 'wp_';

$strangler_case    = array( 'posts' => array(), 'users' => array(), 'comments' => array(), 'waiting' => 0 );
$strangler_options = array( 'home' => 'http://site.test', 'siteurl' => 'http://site.test' );
// Roles kept in memory (WP_Roles does not use the database when this global is set): populated below.
$wp_user_roles = array( 'strangler' => array( 'name' => 'placeholder', 'capabilities' => array() ) );

$_SERVER['HTTP_HOST']   = 'site.test';
$_SERVER['SERVER_NAME'] = 'site.test';
$_SERVER['REQUEST_URI'] = '/wp-comments-post.php';

require_once ABSPATH . 'wp-settings.php';
error_reporting( E_ERROR | E_PARSE | E_COMPILE_ERROR | E_CORE_ERROR );

add_filter(
	'pre_option',
	function ( $pre, $option ) {
		global $strangler_options;
		return array_key_exists( $option, $strangler_options ) ? $strangler_options[ $option ] : $pre;
	},
	1,
	2
);
foreach ( array( 'post_link', 'page_link', 'post_type_link', 'attachment_link' ) as $strangler_filter ) {
	add_filter(
		$strangler_filter,
		function ( $link, $post ) {
			global $strangler_case;
			$id = is_object( $post ) ? $post->ID : $post;
			foreach ( $strangler_case['posts'] as $row ) {
				if ( (string) $row['ID'] === (string) $id && isset( $row['strangler_link'] ) ) {
					return $row['strangler_link'];
				}
			}
			return $link;
		},
		10,
		2
	);
}

require_once ABSPATH . 'wp-admin/includes/schema.php';
populate_roles();
wp_roles()->remove_role( 'strangler' );

$strangler_keys = array();
add_action(
	'retrieve_password_key',
	function ( $login, $key ) {
		$GLOBALS['strangler_keys'][] = $key;
	},
	10,
	2
);

function strangler_run( array $case ) {
	global $strangler_case, $strangler_options, $wp_rewrite, $strangler_keys;
	$strangler_keys = array();
	$strangler_case    = $case;
	$strangler_options = $case['options'];
	wp_cache_flush();
	unset( $GLOBALS['phpmailer'] ); // a new request's PHPMailer (its Encoding sticks from one mail to the next)
	$wp_rewrite->init();
	wp_set_current_user( $case['current_user'] ?? 0 );
	$_SERVER['HTTPS'] = empty( $case['https'] ) ? 'off' : 'on';
	$id = $case['comment_id'] ?? 0;
	if ( 'new_user' === $case['hook'] ) {
		wp_new_user_notification( $case['user_id'], null, 'both' );
	} elseif ( 'approve' === $case['hook'] ) {
		wp_set_comment_status( $id, 'approve' );
		remove_action( 'wp_set_comment_status', 'wp_new_comment_notify_postauthor' );
	} else {
		$comment = get_comment( $id );
		do_action( 'comment_post', $id, $comment->comment_approved, (array) $comment );
	}
	$outbox = getenv( 'STRANGLER_OUTBOX' );
	$files  = glob( "$outbox/*.eml" );
	sort( $files );
	$mails = array();
	foreach ( $files as $file ) {
		$mails[] = file_get_contents( $file );
		unlink( $file );
	}
	return array( 'mails' => $mails, 'keys' => $strangler_keys );
}

while ( ( $line = fgets( STDIN ) ) !== false ) {
	try {
		$answer = strangler_run( json_decode( $line, true ) );
	} catch ( Throwable $error ) {
		$answer = array( 'error' => get_class( $error ) . ': ' . $error->getMessage() );
	}
	echo json_encode( $answer, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE ), "\n";
	flush();
}
