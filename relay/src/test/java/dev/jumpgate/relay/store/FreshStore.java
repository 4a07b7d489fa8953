package dev.jumpgate.relay.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * For tests on a store: each test gets a fresh one in a directory of its own, opened before the subclass's own
 * {@code @BeforeEach} and closed after its {@code @AfterEach}.
 */
public abstract class FreshStore {

    @TempDir
    protected Path dir;

    protected Store store;

    @BeforeEach
    final void openStore() {
        store = Store.open(dir);
    }

    @AfterEach
    final void closeStore() {
        store.close();
    }
}
