package dev.jumpgate.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.EnrollmentToken;
import dev.jumpgate.protocol.Fingerprint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StoreTokensTest extends FreshStore {

    static final DeviceName PI = new DeviceName("pi-kitchen");
    static final Fingerprint KEY_A = Fingerprint.of("agent a".getBytes(StandardCharsets.UTF_8));
    static final Fingerprint KEY_B = Fingerprint.of("agent b".getBytes(StandardCharsets.UTF_8));
    static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");
    static final Instant EXPIRES = NOW.plus(Duration.ofHours(1));
    static final String HASH = EnrollmentToken.secretHash(new byte[32]);

    @BeforeEach
    void open() {
        store.addToken(HASH, PI, EXPIRES);
    }

    @Test
    void goodTokenEnrollsTheDeviceWithTheAgentKey() {
        assertThat(store.redeemToken(HASH, PI, KEY_A, NOW)).isEqualTo(TokenCheck.OK);

        Device d = store.device(PI).orElseThrow();
        assertThat(d.agentKey()).isEqualTo(KEY_A);
        assertThat(d.enrolledAt()).isEqualTo(NOW);
    }

    @Test
    void tokenIsSingleUse() {
        assertThat(store.redeemToken(HASH, PI, KEY_A, NOW)).isEqualTo(TokenCheck.OK);

        assertThat(store.redeemToken(HASH, PI, KEY_B, NOW.plusSeconds(1))).isEqualTo(TokenCheck.USED);
        assertThat(store.device(PI).orElseThrow().agentKey()).isEqualTo(KEY_A);
    }

    @Test
    void expiredTokenIsRefused() {
        assertThat(store.redeemToken(HASH, PI, KEY_A, EXPIRES)).isEqualTo(TokenCheck.EXPIRED);
        assertThat(store.redeemToken(HASH, PI, KEY_A, EXPIRES.plusSeconds(60))).isEqualTo(TokenCheck.EXPIRED);
        assertThat(store.device(PI)).isEmpty();
        // One millisecond before expiry it still works: the refusals above consumed nothing.
        assertThat(store.redeemToken(HASH, PI, KEY_A, EXPIRES.minusMillis(1))).isEqualTo(TokenCheck.OK);
    }

    @Test
    void unknownTokenIsRefused() {
        String other = EnrollmentToken.secretHash(new byte[] {1});

        assertThat(store.redeemToken(other, PI, KEY_A, NOW)).isEqualTo(TokenCheck.UNKNOWN);
        assertThat(store.device(PI)).isEmpty();
    }

    @Test
    void tokenForAnotherDeviceIsRefusedAndStaysUsable() {
        DeviceName garage = new DeviceName("pi-garage");

        assertThat(store.redeemToken(HASH, garage, KEY_A, NOW)).isEqualTo(TokenCheck.WRONG_DEVICE);
        assertThat(store.device(garage)).isEmpty();
        assertThat(store.redeemToken(HASH, PI, KEY_A, NOW)).isEqualTo(TokenCheck.OK);
    }

    @Test
    void secondKeyForEnrolledDeviceIsRefused() {
        store.enrollDevice(PI, KEY_A);

        assertThat(store.redeemToken(HASH, PI, KEY_B, NOW)).isEqualTo(TokenCheck.DEVICE_TAKEN);
        assertThat(store.device(PI).orElseThrow().agentKey()).isEqualTo(KEY_A);

        // The refused token was not consumed, but it goes with the device: enrolling a new key takes a new token.
        assertThat(store.tokens(NOW)).extracting(IssuedToken::usedAt).containsOnlyNulls();
        store.removeDevice(PI);
        assertThat(store.redeemToken(HASH, PI, KEY_B, NOW)).isEqualTo(TokenCheck.UNKNOWN);
    }

    @Test
    void tokenForDeviceEnrolledWithTheSameKeyKeepsTheOriginalEnrollment() {
        store.enrollDevice(PI, KEY_A);
        Instant enrolledAt = store.device(PI).orElseThrow().enrolledAt();

        assertThat(store.redeemToken(HASH, PI, KEY_A, NOW)).isEqualTo(TokenCheck.OK);

        assertThat(store.device(PI).orElseThrow().enrolledAt()).isEqualTo(enrolledAt);
    }

    @Test
    void enrollmentThatFailsBeforeItsHostKeysAreStoredLeavesTheTokenUsable() {
        List<String> bad = List.of(TestKeys.line("ssh-ed25519", 1, null), "ssh-ed25519 not-base64!");

        assertThatThrownBy(() -> store.redeemToken(HASH, PI, KEY_A, bad, NOW)).isInstanceOf(StoreException.class);

        assertThat(store.device(PI)).isEmpty();
        List<String> good = List.of(TestKeys.line("ssh-ed25519", 1, null));
        assertThat(store.redeemToken(HASH, PI, KEY_B, good, NOW)).isEqualTo(TokenCheck.OK);
        Device d = store.device(PI).orElseThrow();
        assertThat(d.agentKey()).isEqualTo(KEY_B);
        assertThat(d.hostKeys()).containsExactlyElementsOf(good);
        assertThat(d.lastSeen()).isEqualTo(NOW);
    }

    @Test
    void agentWhoseWelcomeWasLostMayPresentItsTokenAgainWithTheSameKey() {
        assertThat(store.redeemToken(HASH, PI, KEY_A, NOW)).isEqualTo(TokenCheck.OK);

        List<String> keys = List.of(TestKeys.line("ssh-ed25519", 7, null));
        assertThat(store.redeemToken(HASH, PI, KEY_A, keys, NOW.plusSeconds(5))).isEqualTo(TokenCheck.OK);
        assertThat(store.device(PI).orElseThrow().hostKeys()).containsExactlyElementsOf(keys);
        assertThat(store.redeemToken(HASH, PI, KEY_B, NOW.plusSeconds(5))).isEqualTo(TokenCheck.USED);
    }

    @Test
    void sameTokenIsNotAddedTwice() {
        assertThatThrownBy(() -> store.addToken(HASH, new DeviceName("other"), EXPIRES))
                .isInstanceOf(StoreException.class)
                .hasMessage("an enrollment token with this secret already exists");
    }

    @Test
    void purgeRemovesOnlyExpiredTokens() {
        String later = EnrollmentToken.secretHash(new byte[] {2});
        store.addToken(later, PI, EXPIRES.plus(Duration.ofDays(1)));
        String used = EnrollmentToken.secretHash(new byte[] {3});
        store.addToken(used, new DeviceName("cam"), EXPIRES);
        assertThat(store.redeemToken(used, new DeviceName("cam"), KEY_B, NOW)).isEqualTo(TokenCheck.OK);

        assertThat(store.purgeExpiredTokens(EXPIRES.minusMillis(1))).isZero();
        assertThat(store.purgeExpiredTokens(EXPIRES)).isEqualTo(2);

        assertThat(store.redeemToken(HASH, PI, KEY_A, NOW)).isEqualTo(TokenCheck.UNKNOWN);
        assertThat(store.redeemToken(later, PI, KEY_A, NOW)).isEqualTo(TokenCheck.OK);
        // Purging a token does not undo the enrollment it made.
        assertThat(store.device(new DeviceName("cam"))).isPresent();
    }

    @Test
    void listingPurgesExpiredTokensFirst() {
        store.addToken(EnrollmentToken.secretHash(new byte[] {2}), new DeviceName("cam"), EXPIRES.plusSeconds(60));

        assertThat(store.tokens(NOW))
                .extracting(IssuedToken::device)
                .containsExactlyInAnyOrder(PI, new DeviceName("cam"));
        assertThat(store.tokens(EXPIRES)).extracting(IssuedToken::device).containsExactly(new DeviceName("cam"));
        assertThat(store.redeemToken(HASH, PI, KEY_A, NOW)).isEqualTo(TokenCheck.UNKNOWN);
    }

    @Test
    void openingTheStorePurgesExpiredTokens() {
        store.addToken(
                EnrollmentToken.secretHash(new byte[] {2}),
                new DeviceName("cam"),
                Instant.now().minusSeconds(1));
        store.close();

        store = Store.open(dir);

        assertThat(store.redeemToken(
                        EnrollmentToken.secretHash(new byte[] {2}),
                        new DeviceName("cam"),
                        KEY_A,
                        Instant.now().minusSeconds(10)))
                .isEqualTo(TokenCheck.UNKNOWN);
    }

    @Test
    void revokeTakesAnIdPrefixButNotAnAmbiguousOne() {
        String id = store.tokens(NOW).get(0).id();

        assertThatThrownBy(() -> store.revokeToken(id.substring(0, 3)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("too short");
        assertThat(store.revokeToken(id.substring(0, 5).toUpperCase()).device()).isEqualTo(PI);
        assertThat(store.tokens(NOW)).isEmpty();
        assertThatThrownBy(() -> store.revokeToken(id))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no token with id");
    }

    @Test
    void revokeDoesNotFindAnExpiredToken() {
        store.addToken(
                EnrollmentToken.secretHash(new byte[] {2}),
                new DeviceName("cam"),
                Instant.now().minusSeconds(1));
        String id = store.tokens(Instant.now().minusSeconds(10)).stream()
                .filter(t -> t.device().equals(new DeviceName("cam")))
                .findFirst()
                .orElseThrow()
                .id();

        assertThatThrownBy(() -> store.revokeToken(id))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no token with id");
    }

    @Test
    void redeemIsAtomicUnderConcurrency() throws Exception {
        List<TokenCheck> results = race(8, i -> store);

        assertThat(results).containsOnlyOnce(TokenCheck.OK);
        assertThat(results).filteredOn(r -> r != TokenCheck.OK).hasSize(7).containsOnly(TokenCheck.USED);
        assertThat(store.device(PI)).isPresent();
    }

    @Test
    void redeemIsAtomicAcrossConnectionsToTheSameFile() throws Exception {
        // Two stores on one file stand for two processes: SQLite's file lock, not our monitor, must decide.
        try (Store second = Store.open(dir)) {
            List<TokenCheck> results = race(8, i -> i % 2 == 0 ? store : second);

            assertThat(results).containsOnlyOnce(TokenCheck.OK);
            assertThat(results).filteredOn(r -> r != TokenCheck.OK).hasSize(7).containsOnly(TokenCheck.USED);
        }
    }

    /** Thread {@code i} redeems the token through {@code storeFor(i)} with its own agent key, all at once. */
    private List<TokenCheck> race(int threads, IntFunction<Store> storeFor) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<TokenCheck>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Store s = storeFor.apply(i);
                Fingerprint key = Fingerprint.of(("agent " + i).getBytes(StandardCharsets.UTF_8));
                Callable<TokenCheck> redeem = () -> {
                    start.await();
                    return s.redeemToken(HASH, PI, key, NOW);
                };
                futures.add(pool.submit(redeem));
            }
            start.countDown();
            List<TokenCheck> results = new ArrayList<>();
            for (Future<TokenCheck> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
