package dev.jumpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProxyCommandCliTest {

    @Test
    void quickParseTakesTheProxyCommandLineAsSshGivesIt() {
        ProxyCommandCli p = ProxyCommandCli.quickParse("proxy", "pi-kitchen", "2222");
        assertThat(p).isNotNull();
        assertThat(p.device).isEqualTo("pi-kitchen");
        assertThat(p.port).isEqualTo(2222);
        assertThat(ProxyCommandCli.quickParse("proxy", "pi-kitchen").port).isEqualTo(22);
    }

    @Test
    void quickParseLeavesEverythingElseToPicocli() {
        assertThat(ProxyCommandCli.quickParse("proxy", "--help")).isNull();
        assertThat(ProxyCommandCli.quickParse("proxy", "pi", "--help")).isNull();
        assertThat(ProxyCommandCli.quickParse("proxy", "pi", "ssh")).isNull();
        assertThat(ProxyCommandCli.quickParse("proxy", "pi", "70000")).isNull();
        assertThat(ProxyCommandCli.quickParse("proxy", "pi", "22", "extra")).isNull();
        assertThat(ProxyCommandCli.quickParse("proxy")).isNull();
        assertThat(ProxyCommandCli.quickParse("ls", "pi")).isNull();
    }

    @Test
    void aClientCommandGetsOnlyItsOwnCommandTree() {
        assertThat(Main.commandLine("ls").getSubcommands()).containsOnlyKeys("ls");
        assertThat(Main.commandLine("relay").getSubcommands()).containsKeys("relay", "agent", "proxy", "ls");
    }
}
