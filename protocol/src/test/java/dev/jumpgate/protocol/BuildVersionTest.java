package dev.jumpgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class BuildVersionTest {

    /** The module's pom: its own {@code <version>}, or else the one it inherits from {@code <parent>}. */
    private static String pomVersion() throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Element project =
                factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile()).getDocumentElement();
        String own = childText(project, "version");
        if (own != null) {
            return own;
        }
        Element parent = (Element) project.getElementsByTagName("parent").item(0);
        return childText(parent, "version");
    }

    private static String childText(Element e, String name) {
        for (var n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c.getTextContent().strip();
            }
        }
        return null;
    }

    @Test
    void theNumberIsThePomsVersion() throws Exception {
        assertThat(BuildVersion.NUMBER).isEqualTo(pomVersion());
    }

    @Test
    void theAnnouncedFormNamesMajorAndMinor() throws Exception {
        String[] parts = pomVersion().split("[.-]");
        assertThat(BuildVersion.ANNOUNCED).isEqualTo("jumpgate/" + parts[0] + "." + parts[1]);
        assertThat(BuildVersion.ANNOUNCED.length()).isLessThanOrEqualTo(64); // LinkCodec reads at most 64 bytes
    }

    @Test
    void majorMinorDropsPatchAndQualifier() {
        assertThat(BuildVersion.majorMinor("0.1.0-SNAPSHOT")).isEqualTo("0.1");
        assertThat(BuildVersion.majorMinor("12.3")).isEqualTo("12.3");
        assertThat(BuildVersion.majorMinor("2.0-rc1")).isEqualTo("2.0");
        assertThatThrownBy(() -> BuildVersion.majorMinor("${project.version}"))
                .isInstanceOf(IllegalStateException.class);
    }
}
