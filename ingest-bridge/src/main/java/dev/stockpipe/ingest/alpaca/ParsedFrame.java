package dev.stockpipe.ingest.alpaca;

import dev.stockpipe.model.RejectReason;
import java.util.List;

/**
 * The objects of one frame, and what was wrong with the rest of it. A frame can be partly good: the objects
 * before a syntax error, or beside a non-object element, are kept ({@code problem} says what was lost).
 */
public record ParsedFrame(List<RawMessage> messages, RejectReason problem, String problemDetail) {
    public ParsedFrame {
        messages = List.copyOf(messages);
    }

    public boolean ok() {
        return problem == null;
    }
}
