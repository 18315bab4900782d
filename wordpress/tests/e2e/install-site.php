<?php

// Installs a fresh WordPress for the end-to-end tests: `php install-site.php <site dir>`.
// Creates an administrator and two subscribers, and the pages the tests open; prints their ids as JSON.
// The plugin itself is installed later from its zip, through the admin screens, as a site owner would.

define('WP_INSTALLING', true);
$site = $argv[1] ?? '';
require $site . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$users = json_decode((string) getenv('PRAISONAI_TEST_USERS'), true);
$result = wp_install('PraisonAI test site', 'admin', 'admin@example.test', false, '', $users['admin']);
if (is_wp_error($result)) {
    fwrite(STDERR, $result->get_error_message());
    exit(1);
}
foreach (['alice', 'bob'] as $login) {
    wp_insert_user(['user_login' => $login, 'user_pass' => $users[$login], 'user_email' => "{$login}@example.test", 'role' => 'subscriber']);
}
update_option('blog_public', '0');
switch_theme('twentytwentythree');

$page = static fn (string $title, string $content): int => (int) wp_insert_post([
    'post_type' => 'page',
    'post_status' => 'publish',
    'post_title' => $title,
    'post_content' => $content,
]);
echo json_encode([
    'chat' => $page('Slides', '<!-- wp:shortcode -->[praisonai_chatbot service="ppt"]<!-- /wp:shortcode -->'),
    'two' => $page('Two chats', '<!-- wp:shortcode -->[praisonai_chatbot service="ppt"]<!-- /wp:shortcode --><!-- wp:praisonai/chatbot {"service":"ppt-direct"} /-->'),
    'open' => $page('Slides for everyone', '<!-- wp:shortcode -->[praisonai_chatbot service="ppt-open"]<!-- /wp:shortcode -->'),
    'steps' => $page('Steps', '<!-- wp:shortcode -->[praisonai_chatbot service="steps"]<!-- /wp:shortcode --><!-- wp:shortcode -->[praisonai_chatbot service="steps-direct"]<!-- /wp:shortcode -->'),
    'plain' => $page('About', '<!-- wp:paragraph --><p>No chat on this page.</p><!-- /wp:paragraph -->'),
]);
