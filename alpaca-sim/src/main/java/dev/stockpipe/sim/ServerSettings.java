package dev.stockpipe.sim;

import java.time.Duration;

/**
 * How the stream and REST behave towards clients.
 *
 * @param symbolLimit explicit trades+quotes symbols per session, 0 = unlimited (405 beyond)
 * @param connectionLimit authenticated sessions per (key, feed) (406 beyond)
 * @param outboundCapacity messages queued per session before it is a slow client (407)
 * @param maxFrameMessages data messages batched in one frame at most
 * @param maxClientMessageBytes a client message above this gets 400 (its fragments are dropped)
 * @param restRateLimitPerMinute REST requests per key per minute before 429
 */
record ServerSettings(String bindHost, int port, String key, String secret, Plan plan, int symbolLimit,
                      int connectionLimit, Duration authTimeout, Duration pingInterval, Duration pongTimeout,
                      int outboundCapacity, int maxFrameMessages, int maxClientMessageBytes, int restRateLimitPerMinute) {}
