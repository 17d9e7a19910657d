package dev.stockpipe.sim;

import java.time.Instant;

/**
 * A snapshot of the simulator's counters. {@code connections} are open WebSocket sessions,
 * {@code authenticated} those past auth; frames and messages count what was written to sockets.
 */
public record SimStats(int connections, int authenticated, long framesSent, long messagesSent,
                       long tradesEmitted, long barsEmitted, long correctionsEmitted, long cancelsEmitted,
                       long clientErrors, long slowClientDisconnects, long droppedWhileSilent,
                       long restRequests, long rest429, long upgradesRejected, Instant modelTime, boolean paused) {}
