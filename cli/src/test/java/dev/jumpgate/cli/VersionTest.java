package dev.jumpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.BuildVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class VersionTest {

    @Test
    void versionPrintsTheBuildsNumber() {
        for (String[] args :
                new String[][] {{"--version"}, {"relay", "--version"}, {"ls", "--version"}, {"mux", "run", "--version"}
                }) {
            StringWriter out = new StringWriter();
            var cli = Main.commandLine(args);
            cli.setOut(new PrintWriter(out));
            assertThat(cli.execute(args)).as(String.join(" ", args)).isZero();
            assertThat(out.toString().strip()).as(String.join(" ", args)).isEqualTo("jumpgate " + BuildVersion.NUMBER);
        }
    }
}
