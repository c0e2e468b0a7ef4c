<?php
/**
 * Must-use plugin of the comment submission harness: records the moments WordPress reads the clock at
 * (so the Python side can be given the same "now"), and the new comment's date, which stored comments'
 * ages count back from (db.php).
 */
foreach ( array( 'pre_comment_on_post', 'comment_closed', 'comment_id_not_found', 'comment_on_trash', 'comment_on_draft', 'comment_on_password_protected' ) as $strangler_action ) {
	add_action(
		$strangler_action,
		function () {
			$GLOBALS['strangler_capture']['times']['checked'] = time();
		},
		1
	);
}

add_action(
	'check_comment_flood',
	function ( $ip, $email, $date ) {
		$GLOBALS['strangler_flood_date']               = $date;
		$GLOBALS['strangler_capture']['times']['flood'] = strtotime( $date . ' UTC' );
	},
	1,
	3
);

add_action(
	'set_comment_cookies',
	function () {
		$GLOBALS['strangler_capture']['times']['cookies'] = time();
	},
	1
);

// get_page_of_comment()'s count (with page_comments on): answered from the scenario's comments, recorded
add_filter(
	'comments_pre_query',
	function ( $result, $query ) {
		$vars = $query->query_vars;
		if ( empty( $vars['count'] ) ) {
			return $result;
		}
		$before = $vars['date_query'][0]['before'];
		$emails = empty( $vars['include_unapproved'] ) ? array() : (array) $vars['include_unapproved'];
		$count  = 0;
		foreach ( Strangler_Comments_DB::stored_comments() as $comment ) {
			$shown = '1' === (string) $comment['comment_approved'] || ( '0' === (string) $comment['comment_approved'] && in_array( $comment['comment_author_email'], $emails, true ) );
			if ( (int) $comment['comment_post_ID'] === (int) $vars['post_id'] && 0 === (int) $comment['comment_parent'] && $shown && $comment['comment_date_gmt'] < $before ) {
				++$count;
			}
		}
		$GLOBALS['strangler_capture']['asked'][] = array( 'question' => 'count_older', 'values' => array( (int) $vars['post_id'], $before, array_values( $emails ) ), 'answer' => $count );
		return $count;
	},
	10,
	2
);
