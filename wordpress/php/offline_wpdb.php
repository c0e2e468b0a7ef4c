<?php
/**
 * The base of our offline database drop-ins: a wpdb that never connects and answers nothing by itself.
 *
 * Each harness (the formatting runner, the registration and site-emails harnesses) copies this file
 * beside its own db.php in the content directory; that db.php extends the class with the queries its
 * requests need answered. Escaping is addslashes (what mysqli would do for these inputs), the server
 * is the MariaDB the stack runs.
 */
abstract class Strangler_Offline_Wpdb extends wpdb {
	public function __construct( $collate = 'utf8mb4_unicode_ci' ) {
		$this->dbuser  = 'offline';
		$this->dbname  = 'offline';
		$this->dbhost  = 'offline';
		$this->ready   = true;
		$this->charset = 'utf8mb4';
		$this->collate = $collate;
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
}
