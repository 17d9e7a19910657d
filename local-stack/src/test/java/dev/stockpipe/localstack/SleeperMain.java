package dev.stockpipe.localstack;

/** A stand-in service for ServiceProcessIT: says it started, then waits to be stopped. */
public final class SleeperMain {
    public static void main(String[] args) throws InterruptedException {
        System.out.println("sleeper started with " + System.getenv("SLEEPER_GREETING"));
        Thread.sleep(600_000);
    }
}
