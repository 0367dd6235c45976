package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/** {@code ?limit=} and {@code ?cursor=} of the listings, and the page they answer with. */
final class Paging {
    private Paging() {}

    /**
     * One page of a listing.
     *
     * @param nextCursor pass as {@code ?cursor=} for the next page; absent on the last page
     * @param scope {@code local} (this replica) or {@code fleet} (every replica that answered)
     * @param replicas for fleet listings: each replica and whether it answered ({@code ok},
     *     {@code unreachable}, {@code http <status>}); a replica that did not answer is missing from the items
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Page(List<?> items, String nextCursor, String scope, Map<String, String> replicas) {}

    /** The page size asked for: {@code def} when absent, 1..{@code max}, else a 400 naming the field. */
    static int limit(Context ctx, int def, int max) {
        String text = ctx.queryParam("limit");
        if (text == null || text.isBlank()) {
            return def;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("invalid_request", "limit must be a whole number from 1 to " + max + ", not '"
                + text + "'", Map.of("field", "limit"));
    }

    static ApiException badCursor(String cursor) {
        return ApiException.badRequest("invalid_request", "cursor '" + (cursor.length() > 80 ? cursor.substring(0, 80)
                + "..." : cursor) + "' is not one this API gave out (pass nextCursor as it came)", Map.of("field", "cursor"));
    }
}
