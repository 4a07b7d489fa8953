package dev.jumpgate.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.protocol.Fingerprint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsIdentityTest {

    @TempDir
    Path dir;

    @Test
    void savedIdentityLoadsBackWithTheSameKeyAndFingerprint() throws IOException {
        TlsIdentity id = TlsIdentity.generate("relay.example.com");
        id.save(dir.resolve("relay.key"), dir.resolve("relay.crt"));
        TlsIdentity back = TlsIdentity.load(dir.resolve("relay.key"), dir.resolve("relay.crt"));
        assertThat(back.fingerprint()).isEqualTo(id.fingerprint());
        assertThat(back.key().getEncoded()).isEqualTo(id.key().getEncoded());
        assertThat(back.publicKey()).isEqualTo(id.publicKey());
    }

    @Test
    void privateKeyFileIsReadableByItsOwnerOnly() throws IOException {
        TlsIdentity.generate("x").save(dir.resolve("a.key"), dir.resolve("a.crt"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("a.key")))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }

    @Test
    void loadOrCreateCreatesOnceThenKeepsTheSameIdentity() throws IOException {
        TlsIdentity first = TlsIdentity.loadOrCreate(dir, "agent", "agent pi");
        TlsIdentity second = TlsIdentity.loadOrCreate(dir, "agent", "agent pi");
        assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(TlsIdentity.generate("agent pi").fingerprint()).isNotEqualTo(first.fingerprint());
    }

    @Test
    void fingerprintIsTheSha256OfTheDerCertificate() throws Exception {
        TlsIdentity id = TlsIdentity.generate("x");
        assertThat(id.fingerprint()).isEqualTo(Fingerprint.of(id.certificate().getEncoded()));
        assertThat(TlsIdentity.keyFingerprint(id.publicKey()))
                .isEqualTo(Fingerprint.of(id.publicKey().getEncoded()));
    }

    @Test
    void toStringNeverShowsThePrivateKey() {
        TlsIdentity id = TlsIdentity.generate("x");
        String key = Base64.getEncoder().encodeToString(id.key().getEncoded());
        assertThat(id.toString()).contains("MASKED").doesNotContain(key.substring(0, 40));
    }

    @Test
    void filesWithoutAKeyOrCertificateAreRefused() throws IOException {
        Files.writeString(dir.resolve("empty.key"), "");
        Files.writeString(dir.resolve("empty.crt"), "");
        assertThatThrownBy(() -> TlsIdentity.load(dir.resolve("empty.key"), dir.resolve("empty.crt")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no private key");
        TlsIdentity.generate("x").save(dir.resolve("good.key"), dir.resolve("good.crt"));
        assertThatThrownBy(() -> TlsIdentity.load(dir.resolve("good.key"), dir.resolve("empty.crt")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no certificate");
    }
}
