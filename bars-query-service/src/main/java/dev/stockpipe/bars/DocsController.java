package dev.stockpipe.bars;

import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The OpenAPI document generated from this code at compile time (META-INF/swagger/openapi.yml) at /openapi.yml,
 * as the original FastAPI service had it, and Swagger UI at /docs (its assets are static files under /docs/res/).
 */
@Controller
@Hidden
public class DocsController {
    static final String SPEC_RESOURCE = "classpath:META-INF/swagger/openapi.yml";
    static final String UI_RESOURCE = "classpath:META-INF/swagger/views/swagger-ui/index.html";
    private final byte[] spec;
    private final byte[] ui;

    public DocsController(ResourceResolver resources) {
        spec = read(resources, SPEC_RESOURCE);
        ui = read(resources, UI_RESOURCE);
    }

    private static byte[] read(ResourceResolver resources, String name) {
        Optional<InputStream> in = resources.getResourceAsStream(name);
        if (in.isEmpty()) {
            throw new IllegalStateException(name + " is missing: the micronaut-openapi processor did not run");
        }
        try (InputStream s = in.get()) {
            return s.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get(uri = "/openapi.yml", produces = "application/yaml")
    public HttpResponse<byte[]> openapi() {
        return HttpResponse.ok(spec).contentType(MediaType.of("application/yaml"));
    }

    /** The page (also at /docs/) loads its assets from /docs/res/ and the spec from /openapi.yml, both absolute. */
    @Get(uri = "/docs", produces = MediaType.TEXT_HTML)
    public HttpResponse<byte[]> docs() {
        return HttpResponse.ok(ui).contentType(MediaType.TEXT_HTML_TYPE);
    }
}
