package dev.stockpipe.relay.socketio;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import java.util.concurrent.CompletableFuture;

/**
 * The Engine.IO long-polling transport at {@code /socket.io/} on the relay's port: a GET returns waiting packets
 * or is held until some arrive (at the latest the next ping), a POST carries the client's packets. Both run on
 * the event loop and never block.
 */
@Controller
public class SocketIoController {
    private final SocketIoServer sio;

    public SocketIoController(SocketIoServer sio) {
        this.sio = sio;
    }

    @Get(uri = "/socket.io/", produces = MediaType.ALL)
    public CompletableFuture<MutableHttpResponse<byte[]>> poll(HttpRequest<?> request) {
        return sio.get(param(request, "EIO"), param(request, "transport"), param(request, "sid"),
                request.getHeaders().get(HttpHeaders.ORIGIN)).thenApply(SocketIoController::toResponse);
    }

    @Post(uri = "/socket.io/", consumes = MediaType.ALL, produces = MediaType.ALL)
    public CompletableFuture<MutableHttpResponse<byte[]>> send(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return CompletableFuture.completedFuture(toResponse(sio.post(param(request, "EIO"),
                param(request, "transport"), param(request, "sid"), request.getHeaders().get(HttpHeaders.ORIGIN),
                body == null ? new byte[0] : body)));
    }

    private static String param(HttpRequest<?> request, String name) {
        return request.getParameters().get(name);
    }

    private static MutableHttpResponse<byte[]> toResponse(Reply r) {
        return HttpResponse.<byte[]>status(io.micronaut.http.HttpStatus.valueOf(r.status()))
                .contentType(MediaType.of(r.contentType()))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(r.body());
    }
}
