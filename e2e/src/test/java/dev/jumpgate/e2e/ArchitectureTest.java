package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The module tree is the architecture: protocol ← transport ← relay / agent / client ← cli, and beside transport
 * protocol ← ssh ← relay / agent, the one lower module that may use MINA SSHD. Imports may not run back.
 */
class ArchitectureTest {

    @ParameterizedTest(name = "{0} does not import {1}")
    @CsvSource({
        "protocol, io.netty|org.apache.sshd|dev.jumpgate.transport|dev.jumpgate.ssh|dev.jumpgate.relay|dev.jumpgate.agent|dev.jumpgate.cli",
        "transport, org.apache.sshd|dev.jumpgate.ssh|dev.jumpgate.relay|dev.jumpgate.agent|dev.jumpgate.cli",
        "ssh, io.netty|dev.jumpgate.transport|dev.jumpgate.relay|dev.jumpgate.agent|dev.jumpgate.client|dev.jumpgate.cli",
        "relay, dev.jumpgate.agent|dev.jumpgate.client|dev.jumpgate.cli",
        "agent, dev.jumpgate.relay|dev.jumpgate.client|dev.jumpgate.cli",
        "client, org.apache.sshd|dev.jumpgate.ssh|dev.jumpgate.relay|dev.jumpgate.agent|dev.jumpgate.cli",
    })
    void dependenciesRunOneWay(String module, String forbidden) throws IOException {
        Path src = Path.of("..", module, "src", "main", "java");
        assertThat(src).isDirectory();
        List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Files.readAllLines(f).stream()
                        .filter(l -> l.matches("import (static )?(" + forbidden.replace(".", "\\.") + ")\\..*"))
                        .forEach(l -> offences.add(f.getFileName() + ": " + l));
            }
        }
        assertThat(offences).isEmpty();
    }
}
