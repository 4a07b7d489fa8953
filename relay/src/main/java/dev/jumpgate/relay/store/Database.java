package dev.jumpgate.relay.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.sqlite.SQLiteConfig;

/**
 * The one SQLite connection behind a {@link Store}, and the only place that runs work on it. Every call holds
 * this object's lock for its whole duration, so calls from different threads never interleave, and each call
 * is one transaction.
 *
 * <p>The callers waiting for the lock are this relay's database queue, and it is bounded: at most
 * {@link #MAX_QUEUED} calls wait, each at most {@link #MAX_WAIT}. A call beyond either limit fails at once
 * with {@link StoreBusyException} rather than pile up threads behind a slow disk or a flood of logins.
 */
final class Database implements AutoCloseable {

    private static final int BUSY_TIMEOUT_MS = 5000;
    /** Calls that may wait for the connection, beside the one running: enough for every thread that calls. */
    static final int MAX_QUEUED = 256;
    /** Longer than SQLite's own busy timeout, so that a second process holding the file shows as that. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    interface Action {
        void run(Connection c) throws SQLException;
    }

    private final Path file;
    private final Connection connection;
    // Fair, so that the longest-waiting call runs next and none waits past MAX_WAIT behind newer ones.
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Semaphore queue;
    private final int maxQueued;
    private final Duration maxWait;
    private boolean closed;

    private Database(Path file, Connection connection, int maxQueued, Duration maxWait) {
        this.file = file;
        this.connection = connection;
        this.queue = new Semaphore(maxQueued + 1);
        this.maxQueued = maxQueued;
        this.maxWait = maxWait;
    }

    static Database open(Path file) {
        return open(file, MAX_QUEUED, MAX_WAIT);
    }

    static Database open(Path file, int maxQueued, Duration maxWait) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and a lost token
        // redemption or user removal would silently come back.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        try {
            return new Database(
                    file, config.createConnection("jdbc:sqlite:" + file.toAbsolutePath()), maxQueued, maxWait);
        } catch (SQLException e) {
            throw failure(file, e);
        }
    }

    /** For tests: how many calls wait for the connection now. */
    int waiting() {
        return lock.getQueueLength();
    }

    Path file() {
        return file;
    }

    /** Runs {@code work} in a read transaction, so that multi-statement reads see one consistent state. */
    <T> T read(Work<T> work) {
        return locked(() -> inTransaction("BEGIN DEFERRED", work));
    }

    /**
     * Runs {@code work} in one write transaction: all of it is committed, or none of it. IMMEDIATE takes the
     * file's write lock up front, so another process writing the same file makes this wait (busy timeout)
     * rather than fail half-way through a read-then-write.
     */
    <T> T write(Work<T> work) {
        return locked(() -> inTransaction("BEGIN IMMEDIATE", work));
    }

    /** {@link #write} for work that returns nothing. */
    void update(Action action) {
        write(c -> {
            action.run(c);
            return null;
        });
    }

    private <T> T locked(Supplier<T> call) {
        if (!queue.tryAcquire()) {
            throw new StoreBusyException("relay busy: " + maxQueued + " calls are already waiting for its state"
                    + " database; try again in a minute");
        }
        try {
            if (!lock.tryLock(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new StoreBusyException("relay busy: a state database call waited over " + maxWait.toSeconds()
                        + " s; try again in a minute");
            }
            try {
                return call.get();
            } finally {
                lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreBusyException("relay busy: interrupted while waiting for the state database");
        } finally {
            queue.release();
        }
    }

    // Transactions are issued as plain SQL in auto-commit mode: the driver's setAutoCommit(false) would open
    // a new transaction right after every commit and hold it until the next call.
    private <T> T inTransaction(String begin, Work<T> work) {
        if (closed) {
            throw new StoreException("state database " + file + " is closed");
        }
        try {
            exec(begin);
            try {
                T result = work.run(connection);
                exec("COMMIT");
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(e);
                throw e;
            }
        } catch (SQLException e) {
            throw failure(file, e);
        }
    }

    private void exec(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    // SQLite ends the transaction itself after some errors; then ROLLBACK fails, and that is only worth a note.
    private void rollback(Exception cause) {
        try {
            exec("ROLLBACK");
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Waits for the running call, not for the queue: callers still waiting then find the database closed. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            connection.close();
        } catch (SQLException e) {
            throw failure(file, e);
        } finally {
            lock.unlock();
        }
    }

    static StoreException failure(Path file, SQLException e) {
        return new StoreException("state database " + file + ": " + e.getMessage(), e);
    }
}
