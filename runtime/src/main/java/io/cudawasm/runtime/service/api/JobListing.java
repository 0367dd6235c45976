package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.runtime.fleet.FleetRouter;
import io.cudawasm.runtime.fleet.PeerReply;
import io.cudawasm.runtime.service.jobs.JobManager;
import io.cudawasm.runtime.service.jobs.JobSnapshot;
import io.cudawasm.runtime.service.jobs.JobStatus;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/jobs}: the jobs readable by id (queued, running, finished and retained), oldest
 * first, paged by a cursor ({@code ?limit=&cursor=}), filtered by {@code ?state=} (comma-separated).
 * {@code ?scope=fleet} asks every replica for the same page and merges: the cursor is the
 * position (creation time, id) in that one order, so it pages through the whole fleet.
 */
final class JobListing {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    /** A position in the listing order. */
    private record Key(Instant created, String id) implements Comparable<Key> {
        private static final Comparator<Key> ORDER = Comparator.comparing(Key::created).thenComparing(Key::id);

        @Override
        public int compareTo(Key o) {
            return ORDER.compare(this, o);
        }

        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (created + "|" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Key decode(String cursor) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = text.indexOf('|');
                return new Key(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
            } catch (IllegalArgumentException | IndexOutOfBoundsException | DateTimeParseException e) {
                throw Paging.badCursor(cursor);
            }
        }

        /** A peer's item that can be placed in the order (an id and a creation time). */
        static boolean valid(JsonNode item) {
            try {
                Instant.parse(item.path("createdAt").asText());
                return item.path("id").isTextual();
            } catch (DateTimeParseException e) {
                return false;
            }
        }

        static Key of(JsonNode item) {
            return new Key(Instant.parse(item.path("createdAt").asText()), item.path("id").asText());
        }
    }

    private final JobManager jobs;
    private final FleetRouter fleet;
    private final ObjectMapper mapper;

    JobListing(JobManager jobs, FleetRouter fleet, ObjectMapper mapper) {
        this.jobs = jobs;
        this.fleet = fleet;
        this.mapper = mapper;
    }

    void list(Context ctx) {
        int limit = Paging.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        String cursor = ctx.queryParam("cursor");
        Key after = cursor == null || cursor.isBlank() ? null : Key.decode(cursor);
        String stateParam = ctx.queryParam("state");
        Set<JobStatus> states = states(stateParam);
        boolean fleetScope = fleetScope(ctx.queryParam("scope")) && !FleetRouter.isPeerRequest(ctx);

        List<JobSnapshot> mine = new ArrayList<>();
        for (JobSnapshot s : jobs.snapshots()) {
            if (states.contains(s.status()) && (after == null || new Key(s.created(), s.id()).compareTo(after) > 0)) {
                mine.add(s);
            }
        }
        mine.sort(Comparator.comparing((JobSnapshot s) -> new Key(s.created(), s.id())));
        List<JsonNode> items = new ArrayList<>();
        for (JobSnapshot s : mine.subList(0, Math.min(mine.size(), limit + 1))) {
            items.add(mapper.valueToTree(Views.jobSummary(s)));
        }
        boolean more = false;
        Map<String, String> replicas = null;
        if (fleetScope) {
            replicas = new LinkedHashMap<>();
            replicas.put(fleet.identity().name(), "ok");
            StringBuilder query = new StringBuilder("/v1/jobs?scope=local&limit=").append(limit);
            if (after != null) {
                query.append("&cursor=").append(after.encode());
            }
            if (stateParam != null && !stateParam.isBlank()) {
                query.append("&state=").append(URLEncoder.encode(stateParam, StandardCharsets.UTF_8));
            }
            for (PeerReply r : fleet.askPeers("GET", query.toString())) {
                replicas.put(r.peer().label(), r.state());
                if (r.status() == 200 && r.body() != null && r.body().path("items").isArray()) {
                    for (JsonNode item : r.body().get("items")) {
                        if (Key.valid(item)) {
                            items.add(item);
                        }
                    }
                    more |= r.body().hasNonNull("nextCursor");
                }
            }
            items.sort(Comparator.comparing(Key::of));
        }
        if (items.size() > limit) {
            more = true;
            items = items.subList(0, limit);
        }
        String next = more && !items.isEmpty() ? Key.of(items.get(items.size() - 1)).encode() : null;
        ctx.json(new Paging.Page(items, next, fleetScope ? "fleet" : "local", replicas));
    }

    private static boolean fleetScope(String scope) {
        if (scope == null || scope.isBlank() || scope.equals("local")) {
            return false;
        }
        if (scope.equals("fleet")) {
            return true;
        }
        throw ApiException.badRequest("invalid_request", "scope must be 'local' (this replica) or 'fleet' (every "
                + "replica), not '" + scope + "'", Map.of("field", "scope"));
    }

    private static Set<JobStatus> states(String text) {
        if (text == null || text.isBlank()) {
            return EnumSet.allOf(JobStatus.class);
        }
        Set<JobStatus> states = EnumSet.noneOf(JobStatus.class);
        for (String part : text.split(",")) {
            String label = part.strip().toLowerCase(Locale.ROOT);
            JobStatus match = null;
            for (JobStatus s : JobStatus.values()) {
                if (s.label().equals(label)) {
                    match = s;
                }
            }
            if (match == null) {
                throw ApiException.badRequest("invalid_request", "state '" + part.strip() + "' is not one of queued, "
                        + "running, succeeded, failed, cancelled", Map.of("field", "state"));
            }
            states.add(match);
        }
        return states;
    }
}
