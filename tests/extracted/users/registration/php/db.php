<?php
/**
 * Database drop-in of the registration harness: a wpdb that never connects.
 *
 * The autoload query is answered with the request's options ($strangler_options), a post by id from
 * the request's posts ($strangler_posts: the privacy policy page, the site icon) and their meta
 * ($strangler_meta: post id => key => values), writes succeed with fresh ids (so a
 * registration that passes every check goes on to its redirect), and every other query finds nothing:
 * no user exists on this site. The users tables describe their columns as MariaDB does for WordPress's
 * schema, so wpdb refuses a value too long for its column (an address over 100 characters) as it would.
 */
require_once WP_CONTENT_DIR . '/offline_wpdb.php';

class Strangler_Registration_DB extends Strangler_Offline_Wpdb {
	private $next_id = 1000;

	public function __construct() {
		parent::__construct( 'utf8mb4_unicode_520_ci' );
		$this->use_mysqli = true;
		$this->is_mysql   = true; // wpdb checks values against the columns (SHOW FULL COLUMNS, answered below)
	}

	/** The columns of wp_users and wp_usermeta (wp-admin/includes/schema.php), as SHOW FULL COLUMNS lists them. */
	private const COLUMNS = array(
		'users'    => array(
			'ID'                  => 'bigint(20) unsigned',
			'user_login'          => 'varchar(60)',
			'user_pass'           => 'varchar(255)',
			'user_nicename'       => 'varchar(50)',
			'user_email'          => 'varchar(100)',
			'user_url'            => 'varchar(100)',
			'user_registered'     => 'datetime',
			'user_activation_key' => 'varchar(255)',
			'user_status'         => 'int(11)',
			'display_name'        => 'varchar(250)',
		),
		'usermeta' => array(
			'umeta_id'   => 'bigint(20) unsigned',
			'user_id'    => 'bigint(20) unsigned',
			'meta_key'   => 'varchar(255)',
			'meta_value' => 'longtext',
		),
	);

	public function query( $query ) {
		$this->flush();
		$this->last_query  = $query;
		$this->last_result = array();
		if ( preg_match( '/^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i', $query ) ) {
			$this->insert_id     = $this->next_id++;
			$this->rows_affected = 1;
			return 1;
		}
		if ( preg_match( '/^SHOW FULL COLUMNS FROM `\w+?(users|usermeta)`$/', $query, $m ) ) {
			foreach ( self::COLUMNS[ $m[1] ] as $field => $type ) {
				$text                = str_starts_with( $type, 'varchar' ) || 'longtext' === $type;
				$this->last_result[] = (object) array(
					'Field'     => $field,
					'Type'      => $type,
					'Collation' => $text ? 'utf8mb4_unicode_520_ci' : null,
				);
			}
		}
		if ( preg_match( '/^\s*SELECT option_name, option_value FROM \S+ WHERE autoload/i', $query ) ) {
			foreach ( $GLOBALS['strangler_options'] as $name => $value ) {
				$this->last_result[] = (object) array(
					'option_name'  => $name,
					'option_value' => is_scalar( $value ) ? (string) $value : serialize( $value ),
				);
			}
		}
		if ( preg_match( '/^SELECT post_id, meta_key, meta_value FROM \S+postmeta WHERE post_id IN \(([\d,]+)\)/', $query, $m ) ) {
			foreach ( explode( ',', $m[1] ) as $post_id ) {
				foreach ( $GLOBALS['strangler_meta'][ $post_id ] ?? array() as $key => $values ) {
					foreach ( (array) $values as $value ) {
						$this->last_result[] = (object) array( 'post_id' => $post_id, 'meta_key' => $key, 'meta_value' => $value );
					}
				}
			}
		}
		if ( preg_match( '/^SELECT \* FROM \S+posts WHERE ID = (\d+) LIMIT 1$/', $query, $m ) ) {
			foreach ( $GLOBALS['strangler_posts'] ?? array() as $post ) {
				if ( (int) $post['ID'] === (int) $m[1] ) {
					$this->last_result[] = (object) $post;
				}
			}
		}
		$this->num_rows = count( $this->last_result );
		return $this->num_rows;
	}
}

$wpdb = new Strangler_Registration_DB();
