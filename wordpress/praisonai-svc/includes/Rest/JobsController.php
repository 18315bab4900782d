<?php

// REST routes under praisonai/v1: the widget's proxy to a service (spec §6 option A) and, for direct mode
// (option B), short-lived tokens. Logged-in users are identified by WordPress's cookie + X-WP-Nonce check;
// a user reads and downloads only the jobs they submitted, an administrator every job.

namespace PraisonAI\Svc\Rest;

use PraisonAI\Svc\JobStore;
use PraisonAI\Svc\Requester;
use PraisonAI\Svc\Service;
use PraisonAI\Svc\ServiceClient;
use PraisonAI\Svc\Settings;
use PraisonAI\Svc\TokenIssuer;
use PraisonAI\Svc\VisitorLock;

final class JobsController
{
    public const NAMESPACE = 'praisonai/v1';
    /** The service's own limit; refused here before anything is forwarded. */
    public const MAX_BODY_BYTES = 1048576;
    public const CONTENT_TYPES = ['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml'];
    private const ID = '(?P<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';

    public function __construct(private Settings $settings, private JobStore $store)
    {
    }

    public function register(): void
    {
        $service = ['service' => ['type' => 'string', 'required' => true, 'pattern' => '^[a-z0-9][a-z0-9_-]{0,39}$']];
        $routes = [
            '/jobs' => [
                ['POST', 'submit', 'canUseService', []],
                ['GET', 'recent', 'canUseService', $service],
            ],
            '/jobs/' . self::ID => [['GET', 'read', 'canReadJobs', []], ['DELETE', 'cancel', 'canReadJobs', []]],
            '/jobs/' . self::ID . '/download' => [['GET', 'download', 'canReadJobs', []]],
            '/jobs/' . self::ID . '/sync' => [['POST', 'sync', 'canUseService', $service]],
            '/token' => [['GET', 'token', 'canUseService', $service]],
            '/example' => [['GET', 'example', 'canUseService', $service]],
        ];
        foreach ($routes as $path => $endpoints) {
            register_rest_route(self::NAMESPACE, $path, array_map(fn (array $e) => [
                'methods' => $e[0],
                'callback' => [$this, $e[1]],
                'permission_callback' => [$this, $e[2]],
                'args' => $e[3],
            ], $endpoints));
        }
        // A malformed JSON body must reach the service, whose 400 says what is wrong with it;
        // WordPress would otherwise answer its own "Invalid JSON body passed." before the route runs.
        add_filter('rest_request_before_callbacks', function ($response, $handler, $request) {
            $ours = is_array($handler['callback'] ?? null) && ($handler['callback'][0] ?? null) === $this;
            if ($ours && is_wp_error($response) && $response->get_error_code() === 'rest_invalid_json') {
                return null;
            }
            return $response;
        }, 10, 3);
    }

    /** Users may use a configured service; visitors only when the site owner allows them. */
    public function canUseService(\WP_REST_Request $request): bool|\WP_Error
    {
        $service = $this->settings->service($this->serviceName($request));
        if ($service === null) {
            return new \WP_Error('praisonai_unknown_service', __('No such service is configured on this site.', 'praisonai-svc'), ['status' => 404]);
        }
        return is_user_logged_in() || $service->allowsVisitors() ? true : $this->loginRequired();
    }

    /** Job routes check ownership themselves (answering 404 for others' jobs); this only keeps strangers out. */
    public function canReadJobs(): bool|\WP_Error
    {
        if (is_user_logged_in()) {
            return true;
        }
        foreach ($this->settings->services() as $service) {
            if ($service->allowsVisitors()) {
                return true;
            }
        }
        return $this->loginRequired();
    }

    public function submit(\WP_REST_Request $request): \WP_REST_Response
    {
        $service = $this->requireService($request);
        if ($service->isDirect()) {
            return Problem::response(400, __('This service is set to direct mode: the widget sends jobs to it without the site.', 'praisonai-svc'));
        }
        $body = $request->get_body();
        if (strlen($body) > self::MAX_BODY_BYTES) {
            /* translators: %d: byte limit */
            return Problem::response(413, sprintf(__('The request body is larger than the limit of %d bytes.', 'praisonai-svc'), self::MAX_BODY_BYTES));
        }
        $type = strtolower(trim(explode(';', (string) $request->get_header('content-type'))[0]));
        if (!in_array($type, self::CONTENT_TYPES, true)) {
            return Problem::response(415, __('Send the payload as application/json or as YAML (application/yaml, application/x-yaml or text/yaml).', 'praisonai-svc'));
        }
        $who = Requester::current(true);
        if (!$who->isVisitor()) {
            return $this->forward($service, $who, $body, $type);
        }
        // Counting the last hour and recording the new job must not interleave with the same visitor's
        // other requests: the lock is held from the count until the job is recorded.
        $lock = new VisitorLock();
        if (!$lock->acquire($who, $service->name, (int) apply_filters('praisonai_svc_visitor_lock_wait', VisitorLock::WAIT_SECONDS))) {
            return Problem::response(503, __('Your earlier request to this service is still being sent. Try again in a moment.', 'praisonai-svc'), [], ['Retry-After' => '5']);
        }
        try {
            if ($this->store->visitorSubmissionsLastHour($who, $service->name) >= $service->visitorLimit) {
                $wait = $this->store->visitorRetryAfter($who, $service->name);
                /* translators: %d: hourly limit */
                $detail = sprintf(
                    _n('Visitors may submit %d job an hour to this service.', 'Visitors may submit %d jobs an hour to this service.', $service->visitorLimit, 'praisonai-svc'),
                    $service->visitorLimit
                );
                return Problem::response(429, $detail, [], ['Retry-After' => (string) $wait]);
            }
            return $this->forward($service, $who, $body, $type);
        } finally {
            $lock->release();
        }
    }

    /** Sends a checked submission to the service and records the job it accepted. */
    private function forward(Service $service, Requester $who, string $body, string $type): \WP_REST_Response
    {
        $client = new ServiceClient($service);
        $answer = $client->submit($body, $type, $client->apiKeyAuth());
        if (!$answer->reached()) {
            return Problem::unreachable($service->label, true);
        }
        $job = $answer->json();
        if ($answer->ok() && is_array($job) && ServiceClient::isJobId((string) ($job['job_id'] ?? ''))) {
            $this->store->record((string) $job['job_id'], $service->name, Service::MODE_PROXY, $who, $job);
        }
        return Problem::relay($answer, $service->secrets());
    }

    public function read(\WP_REST_Request $request): \WP_REST_Response
    {
        [$row, $service, $client] = $this->ownJob($request);
        if ($row === null) {
            return $this->unknownJob();
        }
        $answer = $client->job($row->job_id, $this->authFor($row, $service, $client));
        if (!$answer->reached()) {
            return Problem::unreachable($service->label, false);
        }
        if ($answer->ok() && is_array($answer->json())) {
            $this->store->update($row->job_id, $answer->json());
        }
        return Problem::relay($answer, $service->secrets());
    }

    /**
     * Stops the requester's job: the service's DELETE /jobs/{id} with the site's key (or the owner's token in
     * direct mode). 200 and the cancelled job, or the service's 409 when it finished first; either way the
     * history row gets the job's real final status.
     */
    public function cancel(\WP_REST_Request $request): \WP_REST_Response
    {
        [$row, $service, $client] = $this->ownJob($request);
        if ($row === null) {
            return $this->unknownJob();
        }
        $auth = $this->authFor($row, $service, $client);
        $answer = $client->cancel($row->job_id, $auth);
        if (!$answer->reached()) {
            return Problem::response(503, sprintf(
                /* translators: %s: service label */
                __('The %s service cannot be reached right now, so the job was not stopped. Try again in a moment.', 'praisonai-svc'),
                $service->label
            ), [], ['Retry-After' => '5']);
        }
        if ($answer->ok() && is_array($answer->json())) {
            $this->store->update($row->job_id, $answer->json());
        } elseif ($answer->status === 409) {
            $finished = $client->job($row->job_id, $auth);
            if ($finished->ok() && is_array($finished->json())) {
                $this->store->update($row->job_id, $finished->json());
            }
        }
        return Problem::relay($answer, $service->secrets());
    }

    /** 302 to a fresh signed link; with Accept: application/json, the link as JSON. */
    public function download(\WP_REST_Request $request): \WP_REST_Response
    {
        [$row, $service, $client] = $this->ownJob($request);
        if ($row === null) {
            return $this->unknownJob();
        }
        $answer = $client->downloadLink($row->job_id, $this->authFor($row, $service, $client));
        if (!$answer->reached()) {
            return Problem::unreachable($service->label, false);
        }
        $link = $answer->json()['download_url'] ?? null;
        if (!$answer->ok() || !is_string($link)) {
            return Problem::relay($answer, $service->secrets());
        }
        if (!preg_match('#^https?://#i', $link)) {
            return Problem::response(502, __('The service sent a download link that is not a web address.', 'praisonai-svc'));
        }
        if (str_contains((string) $request->get_header('accept'), 'application/json')) {
            return new \WP_REST_Response($answer->json(), 200);
        }
        $response = new \WP_REST_Response(null, 302);
        $response->header('Location', $link);
        return $response;
    }

    /** The requester's latest jobs of a service (the widget's "Your files"). */
    public function recent(\WP_REST_Request $request): \WP_REST_Response
    {
        $service = $this->requireService($request);
        $jobs = array_map(static fn (object $r) => [
            'job_id' => $r->job_id,
            'status' => $r->status,
            'filename' => $r->filename,
            'size' => $r->size === null ? null : (int) $r->size,
            'created_utc' => mysql2date('Y-m-d\TH:i:s\Z', $r->created_at, false),
        ], $this->store->recent(Requester::current(), $service->name));
        return new \WP_REST_Response(['jobs' => $jobs], 200);
    }

    /** Direct mode: a token for the current user or visitor, for the widget to call the service itself. */
    public function token(\WP_REST_Request $request): \WP_REST_Response
    {
        $service = $this->requireService($request);
        if (!$service->isDirect()) {
            return Problem::response(400, __('This service is in proxy mode: it issues no tokens.', 'praisonai-svc'));
        }
        try {
            $token = (new TokenIssuer())->issue($service, Requester::current(true)->subject());
        } catch (\RuntimeException $e) {
            return Problem::response(503, __('This service\'s token key is not set up; ask the site owner to check Settings → PraisonAI.', 'praisonai-svc'));
        }
        $response = new \WP_REST_Response($token + ['service_url' => $service->baseUrl], 200);
        $response->header('Cache-Control', 'no-store');
        return $response;
    }

    /**
     * Direct mode: the widget reports a job it submitted; the site reads it from the service with the
     * requester's own token (so it cannot record someone else's job) and records it for history.
     */
    public function sync(\WP_REST_Request $request): \WP_REST_Response
    {
        $service = $this->requireService($request);
        if (!$service->isDirect()) {
            return Problem::response(400, __('Only direct-mode jobs are reported this way.', 'praisonai-svc'));
        }
        $who = Requester::current(true);
        $client = new ServiceClient($service);
        $id = (string) $request['id'];
        $answer = $client->job($id, $client->tokenAuth($who->subject()));
        if (!$answer->reached()) {
            return Problem::unreachable($service->label, false);
        }
        $job = $answer->json();
        if ($answer->ok() && is_array($job)) {
            $this->store->record($id, $service->name, Service::MODE_DIRECT, $who, $job);
        }
        return Problem::relay($answer, $service->secrets());
    }

    /** The service's example payload, from its OpenAPI document (cached for an hour). */
    public function example(\WP_REST_Request $request): \WP_REST_Response
    {
        $service = $this->requireService($request);
        $key = 'praisonai_svc_example_' . md5($service->name . $service->baseUrl);
        $example = get_transient($key);
        if ($example === false) {
            $answer = (new ServiceClient($service))->openApi();
            if (!$answer->reached()) {
                return Problem::unreachable($service->label, false);
            }
            $example = self::exampleFrom($answer->json() ?? []);
            if ($example === null) {
                return Problem::response(404, __('This service publishes no example payload.', 'praisonai-svc'));
            }
            set_transient($key, $example, HOUR_IN_SECONDS);
        }
        return new \WP_REST_Response(['example' => $example], 200);
    }

    /** The example of `POST /jobs`'s JSON body in an OpenAPI document, or null. */
    public static function exampleFrom(array $openapi): mixed
    {
        $media = $openapi['paths']['/jobs']['post']['requestBody']['content']['application/json'] ?? null;
        if (!is_array($media)) {
            return null;
        }
        return $media['example'] ?? ($media['schema']['examples'][0] ?? null);
    }

    private function serviceName(\WP_REST_Request $request): string
    {
        // From the query string only: a JSON payload may have a `service` field of its own.
        $name = $request->get_query_params()['service'] ?? null;
        return is_string($name) ? sanitize_key($name) : '';
    }

    private function requireService(\WP_REST_Request $request): Service
    {
        // canUseService has already checked it exists.
        return $this->settings->service($this->serviceName($request)) ?? throw new \LogicException('unknown service');
    }

    /** @return array{0: ?object, 1: ?Service, 2: ?ServiceClient} The requester's row, its service and a client. */
    private function ownJob(\WP_REST_Request $request): array
    {
        $id = (string) $request['id'];
        $row = ServiceClient::isJobId($id) ? $this->store->find($id, Requester::current()) : null;
        $service = $row === null ? null : $this->settings->service($row->service);
        if ($row === null || $service === null) {
            return [null, null, null];
        }
        return [$row, $service, new ServiceClient($service)];
    }

    /** The credential the service knows the job's owner by: the site's key, or a token for that owner. */
    private function authFor(object $row, Service $service, ServiceClient $client): array
    {
        return $row->mode === Service::MODE_DIRECT
            ? $client->tokenAuth(Requester::subjectOf((int) $row->user_id, (string) $row->visitor))
            : $client->apiKeyAuth();
    }

    private function unknownJob(): \WP_REST_Response
    {
        return Problem::response(404, __('No job with this id was submitted from your account.', 'praisonai-svc'));
    }

    private function loginRequired(): \WP_Error
    {
        return new \WP_Error('praisonai_login_required', __('Please log in to use this service.', 'praisonai-svc'), ['status' => 401]);
    }
}
