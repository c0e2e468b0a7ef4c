<?php
/**
 * Database drop-in of the site-emails harness: a wpdb that never connects. Comments, posts, users and
 * user meta are answered from the case ($strangler_case), the count of held comments from its
 * "waiting", an UPDATE of a comment's status changes the case's comment, and every other query finds
 * nothing (writes succeed).
 */
require_once WP_CONTENT_DIR . '/offline_wpdb.php';

class Strangler_Site_Emails_DB extends Strangler_Offline_Wpdb {
	private function rows( $kind, $id ) {
		foreach ( $GLOBALS['strangler_case'][ $kind ] ?? array() as $row ) {
			if ( (string) ( $row['ID'] ?? $row['comment_ID'] ) === (string) $id ) {
				return array( (object) $row );
			}
		}
		return array();
	}

	public function query( $query ) {
		global $strangler_case;
		$this->flush();
		$this->last_query  = $query;
		$this->last_result = array();
		if ( preg_match( "/^\s*UPDATE `?\w*comments`? SET `comment_approved` = '(\w+)' WHERE `comment_ID` = '?(\d+)'?/", $query, $m ) ) {
			foreach ( $strangler_case['comments'] as &$row ) {
				if ( (string) $row['comment_ID'] === $m[2] ) {
					$row['comment_approved'] = $m[1];
				}
			}
			$this->rows_affected = 1;
			return 1;
		}
		if ( preg_match( '/^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i', $query ) ) {
			$this->rows_affected = 1;
			return 1;
		}
		if ( preg_match( "/^SELECT \* FROM \w+comments WHERE comment_ID = '?(\d+)'? LIMIT 1$/", $query, $m ) ) {
			$this->last_result = $this->rows( 'comments', $m[1] );
		} elseif ( preg_match( "/^SELECT \* FROM \w+posts WHERE ID = '?(\d+)'? LIMIT 1$/", $query, $m ) ) {
			$this->last_result = $this->rows( 'posts', $m[1] );
		} elseif ( preg_match( "/^SELECT \* FROM \w+users WHERE ID = '?(\d+)'? LIMIT 1$/", $query, $m ) ) {
			$this->last_result = $this->rows( 'users', $m[1] );
		} elseif ( preg_match( '/^SELECT user_id, meta_key, meta_value FROM \w+usermeta WHERE user_id IN \(([\d,]+)\)/', $query, $m ) ) {
			foreach ( explode( ',', $m[1] ) as $user_id ) {
				foreach ( $strangler_case['usermeta'][ $user_id ] ?? array() as $key => $value ) {
					$this->last_result[] = (object) array( 'user_id' => $user_id, 'meta_key' => $key, 'meta_value' => $value );
				}
			}
		} elseif ( preg_match( '/^\s*SELECT option_name, option_value FROM \S+ WHERE autoload/i', $query ) ) {
			foreach ( $GLOBALS['strangler_options'] as $name => $value ) {
				$this->last_result[] = (object) array( 'option_name' => $name, 'option_value' => $value );
			}
		} elseif ( preg_match( "/^SELECT COUNT\(\*\) FROM \w+comments WHERE comment_approved = '0'$/", $query ) ) {
			$this->last_result = array( (object) array( 'COUNT(*)' => (string) $strangler_case['waiting'] ) );
		}
		$this->num_rows = count( $this->last_result );
		return $this->num_rows;
	}
}

$wpdb = new Strangler_Site_Emails_DB();
