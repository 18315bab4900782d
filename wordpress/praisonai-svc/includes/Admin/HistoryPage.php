<?php

// Tools → PraisonAI jobs: every job submitted through the site, newest first, filterable by service,
// status and user, with its duration and a download link for finished jobs.

namespace PraisonAI\Svc\Admin;

use PraisonAI\Svc\JobStore;
use PraisonAI\Svc\Settings;

final class HistoryPage
{
    public const SLUG = 'praisonai-svc-jobs';

    public function __construct(private JobStore $store, private Settings $settings)
    {
    }

    public function register(): void
    {
        add_action('admin_menu', function (): void {
            add_management_page(__('PraisonAI jobs', 'praisonai-svc'), __('PraisonAI jobs', 'praisonai-svc'), 'manage_options', self::SLUG, [$this, 'render']);
        });
    }

    public function render(): void
    {
        if (!current_user_can('manage_options')) {
            return;
        }
        $table = new HistoryTable($this->store, array_keys($this->settings->services()));
        $table->prepare_items();
        echo '<div class="wrap"><h1>' . esc_html__('PraisonAI jobs', 'praisonai-svc') . '</h1>';
        echo '<form method="get"><input type="hidden" name="page" value="' . esc_attr(self::SLUG) . '">';
        $table->display();
        echo '</form></div>';
    }
}
