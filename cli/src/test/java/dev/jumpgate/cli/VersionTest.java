package dev.jumpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.BuildVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class VersionTest {

    @Test
    void versionPrintsTheBuildsNumber() {
        StringWriter out = new StringWriter();
        var cli = Main.commandLine("--version");
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("--version")).isZero();
        assertThat(out.toString().strip()).isEqualTo("jumpgate " + BuildVersion.NUMBER);
    }
}
