package dev.jumpgate.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    @TempDir
    Path dir;

    Database db;
    final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        threads.shutdownNow();
        db.close();
    }

    @Test
    void floodBeyondTheQueueIsRefusedAtOnceAsRelayBusyAndTheQueuedCallsStillRun() throws Exception {
        db = Database.open(dir.resolve("state.db"), 16, Duration.ofSeconds(60));
        CompletableFuture<Void> slow = holdTheConnection();
        List<CompletableFuture<String>> flood = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            flood.add(CompletableFuture.supplyAsync(this::oneCall, threads));
        }

        // Everything past the 16 queued calls fails without waiting for the slow call to end.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> flood.stream().filter(f -> f.isDone()).count() == 500 - 16);
        assertThat(db.waiting()).isEqualTo(16);
        List<String> refused = flood.stream()
                .filter(CompletableFuture::isDone)
                .map(CompletableFuture::join)
                .toList();
        assertThat(refused)
                .containsOnly(
                        "relay busy: 16 calls are already waiting for its state database; try" + " again in a minute");

        release.countDown();
        slow.get(30, TimeUnit.SECONDS);
        assertThat(flood.stream().map(f -> f.join()).filter(r -> r.equals("ok")))
                .hasSize(16);
        assertThat(oneCall()).isEqualTo("ok");
    }

    @Test
    void callThatWaitsPastTheLimitGivesUpAsRelayBusy() throws Exception {
        db = Database.open(dir.resolve("state.db"), 16, Duration.ofMillis(300));
        holdTheConnection();

        long start = System.nanoTime();
        assertThatThrownBy(() -> db.read(c -> 1))
                .isInstanceOf(StoreBusyException.class)
                .hasMessageStartingWith("relay busy: a state database call waited over");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
    }

    /** Starts a call that keeps the connection until {@link #release}; returns once it holds it. */
    private CompletableFuture<Void> holdTheConnection() throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        CompletableFuture<Void> slow = CompletableFuture.runAsync(
                () -> db.update(c -> {
                    holding.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }),
                threads);
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
        return slow;
    }

    private String oneCall() {
        try {
            return db.read(c -> "ok");
        } catch (StoreBusyException e) {
            return e.getMessage();
        }
    }
}
