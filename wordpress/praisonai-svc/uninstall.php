<?php

// Runs when the plugin is deleted (not when it is deactivated, which keeps everything):
// removes its settings, its cached examples and its jobs table.

if (!defined('WP_UNINSTALL_PLUGIN')) {
    exit;
}

global $wpdb;
delete_option('praisonai_svc_settings');
delete_option('praisonai_svc_db_version');
$wpdb->query("DELETE FROM {$wpdb->options} WHERE option_name LIKE '\\_transient\\_praisonai\\_svc\\_%' OR option_name LIKE '\\_transient\\_timeout\\_praisonai\\_svc\\_%'");
$wpdb->query("DROP TABLE IF EXISTS {$wpdb->prefix}praisonai_jobs");
