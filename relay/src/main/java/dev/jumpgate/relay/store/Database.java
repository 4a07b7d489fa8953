package dev.jumpgate.relay.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The one SQLite connection behind a {@link Store}, and the only place that runs work on it. Every call holds
 * this object's lock for its whole duration, so calls from different threads never interleave, and each call
 * is one transaction.
 */
final class Database implements AutoCloseable {

    private static final int BUSY_TIMEOUT_MS = 5000;

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
    private boolean closed;

    private Database(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    static Database open(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and a lost token
        // redemption or user removal would silently come back.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        try {
            return new Database(file, config.createConnection("jdbc:sqlite:" + file.toAbsolutePath()));
        } catch (SQLException e) {
            throw failure(file, e);
        }
    }

    Path file() {
        return file;
    }

    /** Runs {@code work} in a read transaction, so that multi-statement reads see one consistent state. */
    synchronized <T> T read(Work<T> work) {
        return inTransaction("BEGIN DEFERRED", work);
    }

    /**
     * Runs {@code work} in one write transaction: all of it is committed, or none of it. IMMEDIATE takes the
     * file's write lock up front, so another process writing the same file makes this wait (busy timeout)
     * rather than fail half-way through a read-then-write.
     */
    synchronized <T> T write(Work<T> work) {
        return inTransaction("BEGIN IMMEDIATE", work);
    }

    /** {@link #write} for work that returns nothing. */
    synchronized void update(Action action) {
        write(c -> {
            action.run(c);
            return null;
        });
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

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure(file, e);
        }
    }

    static StoreException failure(Path file, SQLException e) {
        return new StoreException("state database " + file + ": " + e.getMessage(), e);
    }
}
