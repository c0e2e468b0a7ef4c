<?php
/**
 * Database drop-in of the formatting runner: a wpdb that never connects.
 *
 * The formatting runner needs WordPress's code, not its data: options come from the runner
 * (global $strangler_options, answered for WordPress's autoload query), posts and meta are
 * put in the object cache by the runner, and every other query finds nothing.
 */
class Strangler_Offline_DB extends wpdb {
	public function __construct() {
		$this->dbuser   = 'offline';
		$this->dbname   = 'offline';
		$this->dbhost   = 'offline';
		$this->ready    = true;
		$this->charset  = 'utf8mb4';
		$this->collate  = 'utf8mb4_unicode_ci';
	}

	public function db_connect( $allow_bail = true ) {
		return true;
	}

	public function check_connection( $allow_bail = true ) {
		return true;
	}

	public function _real_escape( $string ) {
		return is_scalar( $string ) ? $this->add_placeholder_escape( addslashes( (string) $string ) ) : '';
	}

	public function set_charset( $dbh, $charset = null, $collate = null ) {
	}

	public function set_sql_mode( $modes = array() ) {
	}

	public function db_version() {
		return '10.11.6';
	}

	public function db_server_info() {
		return '10.11.6-MariaDB';
	}

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
		$this->num_rows = count( $this->last_result );
		return $this->num_rows;
	}
}

$wpdb = new Strangler_Offline_DB();
