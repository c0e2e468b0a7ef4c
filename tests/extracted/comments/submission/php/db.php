<?php
/**
 * Database drop-in of the comment submission harness: the registration harness's offline wpdb, plus the
 * comments a scenario has.
 *
 * The scenario ($strangler_scenario, see router.php) gives the post commented on (and its parent, for
 * attachments), the comments already stored and the registered users. The questions WordPress asks the
 * database while it takes a comment are answered from them and recorded ($strangler_capture['asked']),
 * each with the values WordPress put in its SQL (read back from the query: strings are quoted with
 * addslashes here), so the Python side can be checked to ask the store the same questions:
 *   duplicate   the duplicate check of wp_allow_comment()
 *   flood       wp_check_comment_flood()'s last comment by IP or email within the hour
 *   user_by_email, approved_by_user, approved_by_author   check_comment()'s previously approved author
 *   comment     get_comment(ID) (the parent's status; the new comment read back)
 * Stored comments match a question by exact (binary) equality: how a store compares (MariaDB's
 * collation) is the store's business, not the rules'. A post's dates are made when it is read: the
 * scenario gives their age in seconds. An insert is recorded ($strangler_capture['inserted']) with the
 * row wpdb was given, or as refused when wpdb's own checks refuse it (too long, invalid UTF-8).
 */
require __DIR__ . '/../../../users/registration/php/db.php';

class Strangler_Comments_DB extends Strangler_Registration_DB {
	/** wp_comments as SHOW FULL COLUMNS lists it (wp-admin/includes/schema.php). */
	private const COMMENT_COLUMNS = array(
		'comment_ID'           => 'bigint(20) unsigned',
		'comment_post_ID'      => 'bigint(20) unsigned',
		'comment_author'       => 'tinytext',
		'comment_author_email' => 'varchar(100)',
		'comment_author_url'   => 'varchar(200)',
		'comment_author_IP'    => 'varchar(100)',
		'comment_date'         => 'datetime',
		'comment_date_gmt'     => 'datetime',
		'comment_content'      => 'text',
		'comment_karma'        => 'int(11)',
		'comment_approved'     => 'varchar(20)',
		'comment_agent'        => 'varchar(255)',
		'comment_type'         => 'varchar(20)',
		'comment_parent'       => 'bigint(20) unsigned',
		'user_id'              => 'bigint(20) unsigned',
	);

	private const STRING = "'((?:[^'\\\\]++|\\\\.)*+)'"; // possessive: long values do not exhaust PCRE

	public function insert( $table, $data, $format = null ) {
		$result = parent::insert( $table, $data, $format );
		if ( str_ends_with( $table, 'comments' ) ) {
			$row = $result ? array( 'comment_ID' => $this->insert_id ) + $data : null;
			$GLOBALS['strangler_capture']['inserted'][] = array( 'ok' => (bool) $result, 'row' => $row, 'given' => $data );
			if ( $result ) {
				$GLOBALS['strangler_inserted'][ $this->insert_id ] = $row;
			}
		}
		return $result;
	}

	private static function ask( $question, array $values, $answer ) {
		$GLOBALS['strangler_capture']['asked'][] = array( 'question' => $question, 'values' => $values, 'answer' => $answer );
	}

	private static function strings( $sql ) {
		preg_match_all( '/' . self::STRING . '/s', $sql, $m );
		return array_map( 'stripslashes', $m[1] );
	}

	public static function stored_comments() {
		$base     = $GLOBALS['strangler_flood_date'] ?? gmdate( 'Y-m-d H:i:s' );
		$comments = array();
		foreach ( $GLOBALS['strangler_scenario']['comments'] ?? array() as $comment ) {
			$age      = $comment['age'] ?? 3600 * 24;
			$date_gmt = gmdate( 'Y-m-d H:i:s', strtotime( $base . ' UTC' ) - $age );
			$comments[] = array_merge(
				array(
					'comment_post_ID'      => 0,
					'comment_author'       => '',
					'comment_author_email' => '',
					'comment_author_url'   => '',
					'comment_author_IP'    => '',
					'comment_date'         => $date_gmt,
					'comment_date_gmt'     => $date_gmt,
					'comment_content'      => '',
					'comment_karma'        => '0',
					'comment_approved'     => '1',
					'comment_agent'        => '',
					'comment_type'         => 'comment',
					'comment_parent'       => '0',
					'user_id'              => '0',
				),
				$comment
			);
		}
		return $comments;
	}

	private function answer_rows( array $rows ) {
		foreach ( $rows as $row ) { // as MySQL gives them: strings
			$this->last_result[] = (object) array_map( fn( $v ) => null === $v ? null : (string) $v, $row );
		}
		$this->num_rows = count( $this->last_result );
		return $this->num_rows;
	}

	public function query( $query ) {
		$query = $this->remove_placeholder_escape( $query );
		$GLOBALS['strangler_capture']['queries'][] = $query;
		$this->flush();
		$this->last_query  = $query;
		$this->last_result = array();
		$this->num_rows    = 0;
		if ( preg_match( '/^SHOW FULL COLUMNS FROM `?\w+?comments`?$/', $query ) ) {
			$rows = array();
			foreach ( self::COMMENT_COLUMNS as $field => $type ) {
				$text   = str_contains( $type, 'text' ) || str_starts_with( $type, 'varchar' );
				$rows[] = array( 'Field' => $field, 'Type' => $type, 'Collation' => $text ? 'utf8mb4_unicode_520_ci' : null );
			}
			return $this->answer_rows( $rows );
		}
		if ( preg_match( '/^SELECT \* FROM \S+posts WHERE ID = (\d+) LIMIT 1$/', $query, $m ) ) {
			foreach ( $GLOBALS['strangler_scenario']['posts'] ?? array() as $post ) {
				if ( (int) $post['ID'] === (int) $m[1] ) {
					$now  = time();
					$age  = $post['age'] ?? 3600;
					$post = array_diff_key( $post, array( 'age' => 1 ) );
					$gmt  = isset( $post['post_date_gmt'] ) ? $post['post_date_gmt'] : gmdate( 'Y-m-d H:i:s', $now - $age );
					$post += array( 'post_date_gmt' => $gmt, 'post_date' => $gmt, 'post_modified' => $gmt, 'post_modified_gmt' => $gmt );
					$GLOBALS['strangler_capture']['post_dates'][ $post['ID'] ] = $post['post_date_gmt'];
					return $this->answer_rows( array( $post ) );
				}
			}
			return 0;
		}
		if ( preg_match( '/^SELECT comment_ID FROM \S+comments WHERE comment_post_ID = (\d+) AND comment_parent = /', $query, $m ) ) {
			$values = self::strings( $query );
			$with_email = str_contains( $query, 'AND comment_author_email = ' );
			list( $parent, , $author ) = $values; // the second is the literal 'trash'
			$email   = $with_email ? $values[3] : null;
			$content = end( $values );
			$found   = null;
			foreach ( self::stored_comments() as $comment ) {
				if ( (int) $comment['comment_post_ID'] === (int) $m[1] && (string) $comment['comment_parent'] === $parent
					&& 'trash' !== $comment['comment_approved'] && $comment['comment_author'] === $author
					&& ( null === $email || $comment['comment_author_email'] === $email ) && $comment['comment_content'] === $content ) {
					$found = $comment['comment_ID'];
					break;
				}
			}
			self::ask( 'duplicate', array( (int) $m[1], $parent, $author, $email, $content ), null !== $found );
			return $this->answer_rows( null === $found ? array() : array( array( 'comment_ID' => $found ) ) );
		}
		if ( preg_match( '/^SELECT `comment_date_gmt` FROM `\S+comments` WHERE `comment_date_gmt` >= /', $query ) ) {
			list( $since, $ip, $email ) = self::strings( $query );
			$latest = null;
			foreach ( self::stored_comments() as $comment ) {
				if ( $comment['comment_date_gmt'] >= $since && ( $comment['comment_author_IP'] === $ip || $comment['comment_author_email'] === $email )
					&& ( null === $latest || $comment['comment_date_gmt'] > $latest ) ) {
					$latest = $comment['comment_date_gmt'];
				}
			}
			self::ask( 'flood', array( $since, $ip, $email ), $latest );
			return $this->answer_rows( null === $latest ? array() : array( array( 'comment_date_gmt' => $latest ) ) );
		}
		if ( preg_match( '/^SELECT \* FROM \S+users WHERE user_email = /', $query ) ) {
			list( $email ) = self::strings( $query );
			$found = null;
			foreach ( $GLOBALS['strangler_scenario']['users'] ?? array() as $user ) {
				if ( $user['user_email'] === $email ) {
					$found = $user + array( 'user_login' => 'user' . $user['ID'], 'user_pass' => '', 'user_nicename' => '', 'user_url' => '', 'user_registered' => '2020-01-01 00:00:00', 'user_activation_key' => '', 'user_status' => '0', 'display_name' => '' );
					break;
				}
			}
			self::ask( 'user_by_email', array( $email ), null === $found ? null : (int) $found['ID'] );
			return $this->answer_rows( null === $found ? array() : array( $found ) );
		}
		if ( preg_match( "/^SELECT comment_approved FROM \S+comments WHERE user_id = (\d+) AND comment_approved = '1' LIMIT 1$/", $query, $m ) ) {
			$found = false;
			foreach ( self::stored_comments() as $comment ) {
				$found = $found || ( (int) $comment['user_id'] === (int) $m[1] && '1' === (string) $comment['comment_approved'] );
			}
			self::ask( 'approved_by_user', array( (int) $m[1] ), $found );
			return $this->answer_rows( $found ? array( array( 'comment_approved' => '1' ) ) : array() );
		}
		if ( preg_match( '/^SELECT comment_approved FROM \S+comments WHERE comment_author = /', $query ) ) {
			list( $author, $email ) = self::strings( $query );
			$found = false;
			foreach ( self::stored_comments() as $comment ) {
				$found = $found || ( $comment['comment_author'] === $author && $comment['comment_author_email'] === $email && '1' === (string) $comment['comment_approved'] );
			}
			self::ask( 'approved_by_author', array( $author, $email ), $found );
			return $this->answer_rows( $found ? array( array( 'comment_approved' => '1' ) ) : array() );
		}
		if ( preg_match( '/^SELECT \* FROM \S+comments WHERE comment_ID = (\d+) LIMIT 1$/', $query, $m ) ) {
			$id = (int) $m[1];
			if ( isset( $GLOBALS['strangler_inserted'][ $id ] ) ) {
				return $this->answer_rows( array( $GLOBALS['strangler_inserted'][ $id ] ) );
			}
			foreach ( self::stored_comments() as $comment ) {
				if ( (int) $comment['comment_ID'] === $id ) {
					self::ask( 'comment', array( $id ), $comment['comment_approved'] );
					return $this->answer_rows( array( $comment ) );
				}
			}
			self::ask( 'comment', array( $id ), null );
			return 0;
		}
		return parent::query( $query );
	}
}

$wpdb = new Strangler_Comments_DB();
