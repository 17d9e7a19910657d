package dev.stockpipe.sim;

import java.util.List;
import java.util.Map;

/** An HTTP request copied off the event loop: method, decoded path and query, headers (lower-case names), body. */
record HttpCall(String method, String path, Map<String, List<String>> query, Map<String, String> headers, byte[] body) {

    /** The single value of a query parameter, or null; a repeated parameter gives its first value. */
    String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    boolean repeated(String name) {
        List<String> v = query.get(name);
        return v != null && v.size() > 1;
    }

    String header(String name) {
        return headers.get(name.toLowerCase());
    }
}
