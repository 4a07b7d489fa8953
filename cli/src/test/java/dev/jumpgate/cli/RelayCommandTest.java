package dev.jumpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.HostPort;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RelayCommandTest {

    static final List<String> KEYS = List.of("ecdsa-sha2-nistp256 AAAAE2", "ssh-ed25519 AAAAC3", "ssh-rsa AAAAB3");

    @Test
    void theHostKeysArePrintedAsKnownHostsLinesForTheBastionsAddress() {
        assertThat(RelayCommand.knownHosts(HostPort.parse("relay.example.com:2222"), Optional.empty(), KEYS))
                .contains(
                        "[relay.example.com]:2222 ecdsa-sha2-nistp256 AAAAE2\n",
                        "[relay.example.com]:2222 ssh-ed25519 AAAAC3\n",
                        "[relay.example.com]:2222 ssh-rsa AAAAB3\n");
        assertThat(RelayCommand.knownHosts(HostPort.parse("relay.example.com:22"), Optional.empty(), KEYS))
                .contains("\nrelay.example.com ssh-ed25519 AAAAC3\n");
    }

    @Test
    void aWildcardBindTakesThePublicAddresssHostOrSaysWhatToPutThere() {
        assertThat(RelayCommand.knownHosts(
                        HostPort.parse("0.0.0.0:2222"), Optional.of(HostPort.parse("relay.example.com:443")), KEYS))
                .contains("[relay.example.com]:2222 ssh-rsa AAAAB3\n");
        assertThat(RelayCommand.knownHosts(HostPort.parse("0.0.0.0:2222"), Optional.empty(), KEYS))
                .contains("[RELAY-HOST]:2222 ssh-rsa AAAAB3\n", "RELAY-HOST: the name users give ssh");
    }
}
