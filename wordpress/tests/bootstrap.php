<?php

// Loads the test site's WordPress, where the plugin is installed (from its zip) and active.
// PHPUnit runs this inside a method: WordPress's globals must be declared global here.

// phpcs:disable
global $wpdb, $wp, $wp_query, $wp_rewrite, $wp_filter, $wp_actions, $wp_current_filter, $shortcode_tags,
    $wp_roles, $wp_version, $wp_db_version, $wp_locale, $wp_scripts, $wp_styles, $wp_object_cache,
    $wp_plugin_paths, $wp_embed, $wp_taxonomies, $wp_post_types, $wp_post_statuses, $wp_theme_directories,
    $table_prefix, $blog_id, $current_user, $pagenow, $allowedposttags, $allowedtags, $wp_widget_factory;
// phpcs:enable

$site = getenv('PRAISONAI_TEST_SITE');
if (!$site || !is_file($site . '/wp-load.php')) {
    fwrite(STDERR, "Set PRAISONAI_TEST_SITE to a WordPress folder (test/wordpress-e2e.test.ts does).\n");
    exit(1);
}
require $site . '/wp-load.php';
if (!class_exists('PraisonAI\\Svc\\Plugin')) {
    fwrite(STDERR, "The praisonai-svc plugin is not active on the test site.\n");
    exit(1);
}
