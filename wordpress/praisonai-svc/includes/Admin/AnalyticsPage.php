<?php

// Tools → PraisonAI usage: jobs per day per service over 30 days (chart and table), success rate,
// median and p95 duration, top users, and a CSV export of the daily figures.

namespace PraisonAI\Svc\Admin;

use PraisonAI\Svc\Analytics;

final class AnalyticsPage
{
    public const SLUG = 'praisonai-svc-usage';
    private const EXPORT = 'praisonai_export_usage';

    public function register(): void
    {
        add_action('admin_menu', function (): void {
            add_management_page(__('PraisonAI usage', 'praisonai-svc'), __('PraisonAI usage', 'praisonai-svc'), 'manage_options', self::SLUG, [$this, 'render']);
        });
        add_action('admin_post_' . self::EXPORT, [$this, 'export']);
    }

    public function render(): void
    {
        if (!current_user_can('manage_options')) {
            return;
        }
        $stats = new Analytics();
        $summary = $stats->summary();
        $perDay = $stats->perDay();
        $dash = '—';
        echo '<div class="wrap"><h1>' . esc_html__('PraisonAI usage (last 30 days)', 'praisonai-svc') . '</h1>';
        echo '<table class="widefat striped" style="max-width:40em"><tbody>';
        $cells = [
            __('Jobs', 'praisonai-svc') => number_format_i18n($summary['jobs']),
            __('Success rate (of finished jobs)', 'praisonai-svc') => $summary['success_rate'] === null ? $dash : number_format_i18n($summary['success_rate'] * 100, 1) . ' %',
            __('Median duration', 'praisonai-svc') => $summary['median_ms'] === null ? $dash : HistoryTable::seconds($summary['median_ms']),
            __('95th percentile duration', 'praisonai-svc') => $summary['p95_ms'] === null ? $dash : HistoryTable::seconds($summary['p95_ms']),
        ];
        foreach ($cells as $label => $value) {
            echo '<tr><th scope="row">' . esc_html($label) . '</th><td>' . esc_html($value) . '</td></tr>';
        }
        echo '</tbody></table>';

        echo '<h2>' . esc_html__('Jobs per day', 'praisonai-svc') . '</h2>';
        echo Chart::jobsPerDay($stats->days(), $perDay, __('Jobs per day and service, last 30 days', 'praisonai-svc')); // phpcs:ignore -- escaped inside
        $url = wp_nonce_url(admin_url('admin-post.php?action=' . self::EXPORT), self::EXPORT);
        echo '<p><a class="button" href="' . esc_url($url) . '">' . esc_html__('Export CSV', 'praisonai-svc') . '</a></p>';

        echo '<table class="widefat striped" style="max-width:40em"><caption class="screen-reader-text">' . esc_html__('Jobs per day and service', 'praisonai-svc') . '</caption><thead><tr>';
        foreach ([__('Day', 'praisonai-svc'), __('Service', 'praisonai-svc'), __('Jobs', 'praisonai-svc'), __('Done', 'praisonai-svc'), __('Failed', 'praisonai-svc')] as $h) {
            echo '<th scope="col">' . esc_html($h) . '</th>';
        }
        echo '</tr></thead><tbody>';
        foreach (array_reverse($perDay) as $r) {
            echo '<tr><td>' . implode('</td><td>', array_map(static fn ($v) => esc_html((string) $v), $r)) . '</td></tr>';
        }
        echo '</tbody></table>';

        echo '<h2>' . esc_html__('Top users', 'praisonai-svc') . '</h2><ol>';
        foreach ($stats->topUsers() as $u) {
            $user = $u['user_id'] > 0 ? get_userdata($u['user_id']) : null;
            $name = $u['user_id'] === 0 ? __('Visitors', 'praisonai-svc') : ($user ? $user->user_login : '#' . $u['user_id']);
            /* translators: 1: user name, 2: number of jobs */
            echo '<li>' . esc_html(sprintf(_n('%1$s: %2$s job', '%1$s: %2$s jobs', $u['jobs'], 'praisonai-svc'), $name, number_format_i18n($u['jobs']))) . '</li>';
        }
        echo '</ol></div>';
    }

    /** The daily figures as CSV (cells that a spreadsheet would run as a formula are quoted as text). */
    public function export(): void
    {
        if (!current_user_can('manage_options')) {
            wp_die(esc_html__('You may not export usage.', 'praisonai-svc'), 403);
        }
        check_admin_referer(self::EXPORT);
        nocache_headers();
        header('Content-Type: text/csv; charset=utf-8');
        header('Content-Disposition: attachment; filename="praisonai-usage-' . gmdate('Y-m-d') . '.csv"');
        $out = fopen('php://output', 'w');
        fputcsv($out, ['day', 'service', 'jobs', 'done', 'failed']);
        foreach ((new Analytics())->perDay() as $r) {
            fputcsv($out, array_map([self::class, 'cell'], array_values($r)));
        }
        fclose($out);
        exit;
    }

    public static function cell(mixed $value): string
    {
        $text = (string) $value;
        return preg_match('/^[=+\-@\t\r]/', $text) ? "'" . $text : $text;
    }
}
