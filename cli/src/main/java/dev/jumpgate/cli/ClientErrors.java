package dev.jumpgate.cli;

import dev.jumpgate.client.ClientConfig;
import dev.jumpgate.client.StreamRefusedException;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * How client commands end: one short line on stderr that says what to do, and an exit status that says why.
 *
 * <pre>
 *   0 done   1 other error   2 usage   3 refused (grant, device, offline)   4 relay unreachable or login failed
 *   5 not logged in
 * </pre>
 */
final class ClientErrors {

    static final int REFUSED = 3;
    static final int RELAY = 4;
    static final int NOT_LOGGED_IN = 5;

    private ClientErrors() {}

    static int run(Callable<Integer> body) {
        try {
            return body.call();
        } catch (ClientConfig.NotLoggedInException e) {
            return fail(e.getMessage(), NOT_LOGGED_IN);
        } catch (StreamRefusedException e) {
            return fail(e.getMessage(), REFUSED);
        } catch (IOException e) {
            return fail(describe(e), RELAY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", 1);
        } catch (Exception e) {
            return fail(describe(e), 1);
        }
    }

    /** The exception's message, or its kind where it has none (a closed channel, say): never "null". */
    static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    static int fail(String message, int status) {
        say(message);
        return status;
    }

    /** One line on stderr, for the user's terminal. */
    static void say(String message) {
        System.err.println("jumpgate: " + message);
    }
}
