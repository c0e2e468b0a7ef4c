<?php
/**
 * Formatting runner: evaluates WordPress's own formatting functions for many inputs in one process.
 *
 * Protocol: one JSON object per line on stdin, one JSON object per line on stdout.
 *   request  {"fn": "...", "text": "...", "options": {...}, "post": {...}|null, "posts": [...], "meta": {...},
 *             "site": {"options": {...}, "posts": [...], "users": [...], "comments": [...], "terms": [...]}}
 *   "site" is the site around the post (what dynamic blocks show): its options (blogname...) and its
 *   published posts and pages (with their term ids), which post queries find besides the request's "posts",
 *   its users (rows of wp_users, and their description) and its approved comments, which comment
 *   queries find, and its terms (with their counts of published posts), which term queries find. Site
 *   posts may carry their "meta" (e.g. _thumbnail_id), and the attachments of their featured images are
 *   site posts too.
 *   answer   {"output": "...", "seconds": evaluation time} or {"error": "..."}
 * With "isolated": true the request runs in a fork, as if it were the only one of its PHP request.
 * Comment submission: "fn" pre_comment_content, pre_comment_author_name, pre_comment_author_email or
 * pre_comment_author_url answers what WordPress stores of that field for an anonymous visitor (the
 * filters run on slashed data, the result is unslashed); "wp_kses" filters with "allowed_html" (a context,
 * default 'data': $allowedtags); "parse_url" answers the JSON of PHP's parse_url().
 * Environment: STRANGLER_WP_CONTENT_DIR is a private content directory holding db.php (our offline
 * wpdb) and a themes link; STRANGLER_WP_OPTIONS is the JSON of the autoloaded options.
 * WordPress's files are loaded unmodified from ABSPATH (default /usr/share/wordpress/).
 */
error_reporting( E_ALL & ~E_DEPRECATED & ~E_NOTICE & ~E_WARNING );
ini_set( 'display_errors', 'stderr' );

define( 'ABSPATH', rtrim( getenv( 'STRANGLER_WP_ABSPATH' ) ?: '/usr/share/wordpress', '/' ) . '/' );
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
$table_prefix = 'wp_';

$strangler_base_options = json_decode( getenv( 'STRANGLER_WP_OPTIONS' ) ?: '{}', true );
$strangler_options      = $strangler_base_options;
$strangler_posts        = array();
$strangler_comments     = array();
$strangler_terms        = array();

$home                   = parse_url( $strangler_options['home'] ?? 'http://localhost' );
$_SERVER['HTTP_HOST']   = $home['host'] . ( isset( $home['port'] ) ? ':' . $home['port'] : '' );
$_SERVER['SERVER_NAME'] = $home['host'];
$_SERVER['REQUEST_URI'] = '/wp-json/wp/v2/posts';

// A fatal error PHP cannot catch (e.g. memory exhausted by a block rendering itself) still gets an answer:
// this runs before WordPress's own shutdown hooks (which would flush the half-rendered output).
$strangler_answering = false;
register_shutdown_function(
	function () {
		global $strangler_answering;
		if ( ! $strangler_answering ) {
			return;
		}
		while ( ob_get_level() > 0 ) {
			ob_end_clean();
		}
		$error = error_get_last();
		echo json_encode( array( 'error' => 'fatal error: ' . ( $error['message'] ?? 'unknown' ) ) ), "\n";
		flush();
		posix_kill( posix_getpid(), SIGKILL ); // no other shutdown hooks: they could write to stdout
	}
);

require_once ABSPATH . 'wp-settings.php';

// WordPress reset error reporting while loading; warnings must not clutter the harness's stderr.
error_reporting( E_ERROR | E_PARSE | E_COMPILE_ERROR | E_CORE_ERROR );
ini_set( 'display_errors', 'stderr' );

// What an anonymous REST request is: no user, REST_REQUEST, never the network.
define( 'REST_REQUEST', true );
wp_set_current_user( 0 );
// A URL without a host goes on to WordPress's own check (which refuses it without any lookup).
add_filter(
	'pre_http_request',
	fn( $pre, $args, $url ) => empty( parse_url( $url, PHP_URL_HOST ) ) ? $pre : new WP_Error( 'http_request_failed', 'offline' ),
	1,
	3
);

// Per-request options: WordPress reads them through get_option(), answered here.
add_filter(
	'pre_option',
	function ( $pre, $option ) {
		global $strangler_options;
		return array_key_exists( $option, $strangler_options ) ? $strangler_options[ $option ] : $pre;
	},
	1,
	2
);

// A protected post whose password the request gave (``strangler_password_given``) is not asked for it,
// as the REST API's check_password_required() answers for the post requested with its password.
add_filter(
	'post_password_required',
	function ( $required, $post ) {
		global $strangler_posts;
		$post = get_post( $post );
		return $required && ! ( $post && ! empty( $strangler_posts[ $post->ID ]->strangler_password_given ) );
	},
	10,
	2
);

// Post, term and comment queries are answered from the request's data (queries.php).
require __DIR__ . '/queries.php';

add_filter(
	'attachment_link',
	function ( $link, $post_id ) {
		global $strangler_posts;
		return $strangler_posts[ $post_id ]->strangler_link ?? $link;
	},
	10,
	2
);

function strangler_post( array $fields ) {
	$defaults = array(
		'ID'             => 0,
		'post_author'    => '1',
		'post_date'      => '2020-01-01 00:00:00',
		'post_date_gmt'  => '2020-01-01 00:00:00',
		'post_content'   => '',
		'post_title'     => '',
		'post_excerpt'   => '',
		'post_status'    => 'publish',
		'post_name'      => '',
		'post_parent'    => 0,
		'post_type'      => 'post',
		'post_mime_type' => '',
		'menu_order'     => 0,
		'guid'           => '',
		'comment_count'  => 0,
		'filter'         => 'raw',
	);
	$post = new WP_Post( (object) array_merge( $defaults, $fields ) );
	if ( isset( $fields['link'] ) ) {
		$post->strangler_link = $fields['link'];
	}
	$post->strangler_terms = array_map( 'intval', $fields['terms'] ?? array() );
	return $post;
}

/** Post meta as the meta cache holds it: lists of strings (PHP-serialized for structured values). */
function strangler_meta( array $meta ) {
	foreach ( $meta as $key => $values ) {
		$meta[ $key ] = array_map( fn( $v ) => is_string( $v ) ? $v : serialize( $v ), (array) $values );
	}
	return $meta;
}

/**
 * WordPress reads the permalink options into $wp_rewrite (and the category and tag bases into their
 * taxonomies' rewrite rules) while loading: re-read them when a request's options change them.
 */
function strangler_rewrite() {
	global $wp_rewrite, $strangler_options, $strangler_rewrite_key;
	$key = array();
	foreach ( array( 'permalink_structure', 'category_base', 'tag_base' ) as $name ) {
		$key[ $name ] = $strangler_options[ $name ] ?? '';
	}
	if ( ( $strangler_rewrite_key ?? array( 'permalink_structure' => '', 'category_base' => '', 'tag_base' => '' ) ) === $key ) {
		return;
	}
	$strangler_rewrite_key = $key;
	$wp_rewrite->init();
	create_initial_taxonomies();
}

/** Makes the request's data what WordPress will find, and the request's post the global post. */
function strangler_prepare( array $request ) {
	global $strangler_options, $strangler_base_options, $strangler_posts, $strangler_comments, $strangler_terms, $post;
	global $monthnum, $year;
	$site              = $request['site'] ?? array();
	// The request's time shows in the calendar: its month (its day, "today", is the clock's).
	$monthnum = isset( $site['now'] ) ? substr( $site['now'], 5, 2 ) : '';
	$year     = isset( $site['now'] ) ? substr( $site['now'], 0, 4 ) : '';
	// WordPress's is_ssl(): the request's scheme (Gravatar URLs depend on it).
	$_SERVER['HTTPS'] = 0 === stripos( $site['request_url'] ?? '', 'https:' ) ? 'on' : 'off';
	$url                    = parse_url( $site['request_url'] ?? '/wp-json/wp/v2/posts' );
	$_SERVER['REQUEST_URI'] = ( $url['path'] ?? '/' ) . ( isset( $url['query'] ) ? '?' . $url['query'] : '' );
	$_GET                   = array(); // the request's arguments (a query loop's page, ``paged``)
	parse_str( $url['query'] ?? '', $_GET );
	$strangler_options = array_merge( $strangler_base_options, $site['options'] ?? array(), $request['options'] ?? array() );
	strangler_rewrite();
	wp_cache_flush();
	$strangler_posts = array();
	foreach ( $request['posts'] ?? array() as $fields ) {
		$attachment                           = strangler_post( $fields );
		$strangler_posts[ $attachment->ID ]   = $attachment;
		wp_cache_add( $attachment->ID, $attachment, 'posts' );
	}
	foreach ( $request['meta'] ?? array() as $post_id => $meta ) {
		wp_cache_set( (int) $post_id, strangler_meta( $meta ), 'post_meta' );
	}
	$post = null;
	if ( ! empty( $request['post'] ) ) {
		$site_fields = array();
		foreach ( $site['posts'] ?? array() as $fields ) {
			if ( (int) $fields['ID'] === (int) $request['post']['ID'] ) {
				$site_fields = $fields; // the post's title, dates, author... as the site has them
			}
		}
		$post = strangler_post( array_merge( $site_fields, $request['post'] ) );
		wp_cache_add( $post->ID, $post, 'posts' );
		if ( false === wp_cache_get( $post->ID, 'post_meta' ) ) {
			wp_cache_set( $post->ID, array(), 'post_meta' );
		}
		setup_postdata( $post );
	}
	foreach ( $site['users'] ?? array() as $user ) {
		$user = (object) $user;
		wp_cache_set( $user->ID, $user, 'users' );
		wp_cache_set( $user->user_login, $user->ID, 'userlogins' );
		wp_cache_set( $user->ID, array( 'description' => array( $user->description ?? '' ) ), 'user_meta' );
	}
	$strangler_terms = array();
	foreach ( $site['terms'] ?? array() as $fields ) {
		$term = new WP_Term( (object) array_merge( array( 'term_group' => 0, 'filter' => 'raw' ), $fields ) );
		$strangler_terms[ $term->term_id ] = $term;
		wp_cache_set( $term->term_id, $term, 'terms' );
		wp_cache_set( $term->term_id, array(), 'term_meta' );
	}
	$strangler_comments = array();
	foreach ( $site['comments'] ?? array() as $fields ) {
		$comment = new WP_Comment( (object) array_merge( array( 'comment_approved' => '1', 'comment_type' => 'comment' ), $fields ) );
		$strangler_comments[ $comment->comment_ID ] = $comment;
		wp_cache_set( $comment->comment_ID, $comment, 'comment' );
		wp_cache_set( $comment->comment_ID, array(), 'comment_meta' );
	}
	foreach ( $site['posts'] ?? array() as $fields ) {
		$site_post = strangler_post( $fields );
		if ( ! wp_cache_add( $site_post->ID, $site_post, 'posts' ) ) {
			$site_post = wp_cache_get( $site_post->ID, 'posts' ); // the request's post, with its content
		}
		$strangler_posts[ $site_post->ID ] = $site_post;
		if ( ! empty( $fields['meta'] ) ) { // the request's own meta (of its post) wins
			$given = wp_cache_get( $site_post->ID, 'post_meta' );
			wp_cache_set( $site_post->ID, array_merge( strangler_meta( $fields['meta'] ), $given ?: array() ), 'post_meta' );
		}
	}
	// Each post's terms by taxonomy, as the object term cache holds them (by name).
	$by_name = $strangler_terms;
	uasort( $by_name, fn( $a, $b ) => array( mb_strtolower( $a->name ), $a->term_id ) <=> array( mb_strtolower( $b->name ), $b->term_id ) );
	foreach ( $strangler_posts as $id => $site_post ) {
		$relationships = array( 'category' => array(), 'post_tag' => array() );
		foreach ( $by_name as $term ) {
			if ( in_array( $term->term_id, $site_post->strangler_terms ?? array(), true ) ) {
				$relationships[ $term->taxonomy ][] = $term->term_id;
			}
		}
		foreach ( $relationships as $taxonomy => $term_ids ) {
			wp_cache_set( $id, $term_ids, "{$taxonomy}_relationships" );
		}
	}
	foreach ( array_keys( $strangler_posts ) as $id ) {
		if ( false === wp_cache_get( $id, 'post_meta' ) ) {
			wp_cache_set( $id, array(), 'post_meta' );
		}
	}
}

/** The renderings an anonymous REST request makes, and single formatting functions for unit tests. */
function strangler_evaluate( array $request ) {
	global $post;
	$text = $request['text'] ?? '';
	switch ( $request['fn'] ) {
		case 'the_content':
			return apply_filters( 'the_content', $text );
		case 'the_title':
			return apply_filters( 'the_title', $text, $post ? $post->ID : 0 );
		case 'the_excerpt':
			$excerpt = apply_filters( 'get_the_excerpt', $text, $post );
			return apply_filters( 'the_excerpt', $excerpt );
		case 'comment_text':
			return apply_filters( 'comment_text', $text, null, array() );
		case 'wpautop':
			return wpautop( $text, $request['br'] ?? true );
		case 'wptexturize':
		case 'shortcode_unautop':
		case 'convert_smilies':
		case 'convert_chars':
		case 'capital_P_dangit':
		case 'make_clickable':
		case 'force_balance_tags':
		case 'do_shortcode':
		case 'strip_shortcodes':
		case 'do_blocks':
		case 'excerpt_remove_blocks':
		case 'wp_filter_content_tags':
		case 'wp_strip_all_tags':
		case 'safecss_filter_attr':
			return call_user_func( $request['fn'], $text );
		case 'wp_trim_words':
			return wp_trim_words( $text, $request['num_words'] ?? 55, $request['more'] ?? null );
		case 'pre_comment_content':
		case 'pre_comment_author_name':
		case 'pre_comment_author_email':
		case 'pre_comment_author_url':
			// What wp_new_comment() stores of a visitor's field: its filters see slashed data (the submission
			// is wp_slash()ed for wp_new_comment) and wp_insert_comment() unslashes it.
			return wp_unslash( apply_filters( $request['fn'], wp_slash( $text ) ) );
		case 'wp_kses':
			// ``allowed_html``: a context name ('data' is $allowedtags) or a list of allowed tags.
			return wp_kses( $text, $request['allowed_html'] ?? 'data', $request['allowed_protocols'] ?? array() );
		case 'esc_url':
		case 'esc_url_raw':
			return call_user_func( $request['fn'], $text );
		case 'wp_kses_bad_protocol':
			return wp_kses_bad_protocol( $text, wp_allowed_protocols() );
		case 'parse_url':
			return json_encode( parse_url( $text ), JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE );
		default:
			throw new InvalidArgumentException( 'unknown function ' . $request['fn'] );
	}
}

function strangler_answer( array $request ) {
	global $strangler_answering;
	$strangler_answering = true;
	$level               = ob_get_level();
	ob_start(); // whatever a filter echoes must not reach the protocol's stdout
	try {
		strangler_prepare( $request );
		$started = hrtime( true );
		$output  = (string) strangler_evaluate( $request );
		$answer  = array(
			'output'  => $output,
			'seconds' => ( hrtime( true ) - $started ) / 1e9,
		);
	} catch ( Throwable $e ) {
		$answer = array( 'error' => get_class( $e ) . ': ' . $e->getMessage() );
	} finally {
		while ( ob_get_level() > $level ) {
			ob_end_clean();
		}
	}
	$strangler_answering = false;
	echo json_encode( $answer, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE ), "\n";
	flush();
}

// An isolated request is evaluated in a forked copy of the process, so that it starts from the state
// right after WordPress loaded (WordPress counts galleries, players and unique ids per request).
while ( false !== ( $line = fgets( STDIN ) ) ) {
	if ( '' === trim( $line ) ) {
		continue;
	}
	$request = json_decode( $line, true );
	if ( empty( $request['isolated'] ) ) {
		strangler_answer( $request );
		continue;
	}
	$child = pcntl_fork();
	if ( 0 === $child ) {
		strangler_answer( $request );
		posix_kill( posix_getpid(), SIGKILL ); // no shutdown hooks: they could write to stdout
	}
	pcntl_waitpid( $child, $status );
}
