package dev.jumpgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SshAlgorithmsTest {

    /** OpenSSH 9's default client list: chacha20 first, AES-GCM last. */
    static final List<String> OPENSSH = List.of(
            "chacha20-poly1305@openssh.com",
            "aes128-ctr",
            "aes192-ctr",
            "aes256-ctr",
            "aes128-gcm@openssh.com",
            "aes256-gcm@openssh.com");

    @Test
    void theRelayOffersOnlyAesGcmToAClientThatHasIt() {
        assertThat(SshAlgorithms.RELAY_CIPHERS.to(OPENSSH))
                .containsExactly("aes128-gcm@openssh.com", "aes256-gcm@openssh.com");
        assertThat(SshAlgorithms.RELAY_CIPHERS.to(List.of("aes256-gcm@openssh.com")))
                .contains("aes256-gcm@openssh.com");
    }

    @Test
    void aClientWithoutTheFastCiphersIsOfferedEverythingSshdOffers() {
        for (List<String> client : List.of(
                List.of("chacha20-poly1305@openssh.com"),
                List.of("aes128-ctr"),
                List.of("aes256-ctr", "chacha20-poly1305@openssh.com"),
                List.<String>of())) {
            assertThat(SshAlgorithms.RELAY_CIPHERS.to(client)).as("%s", client).isEqualTo(SshAlgorithms.CIPHERS);
        }
        assertThat(SshAlgorithms.EMBEDDED_CIPHERS.to(List.of("chacha20-poly1305@openssh.com")))
                .isEqualTo(SshAlgorithms.CIPHERS);
    }

    @Test
    void theEmbeddedServerOffersNoChacha20ToAClientWithAes() {
        assertThat(SshAlgorithms.EMBEDDED_CIPHERS.to(OPENSSH))
                .doesNotContain("chacha20-poly1305@openssh.com")
                .startsWith("aes128-ctr");
        assertThat(SshAlgorithms.EMBEDDED_CIPHERS.to(List.of("chacha20-poly1305@openssh.com", "aes256-ctr")))
                .contains("aes256-ctr")
                .doesNotContain("chacha20-poly1305@openssh.com");
    }

    @Test
    void onlyOpenSshIsWaitedFor() {
        assertThat(SshAlgorithms.waitsForClientKexInit("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10"))
                .isTrue();
        assertThat(SshAlgorithms.waitsForClientKexInit("SSH-2.0-PuTTY_Release_0.78"))
                .isFalse();
        assertThat(SshAlgorithms.waitsForClientKexInit("SSH-2.0-Go")).isFalse();
        assertThat(SshAlgorithms.waitsForClientKexInit(null)).isFalse();
    }

    @Test
    void theRelayNeverCompresses() {
        assertThat(SshAlgorithms.RELAY_COMPRESSION).containsExactly("none");
        assertThat(SshAlgorithms.EMBEDDED_COMPRESSION).doesNotContain("zlib");
    }

    @Test
    void noSha1RsaSignatures() {
        assertThat(SshAlgorithms.SIGNATURES).doesNotContain("ssh-rsa", "ssh-rsa-cert-v01@openssh.com", "ssh-dss");
    }
}
