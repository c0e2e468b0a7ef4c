<?php
/**
 * Database drop-in of the formatting runner: a wpdb that never connects.
 *
 * The formatting runner needs WordPress's code, not its data: options come from the runner
 * (global $strangler_options, answered for WordPress's autoload query), posts and meta are
 * put in the object cache by the runner, get_pages's query, the archives' grouping queries and the
 * calendar's queries are answered from the request's published posts, threaded comment queries from its
 * comments, and every other query finds nothing.
 */
require_once WP_CONTENT_DIR . '/offline_wpdb.php';

class Strangler_Offline_DB extends Strangler_Offline_Wpdb {
	public function query( $query ) {
		$this->flush();
		$this->last_query  = $query;
		$this->last_result = array();
		if ( preg_match( '/^\s*SELECT option_name, option_value FROM \S+ WHERE autoload/i', $query ) ) {
			foreach ( $GLOBALS['strangler_options'] as $name => $value ) {
				$this->last_result[] = (object) array(
					'option_name'  => $name,
					'option_value' => is_scalar( $value ) ? (string) $value : serialize( $value ),
				);
			}
		}
		if ( preg_match( '/^SELECT \* FROM \S+posts\s+WHERE \(post_type = \'page\' AND post_status = \'publish\'\)/', $query ) ) {
			$this->last_result = $this->published_pages();
		}
		if ( preg_match( '/^SELECT 1 as test FROM \S+posts WHERE post_type = \'post\' AND post_status = \'publish\' LIMIT 1$/', $query ) ) {
			$this->last_result = $this->published_post_dates() ? array( (object) array( 'test' => '1' ) ) : array();
		}
		if ( preg_match( '/^SELECT MONTH\(post_date\) AS month, YEAR\(post_date\) AS year\s+FROM \S+\s+WHERE post_date ([<>]) \'([^\']+)\'/', $query, $m ) ) {
			$this->last_result = $this->calendar_neighbour( $m[1], $m[2] );
		}
		if ( preg_match( '/^SELECT DISTINCT DAYOFMONTH\(post_date\)\s+FROM \S+ WHERE post_date >= \'([^\']+)\'.*post_date <= \'([^\']+)\'/s', $query, $m ) ) {
			$days = array();
			foreach ( $this->published_post_dates() as $date ) {
				if ( $date >= $m[1] && $date <= $m[2] ) {
					$days[ (int) substr( $date, 8, 2 ) ] = (object) array( 'DAYOFMONTH(post_date)' => (string) (int) substr( $date, 8, 2 ) );
				}
			}
			$this->last_result = array_values( $days );
		}
		if ( preg_match( '/^SELECT (?:DISTINCT )?(.*) FROM `?\S+posts`? +WHERE post_type = \'post\' AND post_status = \'publish\' GROUP BY/', $query, $m ) ) {
			$this->last_result = $this->archive_rows( $m[1] );
		}
		if ( preg_match( '/^\s*SELECT\s+(?:SQL_CALC_FOUND_ROWS\s+)?\S*comment_ID\s+FROM\s+\S*comments\s+WHERE\s+(.*)\s+ORDER BY .*comment_date_gmt (ASC|DESC)/s', $query, $m ) ) {
			$post_id = preg_match( '/comment_post_ID = (\d+)/', $m[1], $p ) ? $p[1] : '';
			$parent  = preg_match( '/comment_parent = (\d+)/', $m[1], $p ) ? $p[1] : '';
			foreach ( strangler_matching_comments( $post_id, $parent, $m[2] ) as $comment ) {
				$this->last_result[] = (object) array( 'comment_ID' => (string) $comment->comment_ID );
			}
			$this->found_rows = count( $this->last_result );
		}
		// _pad_term_counts: the published posts of the terms (a term's id is its term_taxonomy_id here).
		if ( preg_match( '/^SELECT object_id, term_taxonomy_id FROM \S+term_relationships INNER JOIN \S+posts ON object_id = ID WHERE term_taxonomy_id IN \(([\d,]+)\) AND post_type IN \(([^)]*)\) AND post_status = \'publish\'$/', $query, $m ) ) {
			$ids   = array_map( 'intval', explode( ',', $m[1] ) );
			$types = array_map( fn( $type ) => trim( $type, " '" ), explode( ',', $m[2] ) );
			foreach ( $GLOBALS['strangler_posts'] as $candidate ) {
				if ( 'publish' === $candidate->post_status && in_array( $candidate->post_type, $types, true ) ) {
					foreach ( array_intersect( $candidate->strangler_terms ?? array(), $ids ) as $term_id ) {
						$this->last_result[] = (object) array( 'object_id' => (string) $candidate->ID, 'term_taxonomy_id' => (string) $term_id );
					}
				}
			}
		}
		if ( 'SELECT FOUND_ROWS()' === trim( $query ) ) {
			$this->last_result = array( (object) array( 'FOUND_ROWS()' => (string) ( $this->found_rows ?? 0 ) ) );
		}
		$this->num_rows = count( $this->last_result );
		return $this->num_rows;
	}

	/** The rows the last comment query found (its SQL_CALC_FOUND_ROWS). */
	private $found_rows = 0;

	/** The dates of the request's published posts, oldest first. */
	private function published_post_dates() {
		$dates = array();
		foreach ( $GLOBALS['strangler_posts'] as $post ) {
			if ( 'post' === $post->post_type && 'publish' === $post->post_status ) {
				$dates[] = $post->post_date;
			}
		}
		sort( $dates );
		return $dates;
	}

	/** The calendar's previous (<) or next (>) month with posts, from a date. */
	private function calendar_neighbour( $direction, $from ) {
		$dates = $this->published_post_dates();
		$found = '<' === $direction ? array_filter( $dates, fn( $d ) => $d < $from ) : array_filter( $dates, fn( $d ) => $d > $from );
		if ( ! $found ) {
			return array();
		}
		$date = '<' === $direction ? end( $found ) : reset( $found );
		return array( (object) array( 'month' => (string) (int) substr( $date, 5, 2 ), 'year' => substr( $date, 0, 4 ) ) );
	}

	/** The rows of get_pages's query: the request's published pages by menu order, title (then id). */
	private function published_pages() {
		$pages = array_filter(
			$GLOBALS['strangler_posts'],
			fn( $p ) => 'page' === $p->post_type && 'publish' === $p->post_status
		);
		usort( $pages, fn( $a, $b ) => array( (int) $a->menu_order, mb_strtolower( $a->post_title ), $a->ID ) <=> array( (int) $b->menu_order, mb_strtolower( $b->post_title ), $b->ID ) );
		return array_map( fn( $p ) => (object) $p->to_array(), $pages );
	}

	/**
	 * The rows of wp_get_archives's queries (posts grouped by year, month, week or day, newest first)
	 * from the request's published posts; a week is WEEK(date, 1) (Monday first, 0 to 53).
	 */
	private function archive_rows( $columns ) {
		$posts = array_filter(
			$GLOBALS['strangler_posts'],
			fn( $p ) => 'post' === $p->post_type && 'publish' === $p->post_status
		);
		usort( $posts, fn( $a, $b ) => strcmp( $b->post_date, $a->post_date ) );
		$groups = array();
		foreach ( $posts as $post ) {
			$time = strtotime( $post->post_date . ' UTC' );
			$row  = array( 'year' => gmdate( 'Y', $time ) );
			if ( str_contains( $columns, 'AS `week`' ) ) {
				$iso  = (int) gmdate( 'o', $time );
				$year = (int) gmdate( 'Y', $time );
				$week = $iso < $year ? 0 : ( $iso > $year ? 53 : (int) gmdate( 'W', $time ) );
				$row  = array(
					'week'     => (string) $week,
					'yr'       => (string) $year,
					'yyyymmdd' => gmdate( 'Y-m-d', $time ),
				);
			} else {
				if ( str_contains( $columns, 'AS `month`' ) ) {
					$row['month'] = gmdate( 'n', $time );
				}
				if ( str_contains( $columns, 'AS `dayofmonth`' ) ) {
					$row['dayofmonth'] = gmdate( 'j', $time );
				}
			}
			$key = implode( '-', array_intersect_key( $row, array_flip( array( 'year', 'month', 'dayofmonth', 'week', 'yr' ) ) ) );
			if ( ! isset( $groups[ $key ] ) ) {
				$groups[ $key ] = (object) ( $row + array( 'posts' => '0' ) );
			}
			$groups[ $key ]->posts = (string) ( $groups[ $key ]->posts + 1 );
		}
		return array_values( $groups );
	}
}

$wpdb = new Strangler_Offline_DB();
