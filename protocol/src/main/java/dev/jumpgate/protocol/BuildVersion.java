package dev.jumpgate.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this build, the one place every module reads it from. The number comes from the pom
 * ({@code project.version}), which the build writes into {@code jumpgate-version.properties} beside this class.
 */
public final class BuildVersion {

    /** The project's version as the build saw it, for example {@code 0.1.0-SNAPSHOT}; {@code jumpgate --version}. */
    public static final String NUMBER = load();

    /**
     * What the agent, the relay and the client announce in the link handshake (Hello, Welcome, Challenge, Login):
     * {@code jumpgate/MAJOR.MINOR}, for example {@code jumpgate/0.1}. It names the line of releases, not the build.
     */
    public static final String ANNOUNCED = "jumpgate/" + majorMinor(NUMBER);

    private BuildVersion() {}

    static String majorMinor(String number) {
        String[] parts = number.split("[.-]", 3);
        if (parts.length < 2 || !parts[0].matches("\\d+") || !parts[1].matches("\\d+")) {
            throw new IllegalStateException("the build's version '" + number + "' is not MAJOR.MINOR...");
        }
        return parts[0] + "." + parts[1];
    }

    private static String load() {
        try (InputStream in = BuildVersion.class.getResourceAsStream("jumpgate-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("jumpgate-version.properties is missing from the protocol jar");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (v.isBlank() || v.contains("${")) {
                throw new IllegalStateException("jumpgate-version.properties was not filled in by the build: " + v);
            }
            return v.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
