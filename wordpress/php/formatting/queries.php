<?php
/**
 * Query short-circuits of the formatting runner: WP_Query, WP_Term_Query and WP_Comment_Query find the
 * request's posts, terms and comments (globals $strangler_posts, $strangler_terms, $strangler_comments)
 * instead of asking the database. Orders are made deterministic with ids as tie-breakers, as the site
 * data of the Python side orders them.
 */

// Queries for posts (gallery, attached media) are answered from the posts given with the request.
add_filter(
	'posts_pre_query',
	function ( $posts, $query ) {
		global $strangler_posts;
		$vars    = $query->query_vars;
		$matches = array();
		foreach ( $strangler_posts as $candidate ) {
			if ( ! empty( $vars['post__in'] ) && ! in_array( $candidate->ID, array_map( 'intval', $vars['post__in'] ), true ) ) {
				continue;
			}
			if ( ! empty( $vars['post__not_in'] ) && in_array( $candidate->ID, array_map( 'intval', $vars['post__not_in'] ), true ) ) {
				continue;
			}
			if ( '' !== ( $vars['post_parent'] ?? '' ) && (int) $vars['post_parent'] !== (int) $candidate->post_parent ) {
				continue;
			}
			if ( 'publish' === ( $vars['post_status'] ?? '' ) && 'publish' !== $candidate->post_status ) {
				continue; // unpublished navigation menus (the other posts given are published)
			}
			$types = (array) ( ( $vars['post_type'] ?? '' ) ?: 'post' );
			if ( ! in_array( 'any', $types, true ) && ! in_array( $candidate->post_type, $types, true ) ) {
				continue;
			}
			$mime = $vars['post_mime_type'] ?? '';
			if ( '' !== $mime && 0 !== strpos( $candidate->post_mime_type, rtrim( $mime, '/' ) ) ) {
				continue;
			}
			if ( ! empty( $vars['category__in'] ) && ! array_intersect( array_map( 'intval', $vars['category__in'] ), $candidate->strangler_terms ?? array() ) ) {
				continue;
			}
			if ( '' !== ( $vars['author'] ?? '' ) && (int) $vars['author'] !== (int) $candidate->post_author ) {
				continue;
			}
			foreach ( $vars['tax_query'] ?? array() as $clause ) { // the query loop's terms (ids)
				if ( is_array( $clause ) && ! array_intersect( array_map( 'intval', (array) $clause['terms'] ), $candidate->strangler_terms ?? array() ) ) {
					continue 2;
				}
			}
			$matches[] = $candidate;
		}
		$orderby = $vars['orderby'] ?? '';
		if ( 'post__in' === $orderby ) {
			$order = array_flip( array_map( 'intval', $vars['post__in'] ) );
			usort( $matches, fn( $a, $b ) => $order[ $a->ID ] <=> $order[ $b->ID ] );
		} elseif ( 'menu_order ID' === $orderby || 'menu_order' === $orderby ) {
			usort( $matches, fn( $a, $b ) => array( $a->menu_order, $a->ID ) <=> array( $b->menu_order, $b->ID ) );
			if ( 'DESC' === strtoupper( $vars['order'] ?? 'ASC' ) ) {
				$matches = array_reverse( $matches );
			}
		} elseif ( 'ID' === $orderby ) {
			usort( $matches, fn( $a, $b ) => $a->ID <=> $b->ID );
			if ( 'DESC' === strtoupper( $vars['order'] ?? 'DESC' ) ) {
				$matches = array_reverse( $matches );
			}
		} elseif ( 'title' === $orderby ) {
			// MySQL's case-insensitive collation; ties by id (the site data's deterministic order).
			usort( $matches, fn( $a, $b ) => array( mb_strtolower( $a->post_title ), $a->ID ) <=> array( mb_strtolower( $b->post_title ), $b->ID ) );
			if ( 'ASC' !== strtoupper( $vars['order'] ?? 'DESC' ) ) {
				$matches = array_reverse( $matches );
			}
		} elseif ( 'rand' !== $orderby ) {
			usort( $matches, fn( $a, $b ) => array( $b->post_date, $b->ID ) <=> array( $a->post_date, $a->ID ) );
			if ( 'ASC' === strtoupper( $vars['order'] ?? 'DESC' ) ) {
				$matches = array_reverse( $matches );
			}
		}
		// What WP_Query counts itself after its SQL (pagination needs both).
		$query->found_posts   = count( $matches );
		$per_page             = (int) ( $vars['posts_per_page'] ?? -1 );
		$query->max_num_pages = $per_page > 0 ? (int) ceil( $query->found_posts / $per_page ) : (int) ( $query->found_posts > 0 );
		if ( $per_page > 0 ) {
			$matches = array_slice( $matches, (int) ( $vars['offset'] ?? 0 ) ?: 0, $per_page );
		}
		if ( 'ids' === ( $vars['fields'] ?? '' ) ) {
			return array_map( fn( $p ) => $p->ID, $matches );
		}
		return $matches;
	},
	10,
	2
);

// Term queries (tag cloud, categories) are answered from the site's terms (with their post counts).
add_filter(
	'terms_pre_query',
	function ( $found, $query ) {
		global $strangler_terms;
		$vars       = $query->query_vars;
		$taxonomies = (array) ( $vars['taxonomy'] ?? array() );
		$include    = wp_parse_id_list( $vars['include'] ?? array() );
		$exclude    = wp_parse_id_list( $vars['exclude'] ?? array() );
		// As WP_Term_Query::get_terms: a hierarchical query keeps empty terms until their descendants are known.
		$hierarchical = ! empty( $vars['hierarchical'] ) && 'count' !== ( $vars['fields'] ?? 'all' )
			&& (bool) array_filter( $taxonomies ?: array( 'category' ), 'is_taxonomy_hierarchical' );
		$matches    = array_values(
			array_filter(
				$strangler_terms,
				fn( $t ) => ( ! $taxonomies || in_array( $t->taxonomy, $taxonomies, true ) )
					&& ( empty( $vars['hide_empty'] ) || $hierarchical || $t->count > 0 )
					&& ( '' === ( $vars['parent'] ?? '' ) || (int) $vars['parent'] === (int) $t->parent )
					&& ( ! $include || in_array( $t->term_id, $include, true ) )
					&& ! in_array( $t->term_id, $exclude, true )
			)
		);
		$orderby = $vars['orderby'] ?? 'name';
		// Ties by id (the site data's deterministic order).
		if ( 'count' === $orderby ) {
			usort( $matches, fn( $a, $b ) => array( $a->count, $a->term_id ) <=> array( $b->count, $b->term_id ) );
		} elseif ( 'name' === $orderby ) {
			usort( $matches, fn( $a, $b ) => array( mb_strtolower( $a->name ), $a->term_id ) <=> array( mb_strtolower( $b->name ), $b->term_id ) );
		} else {
			usort( $matches, fn( $a, $b ) => $a->term_id <=> $b->term_id );
		}
		if ( 'DESC' === strtoupper( $vars['order'] ?? 'ASC' ) ) {
			$matches = array_reverse( $matches );
			if ( 'count' === $orderby ) { // highest counts first, ties still by id
				usort( $matches, fn( $a, $b ) => array( $b->count, $a->term_id ) <=> array( $a->count, $b->term_id ) );
			}
		}
		$matches = strangler_hierarchical_terms( $matches, $vars, $taxonomies, $hierarchical );
		if ( ! empty( $vars['number'] ) ) {
			$matches = array_slice( $matches, (int) ( $vars['offset'] ?: 0 ), (int) $vars['number'] );
		}
		switch ( $vars['fields'] ?? 'all' ) {
			case 'count':
				return count( $matches );
			case 'ids':
				return array_map( fn( $t ) => $t->term_id, $matches );
			case 'id=>parent':
				return array_column( array_map( 'get_object_vars', $matches ), 'parent', 'term_id' );
			default:
				return $matches;
		}
	},
	10,
	2
);

/**
 * WP_Term_Query::get_terms after its query: counts padded with the descendants' posts (``pad_counts``, by
 * WordPress's own ``_pad_term_counts``), then empty terms without non-empty descendants dropped.
 */
function strangler_hierarchical_terms( array $matches, array $vars, array $taxonomies, bool $hierarchical ) {
	if ( ! empty( $vars['pad_counts'] ) && 'all' === ( $vars['fields'] ?? 'all' ) ) {
		$matches = array_map( fn( $t ) => new WP_Term( clone $t ), $matches ); // padded copies, not the cached terms
		foreach ( $taxonomies as $taxonomy ) {
			_pad_term_counts( $matches, $taxonomy );
		}
	}
	if ( ! $hierarchical || empty( $vars['hide_empty'] ) ) {
		return $matches;
	}
	foreach ( $matches as $k => $term ) {
		if ( ! $term->count ) {
			foreach ( (array) get_term_children( $term->term_id, $term->taxonomy ) as $child_id ) {
				if ( get_term( $child_id, $term->taxonomy )->count ) {
					continue 2;
				}
			}
			unset( $matches[ $k ] );
		}
	}
	return array_values( $matches );
}

/**
 * The site's approved comments of a post ('' or 0: of every post) with a parent ('': any), newest first with
 * ties by id (the site data's deterministic order), oldest first for ASC.
 */
function strangler_matching_comments( $post_id, $parent, $order ) {
	global $strangler_comments;
	$matches = array_values(
		array_filter(
			$strangler_comments,
			fn( $c ) => ( empty( $post_id ) || (int) $post_id === (int) $c->comment_post_ID )
				&& ( '' === $parent || (int) $parent === (int) $c->comment_parent )
		)
	);
	usort( $matches, fn( $a, $b ) => array( $b->comment_date_gmt, (int) $b->comment_ID ) <=> array( $a->comment_date_gmt, (int) $a->comment_ID ) );
	return 'ASC' === strtoupper( $order ) ? array_reverse( $matches ) : $matches;
}

// Comment queries (latest comments, a post's comments) are answered from the site's approved comments;
// threaded ones (hierarchical) run WordPress's SQL, answered by db.php the same way.
add_filter(
	'comments_pre_query',
	function ( $found, $query ) {
		$vars = $query->query_vars;
		if ( $vars['hierarchical'] ) {
			return null; // WordPress's own SQL (answered by db.php) and threading of the descendants
		}
		$matches = strangler_matching_comments( $vars['post_id'] ?? '', $vars['parent'] ?? '', $vars['order'] ?? 'DESC' );
		if ( ! empty( $vars['parent__in'] ) ) {
			$parents = array_map( 'intval', (array) $vars['parent__in'] );
			$matches = array_values( array_filter( $matches, fn( $c ) => in_array( (int) $c->comment_parent, $parents, true ) ) );
		}
		if ( $vars['count'] ) {
			return count( $matches );
		}
		$query->found_comments = count( $matches );
		if ( ! empty( $vars['number'] ) ) {
			$matches = array_slice( $matches, (int) ( $vars['offset'] ?: 0 ), (int) $vars['number'] );
		}
		return 'ids' === $vars['fields'] ? array_map( fn( $c ) => (int) $c->comment_ID, $matches ) : $matches;
	},
	10,
	2
);
