package dev.stockpipe.sim;

import dev.stockpipe.model.TradeStatus;
import dev.stockpipe.model.alpaca.AlpacaTrade;

/**
 * One trade of the ground truth: the trade as emitted on the stream (or, for {@code replacement}, the
 * corrected trade a {@code c} message introduced, with the original's timestamp), and its final status.
 * {@code status} is {@code corrected} for a trade a correction superseded, {@code canceled} for a
 * canceled one, {@code ok} otherwise (replacements included). {@code seq} is the emission order.
 */
public record SimTrade(AlpacaTrade trade, TradeStatus status, boolean replacement, long seq) {

    /** The REST {@code u} mark (reference §7): incorrect, corrected, canceled, or null for a valid trade. */
    public String updateMark() {
        if (status == TradeStatus.CANCELED) {
            return "canceled";
        }
        if (status == TradeStatus.CORRECTED) {
            return "incorrect";
        }
        return replacement ? "corrected" : null;
    }
}
