package dev.stockpipe.bars;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.stockpipe.model.Json;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import java.io.UncheckedIOException;
import com.fasterxml.jackson.core.JsonProcessingException;

/** An RFC 9457 problem detail; {@code parameter} names the refused query or path parameter. */
@Schema(name = "Problem", description = "RFC 9457 problem detail (application/problem+json)")
@JsonPropertyOrder({"type", "title", "status", "detail", "parameter", "instance"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        @JsonProperty("type") String type,
        @JsonProperty("title") String title,
        @JsonProperty("status") int status,
        @JsonProperty("detail") String detail,
        @JsonProperty("parameter") String parameter,
        @JsonProperty("instance") String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String BAD_PARAMETER = "https://stockpipe.dev/problems/bad-parameter";
    public static final String DATABASE_UNAVAILABLE = "https://stockpipe.dev/problems/database-unavailable";
    public static final String INTERNAL = "https://stockpipe.dev/problems/internal";

    public MutableHttpResponse<byte[]> toResponse() {
        try {
            return HttpResponse.<byte[]>status(HttpStatus.valueOf(status))
                    .contentType(MediaType.of(MEDIA_TYPE))
                    .body(Json.MAPPER.writeValueAsBytes(this));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
