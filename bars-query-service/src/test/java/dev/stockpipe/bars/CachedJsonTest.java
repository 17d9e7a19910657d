package dev.stockpipe.bars;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CachedJsonTest {
    private final String etag = CachedJson.etag("[1]".getBytes(StandardCharsets.UTF_8));

    @Test
    void shouldMakeAWeakEtagThatDependsOnTheBody() {
        assertThat(etag).startsWith("W/\"").endsWith("\"");
        assertThat(CachedJson.etag("[2]".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(etag);
        assertThat(CachedJson.etag("[1]".getBytes(StandardCharsets.UTF_8))).isEqualTo(etag);
    }

    @Test
    void shouldMatchIfNoneMatchWeaklyInListsAndStar() {
        assertThat(CachedJson.matches(etag, etag)).isTrue();
        assertThat(CachedJson.matches(etag.substring(2), etag)).isTrue();
        assertThat(CachedJson.matches("W/\"other\", " + etag, etag)).isTrue();
        assertThat(CachedJson.matches("*", etag)).isTrue();
        assertThat(CachedJson.matches("W/\"other\"", etag)).isFalse();
        assertThat(CachedJson.matches(null, etag)).isFalse();
    }
}
