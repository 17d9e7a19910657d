package dev.stockpipe.ingest.alpaca;

/** Stream frame encoding, chosen by the {@code Content-Type} header on the upgrade (reference §3). */
public enum Encoding {
    JSON("application/json"),
    MSGPACK("application/msgpack");

    private final String contentType;

    Encoding(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }
}
