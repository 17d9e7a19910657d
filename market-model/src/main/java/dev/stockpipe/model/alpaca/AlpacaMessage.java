package dev.stockpipe.model.alpaca;

/**
 * One element of an Alpaca stream frame (reference §4), keyed by its {@code T}. Frames are arrays of
 * these; control messages (success, error, subscription) always come alone.
 */
public sealed interface AlpacaMessage
        permits AlpacaTrade, AlpacaQuote, AlpacaBar, AlpacaCorrection, AlpacaCancel, AlpacaStatus,
                AlpacaLuld, AlpacaImbalance, AlpacaSuccess, AlpacaError, AlpacaSubscription {

    /** The {@code T} value. */
    String type();

    /** The {@code S} value, or null for control messages. */
    default String symbol() {
        return null;
    }
}
