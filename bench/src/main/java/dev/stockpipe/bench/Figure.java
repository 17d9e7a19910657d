package dev.stockpipe.bench;

/**
 * One measured figure of a report, with the goal it is judged against (if any).
 *
 * @param met true/false when there is a goal, null when the figure is informational
 */
public record Figure(String name, double value, String unit, String goal, Boolean met) {

    public static Figure info(String name, double value, String unit) {
        return new Figure(name, value, unit, "", null);
    }

    /** A figure whose goal is an upper bound (latency, heap). NaN (not measured) never meets it. */
    public static Figure atMost(String name, double value, String unit, double limit) {
        return new Figure(name, value, unit, "≤ " + Report.num(limit) + " " + unit, Double.isNaN(value) ? Boolean.FALSE : value <= limit);
    }

    /** A figure whose goal is a lower bound (throughput, delivered fraction). */
    public static Figure atLeast(String name, double value, String unit, double limit) {
        return new Figure(name, value, unit, "≥ " + Report.num(limit) + " " + unit, Double.isNaN(value) ? Boolean.FALSE : value >= limit);
    }

    public String verdict() {
        return met == null ? "" : met ? "met" : "MISSED";
    }
}
