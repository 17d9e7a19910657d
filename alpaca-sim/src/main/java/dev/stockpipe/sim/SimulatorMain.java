package dev.stockpipe.sim;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the simulator alone: {@code java -Xmx512m -cp ... dev.stockpipe.sim.SimulatorMain}. Configuration: {@link SimConfig}. */
public final class SimulatorMain {
    private static final Logger log = LoggerFactory.getLogger(SimulatorMain.class);

    private SimulatorMain() {}

    public static void main(String[] args) throws InterruptedException {
        SimConfig config;
        try {
            config = SimConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            log.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        log.info("starting with {}", config);
        AlpacaSimulator sim = config.builder().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }, "alpaca-sim-shutdown"));
        log.info("stream {} (also /v2/sip, /v2/test), REST {}/v2/stocks, admin {}/admin", sim.streamUri("iex"), sim.restUri(), sim.restUri());
        stopped.await();
    }
}
