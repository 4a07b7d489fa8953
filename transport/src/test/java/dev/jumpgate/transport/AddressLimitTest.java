package dev.jumpgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class AddressLimitTest {

    private static final InetAddress A = InetAddress.getLoopbackAddress();
    private static final InetAddress B = address(127, 0, 0, 2);

    @Test
    void oneAddressGetsItsShareAndNoMoreWhileOthersStillGetIn() {
        AddressLimit limit = new AddressLimit(2, 10);
        assertThat(limit.tryAdd(A)).isEqualTo(AddressLimit.Verdict.COUNTED);
        assertThat(limit.tryAdd(A)).isEqualTo(AddressLimit.Verdict.COUNTED);
        assertThat(limit.tryAdd(A)).isEqualTo(AddressLimit.Verdict.OVER_ADDRESS);
        assertThat(limit.tryAdd(B)).isEqualTo(AddressLimit.Verdict.COUNTED);
        assertThat(limit.count(A)).isEqualTo(2);
        assertThat(limit.count()).isEqualTo(3);
        assertThat(limit.refused()).isEqualTo(1);
    }

    @Test
    void theTotalBoundsAllAddressesAndARemovalMakesRoom() {
        AddressLimit limit = new AddressLimit(5, 2);
        assertThat(limit.tryAdd(A)).isEqualTo(AddressLimit.Verdict.COUNTED);
        assertThat(limit.tryAdd(B)).isEqualTo(AddressLimit.Verdict.COUNTED);
        assertThat(limit.tryAdd(B)).isEqualTo(AddressLimit.Verdict.OVER_TOTAL);
        limit.remove(A);
        assertThat(limit.count(A)).isZero();
        assertThat(limit.tryAdd(B)).isEqualTo(AddressLimit.Verdict.COUNTED);
    }

    @Test
    void aWarningIsDueAtMostOnceAMinute() {
        AddressLimit limit = new AddressLimit(1, 1);
        assertThat(limit.warningDue()).isTrue();
        assertThat(limit.warningDue()).isFalse();
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
