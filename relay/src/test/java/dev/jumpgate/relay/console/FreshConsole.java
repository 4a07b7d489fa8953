package dev.jumpgate.relay.console;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.relay.Access;
import dev.jumpgate.relay.link.Links;
import dev.jumpgate.relay.store.FreshStore;
import dev.jumpgate.relay.store.Role;
import org.junit.jupiter.api.BeforeEach;

/** For tests of console commands: a fresh store whose admin is {@code root}, and the console on it. */
abstract class FreshConsole extends FreshStore {

    static final HostPort RELAY = HostPort.parse("relay.example.com:443");
    static final Fingerprint PIN = Fingerprint.of(new byte[] {1});

    Console console;

    @BeforeEach
    final void openConsole() {
        store.addUser("root", Role.ADMIN);
        Links links = new Links(store, Runnable::run);
        console = new Console(store, links, new Access(store, links), RELAY, PIN);
    }
}
