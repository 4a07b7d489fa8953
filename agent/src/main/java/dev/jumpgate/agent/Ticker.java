package dev.jumpgate.agent;

import java.time.Duration;

/** The passing of time as waiting code sees it: a monotonic reading and a sleep. Tests drive a fake one. */
interface Ticker {

    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration d) throws InterruptedException {
            Thread.sleep(d);
        }
    };

    /** Nanoseconds from an arbitrary origin, as {@link System#nanoTime()}. */
    long nanoTime();

    void sleep(Duration d) throws InterruptedException;
}
