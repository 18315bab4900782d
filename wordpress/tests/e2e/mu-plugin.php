<?php

// Must-use plugin of the test site: this machine has no internet and no mail server, so WordPress's
// update checks and mails are switched off instead of failing with warnings in every request.

add_filter('pre_wp_mail', '__return_true');
add_filter('pre_http_request', static function ($pre, $args, $url) {
    $host = (string) wp_parse_url($url, PHP_URL_HOST);
    return str_ends_with($host, 'wordpress.org') || str_ends_with($host, 'w.org')
        ? new WP_Error('offline', 'The test site is offline.')
        : $pre;
}, 10, 3);
add_filter('automatic_updater_disabled', '__return_true');
remove_action('init', 'wp_schedule_update_checks');
