package dev.jumpgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jumpgate.protocol.SshAlgorithms.CipherOffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * The cipher list of a client's KEXINIT is whatever the peer sent. Whatever it is, both servers offer something, only
 * ciphers they implement, and a cipher the client listed whenever the client listed any they implement: a client
 * that can talk to sshd can talk to us. The relay offers a client that lists AES-GCM nothing else.
 */
class SshAlgorithmsFuzzTest {

    private static final List<String> GCM = List.of("aes128-gcm@openssh.com", "aes256-gcm@openssh.com");

    @FuzzTest(maxDuration = "10s")
    void cipherOffer(byte[] input) {
        String client = new String(input, StandardCharsets.UTF_8);
        List<String> listed = List.of(client.split(",", -1));
        for (CipherOffer offer : List.of(SshAlgorithms.RELAY_CIPHERS, SshAlgorithms.EMBEDDED_CIPHERS)) {
            List<String> sent = List.of(offer.nameList(client).split(",", -1));
            assertThat(sent).isNotEmpty().doesNotContain("").isSubsetOf(offer.all());
            if (!Collections.disjoint(listed, offer.all())) {
                assertThat(sent).containsAnyElementsOf(listed);
            }
        }
        if (!Collections.disjoint(listed, GCM)) {
            assertThat(SshAlgorithms.RELAY_CIPHERS.nameList(client).split(",")).containsExactlyElementsOf(GCM);
        }
    }
}
