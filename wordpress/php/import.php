<?php
/**
 * Import authors, terms, posts (attachments as records), post meta and comments through WordPress's
 * own PHP API, deciding what to import as WordPress's importer (0.8) does: the admin is the current
 * user (so content keeps its HTML), post IDs are kept where free (import_id), term and comment
 * counts are deferred. Like the importer, and reported in skipped_items as [kind, identifier, reason]:
 * a post of a post type WordPress does not know, an auto-draft, a post id seen earlier in the export
 * and an attachment without a file URL are skipped (with their comments); a term of an unknown
 * taxonomy is skipped; a term whose parent is missing goes to the top level; a post whose author is
 * unknown, or whose user WordPress refused to create, is attributed to the admin. Author logins are
 * WordPress's (sanitize_user, strict) and matched ignoring case, as the user table compares them.
 *
 * Request: {docroot, public_url, admin_user, authors[], author_ids{}, terms[], posts[], id_map{},
 * links[], thumbnails[]}; posts come in batches, each answering the id_map and author_ids the next
 * continues from, and the parents and featured images it could not resolve yet (pending_links,
 * pending_thumbnails), which a last request (links, thumbnails) resolves once every post is in, as the
 * importer's backfill_parents and remap_featured_images do. Idempotent: an item imported before (same
 * GUID, type, date and title in the database) is skipped.
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
	'authors'            => 0,
	'terms'              => 0,
	'posts'              => array(),
	'comments'           => 0,
	'skipped'            => 0,
	'skipped_items'      => array(),
	'errors'             => array(),
	'pending_links'      => array(),
	'pending_thumbnails' => array(),
);
$id_map     = (array) ( $request['id_map'] ?? array() );
$author_ids = (array) ( $request['author_ids'] ?? array() );

function strangler_skip( &$answer, $kind, $identifier, $reason ) {
	$answer['skipped_items'][] = array( $kind, (string) $identifier, $reason );
}

function strangler_author_key( $login ) {
	return strtolower( sanitize_user( $login, true ) );
}

function strangler_post_label( $post ) {
	$title = trim( wp_strip_all_tags( $post['title'] ) );
	return $post['post_type'] . ' ' . $post['post_id'] . ( '' === $title ? '' : ' "' . mb_strimwidth( $title, 0, 60, '…' ) . '"' );
}

foreach ( $request['authors'] ?? array() as $author ) {
	$login = sanitize_user( $author['login'], true );
	if ( '' === $login ) {
		strangler_skip( $answer, 'author', $author['login'], 'no usable login (sanitize_user leaves nothing): their posts are attributed to ' . $admin->user_login );
		continue;
	}
	if ( isset( $author_ids[ strtolower( $login ) ] ) ) {
		continue;
	}
	$user_id = username_exists( $login );
	if ( ! $user_id ) {
		$user_id = wp_insert_user(
			wp_slash(
				array(
					'user_login'   => $login,
					'user_email'   => $author['email'],
					'display_name' => $author['display_name'] ? $author['display_name'] : $login,
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
			strangler_skip( $answer, 'author', $login, 'WordPress refused to create the user (' . $user_id->get_error_message() . '): their posts are attributed to ' . $admin->user_login );
			$user_id = $admin->ID;
		} else {
			++$answer['authors'];
		}
	}
	$author_ids[ strtolower( $login ) ] = (int) $user_id;
}

function strangler_term_id( $taxonomy, $slug ) {
	$found = term_exists( $slug, $taxonomy );
	return $found ? (int) ( is_array( $found ) ? $found['term_id'] : $found ) : 0;
}

function strangler_insert_term( $term, &$answer ) {
	static $refused = array();
	$taxonomy = $term['taxonomy'];
	$slug     = $term['slug'];
	$key      = "$taxonomy/$slug";
	if ( isset( $refused[ $key ] ) ) {
		return 0;
	}
	if ( ! taxonomy_exists( $taxonomy ) ) {
		$refused[ $key ] = true;
		strangler_skip( $answer, 'term', $key, "invalid taxonomy $taxonomy (not registered in this WordPress)" );
		return 0;
	}
	$existing = strangler_term_id( $taxonomy, $slug );
	if ( $existing ) {
		return $existing;
	}
	$parent_slug = $term['parent_slug'] ?? '';
	$parent      = $parent_slug ? strangler_term_id( $taxonomy, $parent_slug ) : 0;
	if ( $parent_slug && ! $parent ) {
		strangler_skip( $answer, 'term', $key, "parent $parent_slug is neither in the export nor in WordPress: imported at the top level" );
	}
	$inserted = wp_insert_term(
		wp_slash( $term['name'] ),
		$taxonomy,
		array(
			'slug'        => $slug,
			'description' => wp_slash( $term['description'] ?? '' ),
			'parent'      => $parent,
		)
	);
	if ( is_wp_error( $inserted ) ) {
		$refused[ $key ] = true;
		strangler_skip( $answer, 'term', $key, 'WordPress refused it: ' . $inserted->get_error_message() );
		return 0;
	}
	++$answer['terms'];
	foreach ( $term['meta'] ?? array() as list( $meta_key, $value ) ) {
		add_term_meta( $inserted['term_id'], wp_slash( $meta_key ), wp_slash_strings_only( maybe_unserialize( $value ) ) );
	}
	return (int) $inserted['term_id'];
}

foreach ( $request['terms'] ?? array() as $term ) {
	strangler_insert_term( $term, $answer );
}

function strangler_skip_comments( $post, &$answer ) {
	foreach ( $post['comments'] as $comment ) {
		strangler_skip( $answer, 'comment', $comment['comment_id'] . ' of ' . strangler_post_label( $post ), 'its post was not imported' );
	}
}

function strangler_skip_reason( $post, $id_map ) {
	if ( ! post_type_exists( $post['post_type'] ) ) {
		return 'invalid post type ' . $post['post_type'] . ' (not registered in this WordPress)';
	}
	if ( $post['post_id'] && isset( $id_map[ $post['post_id'] ] ) ) {
		return '';  // A duplicate, handled by the caller.
	}
	if ( 'auto-draft' === $post['status'] ) {
		return 'an auto-draft (WordPress\'s importer skips them)';
	}
	if ( 'attachment' === $post['post_type'] && ! $post['attachment_url'] && ! $post['guid'] ) {
		return 'an attachment without a file URL';
	}
	return '';
}

foreach ( $request['posts'] ?? array() as $post ) {
	$label  = strangler_post_label( $post );
	$reason = strangler_skip_reason( $post, $id_map );
	if ( $reason ) {
		strangler_skip( $answer, 'post', $label, $reason );
		strangler_skip_comments( $post, $answer );
		continue;
	}
	if ( $post['post_id'] && isset( $id_map[ $post['post_id'] ] ) ) {
		// Exports repeat menu items, and some repeat ids; the importer keeps the first.
		++$answer['skipped'];
		strangler_skip( $answer, 'post', $label, 'post id ' . $post['post_id'] . ' appears earlier in the export: the first is kept' );
		continue;
	}
	$existing = (int) $wpdb->get_var(
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
		strangler_skip( $answer, 'post', $label, "already present (as $existing: same GUID, type, date and title)" );
		continue;
	}
	$author_key = strangler_author_key( $post['creator'] );
	if ( ! isset( $author_ids[ $author_key ] ) ) {
		$who = '' === $post['creator'] ? 'no author (dc:creator)' : 'author "' . $post['creator'] . '" is not among the export\'s authors';
		strangler_skip( $answer, 'post', $label, "$who: attributed to " . $admin->user_login );
	}
	$parent = $post['parent'] ? ( $id_map[ $post['parent'] ] ?? 0 ) : 0;
	if ( $post['parent'] && ! $parent ) {
		$answer['pending_links'][] = array( $post['post_id'], $post['parent'], $label );
	}
	$postarr = array(
		'import_id'      => $post['post_id'],
		'post_author'    => $author_ids[ $author_key ] ?? $admin->ID,
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
		strangler_skip_comments( $post, $answer );
		continue;
	}
	$id_map[ $post['post_id'] ] = $post_id;
	$type                       = $post['post_type'];
	$answer['posts'][ $type ]   = ( $answer['posts'][ $type ] ?? 0 ) + 1;

	$by_taxonomy = array();
	foreach ( $post['terms'] as $term ) {
		$term_id = strangler_insert_term( $term, $answer );
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
		if ( '_thumbnail_id' === $key ) {
			if ( isset( $id_map[ (int) $value ] ) ) {
				$value = $id_map[ (int) $value ];
			} else {
				// The featured image comes later in the export, or not at all: resolved at the end.
				$answer['pending_thumbnails'][] = array( $post['post_id'], (int) $value, $label );
			}
		}
		add_post_meta( $post_id, wp_slash( $key ), wp_slash( maybe_unserialize( $value ) ) );
	}
	if ( $post['is_sticky'] ) {
		stick_post( $post_id );
	}

	$comment_ids = array();
	$exported    = array_column( $post['comments'], 'comment_id' );
	foreach ( $post['comments'] as $comment ) {
		if ( $comment['parent'] && ! isset( $comment_ids[ $comment['parent'] ] ) ) {
			// Comments go in by id, as in the importer, so a parent with a higher id is not there yet.
			$where = in_array( $comment['parent'], $exported, true ) ? 'comes after it' : 'is not in the export';
			strangler_skip( $answer, 'comment', $comment['comment_id'] . ' of ' . $label, 'parent comment ' . $comment['parent'] . " $where: imported at the top level" );
		}
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
					'user_id'              => $comment['user_login'] ? ( $author_ids[ strangler_author_key( $comment['user_login'] ) ] ?? 0 ) : 0,
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

// The last request: parents and featured images that were not imported when their post was.
foreach ( $request['links'] ?? array() as list( $child, $parent, $label ) ) {
	if ( ! isset( $id_map[ $parent ] ) ) {
		strangler_skip( $answer, 'post', $label, "parent $parent is not in the export or was not imported: left at the top level" );
	} elseif ( (int) get_post_field( 'post_parent', $id_map[ $child ] ) !== (int) $id_map[ $parent ] ) {
		$wpdb->update( $wpdb->posts, array( 'post_parent' => $id_map[ $parent ] ), array( 'ID' => $id_map[ $child ] ) );
		clean_post_cache( $id_map[ $child ] );
	}
}
foreach ( $request['thumbnails'] ?? array() as list( $post_id, $thumbnail, $label ) ) {
	if ( ! isset( $id_map[ $thumbnail ] ) ) {
		strangler_skip( $answer, 'post', $label, "featured image $thumbnail is not in the export or was not imported: _thumbnail_id kept as is" );
	} elseif ( (int) get_post_meta( $id_map[ $post_id ], '_thumbnail_id', true ) !== (int) $id_map[ $thumbnail ] ) {
		update_post_meta( $id_map[ $post_id ], '_thumbnail_id', (int) $id_map[ $thumbnail ] );
	}
}

wp_defer_term_counting( false );
wp_defer_comment_counting( false );
$answer['id_map']     = (object) $id_map;
$answer['author_ids'] = (object) $author_ids;
strangler_answer( $answer );
