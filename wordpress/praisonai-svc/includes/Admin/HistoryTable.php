<?php

// The job history list (a WP_List_Table): filters, paging and columns.

namespace PraisonAI\Svc\Admin;

use PraisonAI\Svc\JobStore;
use PraisonAI\Svc\Rest\JobsController;

if (!class_exists('WP_List_Table')) {
    require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
}

final class HistoryTable extends \WP_List_Table
{
    private const PER_PAGE = 20;
    private const STATUSES = ['queued', 'processing', 'done', 'error', 'cancelled'];

    /** @param list<string> $services */
    public function __construct(private JobStore $store, private array $services)
    {
        parent::__construct(['singular' => 'job', 'plural' => 'jobs', 'ajax' => false]);
    }

    public function get_columns(): array
    {
        return [
            'created_at' => __('Submitted (UTC)', 'praisonai-svc'),
            'service' => __('Service', 'praisonai-svc'),
            'user' => __('User', 'praisonai-svc'),
            'status' => __('Status', 'praisonai-svc'),
            'duration' => __('Duration', 'praisonai-svc'),
            'file' => __('File', 'praisonai-svc'),
            'job_id' => __('Job id', 'praisonai-svc'),
        ];
    }

    /** @return array{service: string, status: string, user: int} The filters in the query string, validated. */
    public function filters(): array
    {
        // phpcs:disable -- read-only filters of a list screen, no state change: no nonce needed
        $service = isset($_GET['service']) ? sanitize_key(wp_unslash($_GET['service'])) : '';
        $status = isset($_GET['status']) ? sanitize_key(wp_unslash($_GET['status'])) : '';
        $user = isset($_GET['user']) ? absint($_GET['user']) : 0;
        // phpcs:enable
        return [
            'service' => in_array($service, $this->services, true) ? $service : '',
            'status' => in_array($status, self::STATUSES, true) ? $status : '',
            'user' => $user,
        ];
    }

    public function prepare_items(): void
    {
        $this->_column_headers = [$this->get_columns(), [], []];
        $page = $this->get_pagenum();
        [$rows, $total] = $this->store->history($this->filters(), self::PER_PAGE, ($page - 1) * self::PER_PAGE);
        $this->items = $rows;
        $this->set_pagination_args(['total_items' => $total, 'per_page' => self::PER_PAGE]);
    }

    protected function extra_tablenav($which): void
    {
        if ($which !== 'top') {
            return;
        }
        $f = $this->filters();
        echo '<div class="alignleft actions">';
        echo '<label class="screen-reader-text" for="praisonai-filter-service">' . esc_html__('Service', 'praisonai-svc') . '</label>';
        echo '<select name="service" id="praisonai-filter-service"><option value="">' . esc_html__('All services', 'praisonai-svc') . '</option>';
        foreach ($this->services as $name) {
            echo '<option value="' . esc_attr($name) . '"' . selected($f['service'], $name, false) . '>' . esc_html($name) . '</option>';
        }
        echo '</select>';
        echo '<label class="screen-reader-text" for="praisonai-filter-status">' . esc_html__('Status', 'praisonai-svc') . '</label>';
        echo '<select name="status" id="praisonai-filter-status"><option value="">' . esc_html__('All statuses', 'praisonai-svc') . '</option>';
        foreach (self::STATUSES as $status) {
            echo '<option value="' . esc_attr($status) . '"' . selected($f['status'], $status, false) . '>' . esc_html($status) . '</option>';
        }
        echo '</select>';
        wp_dropdown_users([
            'name' => 'user',
            'id' => 'praisonai-filter-user',
            'show_option_all' => __('All users', 'praisonai-svc'),
            'selected' => $f['user'],
        ]);
        submit_button(__('Filter', 'praisonai-svc'), '', 'filter_action', false);
        echo '</div>';
    }

    /** @param object $item */
    protected function column_default($item, $column_name): string
    {
        switch ($column_name) {
            case 'created_at':
                return esc_html($item->created_at);
            case 'service':
                return esc_html($item->service);
            case 'user':
                if ((int) $item->user_id === 0) {
                    return esc_html__('Visitor', 'praisonai-svc');
                }
                $user = get_userdata((int) $item->user_id);
                return esc_html($user ? $user->user_login : '#' . $item->user_id);
            case 'status':
                $status = esc_html($item->status);
                return $item->status === 'error' && $item->error_msg !== ''
                    ? $status . '<br><small>' . esc_html(wp_trim_words((string) $item->error_msg, 20)) . '</small>'
                    : $status;
            case 'duration':
                return $item->duration_ms === null ? '—' : esc_html(self::seconds((int) $item->duration_ms));
            case 'file':
                if ($item->status !== 'done') {
                    return '—';
                }
                $url = add_query_arg('_wpnonce', wp_create_nonce('wp_rest'), rest_url(JobsController::NAMESPACE . '/jobs/' . $item->job_id . '/download'));
                return '<a href="' . esc_url($url) . '">' . esc_html($item->filename !== '' ? $item->filename : __('Download', 'praisonai-svc')) . '</a>';
            case 'job_id':
                return '<code>' . esc_html($item->job_id) . '</code>';
        }
        return '';
    }

    public function no_items(): void
    {
        esc_html_e('No jobs yet.', 'praisonai-svc');
    }

    public static function seconds(int $ms): string
    {
        /* translators: %s: seconds with one decimal */
        return sprintf(__('%s s', 'praisonai-svc'), number_format_i18n($ms / 1000, 1));
    }
}
