<?php

// Jobs per day as an inline SVG stacked bar chart (no library, no script), with a text alternative.

namespace PraisonAI\Svc\Admin;

final class Chart
{
    private const COLORS = ['#2f5fb3', '#b3572f', '#2f8f5b', '#8a2fb3', '#b3a12f', '#2fa3b3'];
    private const WIDTH = 720;
    private const HEIGHT = 220;
    private const PAD = 28;

    /**
     * @param list<string> $days
     * @param list<array{day: string, service: string, jobs: int}> $rows
     */
    public static function jobsPerDay(array $days, array $rows, string $title): string
    {
        $services = array_values(array_unique(array_column($rows, 'service')));
        $count = [];
        foreach ($rows as $r) {
            $count[$r['day']][$r['service']] = $r['jobs'];
        }
        $max = 1;
        foreach ($count as $perService) {
            $max = max($max, array_sum($perService));
        }
        $slot = (self::WIDTH - self::PAD) / max(1, count($days));
        $scale = (self::HEIGHT - 2 * self::PAD) / $max;
        $svg = sprintf(
            '<svg class="praisonai-chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="praisonai-chart-title"><title id="praisonai-chart-title">%s</title>',
            self::WIDTH,
            self::HEIGHT,
            esc_html($title)
        );
        $svg .= '<text x="0" y="14" font-size="11">' . esc_html((string) $max) . '</text>';
        $svg .= '<line x1="' . self::PAD . '" y1="' . (self::HEIGHT - self::PAD) . '" x2="' . self::WIDTH . '" y2="' . (self::HEIGHT - self::PAD) . '" stroke="#8c8f94"/>';
        foreach ($days as $i => $day) {
            $x = self::PAD + $i * $slot + 2;
            $y = self::HEIGHT - self::PAD;
            foreach ($services as $s => $service) {
                $n = $count[$day][$service] ?? 0;
                if ($n === 0) {
                    continue;
                }
                $h = $n * $scale;
                $y -= $h;
                $svg .= sprintf(
                    '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>',
                    $x,
                    $y,
                    max(1, $slot - 4),
                    $h,
                    self::COLORS[$s % count(self::COLORS)],
                    esc_html($day . ' · ' . $service . ': ' . $n)
                );
            }
            if ($i % 5 === 0 || $i === count($days) - 1) {
                $svg .= '<text x="' . round($x, 1) . '" y="' . (self::HEIGHT - 8) . '" font-size="10">' . esc_html(substr($day, 5)) . '</text>';
            }
        }
        $svg .= '</svg><p class="praisonai-legend">';
        foreach ($services as $s => $service) {
            $svg .= sprintf(
                '<span><span aria-hidden="true" style="display:inline-block;width:.8em;height:.8em;background:%s"></span> %s</span> ',
                esc_attr(self::COLORS[$s % count(self::COLORS)]),
                esc_html($service)
            );
        }
        return $svg . '</p>';
    }
}
