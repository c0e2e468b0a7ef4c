<?php
/**
 * Import authors, terms, posts (any type, attachments as records), post meta and comments through
 * WordPress's own PHP API, as WordPress's importer does: the admin is the current user (so content
 * keeps its HTML), post IDs are kept where free (import_id), term and comment counts are deferred.
 *
 * Request: {docroot, public_url, admin_user, authors[], terms[], posts[], id_map{}}; posts may come
 * in several batches, each answering the id_map the next one continues from. Idempotent: an item seen
 * before (same WXR id, or same GUID, type, date and title in the database) is skipped.
 */
require __DIR__ . '/bootstrap.php';
$request = strangler_read_request();
define( 'WP_IMPORTING', true );
require ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/post.php';
require_once ABSPATH . 'wp-admin/includes/user.php';

global $wpdb;
$admin = get_user_by( 'login', $request['admin_user'] );
wp_set_current_user( $admin->ID );
wp_defer_term_counting( true );
wp_defer_comment_counting( true );

$answer = array(
	'authors'  => 0,
	'terms'    => 0,
	'posts'    => array(),
	'comments' => 0,
	'skipped'  => 0,
	'errors'   => array(),
	'id_map'   => (object) ( $request['id_map'] ?? array() ),
);
$id_map = (array) ( $request['id_map'] ?? array() );

$author_ids = array();
foreach ( $request['authors'] ?? array() as $author ) {
	$user_id = username_exists( $author['login'] );
	if ( ! $user_id ) {
		$user_id = wp_insert_user(
			wp_slash(
				array(
					'user_login'   => $author['login'],
					'user_email'   => $author['email'],
					'display_name' => $author['display_name'] ? $author['display_name'] : $author['login'],
					'first_name'   => $author['first_name'],
					'last_name'    => $author['last_name'],
					'description'  => $author['description'] ?? '',
					'user_url'     => $author['url'] ?? '',
					'role'         => $author['role'] ?? 'author',
					'user_pass'    => wp_generate_password( 24 ),
				)
			)
		);
		if ( is_wp_error( $user_id ) ) {
			$answer['errors'][] = 'author ' . $author['login'] . ': ' . $user_id->get_error_message();
			$user_id            = $admin->ID;
		} else {
			++$answer['authors'];
		}
	}
	$author_ids[ $author['login'] ] = (int) $user_id;
}

function strangler_term_id( $taxonomy, $slug ) {
	$found = term_exists( $slug, $taxonomy );
	return $found ? (int) ( is_array( $found ) ? $found['term_id'] : $found ) : 0;
}

function strangler_insert_term( $taxonomy, $slug, $name, $description, $parent_slug, &$answer ) {
	if ( ! taxonomy_exists( $taxonomy ) ) {
		$answer['errors'][] = "term $slug: unknown taxonomy $taxonomy";
		return 0;
	}
	$existing = strangler_term_id( $taxonomy, $slug );
	if ( $existing ) {
		return $existing;
	}
	$parent   = $parent_slug ? strangler_term_id( $taxonomy, $parent_slug ) : 0;
	$inserted = wp_insert_term(
		wp_slash( $name ),
		$taxonomy,
		array(
			'slug'        => $slug,
			'description' => wp_slash( $description ),
			'parent'      => $parent,
		)
	);
	if ( is_wp_error( $inserted ) ) {
		$answer['errors'][] = "term $taxonomy/$slug: " . $inserted->get_error_message();
		return 0;
	}
	++$answer['terms'];
	return (int) $inserted['term_id'];
}

foreach ( $request['terms'] ?? array() as $term ) {
	strangler_insert_term( $term['taxonomy'], $term['slug'], $term['name'], $term['description'], $term['parent_slug'], $answer );
}

$known_logins = $request['known_authors'] ?? array();
foreach ( $known_logins as $login ) {
	$user = get_user_by( 'login', $login );
	if ( $user ) {
		$author_ids[ $login ] = $user->ID;
	}
}

foreach ( $request['posts'] ?? array() as $post ) {
	// The same item twice (exports repeat menu items), or an item imported by an earlier run.
	$existing = $id_map[ $post['post_id'] ] ?? (int) $wpdb->get_var(
		$wpdb->prepare(
			"SELECT ID FROM {$wpdb->posts} WHERE guid = %s AND post_type = %s AND post_date = %s AND post_title = %s",
			'attachment' === $post['post_type'] && $post['attachment_url'] ? $post['attachment_url'] : $post['guid'],
			$post['post_type'],
			$post['date'],
			$post['title']
		)
	);
	if ( $existing ) {
		$id_map[ $post['post_id'] ] = $existing;
		++$answer['skipped'];
		continue;
	}
	$parent  = $post['parent'] ? ( $id_map[ $post['parent'] ] ?? 0 ) : 0;
	$postarr = array(
		'import_id'      => $post['post_id'],
		'post_author'    => $author_ids[ $post['creator'] ] ?? $admin->ID,
		'post_date'      => $post['date'],
		'post_date_gmt'  => $post['date_gmt'],
		'post_content'   => $post['content'],
		'post_excerpt'   => $post['excerpt'],
		'post_title'     => $post['title'],
		'post_status'    => $post['status'],
		'post_name'      => $post['name'],
		'comment_status' => $post['comment_status'],
		'ping_status'    => $post['ping_status'],
		'guid'           => $post['guid'],
		'post_parent'    => $parent,
		'menu_order'     => $post['menu_order'],
		'post_type'      => $post['post_type'],
		'post_password'  => $post['password'],
	);
	if ( 'attachment' === $post['post_type'] ) {
		$postarr['guid'] = $post['attachment_url'] ? $post['attachment_url'] : $post['guid'];
		$post_id         = wp_insert_attachment( wp_slash( $postarr ), false, $parent, true );
	} else {
		$post_id = wp_insert_post( wp_slash( $postarr ), true );
	}
	if ( is_wp_error( $post_id ) || ! $post_id ) {
		$answer['errors'][] = 'post ' . $post['post_id'] . ': ' . ( is_wp_error( $post_id ) ? $post_id->get_error_message() : 'not inserted' );
		continue;
	}
	$id_map[ $post['post_id'] ] = $post_id;
	$type                       = $post['post_type'];
	$answer['posts'][ $type ]   = ( $answer['posts'][ $type ] ?? 0 ) + 1;

	$by_taxonomy = array();
	foreach ( $post['terms'] as $term ) {
		$term_id = strangler_insert_term( $term['taxonomy'], $term['slug'], $term['name'], '', '', $answer );
		if ( $term_id ) {
			$by_taxonomy[ $term['taxonomy'] ][] = $term_id;
		}
	}
	foreach ( $by_taxonomy as $taxonomy => $term_ids ) {
		wp_set_post_terms( $post_id, $term_ids, $taxonomy );
	}

	foreach ( $post['meta'] as list( $key, $value ) ) {
		if ( '_edit_lock' === $key ) {
			continue;
		}
		add_post_meta( $post_id, wp_slash( $key ), wp_slash( maybe_unserialize( $value ) ) );
	}
	if ( $post['is_sticky'] ) {
		stick_post( $post_id );
	}

	$comment_ids = array();
	foreach ( $post['comments'] as $comment ) {
		$comment_id = wp_insert_comment(
			wp_slash(
				array(
					'comment_post_ID'      => $post_id,
					'comment_author'       => $comment['author'],
					'comment_author_email' => $comment['author_email'],
					'comment_author_url'   => $comment['author_url'],
					'comment_author_IP'    => $comment['author_ip'],
					'comment_date'         => $comment['date'],
					'comment_date_gmt'     => $comment['date_gmt'],
					'comment_content'      => $comment['content'],
					'comment_approved'     => $comment['approved'],
					'comment_type'         => $comment['comment_type'] ? $comment['comment_type'] : 'comment',
					'comment_parent'       => $comment_ids[ $comment['parent'] ] ?? 0,
					'user_id'              => $comment['user_login'] ? ( $author_ids[ $comment['user_login'] ] ?? 0 ) : 0,
				)
			)
		);
		if ( ! $comment_id ) {
			$answer['errors'][] = 'comment ' . $comment['comment_id'] . ' of post ' . $post['post_id'] . ': not inserted';
			continue;
		}
		$comment_ids[ $comment['comment_id'] ] = $comment_id;
		++$answer['comments'];
		foreach ( $comment['meta'] as list( $key, $value ) ) {
			add_comment_meta( $comment_id, wp_slash( $key ), wp_slash( maybe_unserialize( $value ) ) );
		}
	}
}

// Children that came before their parents: link them now, as WordPress's importer does.
foreach ( $request['posts'] ?? array() as $post ) {
	if ( ! $post['parent'] || ! isset( $id_map[ $post['post_id'] ], $id_map[ $post['parent'] ] ) ) {
		continue;
	}
	$local = $id_map[ $post['post_id'] ];
	if ( (int) get_post_field( 'post_parent', $local ) !== (int) $id_map[ $post['parent'] ] ) {
		$wpdb->update( $wpdb->posts, array( 'post_parent' => $id_map[ $post['parent'] ] ), array( 'ID' => $local ) );
		clean_post_cache( $local );
	}
}

wp_defer_term_counting( false );
wp_defer_comment_counting( false );
$answer['id_map'] = (object) $id_map;
strangler_answer( $answer );
