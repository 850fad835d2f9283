package dev.widgetedge.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 response as it left the gateway, parsed from the raw bytes: status, headers (names
 * lower-cased, every value kept) and body. Bodies are delimited by {@code Content-Length}, as every
 * answer the gateway writes itself is.
 */
record RawResponse(int status, Map<String, List<String>> headers, byte[] bodyBytes) {

    /** Every response in {@code raw}, in order. */
    static List<RawResponse> parseAll(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        List<RawResponse> responses = new ArrayList<>();
        int position = 0;
        while (position < text.length()) {
            int headEnd = text.indexOf("\r\n\r\n", position);
            assertThat(headEnd).as("a complete response head in: %s", text.substring(position)).isPositive();
            String[] lines = text.substring(position, headEnd).split("\r\n");
            assertThat(lines[0]).startsWith("HTTP/1.1 ");
            int status = Integer.parseInt(lines[0].substring(9, 12));
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).strip());
            }
            assertThat(headers).as("the gateway's own answers are not chunked").doesNotContainKey("transfer-encoding");
            boolean bodiless = status == 204 || status == 304 || status / 100 == 1;
            int length = bodiless || !headers.containsKey("content-length")
                    ? 0 : Integer.parseInt(headers.get("content-length").get(0));
            int bodyStart = headEnd + 4;
            assertThat(text.length()).as("the whole body of a %d response", status).isGreaterThanOrEqualTo(bodyStart + length);
            byte[] body = text.substring(bodyStart, bodyStart + length).getBytes(StandardCharsets.ISO_8859_1);
            responses.add(new RawResponse(status, headers, body));
            position = bodyStart + length;
        }
        return responses;
    }

    /** The single value of header {@code name}, or {@code null}; fails if it appears more than once. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        if (values == null) {
            return null;
        }
        assertThat(values).as("one %s header", name).hasSize(1);
        return values.get(0);
    }

    boolean has(String name) {
        return headers.containsKey(name.toLowerCase(Locale.ROOT));
    }

    String body() {
        return new String(bodyBytes, StandardCharsets.UTF_8);
    }

    /** The {@code error} code of a JSON error body. */
    String error() {
        assertThat(header("content-type")).isEqualTo("application/json");
        Map<String, String> fields = Http.json(body());
        assertThat(fields).containsOnlyKeys("error", "message");
        return fields.get("error");
    }
}
